"""Time competency queries in the serving store's shape, and compare two versions' rows.

    python benchmarks/query_times.py SOURCE QUERY.rq ...          # time each query
    python benchmarks/query_times.py SOURCE OLD.rq:NEW.rq ...     # both, and same rows?

SOURCE is a release's mgkg.trig, loaded by `load_store` as the server loads it (with the
release's VoID and summary graphs), or a project directory (a synthetic one from
generate.py), whose ontology/mgkg.ttl and data/*.ttl are loaded one named graph per file
without building it (so a 1M graph is ready in under a minute; no summary graph, so
questions 24 and 47 find nothing to read). As `load_store` does, the union of the named
graphs is copied into the default graph. Run with PYTHONPATH=src. Each query runs up to 5
times (fewer once one run passes 5 s); the medians of wall and CPU time are printed (on
a shared machine the CPU time is the quiet machine's figure). With OLD:NEW the rows are
compared in order ("same-order=True" is what tests/graph/test_query_rewrites.py asserts).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.store.query import run  # the one evaluation kg query and the endpoint share

GRAPH = "https://w3id.org/mgkg/graph/"


def load(source: Path) -> ox.Store:
    if source.is_file():  # a release: exactly as the server loads it (VoID, summary, union)
        from kg.store.store import load_store

        return load_store(None, source)
    store = ox.Store()
    files = [source / "ontology" / "mgkg.ttl", *sorted((source / "data").glob("*.ttl"))]
    for path in files:
        name = "ontology" if path.parent.name == "ontology" else path.stem
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                        to_graph=ox.NamedNode(GRAPH + name))
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def timed(store: ox.Store, path: Path) -> tuple[float, list[tuple], float]:
    """Median wall seconds, the rows, and median CPU seconds of this process: the engine
    evaluates in the calling thread, so on a machine shared with other work the CPU time
    is what a quiet machine's wall time would be."""
    text = path.read_text(encoding="utf-8")
    times, cpu, rows = [], [], []
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        rows = [tuple(None if t is None else str(t) for t in s) for s in run(store, text)]
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if times[-1] > 5:
            break
    return statistics.median(times), rows, statistics.median(cpu)


def main(argv: list[str]) -> int:
    source, *pairs = argv
    start = time.perf_counter()
    store = load(Path(source))
    print(f"loaded {len(store)} quads in {time.perf_counter() - start:.1f} s", flush=True)
    for pair in pairs:
        old, _, new = pair.partition(":")
        t_old, r_old, c_old = timed(store, Path(old))
        line = (f"{Path(old).name}: {t_old * 1000:.1f} ms (CPU {c_old * 1000:.1f} ms), "
                f"{len(r_old)} rows")
        if new:
            t_new, r_new, c_new = timed(store, Path(new))
            line += (f" -> {t_new * 1000:.1f} ms (CPU {c_new * 1000:.1f} ms), {len(r_new)} rows, "
                     f"same-order={r_old == r_new}")
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
