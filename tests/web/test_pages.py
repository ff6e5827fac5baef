"""The linked-data face against a real `kg serve` process: dereferenceable IRIs with content
negotiation, resource pages with evidence, the ontology, source pages, the VoID/DCAT
description, downloads, the query page and the w3id rules."""

from __future__ import annotations

import http.client
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from kg.core.namespaces import DCAT, MG, MGR, MGS, VOID
from kg.release.build import RELEASE_FILES, build, release_files

from ..conftest import ROOT, HttpResult, make_project, running_server, seed_text

IOM = MGR["iom"]
S001 = "001_4f7e06674fa94512"
S002 = "002_ff707b0e55ac8f9a"
IOM_QUOTE = ("The International Organization for Migration (IOM), outside the UN system, was held "
             "to a fairly narrow portfolio of service-provision by its member states.")
DEFINITION = ("where movement, residence and/or work abroad take place outside the regulatory "
              "norms of the origin, transit and destination countries.")
DATASET = URIRef("https://w3id.org/mgkg/dataset")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")

# A second source file on top of the mini fixture: a sourced definition and two links out,
# so definitions-with-evidence and VoID linksets have something to show.
EXTRA_002 = f"""
@prefix mg:      <https://w3id.org/mgkg/ontology#> .
@prefix mgr:     <https://w3id.org/mgkg/id/> .
@prefix mgs:     <https://w3id.org/mgkg/source/> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

mgs:{S002} a mg:SourceDocument ;
    dcterms:title "Managing migration and irregular migration"@en ;
    mg:documentKind "background paper"@en ;
    dcterms:bibliographicCitation "Managing migration and irregular migration. GFMD 2008."@en ;
    dcterms:issued "2008"^^xsd:gYear ;
    mg:seedFile "{S002}.txt" ;
    mg:sha256 "f1e2a60586003026f4ffd01839cdb36b6cd1b56a90c886d0fe59e46968061567" .

mgr:irregular-migration a mg:GovernanceConcept ;
    rdfs:label "irregular migration"@en ;
    skos:definition "{DEFINITION}"@en .
[] a owl:Axiom ;
    owl:annotatedSource mgr:irregular-migration ;
    owl:annotatedProperty skos:definition ;
    owl:annotatedTarget "{DEFINITION}"@en ;
    dcterms:source mgs:{S002} ;
    mg:quote "Irregular migration - {DEFINITION}" .

mgr:iom owl:sameAs <https://example.org/registry/iom> .
mgr:ilo skos:exactMatch <https://example.org/registry/ilo> .
"""


@pytest.fixture(scope="module")
def ld_settings(tmp_path_factory):
    settings = make_project(tmp_path_factory.mktemp("ld"))
    (settings.data_dir / f"{S002}.ttl").write_text(EXTRA_002, encoding="utf-8")
    shutil.copytree(ROOT / "queries", settings.root / "queries")
    build(settings)
    return settings


@pytest.fixture(scope="module")
def server(ld_settings) -> Iterator[str]:
    with running_server(ld_settings) as base:
        yield base


