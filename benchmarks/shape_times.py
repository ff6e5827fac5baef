"""Time each node shape of a shapes file alone, in the SHACL engine, on one data file.

    python benchmarks/shape_times.py ontology/shapes.ttl DATA.nt [ShapeName ...]

Prints seconds and result count per shape, slowest first. Each run includes parsing the
data (the cost of a shape with nothing to do shows that baseline). This is how the
shape that kept the 1M build from finishing was found (mgsh:DisjointClasses: 25 s of the
100k graph's validation, quadratic in the graph; README "Measured changes").
Make DATA.nt from a synthetic project with pyoxigraph, e.g. by loading its
ontology/mgkg.ttl and data/*.ttl into a Store and writing it as N-Triples.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyshacl_turbo
from pyshacl_turbo.rdf import Input
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_ONTOLOGY = URIRef("https://w3id.org/mgkg/shapes")  # where sh:prefixes point


def _closure(graph: Graph, node, seen: set) -> None:
    """The shape and everything it is made of: blank nodes, named property shapes and
    named SPARQL constraints."""
    if node in seen:
        return
    seen.add(node)
    for p, o in graph.predicate_objects(node):
        if isinstance(o, BNode) or (p in (SH.sparql, SH.property) and isinstance(o, URIRef)):
            _closure(graph, o, seen)


def shape_graph(shapes: Graph, shape) -> Graph:
    seen: set = set()
    _closure(shapes, shape, seen)
    _closure(shapes, SHAPES_ONTOLOGY, seen)  # the prefix declarations
    out = Graph(bind_namespaces="none")
    for node in seen:
        for triple in shapes.triples((node, None, None)):
            out.add(triple)
    return out


def main(argv: list[str]) -> int:
    shapes_path, data_path, *only = argv
    shapes = Graph(bind_namespaces="none").parse(shapes_path)
    data = Path(data_path).read_text(encoding="utf-8")
    names = sorted(s for s in set(shapes.subjects(RDF.type, SH.NodeShape))
                   if isinstance(s, URIRef) and (not only or any(str(s).endswith("#" + n)
                                                                 for n in only)))
    rows = []
    for shape in names:
        sub = shape_graph(shapes, shape)
        nodes = {str(n): n for n in sub.all_nodes() if isinstance(n, BNode)}
        compiled = pyshacl_turbo.compile_shapes(
            Input(sub.serialize(format="nt"), "nt", None, nodes, {}, preserve_ids=True),
            advanced=True)
        start = time.perf_counter()
        _, report, _ = compiled.validate(Input(data, "nt", None, {}, {}), inference="none")
        rows.append((time.perf_counter() - start, len(set(report.objects(None, SH.result))),
                     str(shape)))
        print(f"{rows[-1][0]:8.2f} s {rows[-1][1]:6d}  {shape}", file=sys.stderr, flush=True)
    for seconds, results, shape in sorted(rows, reverse=True):
        print(f"{seconds:8.2f} s {results:6d} results  {shape}")
    print(f"{sum(r[0] for r in rows):8.2f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
