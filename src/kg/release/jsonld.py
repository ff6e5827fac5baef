"""JSON-LD for web developers: compacted against one published @context.

Expanded JSON-LD (what Oxigraph writes) spells every IRI out. A document compacted
against the project's context reads `"rdfs:label"`, `"@id": "mgr:iom"`; the context is
published at a stable IRI (`https://w3id.org/mgkg/context.jsonld`, served at
`/context.jsonld`, shipped as `dist/context.jsonld`) rather than inlined in each
document, so clients cache it once and every document names the same one. It maps the
project's prefixes (kg.core.namespaces, the table /sparql predeclares): compaction then
only shortens IRIs and never changes what a document says, which the tests check by
expanding both forms with pyld and comparing the RDF.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from ..core.namespaces import BASE, PREFIXES

CONTEXT_IRI = BASE + "context.jsonld"
CONTEXT_FILE = "context.jsonld"
# The JSON-LD profile a client names in Accept to get the expanded form instead.
EXPANDED_PROFILE = "http://www.w3.org/ns/json-ld#expanded"


def context() -> dict:
    return {prefix: PREFIXES[prefix] for prefix in sorted(PREFIXES)}


def context_document() -> str:
    return json.dumps({"@context": context()}, indent=2, sort_keys=True) + "\n"


def _term(term):
    """An Oxigraph term as rdflib's, blank node labels kept (so a document's bytes do not
    change from one request to the next)."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def compact(triples: list[ox.Triple]) -> str:
    """A graph as a compacted JSON-LD document naming the published context by its IRI.
    rdflib is imported here, not with the module: the web pages import this module, and
    the serving processes load rdflib only once a client asks for compacted JSON-LD."""
    import rdflib

    graph = rdflib.Graph()
    for t in triples:
        graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    doc = json.loads(graph.serialize(format="json-ld", context=context()))
    doc["@context"] = CONTEXT_IRI
    if "@graph" not in doc:  # a single node: keep the shape of every other document
        node = {k: v for k, v in doc.items() if k != "@context"}
        doc = {"@context": CONTEXT_IRI, "@graph": [node] if node else []}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
