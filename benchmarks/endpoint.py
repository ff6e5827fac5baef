"""`kg serve` against Oxigraph's own server (`oxigraph serve-read-only`, the same engine)
on the same release, in the same run, on the same machine: issue 17's endpoint targets.

    python benchmarks/endpoint.py --real               # the project's release (dist/)
    python benchmarks/endpoint.py --dist DIR --seconds 5 --json out.json

The Oxigraph CLI is a benchmark peer, not a dependency of mgkg: `pip install oxigraph`
(PyPI, the same 0.5 line as pyoxigraph) if `oxigraph` is not on PATH; `--install` does
it. Its store is loaded from the release's `mgkg.trig` into a temporary directory and
served with `--union-default-graph`, the nearest to mgkg's merged default graph (the
light queries name one entity, so the two answer the same rows).

Three servers run side by side (idle but for the one being measured):

- `mgkg`: `kg serve` as shipped (answer cache on: a repeated query is answered from the
  event loop, kg.endpoint.fastpath);
- `mgkg-nocache`: `kg serve --answer-cache-mb 0`, every request evaluated by a worker;
- `oxigraph`: `oxigraph serve-read-only`.

For each: light-query throughput at each concurrency (wrk when installed, else the
Python client; keep-alive; the three light queries below in turn; the servers take turns
in several short rounds and the median round is reported, so that the machine's other
load, which on a shared machine changes by the second, falls on all alike), the server's CPU per
request (its whole process tree, from /proc), p99 of a light query at concurrency 1
while another client (another loopback address, as a second user would be) loops a
heavy query, and the memory of the serving processes once loaded (RSS summed over the
tree, and PSS, which counts pages the query workers share with the zygote once).

`measure()` is the entry point for benchmarks/run.py; its JSON (`--json`) carries no
absolute path. Nothing here is asserted by a test: the targets are reported met or
missed with their ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from bench import percentile  # noqa: E402 - the benchmarks directory is not a package
from loadgen import free_port, load, query_path, start_server, tree_cpu  # noqa: E402

PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX mg: <https://w3id.org/mgkg/ontology#> "
            "PREFIX mgr: <https://w3id.org/mgkg/id/> ")
# Declared in full, so the same text runs on both servers (mgkg predeclares them).
LIGHT = [
    PREFIXES + "SELECT ?label WHERE { mgr:iom rdfs:label ?label }",
    PREFIXES + "ASK { mgr:iom a mg:IntergovernmentalOrganization }",
    PREFIXES + "SELECT ?p ?o WHERE { mgr:iom ?p ?o } LIMIT 10",
]
# About 0.7 s in pyoxigraph on the real graph: past mgkg's light_seconds, so heavy there.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?o ?q ?r . ?r ?s ?t }"
ACCEPT = {"Accept": "application/sparql-results+json"}
SCHEMA = 1
TARGETS = {"throughput_ratio": 0.5, "p99_under_heavy_ms": 20.0, "memory_ratio": 3.0}


def oxigraph_cli(install: bool) -> str:
    found = shutil.which("oxigraph")
    if found is None and install:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "oxigraph"], check=True)
        found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if found is None or not Path(found).exists():
        raise SystemExit("the oxigraph CLI is not installed: pip install oxigraph "
                         "(or run with --install)")
    return found


def _memory(pid: int) -> dict[str, float]:
    """RSS and PSS in MB, summed over a process and its descendants."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        with contextlib.suppress(OSError):
            todo += [int(c) for c in
                     Path(f"/proc/{p}/task/{p}/children").read_text().split()]
    rss = pss = 0.0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except OSError:
            pass
    return {"rss_mb": round(rss, 1), "pss_mb": round(pss, 1), "processes": len(pids)}


def _get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path, headers=ACCEPT)
    r = conn.getresponse()
    r.read()
    return r.status


