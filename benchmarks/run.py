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
their defaults: benchmarks/README.md. This module runs the graphs; the stages are in
run_children.py (child processes), run_stages.py and run_estimate.py.
"""

from __future__ import annotations

import argparse
import json
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
from run_children import child_main  # noqa: E402
from run_common import REPEAT_MAX_TRIPLES, log  # noqa: E402,F401
from run_estimate import estimate  # noqa: E402
from run_stages import endpoint_stage, rebuild_stage, repeat_stage, run_stage  # noqa: E402,F401


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


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