def fetch(base: str, path: str, accept: str | None = None, method: str = "GET") -> HttpResult:
    """One request, redirects not followed: the tests look at the 303s themselves."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Accept": accept} if accept is not None else {}
    try:
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        return HttpResult(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def follow(base: str, path: str, accept: str | None = None) -> HttpResult:
    for _ in range(5):
        reply = fetch(base, path, accept)
        if reply.status not in (301, 302, 303, 307, 308):
            return reply
        path = urlsplit(urljoin(base + path, reply.headers["Location"])).path
    raise AssertionError("too many redirects")


# --------------------------------------------------------------------------- /id/ and 303s

@pytest.mark.parametrize("accept, location", [
    ("text/html", "/doc/id/iom"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/doc/id/iom"),
    ("*/*", "/doc/id/iom"),
    (None, "/doc/id/iom"),
    ("text/turtle", "/doc/id/iom.ttl"),
    ("application/n-triples", "/doc/id/iom.nt"),
    ("application/ld+json", "/doc/id/iom.jsonld"),
    ("application/rdf+xml", "/doc/id/iom.rdf"),
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "/doc/id/iom.rdf"),
])
def test_thing_iri_answers_303_by_accept(server, accept, location):
    reply = fetch(server, "/id/iom", accept)
    assert reply.status == 303
    assert urlsplit(reply.headers["Location"]).path == location
    assert "Accept" in reply.headers.get("Vary", "")


@pytest.mark.parametrize("ext, media, fmt", [
    ("ttl", "text/turtle", "turtle"),
    ("nt", "application/n-triples", "nt"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("rdf", "application/rdf+xml", "xml"),
])
def test_resource_documents_parse_and_carry_evidence(server, ext, media, fmt):
    # JSON-LD: the expanded form, which rdflib reads offline (the compacted one names the
    # published context by its w3id.org IRI; tests/web/test_jsonld.py reads it with pyld).
    expanded = 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'
    reply = fetch(server, f"/doc/id/iom.{ext}", expanded if ext == "jsonld" else None)
    assert reply.status == 200
    assert reply.type == media
    g = Graph().parse(data=reply.body, format=fmt)
    # IRIs are the published ones, whatever host serves them.
    assert (IOM, MG.inUNSystem, Literal(False)) in g
    assert (IOM, OWL.sameAs, URIRef("https://example.org/registry/iom")) in g
    axioms = [a for a in g.subjects(OWL.annotatedSource, IOM)
              if (a, OWL.annotatedProperty, MG.inUNSystem) in g]
    assert axioms, "the fact's evidence travels with the description"
    assert (axioms[0], DCTERMS.source, MGS[S001]) in g
    assert str(g.value(axioms[0], MG.quote)) == IOM_QUOTE
    # labels of what it points to, so a client can show the description without asking again
    assert g.value(MGR["provision-of-services"], RDFS.label) == Literal("Provision of services",
                                                                        lang="en")


def test_unacceptable_accept_is_406(server):
    for path in ("/id/iom", "/ontology", "/dataset"):
        reply = fetch(server, path, "image/png")
        assert reply.status == 406, path
        assert "text/turtle" in reply.text


def test_unknown_slug_is_404_with_suggestions(server):
    reply = fetch(server, "/id/iomm", "text/html")
    assert reply.status == 404
    assert reply.type == "text/html"
    assert 'href="/id/iom"' in reply.text
    assert "International Organization for Migration" in reply.text
    plain = fetch(server, "/id/international-labor-organisation", "text/turtle")
    assert plain.status == 404
    assert "https://w3id.org/mgkg/id/ilo" in plain.text
    assert fetch(server, "/doc/id/no-such-thing.ttl").status == 404
    assert fetch(server, "/id/a%20b", "text/html").status == 404
    assert fetch(server, "/no/such/page", "text/html").status == 404


def test_resource_page_shows_facts_evidence_and_citations(server):
    page = follow(server, "/id/iom", "text/html")
    assert page.status == 200 and page.type == "text/html"
    html = page.text
    assert "<h1>International Organization for Migration</h1>" in html
    assert "https://w3id.org/mgkg/id/iom" in html
    assert 'href="/ontology#IntergovernmentalOrganization"' in html  # type, linked
    assert 'href="/ontology#inUNSystem"' in html  # relation label, linked
    assert 'href="/id/provision-of-services"' in html  # outgoing link by label
    assert ">Provision of services</a>" in html
    assert IOM_QUOTE in html
    # the quote's place on the source page, and the source's citation once, at the end
    assert re.search(rf'<a href="/source/{S001}#q-1461">characters 1461–1616 of the source '
                     r"text</a>", html)
    citation = ("The governance of international migration: mechanisms, processes and "
                "institutions. Policy paper, 2005.")
    assert html.count(citation) == 1
    assert re.search(rf'<li id="src-{S001}"><strong>[^<]+</strong>: <cite>'
                     + re.escape(citation), html)
    # links out are shown, not linked (no request to other hosts from our pages)
    assert "https://example.org/registry/iom" in html
    assert 'href="https://example.org' not in html
    for name, ext in (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("RDF/XML", "rdf")):
        assert f'href="/doc/id/iom.{ext}"' in html, name


def test_incoming_relations_figures_and_definitions(server):
    function = follow(server, "/id/provision-of-services", "text/html").text
    assert "function performed by" in function  # inverse label from the ontology
    assert 'href="/id/iom"' in function
    assert IOM_QUOTE in function  # evidence for the incoming fact too

    convention = follow(server, "/id/migrant-workers-convention-1990", "text/html").text
    assert "Figures" in convention
    assert re.search(r"<td class=\"num\">20 ratifications</td>\s*<td><time>2003-07</time>",
                     convention)
    assert "drew its 20th ratification and came into force in July 2003" in convention

    concept = follow(server, "/id/irregular-migration", "text/html").text
    assert "<h2 id=\"h-definition\">Definition</h2>" in concept
    assert DEFINITION in concept
    assert f"Irregular migration - {DEFINITION}" in concept  # the quote
    assert f'href="/source/{S002}' in concept


# --------------------------------------------------------------------------- ontology

def test_ontology_html_documents_every_term(server, ld_settings):
    reply = fetch(server, "/ontology", "text/html")
    assert reply.status == 200 and reply.type == "text/html"
    assert "Accept" in reply.headers["Vary"]
    ids = set(re.findall(r'\bid="([^"]+)"', reply.text))
    onto = Graph().parse(ld_settings.dist_dir / "ontology.ttl")
    terms = {str(s)[len(str(MG)):] for s in onto.subjects()
             if isinstance(s, URIRef) and str(s).startswith(str(MG))}
    assert len(terms) > 100
    missing = sorted(terms - ids)
    assert not missing, f"terms without an anchor: {missing[:10]}"
    assert 'id="skos:definition"' in reply.text  # reused terms have entries too
    assert "Relates an actor to a governance function it performs" in reply.text


@pytest.mark.parametrize("path, accept, fmt", [
    ("/ontology", "text/turtle", "turtle"),
    ("/ontology", "application/rdf+xml", "xml"),
    ("/ontology.ttl", None, "turtle"),
    ("/ontology.owl", None, "xml"),
    ("/ontology/0.1.0", "text/turtle", "turtle"),
])
def test_ontology_as_rdf(server, path, accept, fmt):
    reply = fetch(server, path, accept)
    assert reply.status == 200
    g = Graph().parse(data=reply.body, format=fmt)
    assert (URIRef("https://w3id.org/mgkg/ontology"), RDF.type, OWL.Ontology) in g
    assert (MG.performsFunction, RDF.type, OWL.ObjectProperty) in g


def test_other_ontology_versions_are_404(server):
    assert fetch(server, "/ontology/9.9.9", "text/turtle").status == 404


# --------------------------------------------------------------------------- sources, graphs

def test_source_page_lists_quotes_in_document_order(server, ld_settings):
    assert urlsplit(fetch(server, f"/source/{S001}", "text/html").headers["Location"]).path \
        == f"/doc/source/{S001}"
    page = follow(server, f"/source/{S001}", "text/html")
    assert page.status == 200
    html = page.text
    release = Dataset(default_union=True).parse(ld_settings.dist_dir / "mgkg.trig",
                                               format="trig")
    spans = {(str(release.value(n, MG.quote)), int(release.value(n, MG.quoteStart)))
             for n in release.subjects(DCTERMS.source, MGS[S001])}
    assert len(spans) == 4
    in_text_order = [q for q, _ in sorted(spans, key=lambda s: s[1])]
    positions = [html.index("“" + q + "”") for q in in_text_order]
    assert positions == sorted(positions), "quotes are listed in document order"
    assert [int(m) for m in re.findall(r'<li id="q-(\d+)">', html)] == sorted(
        s for _, s in spans)
    # each quote lists the facts it supports, as links
    assert 'href="/id/iom"' in html and 'href="/ontology#performsFunction"' in html
    assert "Figure" in html and "20 ratifications" in html


def test_source_page_marks_every_sentence_covered_set_aside_or_uncovered(server, ld_settings):
    cov = json.loads((ld_settings.dist_dir / "coverage.json").read_text(encoding="utf-8"))
    entry = cov["sources"][S001]
    html = follow(server, f"/source/{S001}", "text/html").text
    marks = re.findall(r'<a class="mark (covered|set-aside|uncovered)" href="#s-(\d+)"', html)
    items = re.findall(r'<li id="s-(\d+)" class="(covered|set-aside|uncovered)">', html)
    expected = [(str(s["start"]), s["status"]) for s in entry["sentence_list"]]
    assert [(n, st) for st, n in marks] == expected == items
    assert len(items) == entry["sentences"] > 100
    # The mini data quotes four passages of 001: few sentences are covered, most are not.
    assert 0 < entry["covered"] < entry["uncovered"]
    assert f"<strong>{entry['covered']}</strong> are evidence for a fact" in html
    start = re.search(r"\s+".join(map(re.escape, IOM_QUOTE.split())), seed_text(S001)).start()
    assert f'<li id="s-{start}" class="covered">' in html
    assert re.search(r'class="set-aside"><span class="state">set-aside: heading</span> '
                     r'Introduction', html)


def test_source_index_and_uncurated_and_unknown_sources(server):
    index = fetch(server, "/source/", "text/html").text
    assert f'href="/source/{S001}"' in index and f'href="/source/{S002}"' in index
    assert "not curated yet" in index  # 000, 003, 004 have no data in this project
    pending = follow(server, "/source/004_c772c5351b450417", "text/html")
    assert pending.status == 200
    assert "No facts have been taken from this document yet" in pending.text
    assert fetch(server, "/source/999_nothing", "text/html").status == 404


def test_named_graph_in_place(server):
    trig = fetch(server, f"/graph/{S001}", "application/trig")
    assert trig.status == 200 and trig.type == "application/trig"
    ds = Dataset().parse(data=trig.body, format="trig")
    graph = ds.graph(URIRef(f"https://w3id.org/mgkg/graph/{S001}"))
    assert (IOM, MG.inUNSystem, Literal(False)) in graph
    ttl = fetch(server, f"/graph/{S001}", "text/turtle")
    assert (IOM, MG.inUNSystem, Literal(False)) in Graph().parse(data=ttl.body, format="turtle")
    page = fetch(server, f"/graph/{S001}", "text/html")
    assert page.status == 303 and page.headers["Location"].endswith(f"/doc/source/{S001}")
    assert fetch(server, "/graph/nothing-here", "text/turtle").status == 404


def test_links_graph_in_place_and_its_page_is_the_data_set(real_server):
    """The links graph has no source document; a browser is sent to the data set page."""
    ttl = fetch(real_server, "/graph/links", "text/turtle")
    assert ttl.status == 200
    assert any(p == OWL.sameAs for _, p, _ in Graph().parse(data=ttl.body, format="turtle"))
    page = fetch(real_server, "/graph/links", "text/html")
    assert page.status == 303 and urlsplit(page.headers["Location"]).path == "/doc/dataset"



def test_summary_graph_in_place_and_its_page_is_the_data_set(real_server):
    """The build's counts (kg.release.summary) are a named graph like the others."""
    ttl = fetch(real_server, "/graph/summary", "text/turtle")
    assert ttl.status == 200
    summary = URIRef("https://w3id.org/mgkg/graph/summary#SourceCounts")
    assert (None, RDF.type, summary) in Graph().parse(data=ttl.body, format="turtle")
    page = fetch(real_server, "/graph/summary", "text/html")
    assert page.status == 303 and urlsplit(page.headers["Location"]).path == "/doc/dataset"


