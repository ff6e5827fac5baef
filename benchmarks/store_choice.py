"""Which embedded store should serve the release? Times the same queries on pyoxigraph and
on rdflib's in-memory Dataset (its own pure-Python SPARQL engine), over a release TriG,
optionally scaled up by copying every graph under renamed IRIs.

    python benchmarks/store_choice.py dist/mgkg.trig [--scale 10] [--runs 20]

Prints a Markdown table (median wall time per query, results fully consumed) that goes
into docs/ENDPOINT.md. run.py measures every competency query the same way on real and
synthetic graphs; this script keeps the micro-queries and the --scale copy trick.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.core.namespaces import PREFIXES
from kg.store.store import materialize_union

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import median_ms  # noqa: E402 - shared with run.py: one definition of a median

QUERIES = {
    "lookup (label of one IRI)":
        "SELECT ?label WHERE { mgr:iom rdfs:label ?label }",
    "evidence (facts + source + quote of one entity)":
        """SELECT ?p ?o ?source ?quote WHERE {
             ?ax a owl:Axiom ; owl:annotatedSource mgr:iom ; owl:annotatedProperty ?p ;
                 owl:annotatedTarget ?o ; dcterms:source ?source ; mg:quote ?quote }""",
    "aggregate (facts per source)":
        """SELECT ?source (COUNT(?ax) AS ?n) WHERE { ?ax a owl:Axiom ; dcterms:source ?source }
           GROUP BY ?source ORDER BY DESC(?n)""",
    "property path (instances per class, rdf:type/rdfs:subClassOf*)":
        "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a/rdfs:subClassOf* ?c } GROUP BY ?c",
    "text filter (labels containing 'migra')":
        """SELECT ?s ?l WHERE { ?s rdfs:label ?l
             FILTER(CONTAINS(LCASE(STR(?l)), "migra")) }""",
    "construct (one entity)":
        "CONSTRUCT { mgr:iom ?p ?o } WHERE { mgr:iom ?p ?o }",
    "full scan (count all triples)":
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "per graph (GRAPH ?g count)":
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
}


def scaled_quads(path: Path, scale: int) -> list[ox.Quad]:
    """The release, plus scale-1 copies whose mgkg IRIs carry a copy suffix."""
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    out = list(quads)
    for i in range(1, scale):
        def ren(term, i=i):
            if isinstance(term, ox.NamedNode) and term.value.startswith("https://w3id.org/mgkg/") \
                    and "/ontology" not in term.value:
                return ox.NamedNode(f"{term.value}-copy{i}")
            if isinstance(term, ox.BlankNode):
                return ox.BlankNode(f"{term.value}c{i}")
            return term
        for q in quads:
            g = q.graph_name
            out.append(ox.Quad(ren(q.subject), q.predicate, ren(q.object),
                               g if isinstance(g, ox.DefaultGraph) else ren(g)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("trig", type=Path)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    quads = scaled_quads(args.trig, args.scale)
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)

    t = time.perf_counter()
    oxs = ox.Store()
    oxs.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    materialize_union(oxs)  # as the endpoint's workers do: the default graph is the merge
    ox_load = time.perf_counter() - t

    t = time.perf_counter()
    rds = rdflib.Dataset(default_union=True)
    rds.parse(data=nquads.decode(), format="nquads")
    rd_load = time.perf_counter() - t

    def ox_run(q):
        result = oxs.query(q, prefixes=PREFIXES)
        return list(result) if not isinstance(result, ox.QueryBoolean) else bool(result)

    def rd_run(q):
        return list(rds.query(q, initNs=PREFIXES))

    print(f"{len(quads)} quads (scale {args.scale}); load: pyoxigraph {ox_load:.2f} s, "
          f"rdflib {rd_load:.2f} s\n")
    print("| query | rows | pyoxigraph ms | rdflib ms | rdflib / pyoxigraph |")
    print("|---|---:|---:|---:|---:|")
    for name, q in QUERIES.items():
        rows_ox, rows_rd = len(ox_run(q)), len(rd_run(q))
        a = median_ms(lambda q=q: ox_run(q), args.runs)
        b = median_ms(lambda q=q: rd_run(q), max(3, args.runs // 4))
        note = "" if rows_ox == rows_rd else f" (rdflib: {rows_rd} rows)"
        print(f"| {name} | {rows_ox}{note} | {a:.3f} | {b:.1f} | {b / a:.0f}x |")


if __name__ == "__main__":
    main()
