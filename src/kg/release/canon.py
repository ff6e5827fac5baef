"""Deterministic blank-node labels, so that two builds give byte-identical N-Triples.

A blank node is named by a hash of what it says (its outgoing triples, recursively): the
evidence axioms, OWL restrictions and RDF lists of this graph are all trees, for which this
is a canonical labelling. Two blank nodes that say exactly the same thing collapse into one,
which for an evidence axiom is the right thing (it is the same statement).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from rdflib import BNode, Dataset, Graph, URIRef


def canonical_labels(triples) -> dict[BNode, BNode]:
    out: dict = defaultdict(list)
    for s, p, o in triples:
        if isinstance(s, BNode):
            out[s].append((p, o))
    memo: dict[BNode, str] = {}
    visiting: set[BNode] = set()
    written: dict = {}  # n3() of IRIs and literals, once each (it checks every IRI)

    def n3(term) -> str:
        found = written.get(term)
        if found is None:
            found = written[term] = term.n3()
        return found

    def digest(node: BNode) -> str:
        if node in memo:
            return memo[node]
        if node in visiting:  # a cycle: not expected in this graph; break it stably
            return "cycle"
        visiting.add(node)
        parts = sorted(n3(p) + " " + ("_:" + digest(o) if isinstance(o, BNode) else n3(o))
                       for p, o in out.get(node, ()))
        visiting.discard(node)
        memo[node] = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:20]
        return memo[node]

    nodes = {t for s, p, o in triples for t in (s, o) if isinstance(t, BNode)}
    return {node: BNode("b" + digest(node)) for node in nodes}


def canonicalize_graph(graph: Graph) -> Graph:
    mapping = canonical_labels(list(graph))
    result = Graph()
    for prefix, ns in graph.namespaces():
        result.bind(prefix, ns, override=True)
    for s, p, o in graph:
        result.add((mapping.get(s, s), p, mapping.get(o, o)))
    return result


def canonicalize_dataset(dataset: Dataset) -> Dataset:
    """Relabel blank nodes with labels computed over all graphs together."""
    quads = list(dataset.quads((None, None, None, None)))
    mapping = canonical_labels([(s, p, o) for s, p, o, _ in quads])
    result = Dataset()
    for prefix, ns in dataset.namespaces():
        result.bind(prefix, ns, override=True)
    graphs: dict = {}  # Dataset.graph() per quad cost a sixth of the whole step
    for s, p, o, g in quads:
        name = g.identifier if isinstance(g, Graph) else g
        graph = graphs.get(name)
        if graph is None:
            graph = graphs[name] = result.graph(URIRef(str(name)))
        graph.add((mapping.get(s, s), p, mapping.get(o, o)))
    return result


def sorted_ntriples(graph: Graph) -> str:
    """N-Triples, one line per triple, sorted: the form whose bytes define a release."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"
