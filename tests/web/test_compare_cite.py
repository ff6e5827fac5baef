"""Compare sources, compare things, and Cite this, over HTTP against the real release.
What to expect is read from /sparql, the seed texts and the build report, not written
here: the columns of a comparison are the sources /sparql names for the thing's evidence,
and a citation's quote, offsets and SHA-256 are checked against the source text itself."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

import pytest

from ..conftest import SEEDS, fold_ws, http, running_server, select_rows

IOM = "https://w3id.org/mgkg/id/iom"
UNHCR = "https://w3id.org/mgkg/id/unhcr"
PREFIXES = """PREFIX mg: <https://w3id.org/mgkg/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def sparql(base: str, query: str) -> list[dict]:
    return select_rows(base, PREFIXES + query)


def get_json(base: str, path: str) -> dict:
    r = http("GET", base + path)
    assert r.status == 200 and r.type == "application/json", (r.status, r.text[:300])
    return r.json()


def sources_of(base: str, iri: str) -> set[str]:
    """Every source of evidence about a thing: its facts either way, its figures, its
    negative facts, its own quote."""
    found = sparql(base, f"""SELECT DISTINCT ?src WHERE {{
      {{ ?e owl:annotatedSource <{iri}> }} UNION
      {{ ?e owl:annotatedTarget <{iri}> . ?e owl:annotatedSource ?s FILTER(isIRI(?s)) }}
      UNION {{ ?e mg:figureOf <{iri}> }} UNION {{ ?e owl:sourceIndividual <{iri}> }} UNION
      {{ ?e owl:targetIndividual <{iri}> }} UNION {{ BIND(<{iri}> AS ?e) }}
      ?e dcterms:source ?src }}""")
    return {r["src"] for r in found}


# --------------------------------------------------------------------------- compare


def test_compare_has_one_column_per_source(real_server):
    body = get_json(real_server, f"/compare?iri={quote(IOM)}&format=json")
    assert body["mode"] == "sources"
    columns = [c["key"] for c in body["columns"] if c["key"] != "none"]
    assert len(columns) == len(set(columns))
    assert set(columns) == sources_of(real_server, IOM) and len(columns) >= 4
    for row in body["rows"]:  # each value sits in the column of the source it quotes
        for key, items in row["cells"].items():
            for item in items:
                assert all(ev["source"] == key for ev in item["evidence"]), (row, key)
                assert key != "none" or not item["evidence"]
    labels = {r["label"] for r in body["rows"]}
    assert {"type", "figures"} <= labels
    page = http("GET", real_server + f"/compare?iri={quote(IOM)}",
                headers={"Accept": "text/html"})
    assert page.status == 200
    heads = re.findall(r'<th scope="col" class="col" data-column="([^"]+)"', page.text)
    assert heads == [c["key"] for c in body["columns"]]
    assert "<details class=\"ev\"" in page.text  # the quotes, one click away


def test_compare_shows_negative_facts_and_attribution(real_server):
    thing = sparql(real_server, """SELECT ?s (COUNT(*) AS ?n) WHERE {
      ?npa owl:sourceIndividual ?s ; dcterms:source ?src } GROUP BY ?s ORDER BY DESC(?n) ?s
      LIMIT 1""")[0]["s"]
    body = get_json(real_server, f"/compare?iri={quote(thing)}&format=json")
    negatives = [r for r in body["rows"] if r["kind"] == "negative"]
    assert negatives and all(i["negative"] for r in negatives for c in r["cells"].values()
                             for i in c)
    status = sparql(real_server, """SELECT ?s ?st WHERE { ?s mg:status ?st FILTER(isIRI(?s)) }
      ORDER BY ?s LIMIT 1""")[0]
    body = get_json(real_server, f"/compare?iri={quote(status['s'])}&format=json")
    row = next(r for r in body["rows"] if r["property"] == "https://w3id.org/mgkg/ontology#status")
    assert status["st"] in {i["iri"] for c in row["cells"].values() for i in c}
    attributed = sparql(real_server, """SELECT ?s WHERE { ?e owl:annotatedSource ?s ;
      mg:accordingTo ?who } ORDER BY ?s LIMIT 1""")
    if attributed:
        body = get_json(real_server, f"/compare?iri={quote(attributed[0]['s'])}&format=json")
        assert any(ev["according_to"] for r in body["rows"] for c in r["cells"].values()
                   for i in c for ev in i["evidence"])


