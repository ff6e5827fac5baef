"""The peers mgkg's endpoint is measured against in the same run: Oxigraph's own server
(`oxigraph serve-read-only`, PyPI package `oxigraph`, the same engine mgkg embeds), plus
what every server is measured with here: memory of its process tree, and the latency of
a light query while a heavy one runs. The one module for the peer: endpoint.py and run.py
both start, load and measure it through these functions.

The peer serves the same release the same way: mgkg.trig (plus the VoID and summary
graphs) loaded into a store on disk, and the union of the named graphs copied into the
default graph, as kg.store.store.load_store does; queries get mgkg's predeclared
prefixes written out, since Oxigraph's server declares none.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import loadgen
from bench import percentile, summary_ms

OXIGRAPH_PACKAGE = "oxigraph==0.5.13"  # the release issue 17's figures were measured with
UNION = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
GRAPH = "https://w3id.org/mgkg/graph/"
#: A heavy query that ends on its own (about 0.7 s in pyoxigraph on the real graph, past
#: kg serve's light_seconds): Oxigraph's server runs without a time limit (below), so a
#: query that only a limit stops would keep a core busy after its client left.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?o ?q ?r . ?r ?s ?t }"


def _found(here: Path) -> str | None:
    return shutil.which("oxigraph") or (str(here) if here.is_file() else None)


def oxigraph_cli(install: bool = True) -> str:
    """The `oxigraph` command: on PATH, beside this Python, or (with `install`) installed
    now from PyPI into this environment (the benchmark's own setup; the package is in the
    `bench` extra of pyproject.toml)."""
    here = Path(sys.executable).parent / "oxigraph"
    found = _found(here)
    if found:
        return found
    if not install:
        raise SystemExit("the oxigraph CLI is not installed: pip install oxigraph "
                         "(or run with --install)")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", OXIGRAPH_PACKAGE],
                   check=True, timeout=600)
    found = _found(here)
    if not found:
        raise RuntimeError(f"pip installed {OXIGRAPH_PACKAGE} but no `oxigraph` command appeared")
    return found


def oxigraph_version(cli: str) -> str:
    out = subprocess.run([cli, "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def prefixed(text: str) -> str:
    """A query with mgkg's predeclared prefixes written out (a query's own PREFIX lines
    come after them and win)."""
    from kg.core.namespaces import sparql_prefixes

    return sparql_prefixes() + text


def load_oxigraph(cli: str, dist: Path, location: Path) -> float:
    """The release into an on-disk Oxigraph store at `location`, union materialized."""
    shutil.rmtree(location, ignore_errors=True)
    start = time.perf_counter()
    run = dict(check=True, timeout=1800, capture_output=True)
    subprocess.run([cli, "load", "--location", str(location), "--file", str(dist / "mgkg.trig")],
                   **run)
    for name in ("void", "summary"):
        path = dist / f"{name}.ttl"
        if path.is_file():
            subprocess.run([cli, "load", "--location", str(location), "--file", str(path),
                            "--graph", GRAPH + name], **run)
    subprocess.run([cli, "update", "--location", str(location), "--update", UNION], **run)
    return time.perf_counter() - start


#: Where Oxigraph's server answers queries (mgkg's is /sparql).
OXIGRAPH_PATH = "/query"
OXIGRAPH_COMMAND = "oxigraph serve-read-only --location STORE --bind 127.0.0.1:PORT"


def start_oxigraph(cli: str, location: Path, log: Path) -> loadgen.Server:
    """`oxigraph serve-read-only` on 127.0.0.1 over a loaded store, started and waited for
    as `kg serve` is (loadgen.start_server), so their startup times compare."""
    # No --timeout-s: oxigraph 0.5 starts a thread per query that sleeps out the limit,
    # so at thousands of requests a second the threads pile up until the server aborts
    # (seen: "Resource temporarily unavailable", then a panic, on the real graph).
    port = loadgen.free_port()
    cmd = [cli, "serve-read-only", "--location", str(location), "--bind",
           f"127.0.0.1:{port}"]
    return loadgen.start_server(cmd, port, log, ready_path=OXIGRAPH_PATH + "?query=ASK%7B%7D")


# ------------------------------------------------------------------ memory

def tree_memory_mb(pid: int) -> dict[str, float]:
    """RSS, PSS and USS of a process and all its descendants, in MB, from each one's
    /proc/PID/smaps_rollup. RSS counts a page once per process that maps it, so a forked
    worker's pages shared with its zygote are counted again; PSS divides each shared page
    among the processes sharing it (their sum is the tree's real footprint); USS counts
    only pages private to one process (what killing it would give back)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except OSError:
                continue
    tree, todo = [pid], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, parent in parents.items() if parent == p]
        tree += kids
        todo += kids
    rss = pss = uss = 0.0
    for p in tree:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key == "Rss":
                    rss += int(rest.split()[0]) / 1024
                elif key == "Pss":
                    pss += int(rest.split()[0]) / 1024
                elif key in ("Private_Clean", "Private_Dirty"):
                    uss += int(rest.split()[0]) / 1024
        except OSError:
            continue
    return {"rss_mb": round(rss, 1), "pss_mb": round(pss, 1), "uss_mb": round(uss, 1),
            "processes": len(tree)}


