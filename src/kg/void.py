"""VoID + DCAT description of the release. Minimal: to be completed (issue 8)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from .namespaces import BASE, VOID, bind_all

DATASET = URIRef(BASE + "dataset")


def describe(summary: dict) -> Graph:
    graph = Graph()
    bind_all(graph)
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, DCTERMS.title, Literal("Migration Governance Knowledge Graph", lang="en")))
    graph.add((DATASET, VOID.triples, Literal(summary["triples"], datatype=XSD.integer)))
    return graph
