"""The stages benchmarks/run.py runs from the parent: a child stage under a wall-time
bound (repeated on small graphs), the endpoint and the rebuild after one file changes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402 - the benchmarks directory is not a package
import loadgen  # noqa: E402
from run_common import REPEAT_MAX_TRIPLES, log  # noqa: E402,F401

RUN = Path(__file__).resolve().with_name("run.py")  # the children start as run.py --child


def run_stage(kind: str, params: dict, bound: float) -> dict:
    """One child stage with a wall-time bound; what it measured, or why it did not."""
    cmd = [sys.executable, str(RUN), "--child", kind, json.dumps(params)]
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
