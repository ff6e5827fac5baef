"""Every mgkg performance number, reproduced by one command.

    python benchmarks/run.py [--sizes 10k,100k,1M] [--quick] [--no-real]

For the real graph and a synthetic graph of each size (benchmarks/generate.py) it
measures, each stage in its own bounded child process so that wall time and peak memory
are that stage's own:

1. build: `kg.release.build.build` (what `kg build` runs) into a scratch dist/, each run
   from a new empty build cache (no SHACL verdict of an earlier build reused), wall time,
   peak RSS, and the time of each step as the build itself records it (BuildResult.timings);
2. validate: `kg.validation.validate.validate` (what `kg validate` runs), per stage, time-bounded;
3. queries: the serving store as the query workers hold it (`load_store`, which also
   materializes the union default graph), every queries/*.rq as it is at run time, median
   and p95 of the engine alone and of `evaluate()` (engine + JSON, what a worker does), then
   the same queries on rdflib's in-memory Dataset in the same process, each query in a killable
   fork; and in-process throughput from 1, 4 and 16 threads;
4. endpoint: a real `kg serve` on 127.0.0.1: time until it serves, each query at
   concurrency 1 over HTTP (the HTTP overhead is the difference with step 3), and
   throughput with p50/p99 at concurrency 1, 4 and 16 (wrk if installed, else a Python
   client) of the competency queries, and the same per query on `oxigraph serve`
   (benchmarks/peers.py);
5. compare: endpoint.measure(), kg serve (answer cache on), kg serve --answer-cache-mb 0
   and `oxigraph serve` taking turns in short rounds: light-query throughput at 1, 4 and
   16 with CPU per request (median round), serving memory, and p99 of a light query
   while a heavy one runs, with repeated and with unique light texts. The endpoint
   targets are read from it, each both ways (answer cache / every request evaluated).

Results go to benchmarks/results/report.md and report.json (and README-table.md, the
short table for the README); scratch projects and raw results under
benchmarks/results/tmp/. Each stage's duration is logged, and the report estimates how
long sizes that were not run would take. `--append` adds graphs to the previous run's
results (run 1M on its own, get one report); `--report-only RAW` re-renders. Flags and
their defaults: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402 - the benchmarks directory is not a package
import endpoint  # noqa: E402
import loadgen  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402

REPEAT_MAX_TRIPLES = 50000  # graphs up to this size get several build/validate/start runs


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ====================================================================== child stages

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


# ====================================================================== stages

def run_stage(kind: str, params: dict, bound: float) -> dict:
    """One child stage with a wall-time bound; what it measured, or why it did not."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, json.dumps(params)]
    child = bench.run_child(cmd, bound, cwd=bench.ROOT)
    result = child.result()
    out: dict = {"wall_s": child.seconds, "cpu_s": child.cpu_s, "max_rss_mb": child.max_rss_mb}
    if result is not None:
        out.update(result)
        out["status"] = "ok"
        return out
    steps = [line.split(" ", 1)[1] for line in child.stdout.splitlines()
             if line.startswith("STEP ")]
    out["status"] = "timeout" if child.timed_out else "failed"
    out["bound_s"] = bound
    out["completed_steps"] = steps
    out["detail"] = child.stderr.strip()[-3000:]
    return out


