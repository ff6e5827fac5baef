"""How long the sizes of benchmarks/run.py that were not run would take, from the stages
that were (a line per size in the report).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadgen  # noqa: E402
from run_common import REPEAT_MAX_TRIPLES, log  # noqa: E402,F401


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
