"""The release's graph, assembled from the parsed files without an rdflib store.

One named graph per source file (every links file into the one links graph, the ontology
files into the ontology graph), each source quote's character offsets added, a source
document's title as its label where it has none, and the blank nodes relabelled by
kg.release.canon over all graphs together: the same quads the rdflib Dataset pipeline
made (kept as the reference in kg.release.reference and compared by
tests/release/test_dumps.py), in a fraction of the time, since the triples stay plain
tuples of rdflib terms and are handed to pyoxigraph's serialisers once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..core.namespaces import MG, MGS, ONTOLOGY_GRAPH, bind_all
from ..input.corpus import Corpus
from ..input.sources import SourceLibrary
from ..input.triples import TripleIndex
from .canon import canonical_labels
from .dumps import quads_of, union_triples


@dataclass
class Release:
    """The canonical graph of a release, in the forms its writers need."""

    graphs: dict[URIRef, TripleIndex]  # per named graph, canonical labels
    whole: TripleIndex  # the union of the named graphs
    quads: list[ox.Quad]  # sorted: graph, subject, predicate, object
    triples: list[ox.Triple]  # the union, sorted

    @property
    def per_graph(self) -> dict[str, int]:
        return {str(name): len(graph) for name, graph in self.graphs.items() if len(graph)}

    def ontology(self) -> Graph:
        """The ontology graph as an rdflib Graph, for ontology.ttl (rdflib nests its
        restrictions and lists, which people read) and the catalog's version IRI."""
        graph = Graph()
        bind_all(graph)
        index = self.graphs.get(ONTOLOGY_GRAPH)
        if index is not None:
            graph.addN((s, p, o, graph) for s, p, o in index)
        return graph


def named_graphs(corpus: Corpus, sources: SourceLibrary) -> dict[URIRef, TripleIndex]:
    """The triples of each named graph as curated, with offsets and source labels added.
    Each graph gets its additions once all its files are in (the links graph has several
    files; a record in one of them is completed from all of them)."""
    graphs: dict[URIRef, TripleIndex] = {}
    for path in corpus.ontology_paths:
        graphs.setdefault(ONTOLOGY_GRAPH, TripleIndex()).add_all(corpus.graphs.get(path, ()))
    data_names = []
    for path in corpus.data_paths:
        name = URIRef(str(corpus.named_graph(path)))
        if name not in graphs:
            graphs[name] = TripleIndex()
            data_names.append(name)
        graphs[name].add_all(corpus.graphs.get(path, ()))
    for name in data_names:
        graph = graphs[name]
        graph.add_all(offsets(graph, sources))
        graph.add_all(source_labels(graph))
    return graphs


def offsets(graph: TripleIndex, sources: SourceLibrary) -> list[tuple]:
    """Where in its source text each quote stands (character offsets, end exclusive)."""
    added = []
    for node, quote in list(graph.subject_objects(MG.quote)):
        source = graph.value(node, DCTERMS.source)
        if source is None or not str(source).startswith(str(MGS)):
            continue  # the record of a link out quotes a document outside the seeds
        text = sources.get(str(source)[len(str(MGS)):])
        span = text.locate(str(quote)) if text else None
        if span:
            added.append((node, MG.quoteStart,
                          Literal(span[0], datatype=XSD.nonNegativeInteger)))
            added.append((node, MG.quoteEnd, Literal(span[1], datatype=XSD.nonNegativeInteger)))
    return added


def source_labels(graph: TripleIndex) -> list[tuple]:
    """A source document's title as its rdfs:label, where the record gives none: tools
    that show things by rdfs:label (Protégé, owlready2, most RDF browsers) otherwise list
    the documents by their hash-like IRIs."""
    return [(doc, RDFS.label, title)
            for doc in list(graph.subjects(RDF.type, MG.SourceDocument))
            if graph.value(doc, RDFS.label) is None
            for title in list(graph.objects(doc, DCTERMS.title))]


def canonical(graphs: dict[URIRef, TripleIndex]) -> dict[URIRef, TripleIndex]:
    """The same graphs with blank nodes labelled by what they say, over all graphs."""
    mapping = canonical_labels([t for graph in graphs.values() for t in graph])
    return {name: TripleIndex((mapping.get(s, s), p, mapping.get(o, o)) for s, p, o in graph)
            for name, graph in graphs.items()}


def assemble_release(corpus: Corpus, sources: SourceLibrary) -> Release:
    graphs = canonical(named_graphs(corpus, sources))
    quads = quads_of(graphs)
    whole = TripleIndex()
    for graph in graphs.values():
        whole.add_all(graph)
    return Release(graphs, whole, quads, union_triples(quads))


__all__ = ["Release", "assemble_release", "named_graphs", "canonical"]
