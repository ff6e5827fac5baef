"""The linked-data face as other web clients meet it: CORS on every data document, the
same content negotiation as /sparql (text/n3 is Turtle), Content-Location on the named
graphs, Vary on 404s. Against a real `kg serve` of the small test project."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
import rdflib

from ..conftest import HttpResult

S001 = "001_4f7e06674fa94512"
GRAPH = f"https://w3id.org/mgkg/graph/{S001}"


def fetch(base: str, path: str, headers: dict | None = None, method: str = "GET") -> HttpResult:
    """One request, redirects not followed."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        return HttpResult(r.status, r.headers, r.read())
    finally:
        conn.close()


DATA_DOCUMENTS = ["/doc/id/iom.jsonld", "/doc/id/iom.ttl", "/doc/id/iom.rdf", "/doc/id/iom.nt",
                  f"/graph/{S001}.trig", f"/graph/{S001}", "/ontology.jsonld", "/ontology",
                  "/doc/dataset.ttl", "/download/mgkg.trig", "/prefixes.json",
                  "/id/iom", "/dataset", "/.well-known/void", "/id/?q=migration",
                  "/doc/id/no-such-thing.ttl", "/search?q=migration&format=json"]


@pytest.mark.parametrize("path", DATA_DOCUMENTS)
def test_every_data_document_and_redirect_allows_any_origin(mini_server, path):
    r = fetch(mini_server, path, {"Origin": "https://app.example", "Accept": "text/turtle"})
    assert r.status in (200, 303, 404), (path, r.status)
    assert r.headers["Access-Control-Allow-Origin"] == "*", path
    assert "Content-Location" in r.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(("path", "dest"), [("/id/iom", "/doc/id/iom.ttl"),
                                            ("/dataset", "/doc/dataset.ttl")])
def test_text_n3_is_turtle_on_the_pages_as_at_sparql(mini_server, path, dest):
    r = fetch(mini_server, path, {"Accept": "text/n3"})
    assert r.status == 303 and r.headers["Location"].endswith(dest)
    onto = fetch(mini_server, "/ontology", {"Accept": "text/n3"})
    assert onto.status == 200 and onto.type == "text/turtle"
    rdflib.Graph().parse(data=onto.body, format="turtle")
    graph = fetch(mini_server, f"/graph/{S001}", {"Accept": "text/n3"})
    assert graph.status == 200 and graph.type == "text/turtle"


def test_the_pages_and_sparql_negotiate_alike(mini_server):
    """One set of rules (kg.endpoint.negotiate): text/* alone gets the first text offer
    (HTML on a page), never XML through the text/xml alias; q=0 excludes."""
    assert fetch(mini_server, "/id/iom", {"Accept": "text/*"}).headers["Location"] == "/doc/id/iom"
    r = fetch(mini_server, "/id/iom", {"Accept": "text/html;q=0, application/rdf+xml;q=0.5, "
                                                 "text/turtle;q=0.4"})
    assert r.headers["Location"] == "/doc/id/iom.rdf"
    assert fetch(mini_server, "/id/iom", {"Accept": "image/png"}).status == 406


@pytest.mark.parametrize(("accept", "ext", "media"), [
    ("text/turtle", "ttl", "text/turtle"), ("application/trig", "trig", "application/trig"),
    ("application/n-quads", "nq", "application/n-quads"),
    ("application/ld+json", "jsonld", "application/ld+json")])
def test_named_graph_names_its_variant_and_its_iri(mini_server, accept, ext, media):
    r = fetch(mini_server, f"/graph/{S001}", {"Accept": accept})
    assert r.status == 200 and r.type == media
    assert r.headers["Content-Location"] == f"/graph/{S001}.{ext}"
    assert r.headers["Vary"] == "Accept"
    assert f'<{GRAPH}>; rel="canonical"' in r.headers["Link"]
    variant = fetch(mini_server, r.headers["Content-Location"])
    assert variant.status == 200 and variant.body == r.body
    assert "Content-Location" not in variant.headers  # the variant is itself


@pytest.mark.parametrize("path", ["/id/no-such-thing", "/doc/id/no-such-thing",
                                  "/graph/no-such-graph", "/no/route/here", "/source/nope"])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_404s_say_they_vary_by_accept(mini_server, path, accept):
    r = fetch(mini_server, path, {"Accept": accept})
    assert r.status == 404
    assert r.headers["Vary"] == "Accept"