def repeat_stage(kind: str, params: dict, bound: float, reps: int,
                 fresh_cache: Path | None = None) -> dict:
    """A stage run `reps` times: the first result, with the median/min/max of the wall
    times of all runs (repeated only while they succeed). With `fresh_cache` (a folder),
    each run gets a new empty build cache there (params["cache"]), removed after it, so
    every run computes everything (a build: parses, checks and validates, no verdict
    of an earlier run reused)."""
    import shutil
    import tempfile

    runs = []
    for _ in range(reps):
        run_params = params
        if fresh_cache is not None:
            fresh_cache.mkdir(parents=True, exist_ok=True)
            run_params = {**params, "cache": tempfile.mkdtemp(prefix="cache-", dir=fresh_cache)}
        try:
            r = run_stage(kind, run_params, bound)
        finally:
            if fresh_cache is not None:
                shutil.rmtree(run_params["cache"], ignore_errors=True)
        runs.append(r)
        if r["status"] != "ok":
            break
    first = dict(runs[-1] if runs[-1]["status"] != "ok" else runs[0])
    walls = [r["wall_s"] for r in runs if r["status"] == "ok"]
    inner = [r["seconds"] for r in runs if r["status"] == "ok" and "seconds" in r]
    if walls:
        first["runs"] = {"n": len(walls), "wall_median_s": _median(walls),
                         "wall_min_s": min(walls), "wall_max_s": max(walls),
                         "seconds_median": _median(inner) if inner else None,
                         "cpu_median_s": _median([r["cpu_s"] for r in runs
                                                  if r["status"] == "ok"]),
                         "max_rss_mb_max": max(r["max_rss_mb"] for r in runs)}
        if fresh_cache is not None:  # every run's cache was empty as it started
            first["runs"]["empty_cache"] = all(
                r.get("cache_entries_at_start") == 0 for r in runs if r["status"] == "ok")
    return first


def _median(xs: list[float]) -> float:
    import statistics

    return statistics.median(xs)


def endpoint_stage(g: dict, args, queries: dict[str, str], reps: int) -> dict:
    """A real `kg serve`: startup, per-query latency at c=1, throughput of the competency
    mix at each concurrency (the light mix is endpoint.measure()'s, in compare_stage)."""
    out: dict = {"startup": [], "per_query": {}, "load": {}}
    cmd_base = [sys.executable, "-m", "kg.cli", "--root", g["root"]]
    if g.get("seeds"):
        cmd_base += ["--seeds", g["seeds"]]
    server = None
    try:
        for i in range(reps):
            port = loadgen.free_port()
            cmd = cmd_base + ["serve", "--dist", g["dist"], "--port", str(port)]
            if args.serve_threads:
                cmd += ["--threads", str(args.serve_threads)]
            server = loadgen.start_server(cmd, port, Path(g["tmp"]) / f"serve-{i}.log")
            out["startup"].append({"spawn_to_healthy_s": server.startup_s,
                                   "ready_in_s": server.ready_in()})
            if i < reps - 1:
                server.stop()
                server = None
        out["command"] = " ".join(["kg"] + cmd[3:])
        port = server.port
        for name, text in [(f"light-{i + 1}", t) for i, t in enumerate(loadgen.LIGHT)] + \
                list(queries.items()):
            times, statuses, worker = loadgen.http_latencies(port, text, args.http_reps,
                                                             args.budget)
            out["per_query"][name] = {**bench.summary_ms(times),
                                      "statuses": {str(k): v for k, v in statuses.items()},
                                      "worker_median_ms": bench.summary_ms(worker).get(
                                          "median_ms")}
        if queries:  # light throughput, memory, light-under-heavy: endpoint.measure()
            out["load"]["competency"] = {
                str(c): loadgen.load_with_cpu(server, list(queries.values()), args.seconds, c,
                                              args.loadgen)
                for c in args.concurrency}
    finally:
        if server is not None:
            out["exit_code"] = server.stop()
    return out


def rebuild_stage(g: dict, args) -> dict:
    """A rebuild after one data file changed: a copy of the project built once, then one
    data file gets a real edit (the graph changes: an rdfs:label's text, one that no
    other file gives the same thing, gets " (edited)") and is built again; the second
    build's wall time is the incremental rebuild, with how many shapes ran again."""
    import shutil

    work = Path(g["tmp"]) / "rebuild"
    shutil.rmtree(work, ignore_errors=True)
    for part in ("ontology", "data"):
        shutil.copytree(Path(g["root"]) / part, work / part)
    from kg.core.settings import Settings

    # The copy is elsewhere: the project's own seeds, not ../shared/seeds beside the copy.
    seeds = g.get("seeds") or str(Settings.from_env(root=Path(g["root"])).seeds_dir)
    params = {"root": str(work), "seeds": seeds, "dist": str(work / "dist")}
    first = run_stage("build", params, args.build_bound)
    if first["status"] != "ok":
        return {"status": "failed", "first": first}
    changed, change = edit_one_label(sorted((work / "data").glob("*.ttl")))
    second = run_stage("build", params, args.build_bound)
    shutil.rmtree(work, ignore_errors=True)
    return {**second, "changed_file": f"data/{changed.name}", "change": change,
            "first_wall_s": first["wall_s"]}