# --------------------------------------------------------------------------- VoID / DCAT

def void_graph(server) -> Graph:
    reply = follow(server, "/dataset", "text/turtle")
    assert reply.status == 200 and reply.type == "text/turtle"
    return Graph().parse(data=reply.body, format="turtle")


def test_void_dcat_description(server, ld_settings):
    assert fetch(server, "/.well-known/void", "text/turtle").status == 303
    g = void_graph(server)
    summary = json.loads((ld_settings.dist_dir / "build-report.json").read_text("utf-8"))
    d = DATASET
    assert (d, RDF.type, VOID.Dataset) in g and (d, RDF.type, DCAT.Dataset) in g
    assert g.value(d, DCTERMS.title) == Literal("Migration Governance Knowledge Graph", lang="en")
    assert g.value(d, DCTERMS.license) == CC_BY
    creator = g.value(d, DCTERMS.creator)
    assert g.value(creator, FOAF.name) == Literal("mgkg developers")
    assert g.value(d, DCTERMS.issued).datatype == XSD.date
    assert g.value(d, DCTERMS.modified) is not None
    assert int(g.value(d, VOID.triples)) == summary["triples"]
    assert int(g.value(d, VOID.entities)) == summary["entities"]
    assert g.value(d, VOID.sparqlEndpoint) == URIRef("https://w3id.org/mgkg/sparql")
    assert URIRef("https://w3id.org/mgkg/download/mgkg.nt") in set(g.objects(d, VOID.dataDump))
    parts = {g.value(p, VOID["class"]): int(g.value(p, VOID.entities))
             for p in g.objects(d, VOID.classPartition)}
    assert parts[MG.IntergovernmentalOrganization] == 1
    props = {g.value(p, VOID.property): int(g.value(p, VOID.triples))
             for p in g.objects(d, VOID.propertyPartition)}
    nt = (ld_settings.dist_dir / "mgkg.nt").read_text("utf-8").splitlines()
    assert props[MG.quote] == sum(1 for line in nt if f" <{MG.quote}> " in line) == 7
    # Links of described things (the fixture's two); the ontology's own alignments and the
    # ISO codes have linksets of their own (#alignments-..., #codes-...), see test_links.
    entity = [ls for ls in g.subjects(RDF.type, VOID.Linkset)
              if str(ls).startswith(f"{DATASET}#linkset-")]
    links = {(g.value(ls, VOID.linkPredicate), int(g.value(ls, VOID.triples))) for ls in entity}
    assert links == {(OWL.sameAs, 1), (SKOS.exactMatch, 1)}
    for ls in entity:
        target = g.value(ls, VOID.objectsTarget)
        assert g.value(target, VOID.uriSpace) == Literal("https://example.org/registry/")
    subsets = set(g.objects(d, VOID.subset))
    assert URIRef(f"https://w3id.org/mgkg/graph/{S001}") in subsets


