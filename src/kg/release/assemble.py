"""The release's graph, assembled from the parsed files without an rdflib store.

One named graph per source file (every links file into the one links graph, the ontology
files into the ontology graph), each source quote's character offsets added, a source
document's title as its label where it has none, and the blank nodes relabelled by
kg.release.canon over all graphs together: the same quads the rdflib Dataset pipeline
made (kept as the reference in tests/release/rdflib_pipeline.py and compared by
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
from .dumps import sorted_quads_and_union


@dataclass
class Release:
    """The canonical graph of a release, in the forms its writers need."""

    graphs: dict[URIRef, list[tuple]]  # per named graph, canonical labels
    whole: TripleIndex  # the union of the named graphs
    quads: list[ox.Quad]  # sorted: graph, subject, predicate, object
    keyed: list[tuple]  # the union as (sort key, triple), sorted

    @property
    def triples(self) -> list[ox.Triple]:
        """The union, sorted."""
        return [t for _, t in self.keyed]

    @property
    def per_graph(self) -> dict[str, int]:
        return {str(name): len(triples) for name, triples in self.graphs.items() if triples}

    def indexes(self, predicates: set) -> list[TripleIndex]:
        """Each named graph as an index of the subjects that have one of the predicates
        (all their triples): what a writer that asks about such nodes per graph needs."""
        out = []
        for triples in self.graphs.values():
            subjects = {s for s, p, _ in triples if p in predicates}
            out.append(TripleIndex(t for t in triples if t[0] in subjects))
        return out

    def ontology(self) -> Graph:
        """The ontology graph as an rdflib Graph, for ontology.ttl (rdflib nests its
        restrictions and lists, which people read) and the catalog's version IRI."""
        graph = Graph()
        bind_all(graph)
        graph.addN((s, p, o, graph) for s, p, o in self.graphs.get(ONTOLOGY_GRAPH, ()))
        return graph


def named_graphs(corpus: Corpus, sources: SourceLibrary) -> dict[URIRef, list[tuple]]:
    """The triples of each named graph as curated (each once), with offsets and source
    labels added. Each graph gets its additions once all its files are in (the links
    graph has several files; a record in one is completed from all of them)."""
    graphs: dict[URIRef, dict[tuple, None]] = {}
    for path in corpus.ontology_paths:
        graphs.setdefault(ONTOLOGY_GRAPH, {}).update(dict.fromkeys(corpus.graphs.get(path, ())))
    data_names = []
    for path in corpus.data_paths:
        name = URIRef(str(corpus.named_graph(path)))
        if name not in graphs:
            graphs[name] = {}
            data_names.append(name)
        graphs[name].update(dict.fromkeys(corpus.graphs.get(path, ())))
    for name in data_names:
        triples = graphs[name]
        triples.update(dict.fromkeys(additions(list(triples), sources)))
    return {name: list(triples) for name, triples in graphs.items()}


def additions(triples: list[tuple], sources: SourceLibrary) -> list[tuple]:
    """What the build adds to one named graph: where in its source text each quote
    stands (character offsets, end exclusive), and a source document's title as its
    rdfs:label where the record gives none (tools that show things by rdfs:label,
    Protégé, owlready2, most RDF browsers, otherwise list the documents by their
    hash-like IRIs). Only the few properties involved are indexed."""
    wanted = {MG.quote, DCTERMS.source, RDF.type, RDFS.label, DCTERMS.title}
    by: dict = {p: {} for p in wanted}
    for s, p, o in triples:
        if p in wanted:
            by[p].setdefault(s, []).append(o)
    added = []
    for node, quotes in by[MG.quote].items():
        known = by[DCTERMS.source].get(node)
        source = min(known) if known else None
        if source is None or not str(source).startswith(str(MGS)):
            continue  # the record of a link out quotes a document outside the seeds
        text = sources.get(str(source)[len(str(MGS)):])
        for quote in quotes:
            span = text.locate(str(quote)) if text else None
            if span:
                added.append((node, MG.quoteStart,
                              Literal(span[0], datatype=XSD.nonNegativeInteger)))
                added.append((node, MG.quoteEnd,
                              Literal(span[1], datatype=XSD.nonNegativeInteger)))
    for doc, types in by[RDF.type].items():
        if MG.SourceDocument in types and doc not in by[RDFS.label]:
            added += [(doc, RDFS.label, title) for title in by[DCTERMS.title].get(doc, ())]
    return added


def canonical(graphs: dict[URIRef, list[tuple]]) -> dict[URIRef, list[tuple]]:
    """The same graphs with blank nodes labelled by what they say, over all graphs."""
    mapping = canonical_labels([t for triples in graphs.values() for t in triples])
    get = mapping.get
    return {name: list(dict.fromkeys((get(s, s), p, get(o, o)) for s, p, o in triples))
            for name, triples in graphs.items()}


def assemble_release(corpus: Corpus, sources: SourceLibrary) -> Release:
    graphs = canonical(named_graphs(corpus, sources))
    quads, keyed = sorted_quads_and_union(graphs)
    whole = TripleIndex()
    for triples in graphs.values():
        whole.add_all(triples)
    return Release(graphs, whole, quads, keyed)


__all__ = ["Release", "assemble_release", "named_graphs", "canonical"]