def edit_one_label(files: list[Path]) -> tuple[Path, str]:
    """Give the first English rdfs:label written once in all the files (so no other file
    labels that thing the same way) the suffix " (edited)": a valid edit that changes
    the graph. Falls back to a comment line (same graph) if there is none."""
    import re

    texts = {p: p.read_text(encoding="utf-8") for p in files}
    pattern = re.compile(r'rdfs:label "([^"\\]+)"@en')
    for path in files:
        for label in pattern.findall(texts[path]):
            written = f'rdfs:label "{label}"@en'
            if sum(t.count(written) for t in texts.values()) == 1:
                path.write_text(texts[path].replace(written, f'rdfs:label "{label} (edited)"@en'),
                                encoding="utf-8")
                return path, f'rdfs:label "{label}"@en becomes "{label} (edited)"@en'
    path = files[0]
    path.write_text(texts[path] + "\n# benchmarks/run.py: one data file changed\n",
                    encoding="utf-8")
    return path, "a comment line added (the graph is the same)"


# ====================================================================== orchestration

def graphs_to_run(args) -> list[dict]:
    from generate import parse_size, size_label

    tmp = Path(args.tmp)
    out = []
    if not args.no_real:
        out.append({"name": "real", "kind": "real", "root": str(args.project),
                    "seeds": str(args.seeds) if args.seeds else None,
                    "dist": str(tmp / "real" / "dist"), "tmp": str(tmp / "real")})
    for size in args.sizes:
        n = parse_size(size)
        label = size_label(n)
        root = tmp / f"g{label}"
        out.append({"name": label, "kind": "synthetic", "target": n, "root": str(root),
                    "seeds": str(root / "seeds"), "dist": str(root / "dist"),
                    "tmp": str(tmp / f"run-{label}")})
    return out