def test_compare_two_things_on_the_same_properties(real_server):
    body = get_json(real_server, f"/compare?iri={quote(IOM)}&iri={quote(UNHCR)}&format=json")
    assert body["mode"] == "things"
    assert [c["key"] for c in body["columns"]] == [IOM, UNHCR]
    both = [r for r in body["rows"] if set(r["cells"]) == {IOM, UNHCR}]
    assert any(r["label"] == "type" for r in both) and len(both) >= 3
    for r in both:  # "shared" is exactly the values in both columns
        values = [{(i["iri"], i["value"]) for i in r["cells"][k]} for k in (IOM, UNHCR)]
        for k in (IOM, UNHCR):
            for i in r["cells"][k]:
                assert i["shared"] == ((i["iri"], i["value"]) in values[0] & values[1])
    page = http("GET", real_server + "/compare?iri=iom&iri=unhcr",
                headers={"Accept": "text/html"})
    assert page.status == 200
    assert re.findall(r'data-column="([^"]+)"><a', page.text)[:2] == [IOM, UNHCR]


def test_compare_without_a_thing_is_explained(real_server):
    assert http("GET", real_server + "/compare").status == 400
    assert http("GET", real_server + "/compare?iri=no-such-thing-xyz").status == 404


def test_resource_page_links_to_compare_and_cite(real_server):
    page = http("GET", real_server + "/doc/id/iom").text
    assert f'href="/compare?iri={quote(IOM, safe="/")}"' in page.replace("%3A", ":") \
        or "/compare?iri=" in page
    assert 'data-cite href="/cite?iri=' in page and 'href="/cite?fact=' in page


# --------------------------------------------------------------------------- cite


@pytest.fixture(scope="module")
def fact(real_server, real_settings) -> dict:
    """A piece of evidence about IOM as its page links it, with what the graph and the
    source text say about it."""
    page = http("GET", real_server + "/doc/id/iom").text
    keys = re.findall(r'href="/cite\?fact=([0-9a-f]+)"', page)
    assert keys
    body = get_json(real_server, f"/cite?fact={keys[0]}&format=json")
    csl = json.loads(body["formats"]["csl"])[0]
    custom = csl["custom"]
    stem = custom["source"].rsplit("/", 1)[1]
    graph = sparql(real_server, f"""SELECT ?sha WHERE {{ <{custom['source']}> mg:sha256 ?sha }}""")
    version = json.loads((real_settings.dist_dir / "build-report.json").read_text())["version"]
    return {"key": keys[0], "body": body, "csl": csl, "custom": custom, "stem": stem,
            "sha": graph[0]["sha"], "version_iri": f"https://w3id.org/mgkg/kg/{version}"}


def test_a_facts_citation_matches_the_source_text(fact):
    c = fact["custom"]
    text = (SEEDS / f"{fact['stem']}.txt").read_text(encoding="utf-8")
    assert hashlib.sha256((SEEDS / f"{fact['stem']}.txt").read_bytes()).hexdigest() \
        == fact["sha"] == c["sha256"]
    assert fold_ws(text[c["quoteStart"]:c["quoteEnd"]]) == fold_ws(c["quote"])
    assert c["versionIRI"] == fact["version_iri"]
    assert c["fact"] and c["about"].startswith("https://w3id.org/mgkg/")


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl", "text"])
def test_every_format_carries_quote_offsets_sha_and_version(real_server, fact, fmt):
    r = http("GET", real_server + f"/cite?fact={fact['key']}&format={fmt}")
    assert r.status == 200
    body = r.text
    c = fact["custom"]
    quote_text = c["quote"]
    if fmt == "bibtex":
        assert r.type == "application/x-bibtex"
        assert re.match(r"@\w+\{mgkg-[0-9a-f]+,\n", body) and body.rstrip().endswith("}")
        assert body.count("{") == body.count("}") + body.count(r"\{") - body.count(r"\}")
        for special in "%&$#_":
            quote_text = quote_text.replace(special, "\\" + special)
        assert re.search(r"^  note = \{", body, re.M)
    elif fmt == "ris":
        lines = body.splitlines()
        assert lines[0] == "TY  - RPRT" or lines[0] == "TY  - JOUR"
        assert lines[-1] == "ER  - "
        assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines)
        assert any(line.startswith("N1  - ") and quote_text in line for line in lines)
    elif fmt == "csl":
        items = json.loads(body)
        assert items[0]["type"] in ("report", "article-journal") and items[0]["title"]
        assert items[0]["custom"]["quote"] == c["quote"]
    assert quote_text in body
    assert f"characters {c['quoteStart']}–{c['quoteEnd']}" in body
    assert fact["sha"] in body and fact["version_iri"] in body


