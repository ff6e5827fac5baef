"""What the worker pool costs: `kg serve` against the same app evaluating queries inline in
the HTTP thread (no worker processes, no timeout), and against no HTTP at all.

    python benchmarks/endpoint.py --root /path/to/project [--seconds 5]

Light queries only (the cost of the machinery, not of the engine). Prints latency at
concurrency 1 and throughput at concurrency 16 for each variant. The client (loadgen.py,
shared with run.py) runs in separate processes (4 processes x 4 threads at concurrency
16) with keep-alive connections, on the same machine as the server, so absolute numbers
are a floor. run.py measures `kg serve` alone at concurrency 1, 4 and 16 on real and
synthetic graphs; this script compares it with the inline variant.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import (  # noqa: E402 - the benchmarks directory is not a package
    LIGHT,
    free_port,
    in_process_rate,
    python_load,
    start_server,
)


def serve_inline(root: str, port: int, threads: int) -> None:
    """The same Flask app, but each query evaluated in the HTTP thread."""
    from waitress import serve

    from kg.app import create_app, state
    from kg.core.settings import Settings
    from kg.endpoint.evaluate import Limits, evaluate
    from kg.store.store import load_store

    settings = Settings.from_env(root=Path(root), port=port, threads=threads)
    store = load_store(settings)
    app = create_app(settings, store)

    class Inline:
        size, alive, sandboxed, timeouts, crashes = 1, 1, False, 0, 0
        limits = Limits.of(settings)

        def run(self, job, timeout):
            return evaluate(served, job, self.limits)

    served = load_store(settings)
    with app.app_context():
        state().pool.close()
        state().pool = Inline()
    serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def in_process(root: str, seconds: float, threads: int) -> float:
    """No HTTP: evaluate() (query + negotiation + serialization) from threads."""
    from kg.core.settings import Settings
    from kg.endpoint.evaluate import Limits
    from kg.store.store import load_store

    settings = Settings.from_env(root=Path(root))
    store = load_store(settings)
    return in_process_rate(store, LIGHT, seconds, threads, Limits.of(settings))["rps"]


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
        server = start_server(cmd(port), port, Path(os.environ.get("TMPDIR", "/tmp"))
                              / f"mgkg-endpoint-{port}.log")
        try:
            python_load(port, LIGHT, 1, 1)  # warm up
            one = python_load(port, LIGHT, args.seconds, 1)
            sixteen = python_load(port, LIGHT, args.seconds, 16)
        finally:
            server.stop()
            server.log.unlink(missing_ok=True)
        print(f"| {name} | {one['p50_ms']:.2f} | {one['p95_ms']:.2f} | {one['rps']:.0f} | "
              f"{sixteen['rps']:.0f} | {sixteen['p95_ms']:.2f} |")
    rate = in_process(root, args.seconds, 1)
    rate16 = in_process(root, args.seconds, 16)
    print(f"| no HTTP: evaluate() in-process | - | - | {rate:.0f} | {rate16:.0f} | - |")


if __name__ == "__main__":
    main()