def test_void_distributions_are_served_with_their_media_types(server):
    g = void_graph(server)
    dists = list(g.objects(DATASET, DCAT.distribution))
    files = [d for d in dists if g.value(d, DCAT.downloadURL) is not None]
    assert len(files) >= 5
    for dist in files:
        url = str(g.value(dist, DCAT.downloadURL))
        media = str(g.value(dist, DCAT.mediaType)).rsplit("/media-types/", 1)[1]
        path = "/" + url[len("https://w3id.org/mgkg/"):]
        reply = fetch(server, path)
        assert reply.status == 200, path
        assert reply.type == media, path
        assert int(g.value(dist, DCAT.byteSize)) == len(reply.body), path


def test_dataset_page(server):
    page = follow(server, "/dataset", "text/html")
    assert page.status == 200 and page.type == "text/html"
    assert "Class partitions" in page.text and "Property partitions" in page.text
    assert 'href="/download/mgkg.nt"' in page.text
    assert 'href="/sparql"' in page.text


# --------------------------------------------------------------------------- downloads

def test_every_release_file_downloads_with_its_media_type(server, ld_settings):
    listing = fetch(server, "/download/", "text/html").text
    files = release_files(ld_settings.dist_dir)
    assert len(files) > len(RELEASE_FILES)  # the evidence annotations, one file per source
    for name, media in files.items():
        path = ld_settings.dist_dir / name
        assert path.is_file(), name
        reply = fetch(server, f"/download/{name}")
        assert reply.status == 200, name
        assert reply.type == media, name
        if media.startswith("text/"):
            assert "charset=utf-8" in reply.headers["Content-Type"], name
        assert reply.body == path.read_bytes(), name
        assert f'href="/download/{name}"' in listing
    assert fetch(server, "/download/secrets.txt").status == 404
    assert fetch(server, "/download/..%2Fdata").status == 404


