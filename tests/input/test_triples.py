"""kg.input.triples answers as rdflib's Graph does, on the same file parsed both ways."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS

from kg.core.namespaces import MG
from kg.input.triples import Terms, TripleIndex, parse_file

from ..conftest import MINI_DATA

FILE = MINI_DATA / "001_4f7e06674fa94512.ttl"


@pytest.fixture(scope="module")
def both():
    graph = Graph().parse(FILE, format="turtle", publicID=FILE.resolve().as_uri())
    return graph, TripleIndex(Terms().triples(parse_file(FILE)))


def test_same_triples(both):
    graph, index = both
    assert len(index) == len(graph)
    assert isomorphic(Graph().__iadd__(index), graph)  # literals normalised alike


def test_pattern_questions_agree(both):
    """Counts of every pattern rdflib is asked in the checks and writers (terms without
    blank nodes, so the two parses' labels do not matter)."""
    graph, index = both
    subjects = [s for s in set(graph.subjects()) if isinstance(s, URIRef)]
    for p in (RDF.type, RDFS.label, MG.quote, DCTERMS.source, None):
        assert Counter(index.subjects(p, None)).total() == Counter(graph.subjects(p, None)).total()
        assert len(list(index.subject_objects(p))) == len(list(graph.subject_objects(p)))
        for s in subjects:
            assert Counter(index.objects(s, p)) == Counter(graph.objects(s, p)), (s, p)
            assert Counter(index.predicates(s)) == Counter(graph.predicates(s))
            assert (index.value(s, p) is None) == (graph.value(s, p) is None)
    for o in set(graph.objects(None, RDF.type)):
        assert len(list(index.subjects(RDF.type, o))) == len(list(graph.subjects(RDF.type, o)))
        assert len(list(index.subjects(None, o))) == len(list(graph.subjects(None, o)))
        assert ((None, RDF.type, o) in index) and ((None, None, o) in index)
    assert set(index.predicates(unique=True)) == set(graph.predicates())
    assert len(set(index.objects(unique=True))) == len(set(graph.objects()))
    assert (MG.nothing, None, None) not in index


def test_blank_node_labels_are_each_files_own(tmp_path):
    """`_:x` in two files is two nodes (as rdflib's parser has it): merged, neither
    lends the other its properties."""
    from kg.input.corpus import Corpus

    from ..conftest import make_project

    settings = make_project(tmp_path / "p")
    for name, value in (("a.ttl", "one"), ("b.ttl", "two")):
        (settings.data_dir / name).write_text(
            f'_:x <https://w3id.org/mgkg/ontology#quote> "{value}" .\n', encoding="utf-8")
    merged = Corpus.load_fast(settings).merged
    nodes = {n for n, q in merged.subject_objects(MG.quote) if str(q) in ("one", "two")}
    assert len(nodes) == 2 and all(len(list(merged.objects(n, MG.quote))) == 1 for n in nodes)