def run_graph(g: dict, args, templates, settings) -> dict:
    stages: dict[str, float] = {}
    Path(g["tmp"]).mkdir(parents=True, exist_ok=True)
    queries = bench.competency_queries(args.project, args.max_queries)
    if g["kind"] == "synthetic":
        from generate import generate

        t = time.perf_counter()
        gen = generate(Path(g["root"]), g["target"], args.seed, settings, templates)
        stages["generate"] = time.perf_counter() - t
        g["generated"] = {"files": gen.files, "copies": gen.copies,
                          "estimated_triples": gen.estimated_triples, "seed": args.seed}
        log(f"{g['name']}: generated {gen.files} files (~{gen.estimated_triples} triples) "
            f"in {stages['generate']:.1f} s")
    small = g.get("target", 0) <= REPEAT_MAX_TRIPLES or g["kind"] == "real"
    reps = args.build_reps if small else 1
    params = {"root": g["root"], "seeds": g.get("seeds"), "dist": g["dist"]}

    t = time.perf_counter()
    g["loadavg_before"] = bench.loadavg()
    # each run from an empty build cache: no SHACL verdict of an earlier build reused
    g["build"] = repeat_stage("build", params, args.build_bound, reps,
                              fresh_cache=Path(g["tmp"]) / "build-caches")
    stages["build"] = time.perf_counter() - t
    b = g["build"]
    log(f"{g['name']}: build {b['status']} in {b['wall_s']:.1f} s wall ({b['cpu_s']:.1f} s CPU), "
        f"{b['max_rss_mb']:.0f} MB peak, {b.get('triples', '?')} triples ({reps} run(s))")
    if b["status"] != "ok":
        g["stages_s"] = stages
        return g

    t = time.perf_counter()
    if b["triples"] <= args.validate_max_triples:
        g["validate"] = repeat_stage("validate", params, args.validate_bound, reps)
        v = g["validate"]
        log(f"{g['name']}: validate {v['status']} in {v['wall_s']:.1f} s wall "
            f"({v['cpu_s']:.1f} s CPU)")
    else:
        g["validate"] = {"status": "skipped", "detail": "larger than --validate-max-triples: "
                         "the build's timed parse and validation steps are the measurement"}
        log(f"{g['name']}: standalone validate skipped (see the build's validation steps)")
    stages["validate"] = time.perf_counter() - t

    t = time.perf_counter()
    qparams = {**params, "queries_root": str(args.project), "reps": args.reps,
               "budget": args.budget, "timeout": args.query_timeout,
               "rdflib": not args.no_rdflib, "rdflib_reps": args.rdflib_reps,
               "rdflib_budget": args.rdflib_budget, "rdflib_timeout": args.rdflib_timeout,
               "rdflib_total": args.rdflib_total, "seconds": args.seconds,
               "concurrency": args.concurrency, "max_queries": args.max_queries}
    g["queries"] = run_stage("queries", qparams, args.queries_bound)
    stages["queries"] = time.perf_counter() - t
    log(f"{g['name']}: queries {g['queries']['status']} in {stages['queries']:.1f} s")

    t = time.perf_counter()
    try:
        g["endpoint"] = endpoint_stage(g, args, queries, args.start_reps if small else 1)
    except (RuntimeError, OSError) as exc:
        g["endpoint"] = {"status": "failed", "detail": str(exc)[-3000:]}
    stages["endpoint"] = time.perf_counter() - t
    log(f"{g['name']}: endpoint in {stages['endpoint']:.1f} s")

    if not args.no_oxigraph:
        t = time.perf_counter()
        try:
            g["oxigraph_serve"] = peers.oxigraph_stage(Path(g["dist"]), Path(g["tmp"]),
                                                       loadgen.LIGHT, queries, args)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            g["oxigraph_serve"] = {"status": "failed", "detail": str(exc)[-3000:]}
        stages["oxigraph_serve"] = time.perf_counter() - t
        log(f"{g['name']}: oxigraph serve in {stages['oxigraph_serve']:.1f} s")
        t = time.perf_counter()
        try:
            g["compare"] = endpoint.measure(
                Path(g["dist"]), Path(g["root"]), args.seconds * args.rounds,
                tuple(args.concurrency), args.loadgen, install=True, rounds=args.rounds,
                heavy_seconds=args.heavy_seconds,
                kg_args=("--seeds", g["seeds"]) if g.get("seeds") else ())
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            g["compare"] = {"status": "failed", "detail": str(exc)[-3000:]}
        stages["compare"] = time.perf_counter() - t
        log(f"{g['name']}: servers compared (endpoint.measure) in {stages['compare']:.1f} s")
    if g["kind"] == "real" and not args.no_rebuild:
        t = time.perf_counter()
        g["rebuild"] = rebuild_stage(g, args)
        stages["rebuild"] = time.perf_counter() - t
        log(f"{g['name']}: rebuild after one changed file {g['rebuild'].get('wall_s', 0):.1f} s")
    g["loadavg_after"] = bench.loadavg()
    g["stages_s"] = stages
    return g


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k,1M",
                    help="synthetic sizes, comma-separated ('' for none); default 10k,100k,1M")
    ap.add_argument("--no-real", action="store_true", help="skip the real graph")
    ap.add_argument("--quick", action="store_true",
                    help="tiny repetition counts and durations (a smoke run, not a measurement)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--seeds", type=Path, help="the real source texts (default: kg's default)")
    ap.add_argument("--project", type=Path, default=bench.ROOT,
                    help="the mgkg project whose data, ontology and queries are measured "
                         "(default: the one holding this script)")
    ap.add_argument("--out", type=Path, default=bench.RESULTS,
                    help="where report.md/.json and README-table.md go")
    ap.add_argument("--tmp", type=Path, help="scratch directory (default OUT/tmp)")
    ap.add_argument("--note", default="", help="a line for the report (e.g. 'machine under load')")
    g = ap.add_argument_group("repetitions and bounds")
    g.add_argument("--reps", type=int, default=20, help="timed runs per query and engine")
    g.add_argument("--budget", type=float, default=1.0,
                   help="seconds per query and engine after which repetitions stop early")
    g.add_argument("--query-timeout", type=float, default=60.0,
                   help="seconds after which one query's measurement is killed")
    g.add_argument("--rdflib-reps", type=int, default=3)
    g.add_argument("--rdflib-budget", type=float, default=3.0)
    g.add_argument("--rdflib-timeout", type=float, default=10.0,
                   help="seconds after which one rdflib measurement is killed (reported as such)")
    g.add_argument("--rdflib-total", type=float, default=90.0,
                   help="seconds of rdflib querying per graph; later queries are skipped")
    g.add_argument("--no-rdflib", action="store_true")
    g.add_argument("--http-reps", type=int, default=20, help="sequential HTTP runs per query")
    g.add_argument("--seconds", type=float, default=2.0,
                   help="duration of each throughput run (HTTP and in-process)")
    g.add_argument("--concurrency", default="1,4,16")
    g.add_argument("--heavy-seconds", type=float, default=10.0,
                   help="how long light queries are timed while a heavy one runs (each "
                        "server, once with repeated and once with unique light texts)")
    g.add_argument("--rounds", type=int, default=3,
                   help="rounds the servers take turns in (endpoint.measure); each light "
                        "throughput run lasts --seconds")
    g.add_argument("--no-oxigraph", action="store_true",
                   help="skip the `oxigraph serve` peer (installed from PyPI if missing)")
    g.add_argument("--no-rebuild", action="store_true",
                   help="skip the rebuild after one changed data file (real graph)")
    g.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    g.add_argument("--serve-threads", type=int, help="kg serve --threads (default kg's)")
    g.add_argument("--build-reps", type=int, default=3,
                   help=f"build/validate runs for graphs up to {REPEAT_MAX_TRIPLES} triples")
    g.add_argument("--start-reps", type=int, default=3,
                   help=f"server starts for graphs up to {REPEAT_MAX_TRIPLES} triples")
    g.add_argument("--build-bound", type=float, default=1200.0, help="seconds per build")
    g.add_argument("--validate-bound", type=float, default=300.0, help="seconds per validation")
    g.add_argument("--validate-max-triples", type=float, default=200000,
                   help="run `kg validate` alone only up to this size; above it the build's "
                        "own timed validation steps are the measurement (default 200000)")
    g.add_argument("--queries-bound", type=float, default=3600.0,
                   help="seconds for the whole query stage of one graph")
    g.add_argument("--max-queries", type=int,
                   help="only the first N queries/*.rq (for smoke tests; default all)")
    ap.add_argument("--append", action="store_true",
                    help="add to the graphs of the previous run in OUT/tmp/raw.json (to run "
                         "the 1M graph separately and still get one report)")
    ap.add_argument("--report-only", type=Path, metavar="RAW_JSON",
                    help="re-render the reports from a raw.json of an earlier run; measure nothing")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.quick:
        args.reps, args.rdflib_reps, args.http_reps = 3, 2, 3
        args.seconds, args.budget, args.rdflib_budget = 1.0, 0.5, 0.5
        args.build_reps, args.start_reps = 1, 1
        args.query_timeout, args.rdflib_timeout = 20.0, 10.0
        args.rdflib_total = min(args.rdflib_total, 30.0)
        args.heavy_seconds = min(args.heavy_seconds, 4.0)
        args.rounds = min(args.rounds, 2)
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    args.concurrency = [int(c) for c in str(args.concurrency).split(",")]
    args.tmp = args.tmp or args.out / "tmp"
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        child_main(*args.child)
        return 0
    if args.report_only:
        results = json.loads(args.report_only.read_text())
        results["estimate"] = estimate(results, args)
        report.write(results, args.out)
        print(report.readme_table(results))
        return 0
    from generate import load_templates

    from kg.core.settings import Settings

    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    Path(args.tmp).mkdir(parents=True, exist_ok=True)
    info = bench.machine(args.project)
    settings = Settings.from_env(root=args.project, seeds_dir=args.seeds)
    tool = "wrk" if args.loadgen != "python" and loadgen.wrk_available() else "python"
    log(f"mgkg benchmarks on {info['cpu']} ({info['cpus']} CPUs), load "
        f"{info['loadavg_at_start']}; load generator: {tool}")
    templates = load_templates(settings) if args.sizes else None
    results = {"machine": info, "note": args.note, "quick": args.quick,
               "command": "python benchmarks/run.py " + " ".join(sys.argv[1:]),
               "settings": {k: (str(v) if isinstance(v, Path) else v)
                            for k, v in vars(args).items() if k != "child"},
               "queries": list(bench.competency_queries(args.project, args.max_queries)),
               "graphs": []}
    todo = graphs_to_run(args)
    raw = Path(args.tmp) / "raw.json"
    if args.append and raw.is_file():  # keep the graphs of the earlier run not re-run now
        names = {g["name"] for g in todo}
        earlier = json.loads(raw.read_text())
        results["graphs"] = [g for g in earlier["graphs"] if g["name"] not in names]
        results["appended_to"] = earlier.get("command")
        log(f"appending to the earlier run's {[g['name'] for g in results['graphs']]}")
    for g in todo:
        log(f"--- {g['name']}")
        results["graphs"].append(run_graph(g, args, templates, settings))
        results["total_s"] = time.perf_counter() - started
        results["machine"]["loadavg_at_end"] = bench.loadavg()
        raw.write_text(json.dumps(results, indent=1))
        report.write(results, args.out)
    results["estimate"] = estimate(results, args)
    report.write(results, args.out)
    log(f"done in {results['total_s'] / 60:.1f} min; wrote {args.out / 'report.md'}")
    print(report.readme_table(results))
    for line in results["estimate"]["lines"]:
        log(line)
    return 0


