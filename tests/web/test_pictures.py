"""The workbench's pictures over real HTTP against the real release: a thing's
neighbourhood as JSON, the chart of a measure's figures, the browse tree with counts that
include subclasses, the ontology page's model picture and class tree. Expected values
are read from /sparql (the same graph, another path), not written here."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from ..conftest import ROOT, http, select_rows

MG = "https://w3id.org/mgkg/ontology#"
ID = "https://w3id.org/mgkg/id/"
IOM = ID + "iom"
PREFIXES = f"""PREFIX mg: <{MG}>
PREFIX mgr: <{ID}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def rows(base: str, query: str) -> list[dict]:
    return select_rows(base, PREFIXES + query)


def subclass_count(base: str, cls: str) -> int:
    """Things under /id/ typed with the class or one of its subclasses."""
    return int(rows(base, f"""SELECT (COUNT(DISTINCT ?x) AS ?n) {{
        ?x a/rdfs:subClassOf* <{cls}> FILTER(STRSTARTS(STR(?x), "{ID}")) }}""")[0]["n"])


def neighbours(base: str, iri: str) -> set[str]:
    """Things of ours linked to `iri` either way, in a source's graph (not the data set
    description), types and figures aside: what the neighbourhood draws."""
    found = rows(base, f"""SELECT DISTINCT ?x {{ GRAPH ?g {{
        {{ <{iri}> ?p ?x }} UNION {{ ?x ?p <{iri}> }} }}
        FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{ID}") && ?x != <{iri}>)
        FILTER(?p NOT IN (rdf:type, mg:figureOf))
        FILTER(?g != <https://w3id.org/mgkg/graph/void>) }}""".replace(
        "rdf:type", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"))
    return {r["x"] for r in found}


def get_json(base: str, path: str) -> tuple[int, dict]:
    r = http("GET", base + path)
    assert r.type == "application/json", (path, r.type)
    return r.status, r.json()


# --------------------------------------------------------------------------- neighbourhood


def test_neighbourhood_is_the_things_links_capped(real_server):
    linked = neighbours(real_server, IOM)
    assert len(linked) > 40, "IOM has more neighbours than the default cap"
    status, data = get_json(real_server, "/api/neighbourhood?iri=" + quote(IOM))
    assert status == 200
    ids = [n["id"] for n in data["nodes"]]
    assert ids[0] == IOM and data["nodes"][0]["centre"] and len(ids) == 40 == len(set(ids))
    assert set(ids[1:]) <= linked
    assert data["total"] == len(linked) + 1 and data["truncated"]
    # Every link joins two drawn nodes; every drawn neighbour is linked to the centre.
    for e in data["edges"]:
        assert e["source"] in ids and e["target"] in ids and e["label"]
    touching = {e["source"] for e in data["edges"]} | {e["target"] for e in data["edges"]}
    assert set(ids) <= touching
    # Labels from the graph, links to the things' pages.
    labels = {r["x"]: r["l"] for r in rows(real_server, f"""SELECT ?x ?l {{
        VALUES ?x {{ {' '.join(f'<{i}>' for i in ids)} }} ?x rdfs:label ?l }}""")}
    for n in data["nodes"]:
        if n["id"] in labels:
            assert n["label"] == labels[n["id"]]
        assert n["href"] == "/" + n["id"][len("https://w3id.org/mgkg/"):]

    status, whole = get_json(real_server, f"/api/neighbourhood?iri={quote(IOM)}&limit=150")
    assert {n["id"] for n in whole["nodes"]} == linked | {IOM} and not whole["truncated"]


@pytest.mark.parametrize("query, status", [
    ("", 400), ("?iri=https://example.org/x", 400), (f"?iri={quote(IOM)}&limit=1", 400),
    (f"?iri={quote(IOM)}&limit=many", 400), (f"?iri={quote(ID)}no-such-thing", 404)])
def test_neighbourhood_refuses_bad_input(real_server, query, status):
    got, body = get_json(real_server, "/api/neighbourhood" + query)
    assert got == status and body["error"]


# --------------------------------------------------------------------------- figures chart


def dated_figures(base: str, slug: str) -> dict[str, int]:
    """Per measure with two figures or more: how many are dated numbers."""
    found = rows(base, f"""SELECT ?m (COUNT(DISTINCT ?f) AS ?n) (COUNT(DISTINCT ?d) AS ?dated) {{
        ?f mg:figureOf mgr:{slug} ; mg:measure ?m .
        OPTIONAL {{ ?f mg:asOf ?a ; mg:value ?v BIND(?f AS ?d) }} }} GROUP BY ?m""")
    return {r["m"]: int(r["dated"]) for r in found if int(r["n"]) > 1}


def test_figures_of_one_measure_are_charted(real_server):
    expected = dated_figures(real_server, "iom-ctm")
    assert expected and max(expected.values()) >= 3
    page = http("GET", real_server + "/doc/id/iom-ctm").text
    charts = re.findall(r'<figure class="figure-chart" data-measure="([^"]*)">(.*?)</figure>',
                        page, re.S)
    assert {m for m, _ in charts} == set(expected)
    for measure, body in charts:
        points = re.findall(r'<a class="point" href="#(fig-[^"]+)">', body)
        assert len(points) == expected[measure]
        for anchor in points:  # each point leads to its figure's row, with the evidence
            assert f'id="{anchor}"' in page
        assert "GFMD 2008" in body  # the source, in the legend and the points' titles


def test_a_thing_with_one_figure_a_measure_has_no_chart(real_server):
    one = rows(real_server, """SELECT ?of { ?f mg:figureOf ?of ; mg:measure ?m }
        GROUP BY ?of HAVING(COUNT(DISTINCT ?m) = COUNT(DISTINCT ?f)) ORDER BY ?of LIMIT 1""")
    slug = one[0]["of"].rsplit("/", 1)[1]
    page = http("GET", real_server + "/doc/id/" + slug).text
    assert 'class="figures"' in page and "figure-chart" not in page


# --------------------------------------------------------------------------- class trees


class Tree(HTMLParser):
    """The nested li[data-class] / li[data-member] of a page: (iri, count, parent iri)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.nodes: list[tuple[str, int, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        a = dict(attrs)
        iri = a.get("data-class") or (a.get("data-member") if "data-count" in a else None)
        if iri:
            parent = next((s for s in reversed(self.stack) if s), None)
            self.nodes.append((iri, int(a["data-count"]), parent))
        self.stack.append(iri)

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()


def tree_of(base: str, path: str) -> list[tuple[str, int, str | None]]:
    parser = Tree()
    parser.feed(http("GET", base + path).text)
    assert parser.nodes, path
    return parser.nodes


def test_browse_tree_counts_include_subclasses(real_server):
    nodes = tree_of(real_server, "/id/")
    count = {iri: n for iri, n, _ in nodes}
    for cls in ("Institution", "Actor", "Instrument", "Claim", "MigrantCategory",
                "IntergovernmentalOrganization"):
        assert count[MG + cls] == subclass_count(real_server, MG + cls), cls
    # A parent counts at least what each child counts, and the institution kinds are
    # all there under Institution.
    for iri, n, parent in nodes:
        if parent:
            assert count[parent] >= n, (parent, iri)
    kinds = {iri for iri, _, parent in nodes if parent == MG + "Institution"}
    assert {MG + "IntergovernmentalOrganization", MG + "ConsultativeProcess"} <= kinds
    # The ontology's kinds do not overlap in today's data (no thing is typed with two
    # sibling kinds), so a class counts at least the sum of its subclasses; the direct
    # members make up the difference.
    for parent in {p for _, _, p in nodes if p and p.startswith(MG)}:
        kids = [n for iri, n, p in nodes if p == parent and iri.startswith(MG)]
        assert count[parent] >= sum(kids), parent
    direct = len(rows(real_server, """SELECT DISTINCT ?x { ?x a mg:Institution
        FILTER NOT EXISTS { ?x a ?k . ?k rdfs:subClassOf+ mg:Institution } }"""))
    assert count[MG + "Institution"] == direct + sum(
        n for iri, n, p in nodes if p == MG + "Institution")


def test_browse_tree_nests_the_migrant_categories(real_server):
    nodes = tree_of(real_server, "/id/")
    members = {iri: (n, p) for iri, n, p in nodes if iri.startswith(ID)}
    for slug in ("migrant", "forced-migrant", "migrant-worker"):
        expected = int(rows(real_server, f"""SELECT (COUNT(DISTINCT ?c) AS ?n) {{
            ?c a mg:MigrantCategory ; rdfs:subClassOf* mgr:{slug} }}""")[0]["n"])
        assert members[ID + slug][0] == expected, slug
    assert members[ID + "forced-migrant"][1] == ID + "migrant"


def test_browse_filter_still_works(real_server):
    page = http("GET", real_server + "/id/?q=refugee").text
    assert re.search(r"\d+ things? matching “refugee”", page)
    assert 'href="/id/refugee"' in page and 'href="/id/iom"' not in page
    nodes = tree_of(real_server, "/id/?q=refugee")
    full = {iri: n for iri, n, _ in tree_of(real_server, "/id/")}
    assert all(n <= full[iri] for iri, n, _ in nodes)


def test_ontology_page_shows_the_model_and_a_class_tree(real_server):
    page = http("GET", real_server + "/ontology", headers={"Accept": "text/html"}).text
    assert '<img class="model" src="/ontology/model.svg"' in page
    svg = http("GET", real_server + "/ontology/model.svg")
    assert svg.status == 200 and svg.type == "image/svg+xml"
    assert svg.body == (ROOT / "docs" / "model.svg").read_bytes()
    parser = Tree()
    parser.feed(page)
    count = {iri: n for iri, n, _ in parser.nodes}
    assert count[MG + "Institution"] == subclass_count(real_server, MG + "Institution")
    # The ontology page keeps the classes nothing is typed with yet.
    declared = {r["c"] for r in rows(real_server, """SELECT ?c { GRAPH
        <https://w3id.org/mgkg/graph/ontology> { ?c a <http://www.w3.org/2002/07/owl#Class> }
        FILTER(STRSTARTS(STR(?c), "https://w3id.org/mgkg/ontology#")) }""")}
    assert set(count) == declared