def light_under_heavy(port: int, endpoint: str, seconds: float) -> dict:
    """p50/p99 of light queries sent one after another from 127.0.0.1 while a client on
    127.0.0.2 loops a heavy query (its text varied so that no cache can answer it)."""
    stop = threading.Event()
    heavy = {"answers": 0, "statuses": {}}

    def hog() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                          source_address=("127.0.0.2", 0))
        i = 0
        while not stop.is_set():
            i += 1
            try:
                status = _get(conn, query_path(f"{HEAVY} # {i} {time.time()}", endpoint))
            except OSError:
                status = "error"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                                  source_address=("127.0.0.2", 0))
            heavy["answers"] += 1
            heavy["statuses"][str(status)] = heavy["statuses"].get(str(status), 0) + 1
        conn.close()

    thread = threading.Thread(target=hog, daemon=True)
    thread.start()
    time.sleep(1.0)  # the heavy query is running (and known heavy) by now
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    paths = [query_path(t, endpoint) for t in LIGHT]
    times, errors, n = [], 0, 0
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        t = time.perf_counter()
        if _get(conn, paths[n % len(paths)]) != 200:
            errors += 1
        times.append(time.perf_counter() - t)
        n += 1
    conn.close()
    stop.set()
    thread.join(timeout=90)
    times.sort()
    return {"requests": n, "errors": errors, "p50_ms": round(percentile(times, 50) * 1000, 3),
            "p99_ms": round(percentile(times, 99) * 1000, 3),
            "max_ms": round(times[-1] * 1000, 3) if times else None, "heavy": heavy}


def _one_run(server, endpoint: str, seconds: float, c: int, tool: str) -> dict:
    pid = server.proc.pid
    before = tree_cpu(pid)
    result = load(server.port, LIGHT, seconds, c, tool, endpoint)
    after = tree_cpu(pid)
    result["cpu_s"] = sum(after.values()) - sum(before.values())
    return result


