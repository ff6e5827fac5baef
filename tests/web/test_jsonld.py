"""JSON-LD documents compacted against the published context, and the expanded form on
request; both read with pyld (the JSON-LD 1.1 processor), which must find the same RDF
in each. The context IRI (https://w3id.org/mgkg/context.jsonld) is resolved the way
w3id.org would: to the server's /context.jsonld."""

from __future__ import annotations

import json

import pytest
from pyld import jsonld

from kg.release.jsonld import CONTEXT_IRI, EXPANDED_PROFILE

from ..conftest import http
from .test_interop import S001, fetch

EXPANDED = f'application/ld+json;profile="{EXPANDED_PROFILE}"'


@pytest.fixture(scope="module")
def loader(mini_server):
    """A pyld document loader that serves the context from the running server and refuses
    anything else (so a document naming another remote context fails the test)."""
    def load(url, options=None):
        assert url == CONTEXT_IRI, url
        r = http("GET", mini_server + "/context.jsonld")
        assert r.status == 200 and r.type == "application/ld+json"
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": r.json()}
    return load


def nquads(doc, loader) -> set[str]:
    text = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    return {line for line in text.splitlines() if "_:" not in line}


@pytest.mark.parametrize("path", ["/doc/id/iom.jsonld", f"/graph/{S001}.jsonld",
                                  "/ontology.jsonld", "/doc/dataset.jsonld"])
def test_documents_are_compacted_against_the_published_context(mini_server, loader, path):
    compact = fetch(mini_server, path)
    assert compact.status == 200 and compact.type == "application/ld+json"
    assert "json-ld#compacted" in compact.headers["Content-Type"]
    doc = compact.json()
    assert doc["@context"] == CONTEXT_IRI and isinstance(doc["@graph"], list)
    assert "https://w3id.org/mgkg/id/" not in compact.text or path != "/doc/id/iom.jsonld"
    expanded = fetch(mini_server, path, {"Accept": EXPANDED})
    assert expanded.status == 200 and "json-ld#expanded" in expanded.headers["Content-Type"]
    assert "@context" not in expanded.text
    assert compact.headers["Vary"] == "Accept"
    # The same statements, read by a JSON-LD processor from either form.
    got, want = nquads(doc, loader), nquads(expanded.json(), loader)
    assert got == want and len(got) > 5


def test_a_compacted_resource_reads_as_a_web_developer_expects(mini_server):
    doc = fetch(mini_server, "/doc/id/iom.jsonld").json()
    iom = next(n for n in doc["@graph"] if n["@id"] == "mgr:iom")
    assert "rdfs:label" in iom and "mg:IntergovernmentalOrganization" in json.dumps(iom)


def test_the_context_is_published_and_shipped(mini_server, mini_settings):
    r = fetch(mini_server, "/context.jsonld", {"Origin": "https://app.example"})
    assert r.status == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    shipped = (mini_settings.dist_dir / "context.jsonld").read_bytes()
    assert r.body == shipped
    ctx = json.loads(shipped)["@context"]
    assert ctx["mg"] == "https://w3id.org/mgkg/ontology#" and ctx["mgr"] == "https://w3id.org/mgkg/id/"
    assert fetch(mini_server, "/kg").headers["Location"].endswith("/download/mgkg.owl")
