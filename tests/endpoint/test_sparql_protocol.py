"""The SPARQL 1.1 Protocol over real HTTP: `kg serve` as a process on 127.0.0.1, spoken to
with urllib. Every result format is read back with a real parser."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import pyoxigraph as ox
import pytest
import rdflib

from ..conftest import http, serving

LABEL_Q = "SELECT ?label WHERE { mgr:iom rdfs:label ?label }"
IOM = "International Organization for Migration"
G_DATA = "https://w3id.org/mgkg/graph/001_4f7e06674fa94512"
G_ONTO = "https://w3id.org/mgkg/graph/ontology"


@pytest.fixture(scope="module")
def server(mini_settings):
    with serving(mini_settings) as s:
        yield s


def get(server, query: str | None = None, accept: str | None = None, **params):
    if query is not None:
        params["query"] = query
    url = server.base + "/sparql"
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    return http("GET", url, headers={"Accept": accept} if accept else {})


def post_form(server, fields: dict, accept: str | None = None, url_params: str = ""):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return http("POST", server.base + "/sparql" + url_params,
                urllib.parse.urlencode(fields, doseq=True).encode(), headers)


def post_query(server, query: str, accept: str | None = None, url_params: str = ""):
    headers = {"Content-Type": "application/sparql-query; charset=utf-8"}
    if accept:
        headers["Accept"] = accept
    return http("POST", server.base + "/sparql" + url_params, query.encode(), headers)


# ------------------------------------------------------------------ the three ways in


def test_get_post_form_and_post_body_give_the_same_answer(server):
    answers = [get(server, LABEL_Q), post_form(server, {"query": LABEL_Q}),
               post_query(server, LABEL_Q)]
    for r in answers:
        assert r.status == 200, r.body
        assert r.headers["Content-Type"] == "application/sparql-results+json"
        doc = r.json()
        assert doc["head"]["vars"] == ["label"]
        assert doc["results"]["bindings"] == [
            {"label": {"type": "literal", "value": IOM, "xml:lang": "en"}}]
        assert r.headers["X-MGKG-Truncated"] == "false" and r.headers["X-MGKG-Rows"] == "1"
        assert r.headers["Server-Timing"].startswith("query;dur=")


def test_head_has_headers_and_no_body(server):
    r = http("HEAD", server.base + "/sparql?" + urllib.parse.urlencode({"query": LABEL_Q}))
    assert r.status == 200 and r.body == b""
    assert r.headers["Content-Type"] == "application/sparql-results+json"


# ------------------------------------------------------------------ every format


@pytest.mark.parametrize("accept", [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values"])
def test_select_in_every_result_format(server, accept):
    r = get(server, "SELECT ?s ?label WHERE { ?s a mg:IntergovernmentalOrganization ; "
                    "rdfs:label ?label }", accept)
    assert r.status == 200, r.body
    assert r.headers["Content-Type"].split(";")[0] == accept
    if accept == "text/csv":
        assert list(csv.reader(io.StringIO(r.text, newline=""))) == [
            ["s", "label"], ["https://w3id.org/mgkg/id/iom", IOM]]
        return
    parsed = ox.parse_query_results(r.body, ox.QueryResultsFormat.from_media_type(accept))
    assert [v.value for v in parsed.variables] == ["s", "label"]
    assert [tuple(s) for s in parsed] == [
        (ox.NamedNode("https://w3id.org/mgkg/id/iom"), ox.Literal(IOM, language="en"))]


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/sparql-results+json", b'{"head":{},"boolean":true}'),
    ("application/sparql-results+xml", b"<boolean>true</boolean>"),
    ("text/csv", b"_askResult\r\ntrue\r\n"),
    ("text/tab-separated-values", b"?_askResult\ntrue\n")])
def test_ask_in_every_result_format(server, accept, expected):
    r = get(server, "ASK { mgr:iom a mg:IntergovernmentalOrganization }", accept)
    assert r.status == 200 and expected in r.body
    assert r.headers["Content-Type"].split(";")[0] == accept


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
@pytest.mark.parametrize(("query", "value"), [
    ("ASK { mgr:iom a mg:IntergovernmentalOrganization }", True),
    ("ASK { mgr:iom a mg:Person }", False)])
def test_ask_as_csv_and_tsv_is_a_table_readers_understand(server, fmt, delimiter, query, value):
    """SPARQL 1.1 CSV/TSV (sections 3 and 4): a header row of variables (TSV with their
    `?`), then one row per solution; Jena reads a one-column `_askResult` table as an ASK
    answer. rdflib reads it as a one-row table whose one value is the answer."""
    r = get(server, query, format=fmt)
    word = "true" if value else "false"
    rows = list(csv.reader(io.StringIO(r.text, newline=""), delimiter=delimiter))
    assert rows == [["_askResult" if fmt == "csv" else "?_askResult"], [word]]
    if fmt == "csv":
        assert r.text.endswith("\r\n")  # CSV lines end in CRLF (RFC 4180)
    result = rdflib.query.Result.parse(io.BytesIO(r.body), format=fmt)
    assert [str(v) for v in result.vars] == ["_askResult"]
    (answer,), = list(result)
    assert str(answer) == word
    if fmt == "tsv":  # a TSV value is an RDF term: the boolean literal itself
        assert answer.toPython() is value


@pytest.mark.parametrize("charset", ["UTF-16", "ISO-8859-1", "latin1"])
@pytest.mark.parametrize("kind", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_a_body_not_in_utf8_is_refused(server, kind, charset):
    text = "ASK {}" if kind.endswith("query") else "query=ASK%20%7B%7D"
    r = http("POST", server.base + "/sparql", text.encode(charset),
             {"Content-Type": f"{kind}; charset={charset}"})
    assert r.status == 415 and "must be UTF-8" in r.text
    ok = http("POST", server.base + "/sparql/", text.encode(),
              {"Content-Type": f"{kind}; charset=UTF-8"})
    assert ok.status == 200


def test_invalid_utf8_is_400(server):
    r = http("POST", server.base + "/sparql", "ASK { ?s ?p 'é' }".encode("latin-1"),
             {"Content-Type": "application/sparql-query"})
    assert r.status == 400 and "not valid UTF-8" in r.text


def test_trailing_slash_is_the_same_endpoint(server):
    plain = get(server, LABEL_Q, "text/csv")
    slash = http("GET", server.base + "/sparql/?" + urllib.parse.urlencode({"query": LABEL_Q}),
                 headers={"Accept": "text/csv"})
    assert slash.status == 200 and slash.body == plain.body
    assert http("GET", server.base + "/sparql/").status == 200  # the service description


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json",
                                                                  "json-ld"),
    ("application/rdf+xml", "xml"), ("application/trig", "trig"),
    ("application/n-quads", "nquads")])
@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { mgr:iom ?p ?o }", "DESCRIBE mgr:iom"])
def test_graph_results_in_every_rdf_format(server, accept, rdflib_format, form):
    r = get(server, form, accept)
    assert r.status == 200, r.body
    assert r.headers["Content-Type"].split(";")[0] == accept
    graph = rdflib.Dataset() if rdflib_format in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=r.body, format=rdflib_format)
    iom = rdflib.URIRef("https://w3id.org/mgkg/id/iom")
    label = rdflib.Literal(IOM, lang="en")
    assert (iom, rdflib.RDFS.label, label) in (
        graph.default_graph if isinstance(graph, rdflib.Dataset) else graph)
    assert int(r.headers["X-MGKG-Rows"]) == len(graph) >= 5


def test_accept_q_values_choose_the_format(server):
    r = get(server, LABEL_Q, "application/sparql-results+json;q=0.2, text/csv;q=0.9, "
                             "application/sparql-results+xml;q=0.5")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    r = get(server, "CONSTRUCT WHERE { mgr:iom ?p ?o }",
            "text/turtle;q=0.1, application/n-triples;q=0.8, */*;q=0.01")
    assert r.headers["Content-Type"] == "application/n-triples; charset=utf-8"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert get(server, LABEL_Q, browser).headers["Content-Type"] == \
        "application/sparql-results+xml"


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv; charset=utf-8"), ("tsv", "text/tab-separated-values; charset=utf-8"),
    ("text/csv", "text/csv; charset=utf-8")])
def test_format_parameter_beats_accept(server, fmt, content_type):
    r = get(server, LABEL_Q, "application/sparql-results+json", format=fmt)
    assert r.status == 200 and r.headers["Content-Type"] == content_type


def test_format_parameter_for_graphs_and_in_a_form(server):
    r = get(server, "DESCRIBE mgr:iom", format="json")
    assert r.headers["Content-Type"] == "application/ld+json"
    assert any("@id" in node for node in json.loads(r.body))
    r = post_form(server, {"query": "DESCRIBE mgr:iom", "format": "nt"})
    assert r.headers["Content-Type"] == "application/n-triples; charset=utf-8"


# ------------------------------------------------------------------ error statuses


def test_syntax_error_is_400_with_the_parser_message(server):
    r = get(server, "SELECT ?x WHERE { ?x ?y }")
    assert r.status == 400
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.text.startswith("SPARQL syntax error: error at 1:")
    assert "expected" in r.text


def test_nothing_acceptable_is_406(server):
    r = get(server, LABEL_Q, "image/png")
    assert r.status == 406 and "application/sparql-results+json" in r.text
    r = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")
    assert r.status == 406 and "text/turtle" in r.text
    assert get(server, "DESCRIBE mgr:iom", format="csv").status == 406
    assert get(server, LABEL_Q, format="pdf").status == 400


def test_wrong_media_type_is_415(server):
    for ctype in ("text/plain", "application/json", "multipart/form-data; boundary=x"):
        r = http("POST", server.base + "/sparql", LABEL_Q.encode(), {"Content-Type": ctype})
        assert r.status == 415, ctype
        assert "application/sparql-query" in r.text
    r = http("POST", server.base + "/sparql", LABEL_Q.encode(), {"Content-Type": ""})
    assert r.status == 415


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405_with_allow(server, method):
    r = http(method, server.base + "/sparql", b"x", {"Content-Type": "text/plain"})
    assert r.status == 405
    assert r.headers["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_missing_empty_or_repeated_query_is_400(server):
    assert post_form(server, {"format": "json"}).status == 400
    assert get(server, "   ").status == 400
    r = http("GET", server.base + "/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert r.status == 400 and "one query" in r.text
    r = post_query(server, LABEL_Q, url_params="?query=ASK%7B%7D")
    assert r.status == 400


def test_bad_graph_iri_is_400(server):
    r = get(server, LABEL_Q, **{"default-graph-uri": "not an iri"})
    assert r.status == 400 and "absolute IRI" in r.text


# ------------------------------------------------------------------ the dataset


def count(r) -> int:
    assert r.status == 200, r.body
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_union_of_the_named_graphs(server):
    total = count(get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    distinct = count(get(server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                                 "WHERE { GRAPH ?g { ?s ?p ?o } } }"))
    assert total == distinct > 1000
    graphs = get(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g").json()
    names = [b["g"]["value"] for b in graphs["results"]["bindings"]]
    assert names == [G_DATA, G_ONTO, "https://w3id.org/mgkg/graph/summary",
                     "https://w3id.org/mgkg/graph/void"]


def test_default_graph_uri_and_named_graph_uri(server):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    only_data = count(get(server, q, **{"default-graph-uri": G_DATA}))
    only_onto = count(get(server, q, **{"default-graph-uri": G_ONTO}))
    both = count(get(server, q, **{"default-graph-uri": [G_DATA, G_ONTO]}))
    assert 0 < only_data < only_onto and both == only_data + only_onto
    # the same through a form POST and with the query in the body
    assert count(post_form(server, {"query": q, "default-graph-uri": G_DATA})) == only_data
    assert count(post_query(server, q, url_params="?default-graph-uri=" +
                            urllib.parse.quote(G_DATA, safe=""))) == only_data
    # named-graph-uri alone: GRAPH sees only that graph, the default graph is empty
    gq = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = get(server, gq, **{"named-graph-uri": G_DATA}).json()["results"]["bindings"]
    assert [(b["g"]["value"], int(b["n"]["value"])) for b in r] == [(G_DATA, only_data)]
    assert count(get(server, q, **{"named-graph-uri": G_DATA})) == 0
    # FROM in the query works when the protocol names no dataset
    assert count(get(server, f"SELECT (COUNT(*) AS ?n) FROM <{G_DATA}> WHERE {{ ?s ?p ?o }}")
                 ) == only_data


# ------------------------------------------------------------------ description, CORS


def test_service_description(server):
    r = get(server)
    assert r.status == 200 and r.headers["Content-Type"] == "text/turtle; charset=utf-8"
    g = rdflib.Graph().parse(data=r.body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    endpoint = rdflib.URIRef(server.base + "/sparql")
    assert (endpoint, rdflib.RDF.type, sd.Service) in g
    assert (endpoint, sd.endpoint, endpoint) in g
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (endpoint, sd.feature, sd.UnionDefaultGraph) in g
    formats = {str(o) for o in g.objects(endpoint, sd.resultFormat)}
    assert {"http://www.w3.org/ns/formats/SPARQL_Results_JSON",
            "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
            "http://www.w3.org/ns/formats/Turtle", "http://www.w3.org/ns/formats/TriG"} <= formats
    names = {str(o) for o in g.objects(None, sd.name)}
    assert names == {G_DATA, G_ONTO, "https://w3id.org/mgkg/graph/summary",
                     "https://w3id.org/mgkg/graph/void"}
    dataset = g.value(endpoint, sd.defaultDataset)
    assert (dataset, rdflib.RDF.type, void.Dataset) in g
    assert (endpoint, rdflib.RDFS.seeAlso, rdflib.URIRef("https://w3id.org/mgkg/graph/void")) in g
    assert (endpoint, rdflib.RDFS.seeAlso, rdflib.URIRef(server.base + "/.well-known/void")) in g
    default = g.value(dataset, sd.defaultGraph)
    total = count(get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert int(g.value(default, void.triples)) == total
    nt = get(server, accept="application/n-triples")
    assert nt.headers["Content-Type"] == "application/n-triples; charset=utf-8"


def test_cors(server):
    r = get(server, LABEL_Q)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-MGKG-Truncated" in r.headers["Access-Control-Expose-Headers"]
    pre = http("OPTIONS", server.base + "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status == 204
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    # A fixed list, never an echo of what the preflight asked for.
    odd = http("OPTIONS", server.base + "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-evil, authorization"})
    assert "x-evil" not in odd.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" not in odd.headers["Access-Control-Allow-Headers"].lower()


def test_access_log_line_per_query(server):
    marker = "access-log-marker-7"
    r = get(server, f'SELECT ("{marker}" AS ?m) WHERE {{}}')
    assert r.status == 200
    assert server.wait_for_output(marker)
    line = next(ln for ln in server.output().splitlines() if marker in ln)
    assert '"GET /sparql" 200' in line and "ms" in line and "rows=1" in line
    assert "form=SELECT" in line