# ------------------------------------------------------------------ light under heavy

def _heavy_loop(port: int, path: str, text: str, until: float, answers) -> None:
    """One client on 127.0.0.2 (a second user) looping the heavy query, its text varied
    so that no answer cache serves it."""
    import http.client

    i = 0
    while time.monotonic() < until:
        i += 1
        q = path + "?" + urllib.parse.urlencode({"query": f"{text} # heavy {os.getpid()}-{i}"})
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=70,
                                              source_address=("127.0.0.2", 0))
            conn.request("GET", q, headers=loadgen.ACCEPT)
            conn.getresponse().read()
            conn.close()
            answers.value += 1
        except OSError:
            time.sleep(0.05)


def light_under_heavy(port: int, path: str, seconds: float, light: list[str],
                      repeat: bool, heavy: str = HEAVY, wrap=lambda t: t) -> dict:
    """Light queries one after another from 127.0.0.1 while another client loops a heavy
    query; latency p50 / p99 / max and failures.

    `repeat`: the light texts are sent as they are, in turn, so an answer cache serves
    them after the first time (what a repeated question costs); otherwise each text is
    made unique by a comment, so every request is evaluated (what the engine path costs).
    """
    import http.client

    until = time.monotonic() + seconds
    ctx = mp.get_context("fork")
    answers = ctx.Value("i", 0)
    heavy_proc = ctx.Process(target=_heavy_loop,
                             args=(port, path, wrap(heavy), until + 1, answers))
    heavy_proc.start()
    time.sleep(0.5)  # the heavy query is running before the first light one
    lat, failures, n = [], 0, 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while time.monotonic() < until:
            text = light[n % len(light)]
            n += 1
            if not repeat:
                text = f"{text} # {os.getpid()}-{n}"
            q = path + "?" + urllib.parse.urlencode({"query": wrap(text)})
            t = time.perf_counter()
            try:
                conn.request("GET", q, headers=loadgen.ACCEPT)
                r = conn.getresponse()
                r.read()
                if r.status == 200:
                    lat.append(time.perf_counter() - t)
                else:
                    failures += 1
            except OSError:
                failures += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    finally:
        conn.close()
        heavy_proc.terminate()  # its query may still run: the server's limit stops it
        heavy_proc.join(timeout=5)
        if heavy_proc.is_alive():
            heavy_proc.kill()
            heavy_proc.join()
    lat.sort()
    return {"repeat": repeat, "requests": n, "failures": failures, "seconds": seconds,
            "heavy_answers": answers.value,
            "p50_ms": round(statistics.median(lat) * 1000, 3) if lat else None,
            "p99_ms": round(percentile(lat, 99) * 1000, 3) if lat else None,
            "max_ms": round(lat[-1] * 1000, 3) if lat else None}


# ------------------------------------------------------------------ the peer's stage

def oxigraph_stage(dist: Path, tmp: Path, light: list[str], queries: dict[str, str],
                   args) -> dict:
    """Oxigraph's server on the same release: per-query latency at c=1 and throughput of
    the competency mix with its CPU per request, measured as run.endpoint_stage measures
    `kg serve`. Light-query throughput, memory and light-under-heavy of both servers are
    endpoint.measure()'s (the servers taking turns), not measured again here."""
    cli = oxigraph_cli()
    location = tmp / "oxigraph-store"
    out: dict = {"version": oxigraph_version(cli), "per_query": {}, "load": {}}
    out["load_s"] = load_oxigraph(cli, dist, location)
    server = start_oxigraph(cli, location, tmp / "oxigraph-serve.log")
    try:
        out["startup_s"] = server.startup_s
        out["command"] = OXIGRAPH_COMMAND
        for name, text in [(f"light-{i + 1}", t) for i, t in enumerate(light)] + \
                list(queries.items()):
            times, statuses, _ = loadgen.http_latencies(server.port, prefixed(text),
                                                        args.http_reps, args.budget,
                                                        OXIGRAPH_PATH)
            out["per_query"][name] = {**summary_ms(times),
                                      "statuses": {str(k): v for k, v in statuses.items()}}
        if queries:
            out["load"]["competency"] = {
                str(c): loadgen.load_with_cpu(server, [prefixed(t) for t in queries.values()],
                                              args.seconds, c, args.loadgen, OXIGRAPH_PATH)
                for c in args.concurrency}
    finally:
        out["exit_code"] = server.stop()
        shutil.rmtree(location, ignore_errors=True)
    return out


__all__ = ["start_oxigraph", "oxigraph_cli", "oxigraph_version", "load_oxigraph", "prefixed",
           "tree_memory_mb", "light_under_heavy", "oxigraph_stage", "HEAVY", "OXIGRAPH_PATH"]
