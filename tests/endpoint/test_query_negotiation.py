"""The pieces under the endpoint, on real stores: negotiation, the query lexer, the
result writers (read back by pyoxigraph's own parsers) and evaluation."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from kg.endpoint.evaluate import Job, Limits, evaluate
from kg.endpoint.negotiate import GRAPH_FORMATS, RESULT_FORMATS, UnknownFormat, by_name, choose
from kg.endpoint.results import write_graph, write_select
from kg.store.sparqltext import shape

EX = "http://example.org/"


def fmt(name, offers=RESULT_FORMATS):
    return next(f for f in offers if f.name == name)


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "json"),
    ("", "json"),
    ("*/*", "json"),
    ("text/csv", "csv"),
    ("text/csv;q=0.5, application/sparql-results+xml", "xml"),
    ("application/sparql-results+json;q=0.1, text/tab-separated-values;q=0.2", "tsv"),
    ("text/*;q=0.9, */*;q=0.1", "csv"),  # server order among equals: CSV before TSV
    ("application/json", "json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
    ("*/*;q=0.5, application/sparql-results+json;q=0", "xml"),  # explicit q=0 excludes
    ("garbage", "json"),
])
def test_accept_with_q_values_for_results(accept, expected):
    assert choose(accept, RESULT_FORMATS).name == expected


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json;q=0.9, application/rdf+xml", "rdfxml"),
    ("application/trig", "trig"),
    ("application/n-quads, text/turtle;q=0.5", "nquads"),
    ("application/json", "jsonld"),
])
def test_accept_for_graphs(accept, expected):
    assert choose(accept, GRAPH_FORMATS).name == expected


def test_nothing_acceptable_is_none():
    assert choose("image/png", RESULT_FORMATS) is None
    assert choose("text/csv", GRAPH_FORMATS) is None
    assert choose("text/turtle;q=0", GRAPH_FORMATS) is None


def test_format_parameter_names():
    assert by_name("json", RESULT_FORMATS).name == "json"
    assert by_name("json", GRAPH_FORMATS).name == "jsonld"
    assert by_name("xml", GRAPH_FORMATS).name == "rdfxml"
    assert by_name("text/csv", RESULT_FORMATS).name == "csv"
    assert by_name("TTL", GRAPH_FORMATS).name == "turtle"
    assert by_name("csv", GRAPH_FORMATS) is None
    with pytest.raises(UnknownFormat):
        by_name("pdf", RESULT_FORMATS)


@pytest.mark.parametrize(("query", "form", "update", "service", "dataset"), [
    ("SELECT * { ?s ?p ?o }", "SELECT", False, False, False),
    ("PREFIX ex: <http://x/> BASE <http://y/> ask { ?s ex:p ?o }", "ASK", False, False, False),
    ("prefix a: <x> insert data { <a> <b> <c> }", "INSERT", True, False, False),
    ("LOAD <http://127.0.0.1:1/x>", "LOAD", True, False, False),
    ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH", True, False, False),
    ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", "SELECT", False, True, False),
    ("select * where { ?s ?p ?o .service silent <http://x/> {} }", "SELECT", False, True, False),
    # the word inside strings, IRIs, comments, variables and prefixed names is not a keyword
    ('PREFIX service: <http://x/SERVICE> SELECT ?service { ?s service:SERVICE "SERVICE", '
     '"""FROM "x" SERVICE""" ; ex:a.SERVICE ?o } # SERVICE <http://x/>',
     "SELECT", False, False, False),
    ("SELECT * FROM<http://g> WHERE { ?s ?p ?o }", "SELECT", False, False, True),
    ("CONSTRUCT WHERE { ?s ?p 'from' }", "CONSTRUCT", False, False, False),
])
def test_lexer_sees_only_keywords(query, form, update, service, dataset):
    s = shape(query)
    assert (s.form, s.is_update, s.uses_service, s.has_dataset) == (form, update, service,
                                                                     dataset)


ROWS = [
    (ox.NamedNode(EX + "a"), ox.Literal('tab\there, "quoted",\nnew line', language="en"), None),
    (ox.BlankNode("b1"), ox.Literal("42", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")), ox.Literal("plain <&> text")),
]
VARS = ["s", "o", "x"]


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_select_writers_read_back_by_pyoxigraph(name):
    body = write_select(fmt(name), VARS, iter(ROWS), max_rows=100, max_bytes=10**6)
    parsed = ox.parse_query_results(body.data, ox.QueryResultsFormat.from_media_type(
        fmt(name).media_type))
    assert [v.value for v in parsed.variables] == VARS
    got = [tuple(solution) for solution in parsed]
    assert got[0][0] == ROWS[0][0] and got[0][1] == ROWS[0][1] and got[0][2] is None
    assert got[1][1] == ROWS[1][1] and got[1][2] == ROWS[1][2]
    assert isinstance(got[1][0], ox.BlankNode)
    assert body.count == 2 and body.truncated is None


def test_csv_writer_is_rfc4180():
    body = write_select(fmt("csv"), VARS, iter(ROWS), max_rows=100, max_bytes=10**6)
    assert body.data.endswith(b"\r\n")
    table = list(csv.reader(io.StringIO(body.data.decode(), newline="")))
    assert table[0] == VARS
    assert table[1] == [EX + "a", 'tab\there, "quoted",\nnew line', ""]
    assert table[2] == ["_:b1", "42", "plain <&> text"]


def test_row_cap_is_flagged_in_json_and_xml():
    many = [(ox.Literal(str(i)),) for i in range(10)]
    body = write_select(fmt("json"), ["n"], iter(many), max_rows=3, max_bytes=10**6)
    doc = json.loads(body.data)
    assert len(doc["results"]["bindings"]) == 3 and body.truncated == "rows"
    assert doc["truncated"] is True and doc["truncation"] == {"reason": "rows", "limit": 3}
    body = write_select(fmt("xml"), ["n"], iter(many), max_rows=3, max_bytes=10**6)
    assert len(list(ox.parse_query_results(body.data, ox.QueryResultsFormat.XML))) == 3
    assert b"truncated" in body.data
    exact = write_select(fmt("json"), ["n"], iter(many[:3]), max_rows=3, max_bytes=10**6)
    assert exact.truncated is None and "truncated" not in json.loads(exact.data)


def test_byte_cap_keeps_documents_well_formed():
    many = [(ox.Literal("x" * 100),) for _ in range(100)]
    for name in ("json", "xml", "csv", "tsv"):
        body = write_select(fmt(name), ["n"], iter(many), max_rows=1000, max_bytes=2000)
        assert len(body.data) <= 2000 and body.truncated == "bytes" and 0 < body.count < 100
        if name != "csv":
            parsed = ox.parse_query_results(body.data, ox.QueryResultsFormat.from_media_type(
                fmt(name).media_type))
            assert len(list(parsed)) == body.count
    triples = [ox.Triple(ox.NamedNode(EX + str(i)), ox.NamedNode(EX + "p"), ox.Literal("y" * 50))
               for i in range(200)]
    for f in GRAPH_FORMATS:
        body = write_graph(f, iter(triples), max_rows=1000, max_bytes=3000, prefixes={})
        assert len(body.data) <= 3000 and body.truncated == "bytes", f.name
        parsed = list(ox.parse(body.data, ox.RdfFormat.from_media_type(f.media_type)))
        assert len(parsed) == body.count > 0


@pytest.fixture(scope="module")
def two_graph_store() -> ox.Store:
    """The same triple in two named graphs, as two sources stating one fact."""
    store = ox.Store()
    a, p, b = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "b")
    store.add(ox.Quad(a, p, b, ox.NamedNode(EX + "g1")))
    store.add(ox.Quad(a, p, b, ox.NamedNode(EX + "g2")))
    store.add(ox.Quad(a, p, ox.Literal("only in g2"), ox.NamedNode(EX + "g2")))
    from kg.store.store import materialize_union

    materialize_union(store)
    return store


LIMITS = Limits(max_rows=100, max_bytes=10**6, base_iri="https://w3id.org/mgkg/")


def count(store, job: Job) -> str:
    answer = evaluate(store, job, LIMITS)
    assert answer.status == 200, answer.body
    return json.loads(answer.body)["results"]["bindings"][0]["n"]["value"]


def test_default_graph_is_the_set_union_and_from_still_works(two_graph_store):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(two_graph_store, Job(q)) == "2"  # the shared triple once, not twice
    assert count(two_graph_store, Job("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
                 ) == "3"
    assert count(two_graph_store, Job(f"SELECT (COUNT(*) AS ?n) FROM <{EX}g1> "
                                      "WHERE { ?s ?p ?o }")) == "1"
    assert count(two_graph_store, Job(q, default_graphs=(EX + "g2",), named_graphs=())) == "2"
    assert count(two_graph_store, Job("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                      default_graphs=(), named_graphs=(EX + "g1",))) == "1"
    # the protocol's dataset takes precedence over the query's FROM
    assert count(two_graph_store, Job(f"SELECT (COUNT(*) AS ?n) FROM <{EX}g1> "
                                      "WHERE { ?s ?p ?o }", default_graphs=(EX + "g2",),
                                      named_graphs=())) == "2"


def test_evaluate_reports_errors_as_statuses(two_graph_store):
    bad = evaluate(two_graph_store, Job("SELEC ?x WHERE { ?x ?y ?z }"), LIMITS)
    assert bad.status == 400 and bad.body.startswith(b"SPARQL syntax error: error at 1:")
    none = evaluate(two_graph_store, Job("ASK { ?s ?p ?o }", accept="image/png"), LIMITS)
    assert none.status == 406
    graph = evaluate(two_graph_store, Job("CONSTRUCT WHERE { ?s ?p ?o }", format="nt"), LIMITS)
    assert graph.status == 200 and graph.kind == "graph" and graph.count == 2
    assert graph.content_type == "application/n-triples; charset=utf-8"


def test_kg_query_answers_as_the_endpoint_does(two_graph_store):
    """`kg query`, the pages and the tests go through the same query path as the
    endpoint: the default graph is the set union (the shared triple once) and FROM
    picks a named graph."""
    from kg.store.query import execute, select_table

    rows = select_table(two_graph_store, "SELECT ?o WHERE { ?s ?p ?o }").rows
    assert sorted(str(r[0]) for r in rows) == sorted([str(ox.NamedNode(EX + "b")),
                                                      str(ox.Literal("only in g2"))])
    only_g1 = execute(two_graph_store, f"SELECT ?o FROM <{EX}g1> WHERE {{ ?s ?p ?o }}")
    assert [s[0] for s in only_g1] == [ox.NamedNode(EX + "b")]


def test_load_store_gives_the_union_default_graph(mini_settings):
    """The store every reader gets holds the union as its default graph, each triple once."""
    from kg.store.store import load_store

    store = load_store(mini_settings)
    named = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    default = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    assert len(default) == len(set(default)) == len(named) > 0


@pytest.mark.parametrize("hostile", [
    'SERVICE "' + 'a\\"' * 100000, "SERVICE '''" + "a''b" * 60000, "SERVICE a" + ".a" * 100000,
    "SERVICE <" + "a/" * 100000, "SERVICE " + "<" * 200000, "SERVICE " + "\\" * 200000])
def test_lexer_is_linear_on_hostile_text(hostile):
    """Unterminated strings and long name runs took minutes with a re-scanning lexer;
    the guard must not become the denial of service it is meant to prevent."""
    import time

    started = time.perf_counter()
    assert shape(hostile).uses_service
    assert time.perf_counter() - started < 1.0


def test_json_rows_keep_each_term_apart_when_they_repeat():
    """The JSON writer writes each distinct term once per response and reuses the text:
    terms that look alike but differ (an IRI and a string with its text, a plain and a
    typed and a tagged literal, a blank node) must each keep their own JSON."""
    xsd_int = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    alike = [ox.NamedNode(EX + "x"), ox.Literal(EX + "x"), ox.Literal("1"),
             ox.Literal("1", datatype=xsd_int), ox.Literal("1", language="en"),
             ox.BlankNode("x")]
    rows = [(a, b, None) for a in alike for b in alike]
    body = write_select(fmt("json"), ["a", "b", "c"], iter(rows), max_rows=100,
                        max_bytes=10**6)
    bindings = json.loads(body.data)["results"]["bindings"]
    parsed = list(ox.parse_query_results(body.data, ox.QueryResultsFormat.JSON))
    assert [(s["a"], s["b"]) for s in parsed] == [(a, b) for a, b, _ in rows]
    assert all(set(b) == {"a", "b"} for b in bindings)
    assert len({json.dumps(b["a"], sort_keys=True) for b in bindings}) == len(alike)