# --------------------------------------------------------------------------- query page

def test_query_page_lists_examples_with_their_questions(server, ld_settings):
    page = fetch(server, "/", "text/html")
    assert page.status == 200
    html = page.text
    rq = sorted((ld_settings.root / "queries").glob("*.rq"))
    assert rq
    for path in rq:
        question = path.read_text("utf-8").splitlines()[0].removeprefix("# Question:").strip()
        assert question.replace('"', "&#34;").replace("'", "&#39;") in html
        assert f'href="/?example={path.stem}#editor"' in html
    assert '<textarea id="query" name="query"' in html
    assert 'src="/static/vendor/yasqe/yasqe.min.js"' in html
    chosen = fetch(server, f"/?example={rq[0].stem}", "text/html").text
    assert "mg:inUNSystem false" in chosen  # the example's text is in the editor
    assert fetch(server, "/?example=nope", "text/html").status == 404
    raw = fetch(server, f"/queries/{rq[0].stem}.rq")
    assert raw.type == "application/sparql-query"
    assert raw.text == rq[0].read_text("utf-8")
    prefixes = json.loads(fetch(server, "/prefixes.json").body)
    assert prefixes["mg"] == str(MG)


def test_vendored_editor_is_served(server):
    js = fetch(server, "/static/vendor/yasqe/yasqe.min.js")
    assert js.status == 200 and len(js.body) > 100_000
    assert fetch(server, "/static/vendor/yasqe/yasqe.min.css").status == 200
    assert fetch(server, "/static/query.js").status == 200