def estimate(results: dict, args) -> dict:
    """How long the sizes that were not run would take with these settings.

    Build and validation: the time of one run fitted as a + b * triples through the two
    largest graphs run (through the origin if only one ran). Queries and endpoint: a model
    of what the harness does, from the largest graph's per-query medians scaled linearly
    with the size, with the repetition budgets and bounds applied, plus that graph's
    measured remainder (process start, imports). A rough figure, stated as one."""
    from generate import parse_size

    done = [g for g in results["graphs"] if g.get("stages_s") and g.get("build", {}).get("triples")]
    out: dict = {"per_graph_s": {g["name"]: sum(g["stages_s"].values()) for g in done},
                 "lines": []}
    if not done:
        return out
    done.sort(key=lambda g: g["build"]["triples"])
    # Fit on synthetic graphs when there are two: they share one shape, the real graph
    # has its own (and may have been measured under other conditions).
    synthetic = [g for g in done if g.get("kind") == "synthetic"]
    base = synthetic if len(synthetic) >= 2 else done
    pts = base[-2:] if len(base) >= 2 and base[-1]["build"]["triples"] > \
        1.5 * base[-2]["build"]["triples"] else base[-1:]
    big = done[-1]

    def per_run(g: dict, stage: str, quiet: bool) -> float:
        runs = (g.get(stage) or {}).get("runs") or {}
        if quiet and runs.get("cpu_median_s") is not None:
            return runs["cpu_median_s"]  # single-threaded: its wall time on a quiet machine
        if runs.get("wall_median_s") is not None:
            return runs["wall_median_s"]
        return g["stages_s"].get(stage, 0.0)

    def fit(stage: str, n: int, quiet: bool) -> float:
        ys = [(g["build"]["triples"], per_run(g, stage, quiet)) for g in pts]
        if len(ys) == 2:
            (x0, y0), (x1, y1) = ys
            b = max(0.0, (y1 - y0) / (x1 - x0))
            a = max(0.0, y1 - b * x1)
        else:
            a, b = 0.0, ys[0][1] / ys[0][0]
        return a + b * n

    def repeated(t: float, reps: int, budget: float, bound: float) -> float:
        """One untimed call, then reps timed ones or until the budget is spent; killed
        at the bound."""
        return min(bound, t + min(reps * t, budget + t))

    def query_stage(f: float) -> float:
        q = big.get("queries") or {}
        st = q.get("store") or {}
        total = st.get("load_s", 0) * f
        rd_total = 0.0
        for e in q.get("queries", []):
            for kind in ("oxigraph", "evaluate"):
                m = (e.get(kind) or {}).get("median_ms")
                t = args.query_timeout if m is None else m / 1000 * f
                total += repeated(t, args.reps, args.budget, args.query_timeout)
            m = (e.get("rdflib") or {}).get("median_ms")
            if not args.no_rdflib:
                t = args.rdflib_timeout if m is None else m / 1000 * f
                rd_total += min(args.rdflib_timeout,
                                t + repeated(t, args.rdflib_reps, args.rdflib_budget,
                                             args.rdflib_timeout) - t)
        if not args.no_rdflib:
            total += q.get("rdflib_load_s", 0) * f + min(rd_total,
                                                          args.rdflib_total + args.rdflib_timeout)
        total += 2 * len(args.concurrency) * args.seconds
        return total

    def endpoint_stage(f: float, n: int) -> float:
        ep = big.get("endpoint") or {}
        inproc = {e["name"]: e for e in (big.get("queries") or {}).get("queries", [])}
        start = ep.get("startup") or [{}]
        ready = start[0].get("ready_in_s") or 0.0
        spawn = start[0].get("spawn_to_healthy_s") or 0.0
        starts = args.start_reps if n <= REPEAT_MAX_TRIPLES else 1
        total = starts * ((spawn - ready) + ready * f)
        for name, stat in (ep.get("per_query") or {}).items():
            http = stat.get("median_ms") or 0.0
            local = ((inproc.get(name) or {}).get("evaluate") or {}).get("median_ms") or 0.0
            t = (max(0.0, http - local) + local * f) / 1000
            total += repeated(t, args.http_reps, args.budget, 10.0)  # kg serve stops at 10 s
        wrk = loadgen.wrk_available() and args.loadgen != "python"
        total += 2 * len(args.concurrency) * (max(1, round(args.seconds)) if wrk else args.seconds)
        return total

    n_big = big["build"]["triples"]
    peer_load = (big.get("oxigraph_serve") or {}).get("load_s") or 0.0
    has_cpu = all((g.get("build") or {}).get("runs", {}).get("cpu_median_s") is not None
                  for g in pts)
    calib = {"queries": big["stages_s"].get("queries", 0) - query_stage(1.0),
             "endpoint": big["stages_s"].get("endpoint", 0) - endpoint_stage(1.0, n_big)}
    ran = {g["name"] for g in done}
    basis = " and ".join(g["name"] for g in pts)
    for label in ("10k", "100k", "1M"):
        if label in ran:
            continue
        n = parse_size(label)
        f = n / n_big
        reps = args.build_reps if n <= REPEAT_MAX_TRIPLES else 1
        validate = n <= args.validate_max_triples
        per = {"generate": 2e-5 * n,  # about 20 s per million triples
               "build": reps * min(fit("build", n, False), args.build_bound),
               "validate": reps * min(fit("validate", n, False), args.validate_bound)
               if validate else 0.0,
               "queries": min(query_stage(f) + max(0.0, calib["queries"]), args.queries_bound),
               "endpoint": endpoint_stage(f, n) + max(0.0, calib["endpoint"]),
               # the peer's store load grows with the graph; its query runs are bounded by
               # --budget and the comparison's length is set by --seconds, --rounds and
               # --heavy-seconds, so those are taken as they were
               "peers": peer_load * f + big["stages_s"].get("oxigraph_serve", 0) - peer_load
               + big["stages_s"].get("compare", 0)}
        quiet = dict(per, build=reps * fit("build", n, True),
                     validate=reps * fit("validate", n, True) if validate else 0.0)
        out[label] = sum(per.values())
        out[f"{label}_stages_s"] = per
        out[f"{label}_quiet_s"] = sum(quiet.values())
        out["lines"].append(
            f"estimate for {label} (build and validation fitted on {basis}, queries and "
            f"endpoint modelled from {big['name']}): ~{math.ceil(out[label] / 60)} min ("
            + ", ".join(f"{k} {v / 60:.1f}" for k, v in per.items()) + " min)"
            + (f"; with build and validation at their CPU time (a quiet machine): "
               f"~{math.ceil(out[f'{label}_quiet_s'] / 60)} min" if has_cpu else ""))
    full = sum(out["per_graph_s"].get(k, out.get(k, 0)) for k in ("real", "10k", "100k", "1M"))
    out["full_run_s"] = full
    out["lines"].append(f"estimated full run (real, 10k, 100k, 1M) with these settings: "
                        f"~{math.ceil(full / 60)} min (the graphs that ran at their measured "
                        "duration)")
    return out


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
