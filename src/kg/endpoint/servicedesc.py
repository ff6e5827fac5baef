"""The SPARQL 1.1 Service Description of the endpoint (GET /sparql without a query).

Programs discover what an endpoint speaks from this document instead of from prose:
the endpoint IRI, the result formats, that the default graph is the union of the named
graphs, each named graph with its size, and where the VoID description is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..core.namespaces import BASE, MGG, PREFIXES
from ..core.namespaces import FORMATS as FORMATS_NS
from ..core.namespaces import SD as SD_NS
from .negotiate import Format
from .results import serialize_graph

if TYPE_CHECKING:
    from .state import AppState

SD, FORMATS, VOID = str(SD_NS), str(FORMATS_NS), PREFIXES["void"]
RDF, RDFS, XSD, DCT = (PREFIXES[p] for p in ("rdf", "rdfs", "xsd", "dcterms"))
RDF_TYPE = ox.NamedNode(RDF + "type")
DATASET = ox.NamedNode(BASE + "dataset")  # the void:Dataset of void.py
VOID_GRAPH = ox.NamedNode(MGG + "void")
RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                      "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
                      "TriG", "N-Quads")


def graph_sizes(store: ox.Store) -> tuple[dict[str, int], int]:
    """Triples per named graph, and in their union (each distinct triple once)."""
    sizes = {}
    for graph in store.named_graphs():
        sizes[graph.value] = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    union = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                        "WHERE { GRAPH ?g { ?s ?p ?o } } }")
    return dict(sorted(sizes.items())), int(next(iter(union))[0].value)


def _n(name: str, ns: str = SD) -> ox.NamedNode:
    return ox.NamedNode(ns + name)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def description_triples(endpoint: str, sizes: dict[str, int], union: int,
                        settings) -> list[ox.Triple]:
    service = ox.NamedNode(endpoint)
    t = []

    def add(s, p, o):
        t.append(ox.Triple(s, p, o))

    add(service, RDF_TYPE, _n("Service"))
    add(service, _n("endpoint"), service)
    add(service, _n("supportedLanguage"), _n("SPARQL11Query"))
    for name in RESULT_FORMAT_IRIS:
        add(service, _n("resultFormat"), _n(name, FORMATS))
    add(service, _n("feature"), _n("UnionDefaultGraph"))
    add(service, _n("defaultEntailmentRegime"),
        ox.NamedNode("http://www.w3.org/ns/entailment/Simple"))
    add(service, ox.NamedNode(DCT + "title"),
        ox.Literal("Migration Governance Knowledge Graph: SPARQL 1.1 query endpoint",
                   language="en"))
    add(service, ox.NamedNode(RDFS + "comment"), ox.Literal(
        "Read-only (no SPARQL Update, no SERVICE). The default graph is the union (RDF "
        "merge) of all named graphs: one per source document, the ontology and the VoID "
        f"description. A query runs at most {settings.query_timeout:g} s (then 503); "
        f"results are cut at {settings.max_rows} rows or {settings.max_response_bytes} "
        "bytes, flagged by the X-MGKG-Truncated header.", language="en"))
    see_also = ox.NamedNode(RDFS + "seeAlso")
    add(service, see_also, VOID_GRAPH)  # the VoID description, as a queryable graph
    if endpoint.endswith("/sparql"):  # and as a document, at VoID's well-known location
        add(service, see_also, ox.NamedNode(endpoint[: -len("/sparql")] + "/.well-known/void"))
    add(service, _n("defaultDataset"), DATASET)
    add(DATASET, RDF_TYPE, _n("Dataset"))
    add(DATASET, RDF_TYPE, _n("Dataset", VOID))
    add(DATASET, _n("sparqlEndpoint", VOID), service)
    default = ox.BlankNode("defaultGraph")
    add(DATASET, _n("defaultGraph"), default)
    add(default, RDF_TYPE, _n("Graph"))
    add(default, _n("triples", VOID), _int(union))
    for i, (name, size) in enumerate(sizes.items()):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        add(DATASET, _n("namedGraph"), named)
        add(named, RDF_TYPE, _n("NamedGraph"))
        add(named, _n("name"), ox.NamedNode(name))
        add(named, _n("graph"), graph)
        add(graph, RDF_TYPE, _n("Graph"))
        add(graph, _n("triples", VOID), _int(size))
    return t


def service_description(app: AppState, endpoint: str, fmt: Format) -> bytes:
    """Graph sizes are counted once per process (the store never changes while served);
    the document itself is cheap and depends on the Host the client used."""
    if "sizes" not in app.cache:
        app.cache["sizes"] = graph_sizes(app.store)
    sizes, union = app.cache["sizes"]
    prefixes = {"sd": SD, "void": VOID, "formats": FORMATS, "dcterms": PREFIXES["dcterms"],
                "rdfs": PREFIXES["rdfs"], "xsd": PREFIXES["xsd"], "mgg": PREFIXES["mgg"]}
    return serialize_graph(fmt, description_triples(endpoint, sizes, union, app.settings),
                           prefixes)