# --------------------------------------------------------------------------- no outside requests

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "cite", "data", "poster", "srcset") and value:
                self.urls.append((tag, name, value))


def test_no_page_refers_to_another_host(server, ld_settings):
    """Every href/src/action of every page is on this server: no CDN, no fonts, no links
    that leak a reader to another site without them choosing to copy an IRI."""
    paths = ["/", "/?example=01-institutions-outside-un", "/id/", "/source/", "/ontology",
             "/dataset", "/download/", "/id/iomm", "/no/such/page", "/ontology/9.9.9"]
    seen: set[str] = set()
    queue = list(paths)
    checked = 0
    host = urlsplit(server).netloc
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        reply = follow(server, path, "text/html")
        if reply.type != "text/html":
            continue
        checked += 1
        assert "Content-Security-Policy" in reply.headers, path
        parser = Links()
        parser.feed(reply.text)
        for tag, attr, url in parser.urls:
            absolute = urljoin(server + path, url)
            parts = urlsplit(absolute)
            assert parts.scheme in ("http", "https", "data"), (path, url)
            if parts.scheme != "data":
                assert parts.netloc == host, f"{path}: <{tag} {attr}={url!r}> leaves the server"
            # crawl our own pages about things and sources
            if (parts.netloc == host and re.match(r"^/(id|source|doc)/", parts.path)
                    and len(seen) < 200):
                queue.append(parts.path)
    assert checked > 20


# --------------------------------------------------------------------------- w3id rules

def test_w3id_rules_reach_served_routes(server):
    """Each w3id redirect lands on a path this server answers (not a 404)."""
    rules = []
    for line in (ROOT / "w3id" / "mgkg" / ".htaccess").read_text("utf-8").splitlines():
        m = re.match(r"^RewriteRule\s+(\S+)\s+(\S+)\s+\[([^\]]+)\]", line.strip())
        if m:
            rules.append((re.compile(m.group(1)), m.group(2), m.group(3)))
    assert len(rules) >= 8
    samples = {
        "id/iom": "/id/iom", f"source/{S001}": f"/source/{S001}", "dataset": "/dataset",
        "ontology": "/ontology", "ontology/0.1.0": "/ontology/0.1.0",
        f"graph/{S001}": f"/graph/{S001}", "download/mgkg.nt": "/download/mgkg.nt",
        "doc/id/iom": "/doc/id/iom", "": "/",
    }
    for iri_path, expected in samples.items():
        for pattern, target, flags in rules:
            m = pattern.match(iri_path)
            if m:
                url = m.expand(target.replace("$", "\\"))
                path = urlsplit(url).path
                assert path == expected, (iri_path, url)
                assert "R=" in flags
                assert follow(server, path, "text/html").status == 200, path
                break
        else:
            raise AssertionError(f"no w3id rule for https://w3id.org/mgkg/{iri_path}")
    sparql = next(t for p, t, f in rules if p.match("sparql"))
    assert urlsplit(sparql).path == "/sparql"
    assert "R=307" in next(f for p, t, f in rules if p.match("sparql"))
