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

from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from ..core.namespaces import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def ox_term(term, cache: dict):
    """The pyoxigraph term for an rdflib one (blank nodes keep their labels)."""
    return _convert(term, cache)[1]


def _convert(term, cache: dict) -> tuple[str, object]:
    """(sort key, pyoxigraph term), computed once per distinct term. The key puts IRIs
    before blank nodes before literals, then orders by their text: what a reader scans,
    and plain strings, so that sorting a million quads compares tuples of str in C."""
    found = cache.get(term)
    if found is not None:
        return found
    if isinstance(term, URIRef):
        made = ("0" + str(term), ox.NamedNode(str(term)))
    elif isinstance(term, BNode):
        made = ("1" + str(term), ox.BlankNode(str(term)))
    elif isinstance(term, Literal):
        if term.language:
            value = ox.Literal(str(term), language=term.language)
        elif term.datatype is not None and str(term.datatype) != _XSD_STRING:
            value = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        else:
            value = ox.Literal(str(term))
        made = ("2" + str(value), value)
    else:
        raise TypeError(f"not an RDF term: {term!r}")
    cache[term] = made
    return made


def _ox_key(term) -> str:
    kind = "0" if isinstance(term, ox.NamedNode) else "1" if isinstance(term, ox.BlankNode) else "2"
    return kind + (term.value if kind != "2" else str(term))


def dataset_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every quad of the named graphs, sorted by graph, subject, predicate, object."""
    cache: dict = {}
    keyed: dict[tuple, ox.Quad] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        (ks, xs), (kp, xp), (ko, xo) = (_convert(s, cache), _convert(p, cache),
                                        _convert(o, cache))
        kg, xg = _convert(URIRef(str(name)), cache)
        keyed[(kg, ks, kp, ko)] = ox.Quad(xs, xp, xo, xg)
    return [keyed[key] for key in sorted(keyed)]


def quads_of(graphs: Mapping) -> list[ox.Quad]:
    """dataset_quads for graphs given as {name: triples}, the build's own form."""
    return sorted_quads_and_union(graphs)[0]


def sorted_quads_and_union(graphs: Mapping) -> tuple[list[ox.Quad], list[tuple]]:
    """The quads of graphs given as {name: triples} sorted as dataset_quads sorts them,
    and their union as (sort key, triple) pairs sorted as union_triples sorts it: both
    from one conversion and one sort of the keys."""
    cache: dict = {}
    keyed: dict[tuple, tuple] = {}
    for name, triples in graphs.items():
        kg, xg = _convert(URIRef(str(name)), cache)
        for s, p, o in triples:
            (ks, xs), (kp, xp), (ko, xo) = (_convert(s, cache), _convert(p, cache),
                                            _convert(o, cache))
            keyed[(kg, ks, kp, ko)] = (xs, xp, xo, xg)
    keys = sorted(keyed)
    quads = [ox.Quad(*keyed[k]) for k in keys]
    union: dict[tuple, ox.Triple] = {}
    for k, quad in zip(keys, quads, strict=True):
        if k[1:] not in union:
            union[k[1:]] = quad.triple
    return quads, sorted(union.items())


def _memo_key():
    """A term's sort key, each term's computed once (a graph repeats its terms a lot)."""
    memo: dict = {}

    def key(term) -> str:
        found = memo.get(term)
        if found is None:
            found = memo[term] = _ox_key(term)
        return found

    return key


def merge_sorted(keyed: list[tuple], extra: list[ox.Triple]) -> list[ox.Triple]:
    """Sorted (key, triple) pairs and more triples, as one sorted list of triples (the
    order sort_triples gives)."""
    key = _memo_key()

    more = {(key(t.subject), key(t.predicate), key(t.object)): t for t in extra}
    have = dict(keyed)
    have.update(more)
    return [have[k] for k in sorted(have)]


def graph_triples(graph: Graph) -> list[ox.Triple]:
    cache: dict = {}
    keyed: dict[tuple, ox.Triple] = {}
    for s, p, o in graph:
        (ks, xs), (kp, xp), (ko, xo) = (_convert(s, cache), _convert(p, cache),
                                        _convert(o, cache))
        keyed[(ks, kp, ko)] = ox.Triple(xs, xp, xo)
    return [keyed[key] for key in sorted(keyed)]


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The merge of the named graphs as a set of triples, sorted."""
    return sort_triples({q.triple for q in quads})


def sort_triples(triples) -> list[ox.Triple]:
    key = _memo_key()

    keyed = {(key(t.subject), key(t.predicate), key(t.object)): t for t in triples}
    return [keyed[k] for k in sorted(keyed)]


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