def test_the_citation_link_outlives_the_server(real_settings, fact):
    """The key names the evidence, not this process's blank node: a new server on the
    same release resolves it to the same citation."""
    with running_server(real_settings) as base:
        again = get_json(base, f"/cite?fact={fact['key']}&format=json")
    assert again["formats"]["csl"] == fact["body"]["formats"]["csl"]


@pytest.mark.parametrize("iri", [IOM, "https://w3id.org/mgkg/source/004_c772c5351b450417",
                                 "https://w3id.org/mgkg/dataset"])
def test_things_sources_and_the_data_set_are_citable(real_server, fact, iri):
    body = get_json(real_server, f"/cite?iri={quote(iri)}&format=json")
    csl = json.loads(body["formats"]["csl"])[0]
    assert csl["URL"] == iri and fact["version_iri"] in body["formats"]["text"]
    assert body["formats"]["bibtex"].startswith("@") and "ER  - " in body["formats"]["ris"]
    if "/source/" in iri:
        assert csl["author"] == [{"family": "Betts", "given": "Alexander"}]
        sha = sparql(real_server, f"SELECT ?s {{ <{iri}> mg:sha256 ?s }}")[0]["s"]
        assert sha in body["formats"]["text"]
    page = http("GET", real_server + f"/cite?iri={quote(iri)}", headers={"Accept": "text/html"})
    assert page.status == 200 and page.text.count('class="copy"') == 4
    downloads = re.findall(r'href="(/cite\?[^"]+)" type="([^"]+)">download', page.text)
    assert len(downloads) == 4
    for href, media in downloads:  # each format's own link serves that format
        r = http("GET", real_server + href.replace("&amp;", "&"))
        assert r.status == 200 and r.type == media, href


def test_the_data_set_page_says_cite_as(real_server, fact):
    page = http("GET", real_server + "/doc/dataset").text
    assert 'id="cite-as"' in page and fact["version_iri"] in page


def test_an_unknown_fact_is_a_404_not_a_crash(real_server):
    r = http("GET", real_server + "/cite?fact=0000000000000000&format=json")
    assert r.status == 404 and "no evidence" in r.json()["error"]
    assert http("GET", real_server + "/cite?fact=zz", headers={"Accept": "text/html"}).status \
        == 404


def test_why_evidence_links_to_its_citation(real_server):
    """An answer's Why? evidence is citable: each piece links to /cite with its quote."""
    query = ("PREFIX mg: <https://w3id.org/mgkg/ontology#>\n"
             "SELECT ?i WHERE { ?i mg:inUNSystem false }")
    body = json.dumps({"row": {"i": {"type": "uri", "value": IOM}}, "query": query}).encode()
    r = http("POST", real_server + "/api/why", body, {"Content-Type": "application/json"})
    ev = next(e for f in r.json()["facts"] if f["predicate"]
              and f["predicate"]["iri"].endswith("#inUNSystem") for e in f["evidence"])
    cited = get_json(real_server, ev["cite_href"] + "&format=json")
    custom = json.loads(cited["formats"]["csl"])[0]["custom"]
    assert (custom["quote"], custom["quoteStart"], custom["source"]) == \
        (ev["quote"], ev["start"], ev["source"]["iri"])
    assert custom["fact"].startswith("International Organization for Migration")


def test_each_quote_of_a_source_page_is_citable(real_server):
    page = http("GET", real_server + "/doc/source/004_c772c5351b450417").text
    found = re.findall(r'<li id="q-(\d+)">\s*<blockquote><p>“(.*?)”</p></blockquote>.*?'
                       r'href="/cite\?fact=([0-9a-f]+)"', page, re.S)
    assert len(found) > 20
    start, _, key = found[len(found) // 2]
    custom = json.loads(get_json(real_server, f"/cite?fact={key}&format=json")
                        ["formats"]["csl"])[0]["custom"]
    assert custom["quoteStart"] == int(start)
    assert custom["source"] == "https://w3id.org/mgkg/source/004_c772c5351b450417"
