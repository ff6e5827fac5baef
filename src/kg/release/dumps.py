"""Writing the release's dumps with pyoxigraph's serialisers instead of rdflib's.

rdflib's serialisers were most of the build's time (issue 17: 7.3 s of 21.9 s on the real
graph, where pyoxigraph writes the same files in a fraction of a second). The graph is
handed over once, as pyoxigraph terms with the canonical blank-node labels kept, and
every dump is written from the same sorted list, so the files stay byte-identical
across builds. tests/release/test_dumps.py proves each file holds the same graph as
rdflib's serialisation of the same release (same canonical N-Quads).

What stays with rdflib: JSON-LD (pyoxigraph writes it expanded, the release ships it
compacted with its context inline) and the small ontology.ttl, which people read and
where rdflib nests the OWL restrictions and lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from ..core.namespaces import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def ox_term(term, cache: dict):
    """The pyoxigraph term for an rdflib one (blank nodes keep their labels)."""
    found = cache.get(term)
    if found is not None:
        return found
    if isinstance(term, URIRef):
        made = ox.NamedNode(str(term))
    elif isinstance(term, BNode):
        made = ox.BlankNode(str(term))
    elif isinstance(term, Literal):
        if term.language:
            made = ox.Literal(str(term), language=term.language)
        elif term.datatype is not None and str(term.datatype) != _XSD_STRING:
            made = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        else:
            made = ox.Literal(str(term))
    else:
        raise TypeError(f"not an RDF term: {term!r}")
    cache[term] = made
    return made


def _key(term) -> tuple:
    # IRIs before blank nodes before literals, then by their text: what a reader scans.
    kind = 0 if isinstance(term, ox.NamedNode) else 1 if isinstance(term, ox.BlankNode) else 2
    return kind, str(term)


def dataset_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every quad of the named graphs, sorted by graph, subject, predicate, object."""
    cache: dict = {}
    quads = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        quads.add(ox.Quad(ox_term(s, cache), ox_term(p, cache), ox_term(o, cache),
                          ox_term(URIRef(str(name)), cache)))
    return sorted(quads, key=lambda q: (str(q.graph_name), _key(q.subject),
                                        str(q.predicate), _key(q.object)))


def graph_triples(graph: Graph) -> list[ox.Triple]:
    cache: dict = {}
    triples = {ox.Triple(ox_term(s, cache), ox_term(p, cache), ox_term(o, cache))
               for s, p, o in graph}
    return sort_triples(triples)


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The merge of the named graphs as a set of triples, sorted."""
    return sort_triples({q.triple for q in quads})


def sort_triples(triples) -> list[ox.Triple]:
    return sorted(triples, key=lambda t: (_key(t.subject), str(t.predicate), _key(t.object)))


def prefixes() -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}


def write(path: Path, statements: list, fmt: ox.RdfFormat) -> None:
    """One dump, with the project's prefixes where the format has them."""
    kwargs = {} if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else {
        "prefixes": prefixes()}
    ox.serialize(statements, output=str(path), format=fmt, **kwargs)


def sorted_ntriples(triples: list[ox.Triple]) -> str:
    """N-Triples, one line per triple, sorted by the bytes of the line: the form whose
    bytes define a release (the same bytes as rdflib's N-Triples, sorted, gave)."""
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"
