"""The dumps pyoxigraph writes hold exactly the graph rdflib's serialisers wrote before:
same canonical N-Quads (blank nodes keep their canonical labels, so the lines compare
as text), and mgkg.nt is byte for byte what rdflib's sorted N-Triples gave. The graph
itself is assembled without rdflib's store (kg.release.assemble, from files parsed by
pyoxigraph or by rdflib) and must give the same quads as the rdflib Dataset pipeline
(tests/release/rdflib_pipeline.py)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg import __version__
from kg.core.namespaces import ONTOLOGY_GRAPH
from kg.input.corpus import Corpus
from kg.input.sources import SourceLibrary
from kg.release.assemble import assemble_release
from kg.release.canon import canonicalize_dataset
from kg.release.canon import sorted_ntriples as rdflib_sorted_ntriples
from kg.release.dumps import (
    dataset_quads,
    graph_triples,
    quads_of,
    sorted_ntriples,
    union_triples,
)

from . import rdflib_pipeline


@pytest.fixture(scope="module")
def release(mini_settings):
    """The mini release's canonical dataset, as the build makes it, beside its dist (the
    whole ontology, with its OWL lists and restrictions, and one source's evidence; rdflib
    needs minutes for the real graph's comparisons on a loaded machine)."""
    corpus = Corpus.load(mini_settings)
    dataset = canonicalize_dataset(rdflib_pipeline.assemble(
        corpus, SourceLibrary(mini_settings.seeds_dir)))
    return dataset, mini_settings.dist_dir


def _nquads(statements) -> set[str]:
    text = ox.serialize(statements, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return {line for line in text.splitlines() if line.strip()}


def _ox(path, fmt) -> list:
    # Parsed with the labels as written, to compare canonical lines.
    return list(ox.parse(path=str(path), format=fmt, rename_blank_nodes=False))


def test_ntriples_are_byte_identical_to_rdflibs(release):
    dataset, dist = release
    whole = rdflib_pipeline.union(dataset)
    ours = sorted_ntriples(union_triples(dataset_quads(dataset)))
    assert ours == rdflib_sorted_ntriples(whole)
    assert (dist / "mgkg.nt").read_text(encoding="utf-8") == ours


def test_trig_holds_the_same_quads_as_rdflibs_trig(release, tmp_path):
    dataset, dist = release
    reference = tmp_path / "rdflib.trig"
    dataset.serialize(reference, format="trig", encoding="utf-8")
    expected = _nquads(_ox(reference, ox.RdfFormat.TRIG))
    assert _nquads(_ox(dist / "mgkg.trig", ox.RdfFormat.TRIG)) == expected
    # and rdflib reads our file as the same dataset (graph by graph, isomorphic)
    ours = Dataset()
    ours.parse(dist / "mgkg.trig", format="trig")
    for graph in dataset.graphs():
        if len(graph):
            assert isomorphic(ours.graph(graph.identifier), graph), graph.identifier


@pytest.mark.parametrize("name, fmt, rdflib_fmt", [
    ("mgkg.ttl", ox.RdfFormat.TURTLE, "turtle"),
    ("mgkg.owl", ox.RdfFormat.RDF_XML, "xml"),
])
def test_turtle_and_rdfxml_hold_the_same_triples_as_rdflibs(release, tmp_path, name, fmt,
                                                           rdflib_fmt):
    dataset, dist = release
    whole = rdflib_pipeline.union(dataset)
    if name == "mgkg.owl":
        from kg.release.owl import owl_release

        whole = owl_release(whole, __version__)
    reference = tmp_path / name
    whole.serialize(reference, format=rdflib_fmt, encoding="utf-8")
    # rdflib writes blank nodes nested ([ ]), without labels: compare as graphs
    assert isomorphic(Graph().parse(dist / name, format=rdflib_fmt),
                      Graph().parse(reference, format=rdflib_fmt))
    # and the labels pyoxigraph wrote are the canonical ones, as in mgkg.nt
    assert _nquads(_ox(dist / name, fmt)) == _nquads(graph_triples(whole))


def test_ontology_owl_is_the_ontology_graph(release):
    dataset, dist = release
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    assert isomorphic(Graph().parse(dist / "ontology.owl", format="xml"), ontology)


def test_turtle_dump_keeps_prefixes_and_groups_by_subject(release):
    _, dist = release
    text = (dist / "mgkg.ttl").read_text(encoding="utf-8")
    assert "@prefix mg: <https://w3id.org/mgkg/ontology#> ." in text
    assert "mgr:iom a " in text  # prefixed names, rdf:type written `a`
    # one block per subject: the IRI of a thing starts a line once
    starts = [line.split(" ", 1)[0] for line in text.splitlines()
              if line and not line[0].isspace() and not line.startswith("@")]
    assert len(starts) == len(set(starts))


@pytest.mark.parametrize("load", ["load", "load_fast"])
def test_assembly_without_rdflib_store_gives_the_reference_quads(release, mini_settings, load):
    """Parsed by rdflib (positions) or by pyoxigraph (none), the files assemble to the
    very quads of the rdflib Dataset pipeline, canonical labels included."""
    dataset, _ = release
    corpus = getattr(Corpus, load)(mini_settings)
    ours = assemble_release(corpus, SourceLibrary(mini_settings.seeds_dir))
    assert _nquads(ours.quads) == _nquads(dataset_quads(dataset))
    assert _nquads(quads_of(ours.graphs)) == _nquads(dataset_quads(dataset))


def test_jsonld_holds_the_graph_compacted(release):
    """mgkg.jsonld (written by kg.release.jsonld_writer) reads back as the graph of
    mgkg.nt, with prefixed names and the OWL lists as @list."""
    _, dist = release
    text = (dist / "mgkg.jsonld").read_text(encoding="utf-8")
    assert '"mg": "https://w3id.org/mgkg/ontology#"' in text
    assert '"@id": "mgr:iom"' in text and '"@list"' in text
    assert isomorphic(Graph().parse(dist / "mgkg.jsonld", format="json-ld"),
                      Graph().parse(dist / "mgkg.nt", format="nt"))
