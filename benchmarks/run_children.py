"""The measuring stages of benchmarks/run.py that run in a child process of their own
(`run.py --child KIND PARAMS`), so that their wall time and peak memory are theirs
alone: the build, the validation, and the queries on the serving store and on rdflib.
Each prints STEP lines as it goes and its result as one RESULT line.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402 - the benchmarks directory is not a package
import loadgen  # noqa: E402
from run_common import log  # noqa: E402,F401


def _settings(p: dict):
    from kg.core.settings import Settings

    return Settings(root=Path(p["root"]), seeds_dir=Path(p["seeds"]) if p.get("seeds") else None,
                    dist_dir=Path(p["dist"]),
                    cache_dir=Path(p["cache"]) if p.get("cache") else None)


def _cache_entries(settings) -> int:
    """Files in the build cache (kg.core.cache): 0 for a build from an empty cache."""
    root = settings.cache_dir
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0


def child_build(p: dict) -> dict:
    """kg.release.build.build: its own step timings (BuildResult.timings), and a STEP line
    as each stage ends (wrapping the functions it calls), so a stopped run says how far
    it got."""
    import kg.release.build as kb

    def announce(name: str, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            try:
                return fn(*a, **k)
            finally:
                print(f"STEP {name}", flush=True)
        return wrapper

    for name in ("checks_pass", "validate_slow", "compute_corpus", "assemble_release",
                 "summarize", "write_release", "publish"):
        if callable(getattr(kb, name, None)):  # kg.release.build may change; wrap what is there
            setattr(kb, name, announce(name, getattr(kb, name)))
    settings = _settings(p)
    cached = _cache_entries(settings)  # what the build could reuse: 0 = it validates all
    start = time.perf_counter()
    result = kb.build(settings)
    seconds = time.perf_counter() - start
    s = result.summary
    # Timings are seconds (floats); ints are counts (validate_shapes_rerun: how many
    # shapes the incremental SHACL verdict ran again), reported apart.
    steps = {k: v for k, v in result.timings.items()
             if k != "total" and not isinstance(v, int)}
    counts = {k: v for k, v in result.timings.items() if isinstance(v, int)}
    return {"seconds": seconds, "steps": steps, "counts": counts,
            "validation": {k: v for k, v in result.report.timings.items()
                           if not isinstance(v, int)},
            "cache_entries_at_start": cached, "triples": s["triples"],
            "entities": s["entities"],
            "facts": sum(c["facts"] for c in s["sources"].values()),
            "sources": len(s["sources"]), "diagnostics": result.report.counts()}


def child_validate(p: dict) -> dict:
    """kg.validation.validate.validate: exactly what `kg validate` runs."""
    from kg.validation.validate import validate

    start = time.perf_counter()
    _, rep = validate(_settings(p))
    return {"seconds": time.perf_counter() - start, "timings": rep.timings, "ok": rep.ok,
            "diagnostics": rep.counts()}


def _rss_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def child_queries(p: dict) -> dict:
    """The serving store and rdflib side by side, each query in a killable fork."""
    import pyoxigraph as ox

    from kg.core.namespaces import PREFIXES
    from kg.endpoint.evaluate import Job, Limits, evaluate
    from kg.store.store import load_store

    settings = _settings(p)
    limits = Limits.of(settings)
    queries = bench.competency_queries(Path(p["queries_root"]), p.get("max_queries"))
    out: dict = {"store": {}, "queries": [], "in_process": {}}
    t = time.perf_counter()
    store = load_store(settings)
    out["store"]["load_s"] = time.perf_counter() - t
    out["store"]["quads"] = len(store)
    out["store"]["rss_mb_after_load"] = _rss_mb()
    # rdflib gets the named graphs only and builds its own union, as it would serve them.
    named = (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
    nquads = ox.serialize(named, format=ox.RdfFormat.N_QUADS) if p["rdflib"] else None
    out["store"]["union_triples"] = sum(
        1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    print(f"STEP store {out['store']['load_s']:.3f}", flush=True)

    def consume(result):
        if isinstance(result, ox.QueryBoolean):
            return 1
        return sum(1 for _ in result)

    def engine(text: str):
        return consume(store.query(text, prefixes=PREFIXES, base_iri=limits.base_iri))

    reps, budget, bound = p["reps"], p["budget"], p["timeout"]
    light = {f"light-{i + 1}": t for i, t in enumerate(loadgen.LIGHT)}
    for name, text in {**light, **queries}.items():
        entry: dict = {"name": name, "question": bench.question(text) or text,
                       "light": name in light}
        status, value = bench.forked(
            lambda text=text: (engine(text), bench.time_runs(lambda: engine(text), reps, budget)),
            bound)
        if status == "ok":
            entry["rows"], times = value
            entry["oxigraph"] = bench.summary_ms(times)
        else:
            entry["oxigraph"] = {"status": status, "bound_s": bound, "detail": value}
        if status == "ok":
            job = Job(text, accept=loadgen.ACCEPT["Accept"])
            status, value = bench.forked(
                lambda job=job: bench.time_runs(lambda: evaluate(store, job, limits),
                                                reps, budget), bound)
            entry["evaluate"] = (bench.summary_ms(value) if status == "ok"
                                 else {"status": status, "bound_s": bound, "detail": value})
        out["queries"].append(entry)
        print(f"STEP query {name}", flush=True)

    for mix, texts in (("light", loadgen.LIGHT), ("competency", list(queries.values()))):
        if not texts:
            continue
        out["in_process"][mix] = {}
        for c in p["concurrency"]:
            out["in_process"][mix][str(c)] = loadgen.in_process_rate(
                store, texts, p["seconds"], c, limits)
    print("STEP in_process", flush=True)

    if p["rdflib"]:
        import rdflib

        del store  # rdflib's copy is several times bigger; free the store's memory first
        t = time.perf_counter()
        ds = rdflib.Dataset(default_union=True)
        ds.parse(data=nquads.decode("utf-8"), format="nquads")
        del nquads
        out["rdflib_load_s"] = time.perf_counter() - t
        out["rdflib_rss_mb_after_load"] = _rss_mb()
        list(ds.query("ASK { ?s ?p ?o }"))  # import and initialise rdflib's SPARQL once
        spent, total = 0.0, p["rdflib_total"]
        for entry in out["queries"]:
            text = {**light, **queries}[entry["name"]]
            if spent >= total:
                entry["rdflib"] = {"status": "skipped", "detail":
                                   f"rdflib's time budget for this graph ({total:g} s) was spent"}
                continue
            t = time.perf_counter()
            status, value = bench.forked(
                lambda text=text: (
                    len(list(ds.query(text, initNs=PREFIXES))),
                    bench.time_runs(lambda: list(ds.query(text, initNs=PREFIXES)),
                                    p["rdflib_reps"], p["rdflib_budget"], warm=0)),
                p["rdflib_timeout"])
            spent += time.perf_counter() - t
            if status == "ok":
                entry["rdflib_rows"], times = value
                entry["rdflib"] = bench.summary_ms(times)
            else:
                entry["rdflib"] = {"status": status, "bound_s": p["rdflib_timeout"],
                                   "detail": value}
        print("STEP rdflib", flush=True)
    return out


CHILDREN = {"build": child_build, "validate": child_validate, "queries": child_queries}


def child_main(kind: str, params: str) -> None:
    result = CHILDREN[kind](json.loads(params))
    print("RESULT " + json.dumps(result), flush=True)