def measure_servers(servers: dict, seconds: float, concurrency: list[int], tool: str,
                    rounds: int) -> dict:
    """Every (server, concurrency) run `rounds` times, the servers taking turns within
    each round, so a change in the machine's other load falls on all of them alike; the
    median run's req/s and latencies are reported, CPU per request over all runs."""
    for server, endpoint in servers.values():
        load(server.port, LIGHT, 1, 1, tool, endpoint)  # warm: caches, lazy paths
    runs: dict = {name: {c: [] for c in concurrency} for name in servers}
    for _ in range(rounds):
        for c in concurrency:
            for name, (server, endpoint) in servers.items():
                runs[name][c].append(_one_run(server, endpoint, seconds / rounds, c, tool))
    out: dict = {}
    for name, (server, _endpoint) in servers.items():
        light = {}
        for c in concurrency:
            done = sorted(runs[name][c], key=lambda r: r["rps"])
            mid = done[len(done) // 2]
            n = max(1, sum(r["requests"] for r in done))
            light[str(c)] = {
                "rps": round(mid["rps"], 1), "rps_runs": [round(r["rps"], 1) for r in done],
                "requests": n, "errors": sum(r["errors"] for r in done),
                "p50_ms": round(mid["p50_ms"], 3), "p99_ms": round(mid["p99_ms"], 3),
                "cpu_ms_per_request": round(sum(r["cpu_s"] for r in done) / n * 1000, 4),
                "tool": mid["tool"]}
        out[name] = {"startup_s": round(server.startup_s, 3), "light": light,
                     "memory": _memory(server.proc.pid)}
    for name, (server, endpoint) in servers.items():
        out[name]["under_heavy"] = light_under_heavy(server.port, endpoint, max(2.0, seconds))
    return out


def _ratios(mine: dict, peer: dict, concurrency: list[int]) -> dict:
    light = {c: mine["light"][str(c)]["rps"] / max(1e-9, peer["light"][str(c)]["rps"])
             for c in concurrency}
    cpu = {c: mine["light"][str(c)]["cpu_ms_per_request"]
           / max(1e-9, peer["light"][str(c)]["cpu_ms_per_request"]) for c in concurrency}
    return {"rps": {str(c): round(v, 3) for c, v in light.items()},
            "cpu_per_request": {str(c): round(v, 2) for c, v in cpu.items()},
            "rss": round(mine["memory"]["rss_mb"] / max(1e-9, peer["memory"]["rss_mb"]), 2),
            "pss": round(mine["memory"]["pss_mb"] / max(1e-9, peer["memory"]["pss_mb"]), 2)}


def _targets(name: str, mine: dict, ratios: dict, concurrency: list[int]) -> list[dict]:
    rps = [mine["light"][str(c)]["rps"] for c in concurrency]
    worst = min(ratios["rps"].values())
    rising = all(b >= a for a, b in zip(rps, rps[1:], strict=False))
    p99 = mine["under_heavy"]["p99_ms"]
    each = ", ".join(f"c={c}: {ratios['rps'][str(c)]:.2f}" for c in concurrency)
    return [
        {"server": name, "target": "light req/s >= 50 % of oxigraph at every concurrency",
         "value": f"worst ratio {worst:.2f} ({each})",
         "met": worst >= TARGETS["throughput_ratio"]},
        {"server": name, "target": "light req/s never falls as concurrency rises",
         "value": " / ".join(f"{r:.0f}" for r in rps), "met": rising},
        {"server": name, "target": "p99 light query while a heavy one runs <= 20 ms",
         "value": f"{p99:.1f} ms", "met": p99 <= TARGETS["p99_under_heavy_ms"]},
        {"server": name, "target": "serving memory <= 3x oxigraph's",
         "value": f"RSS {ratios['rss']:.2f}x, PSS {ratios['pss']:.2f}x",
         "met": ratios["rss"] <= TARGETS["memory_ratio"]},
    ]


def measure(dist: Path, root: Path | None = None, seconds: float = 6.0,
            concurrency: tuple[int, ...] = (1, 4, 16), tool: str = "auto",
            install: bool = False, nocache: bool = True, rounds: int = 3) -> dict:
    """Run the comparison; returns the JSON-able result (no absolute paths in it)."""
    dist = Path(dist).resolve()
    root = Path(root).resolve() if root else dist.parent
    cli = oxigraph_cli(install)
    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout.strip()
    levels = list(concurrency)
    load_start = round(os.getloadavg()[0], 2)
    started_servers: dict = {}
    with tempfile.TemporaryDirectory(prefix="mgkg-endpoint-") as tmp:
        started = time.perf_counter()
        subprocess.run([cli, "load", "--location", f"{tmp}/ox", "--file",
                        str(dist / "mgkg.trig")], check=True, capture_output=True)
        load_s = time.perf_counter() - started
        variants = {"mgkg": [], **({"mgkg-nocache": ["--answer-cache-mb", "0"]} if nocache
                                   else {})}
        try:
            for name, extra in variants.items():
                port = free_port()
                cmd = [sys.executable, "-m", "kg.cli", "--root", str(root), "serve", "--host",
                       "127.0.0.1", "--port", str(port), "--dist", str(dist), *extra]
                started_servers[name] = (start_server(cmd, port, Path(tmp) / f"{name}.log"),
                                         "/sparql")
            port = free_port()
            cmd = [cli, "serve-read-only", "--location", f"{tmp}/ox", "--bind",
                   f"127.0.0.1:{port}", "--union-default-graph"]
            started_servers["oxigraph"] = (start_server(
                cmd, port, Path(tmp) / "oxigraph.log", ready_path="/query?query=ASK%7B%7D"),
                "/query")
            servers = measure_servers(started_servers, seconds, levels, tool, rounds)
            servers["oxigraph"]["load_s"] = round(load_s, 3)
        finally:
            for server, _ in started_servers.values():
                server.stop()
    ratios = {name: _ratios(servers[name], servers["oxigraph"], levels)
              for name in servers if name != "oxigraph"}
    targets = [t for name in ratios for t in _targets(name, servers[name], ratios[name], levels)]
    return {"schema": SCHEMA, "release": _release(dist), "oxigraph": version,
            "machine": {"cpus": len(os.sched_getaffinity(0)),
                        "python": platform.python_version(), "load_avg_start": load_start,
                        "load_avg_end": round(os.getloadavg()[0], 2)},
            "seconds": seconds, "rounds": rounds, "concurrency": levels,
            "light_queries": LIGHT, "heavy_query": HEAVY,
            "servers": servers, "ratios": ratios, "targets": targets}


def _release(dist: Path) -> str:
    try:
        from kg.release.swap import release_id

        return release_id(dist)
    except Exception:  # the benchmark runs without the package on the path too
        return "-"


def render(result: dict) -> str:
    """A Markdown summary of measure()'s result."""
    levels = result["concurrency"]
    cpus = result["machine"]["cpus"]
    lines = [f"Release {result['release']}, {result['oxigraph']}, {cpus} CPUs, "
             f"load average {result['machine']['load_avg_start']} at start and "
             f"{result['machine']['load_avg_end']} at the end, {result['seconds']:g} s of "
             f"load per server and concurrency in {result['rounds']} rounds (median shown).",
             "",
             "| server | " + " | ".join(f"c={c} req/s" for c in levels) + " | "
             + " | ".join(f"c={c} CPU ms/req" for c in levels)
             + " | p99 light under heavy ms | RSS MB | PSS MB |",
             "|---|" + "---:|" * (2 * len(levels) + 3)]
    for name, s in result["servers"].items():
        lines.append(f"| {name} | " + " | ".join(f"{s['light'][str(c)]['rps']:.0f}" for c in levels)
                     + " | " + " | ".join(f"{s['light'][str(c)]['cpu_ms_per_request']:.3f}"
                                          for c in levels)
                     + f" | {s['under_heavy']['p99_ms']:.1f} | {s['memory']['rss_mb']:.0f} | "
                       f"{s['memory']['pss_mb']:.0f} |")
    lines += ["", "| server | target | value | met |", "|---|---|---|---|"]
    for t in result["targets"]:
        lines.append(f"| {t['server']} | {t['target']} | {t['value']} | "
                     f"{'met' if t['met'] else 'MISSED'} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", action="store_true", help="the project's own release (dist/)")
    ap.add_argument("--root", default=".", help="project root (default .)")
    ap.add_argument("--dist", help="release directory (default ROOT/dist)")
    ap.add_argument("--seconds", type=float, default=6.0,
                    help="load per server and concurrency, split over the rounds (6)")
    ap.add_argument("--rounds", type=int, default=3, help="turns the servers take (3)")
    ap.add_argument("--concurrency", default="1,4,16")
    ap.add_argument("--loadgen", default="auto", choices=["auto", "wrk", "python"])
    ap.add_argument("--install", action="store_true", help="pip install oxigraph if absent")
    ap.add_argument("--no-nocache", action="store_true", help="skip the cache-off variant")
    ap.add_argument("--json", help="write the result here")
    ap.add_argument("--md", help="write the Markdown summary here")
    args = ap.parse_args()
    root = Path(args.root).resolve()
    dist = Path(args.dist) if args.dist else root / "dist"
    if not (dist / "mgkg.trig").is_file():
        raise SystemExit(f"no release at {dist}: run `kg build` first")
    result = measure(dist, root, args.seconds,
                     tuple(int(c) for c in args.concurrency.split(",")), args.loadgen,
                     args.install, not args.no_nocache, args.rounds)
    print(render(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    if args.md:
        Path(args.md).write_text(render(result) + "\n")


if __name__ == "__main__":
    main()
