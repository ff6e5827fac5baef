"""The peers mgkg's endpoint is measured against in the same run: Oxigraph's own server
(`oxigraph serve-read-only`, PyPI package `oxigraph`, the same engine mgkg embeds), plus
what every server is measured with here: memory of its process tree, and the latency of
a light query while a heavy one runs.

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
#: A query that runs until it is stopped (a three-way cross product of the graph).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def oxigraph_cli() -> str:
    """The `oxigraph` command: on PATH, beside this Python, or installed now from PyPI
    into this environment (the benchmark's own setup; the package is in the `bench` extra
    of pyproject.toml)."""
    here = Path(sys.executable).parent / "oxigraph"
    found = shutil.which("oxigraph") or (str(here) if here.is_file() else None)
    if found:
        return found
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", OXIGRAPH_PACKAGE],
                   check=True, timeout=600)
    found = shutil.which("oxigraph") or (str(here) if here.is_file() else None)
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


class OxigraphServer:
    """`oxigraph serve-read-only` on 127.0.0.1 over a loaded store."""

    path = "/query"

    def __init__(self, cli: str, location: Path, log: Path, timeout: float = 120):
        self.port = loadgen.free_port()
        log.parent.mkdir(parents=True, exist_ok=True)
        err = open(log, "wb")  # noqa: SIM115 - the server writes to it until stopped
        start = time.perf_counter()
        self.proc = subprocess.Popen(
            [cli, "serve-read-only", "--location", str(location), "--bind",
             f"127.0.0.1:{self.port}", "--timeout-s", "60"],
            stdout=subprocess.DEVNULL, stderr=err)
        err.close()
        url = f"http://127.0.0.1:{self.port}{self.path}?" + urllib.parse.urlencode(
            {"query": "ASK {}"})
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - start > timeout:
                self.stop()
                raise RuntimeError("oxigraph serve did not answer")
            time.sleep(0.01)
        self.startup_s = time.perf_counter() - start

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


# ------------------------------------------------------------------ memory

def tree_memory_mb(pid: int) -> dict[str, float]:
    """RSS and PSS (shared pages divided among the processes sharing them) of a process
    and all its descendants, in MB: RSS counts a forked worker's shared pages again, PSS
    does not."""
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
    rss = pss = 0.0
    for p in tree:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) / 1024
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except OSError:
            continue
    return {"rss_mb": rss, "pss_mb": pss, "processes": len(tree)}


# ------------------------------------------------------------------ light under heavy

def _heavy_loop(port: int, path: str, text: str, until: float) -> None:
    import http.client

    q = path + "?" + urllib.parse.urlencode({"query": text})
    while time.monotonic() < until:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=70)
            conn.request("GET", q, headers=loadgen.ACCEPT)
            conn.getresponse().read()
            conn.close()
        except OSError:
            time.sleep(0.05)


def light_under_heavy(port: int, path: str, seconds: float, heavy: str = HEAVY,
                      light: str = "ASK { mgr:iom a mg:IntergovernmentalOrganization }",
                      wrap=lambda t: t) -> dict:
    """Sequential light queries (each text made unique by a comment, so no answer cache
    serves it) while one client loops a heavy query; latency p50 / p99 and failures."""
    import http.client

    until = time.monotonic() + seconds
    heavy_proc = mp.get_context("fork").Process(
        target=_heavy_loop, args=(port, path, wrap(heavy), until + 1))
    heavy_proc.start()
    time.sleep(0.3)  # the heavy query is running before the first light one
    lat, failures, n = [], 0, 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while time.monotonic() < until:
            n += 1
            q = path + "?" + urllib.parse.urlencode({"query": wrap(f"{light} # {os.getpid()}-{n}")})
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
            time.sleep(0.01)
    finally:
        conn.close()
        heavy_proc.terminate()  # its query may still run: the server's limit stops it
        heavy_proc.join(timeout=5)
        if heavy_proc.is_alive():
            heavy_proc.kill()
            heavy_proc.join()
    lat.sort()
    return {"requests": n, "failures": failures, "seconds": seconds,
            "p50_ms": statistics.median(lat) * 1000 if lat else None,
            "p99_ms": percentile(lat, 99) * 1000 if lat else None}




# ------------------------------------------------------------------ the peer's stage

def oxigraph_stage(dist: Path, tmp: Path, light: list[str], queries: dict[str, str],
                   args) -> dict:
    """Oxigraph's server on the same release: per-query latency at c=1, throughput at
    each concurrency with its CPU per request, memory, and light-under-heavy, measured
    exactly as endpoint_stage measures `kg serve`."""
    cli = oxigraph_cli()
    location = tmp / "oxigraph-store"
    out: dict = {"version": oxigraph_version(cli), "per_query": {}, "load": {}}
    out["load_s"] = load_oxigraph(cli, dist, location)
    server = OxigraphServer(cli, location, tmp / "oxigraph-serve.log")
    path = OxigraphServer.path
    try:
        out["startup_s"] = server.startup_s
        out["command"] = "oxigraph serve-read-only --location STORE --bind 127.0.0.1:PORT"
        for name, text in [(f"light-{i + 1}", t) for i, t in enumerate(light)] + \
                list(queries.items()):
            times, statuses, _ = loadgen.http_latencies(server.port, prefixed(text),
                                                        args.http_reps, args.budget, path)
            out["per_query"][name] = {**summary_ms(times),
                                      "statuses": {str(k): v for k, v in statuses.items()}}
        for mix, texts in (("light", light), ("competency", list(queries.values()))):
            if not texts:
                continue
            out["load"][mix] = {}
            for c in args.concurrency:
                before = loadgen.tree_cpu(server.proc.pid)
                client = loadgen.client_cpu()
                run = loadgen.load(server.port, [prefixed(t) for t in texts], args.seconds, c,
                                   args.loadgen, path)
                after = loadgen.tree_cpu(server.proc.pid)
                n = max(1, run["requests"])
                run["cpu_ms_per_request"] = {
                    "http_server": (after["server"] - before["server"]) * 1000 / n,
                    "query_workers": (after["workers"] - before["workers"]) * 1000 / n,
                    "load_generator": (loadgen.client_cpu() - client) * 1000 / n}
                out["load"][mix][str(c)] = run
        out["memory"] = tree_memory_mb(server.proc.pid)
        out["light_under_heavy"] = light_under_heavy(server.port, path, args.heavy_seconds,
                                                     wrap=prefixed)
    finally:
        out["exit_code"] = server.stop()
        shutil.rmtree(location, ignore_errors=True)
    return out


__all__ = ["OxigraphServer", "oxigraph_cli", "load_oxigraph", "prefixed", "tree_memory_mb",
           "light_under_heavy", "oxigraph_stage", "HEAVY"]
