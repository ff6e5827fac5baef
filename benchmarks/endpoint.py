"""What the worker pool costs: `kg serve` against the same app evaluating queries inline in
the HTTP thread (no worker processes, no timeout), and against no HTTP at all.

    python benchmarks/endpoint.py --root /path/to/project [--seconds 5]

Light queries only (the cost of the machinery, not of the engine). Prints latency at
concurrency 1 and throughput at concurrency 16 for each variant. The client runs in
separate processes (4 processes x 4 threads at concurrency 16) with keep-alive
connections, on the same machine as the server, so absolute numbers are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

LIGHT = [
    "SELECT ?label WHERE { mgr:iom rdfs:label ?label }",
    "ASK { mgr:iom a mg:IntergovernmentalOrganization }",
    "SELECT ?p ?o WHERE { mgr:iom ?p ?o } LIMIT 10",
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_inline(root: str, port: int, threads: int) -> None:
    """The same Flask app, but each query evaluated in the HTTP thread."""
    from waitress import serve

    from kg.app import create_app, state
    from kg.executor import Limits, evaluate
    from kg.settings import Settings
    from kg.store import load_store, materialize_union

    settings = Settings.from_env(root=Path(root), port=port, threads=threads)
    store = load_store(settings)
    app = create_app(settings, store)

    class Inline:
        size, alive, sandboxed, timeouts, crashes = 1, 1, False, 0, 0
        limits = Limits.of(settings)

        def run(self, job, timeout):
            return evaluate(served, job, self.limits)

    served = load_store(settings)
    materialize_union(served)
    with app.app_context():
        state().pool.close()
        state().pool = Inline()
    serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def start(cmd: list[str], base: str) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"server did not start: {cmd}")


def client(port: int, seconds: float, threads: int, out) -> None:
    paths = ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in LIGHT]
    counts, latencies = [0] * threads, [[] for _ in range(threads)]
    stop = time.perf_counter() + seconds

    def loop(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        n = 0
        while time.perf_counter() < stop:
            t = time.perf_counter()
            conn.request("GET", paths[n % len(paths)],
                         headers={"Accept": "application/sparql-results+json"})
            r = conn.getresponse()
            r.read()
            assert r.status == 200, r.status
            latencies[i].append(time.perf_counter() - t)
            n += 1
        counts[i] = n

    ts = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put((sum(counts), [x for lat in latencies for x in lat]))


def load(port: int, seconds: float, procs: int, threads: int) -> tuple[float, list[float]]:
    q: mp.Queue = mp.Queue()
    ps = [mp.Process(target=client, args=(port, seconds, threads, q)) for _ in range(procs)]
    for p in ps:
        p.start()
    results = [q.get() for _ in ps]
    for p in ps:
        p.join()
    return sum(r[0] for r in results) / seconds, [x for r in results for x in r[1]]


def in_process(root: str, seconds: float, threads: int) -> float:
    """No HTTP: evaluate() (query + negotiation + serialization) from threads."""
    from kg.executor import Job, Limits, evaluate
    from kg.settings import Settings
    from kg.store import load_store, materialize_union

    settings = Settings.from_env(root=Path(root))
    store = load_store(settings)
    materialize_union(store)
    limits = Limits.of(settings)
    counts = [0] * threads
    stop = time.perf_counter() + seconds

    def loop(i):
        n = 0
        while time.perf_counter() < stop:
            evaluate(store, Job(LIGHT[n % len(LIGHT)]), limits)
            n += 1
        counts[i] = n

    ts = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts) / seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=".")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--serve-inline", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_inline:
        serve_inline(args.root, args.serve_inline, args.threads)
        return
    root = str(Path(args.root).resolve())
    print(f"CPUs available: {len(os.sched_getaffinity(0))}")
    variants = {
        "kg serve (worker pool)": lambda port: [
            sys.executable, "-m", "kg.cli", "--root", root, "serve", "--port", str(port),
            "--threads", str(args.threads)],
        "inline (same app, no workers)": lambda port: [
            sys.executable, __file__, "--root", root, "--threads", str(args.threads),
            "--serve-inline", str(port)],
    }
    print("| variant | c=1 median ms | c=1 p95 ms | c=1 req/s | c=16 req/s | c=16 p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, cmd in variants.items():
        port = free_port()
        proc = start(cmd(port), f"http://127.0.0.1:{port}")
        try:
            load(port, 1, 1, 1)  # warm up
            rate1, lat1 = load(port, args.seconds, 1, 1)
            rate16, lat16 = load(port, args.seconds, 4, 4)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        lat1.sort()
        lat16.sort()
        print(f"| {name} | {statistics.median(lat1) * 1000:.2f} | "
              f"{lat1[int(len(lat1) * .95)] * 1000:.2f} | {rate1:.0f} | {rate16:.0f} | "
              f"{lat16[int(len(lat16) * .95)] * 1000:.2f} |")
    rate = in_process(root, args.seconds, 1)
    rate16 = in_process(root, args.seconds, 16)
    print(f"| no HTTP: evaluate() in-process | - | - | {rate:.0f} | {rate16:.0f} | - |")


if __name__ == "__main__":
    main()
