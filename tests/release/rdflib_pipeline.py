"""The release graph as the rdflib Dataset pipeline assembled it before issue 17 (a test
oracle, so it lives with the tests, not in the package).

Kept as the reference that kg.release.assemble must agree with: tests/release/
test_dumps.py builds the mini release both ways and compares the canonical N-Triples
byte for byte. The build itself does not use it (an rdflib Dataset of the real graph
took seconds to fill, copy and union).
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg.core.namespaces import MG, MGS, ONTOLOGY_GRAPH, bind_all
from kg.input.corpus import Corpus
from kg.input.sources import SourceLibrary


def assemble(corpus: Corpus, sources: SourceLibrary) -> Dataset:
    """One named graph per source file (plus the ontology), with quote offsets added."""
    dataset = Dataset()
    bind_all(dataset)
    for path in corpus.ontology_paths:
        graph = dataset.graph(ONTOLOGY_GRAPH)
        graph += corpus.graphs[path]
    for path in corpus.data_paths:
        graph = dataset.graph(corpus.named_graph(path))
        graph += corpus.graphs[path]
        add_offsets(graph, sources)
        add_source_labels(graph)
    return dataset


def add_source_labels(graph: Graph) -> None:
    for doc in list(graph.subjects(RDF.type, MG.SourceDocument)):
        if graph.value(doc, RDFS.label) is None:
            for title in list(graph.objects(doc, DCTERMS.title)):
                graph.add((doc, RDFS.label, title))


def add_offsets(graph: Graph, sources: SourceLibrary) -> None:
    for node, quote in list(graph.subject_objects(MG.quote)):
        source = graph.value(node, DCTERMS.source)
        if source is None or not str(source).startswith(str(MGS)):
            continue
        text = sources.get(str(source)[len(str(MGS)):])
        span = text.locate(str(quote)) if text else None
        if span:
            graph.add((node, MG.quoteStart, Literal(span[0], datatype=XSD.nonNegativeInteger)))
            graph.add((node, MG.quoteEnd, Literal(span[1], datatype=XSD.nonNegativeInteger)))


def union(dataset: Dataset, exclude: set | None = None) -> Graph:
    graph = Graph()
    bind_all(graph)
    for ctx in dataset.graphs():
        if exclude and ctx.identifier in exclude:
            continue
        graph += ctx
    return graph
