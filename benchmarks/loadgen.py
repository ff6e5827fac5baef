"""Load against a real `kg serve` on 127.0.0.1, and the same queries without HTTP.

Two load generators, one interface: wrk (Debian's `wrk`, a C program, so the client takes
little of a small machine's CPU) when it is installed, else a Python client of processes
and keep-alive threads. Every run is bounded in time and in requests, and only ever
talks to 127.0.0.1. `in_process_rate` runs the workers' own evaluate() from threads,
which is the throughput the endpoint would have if HTTP cost nothing.
"""

from __future__ import annotations

import contextlib
import http.client
import multiprocessing as mp
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import percentile, summary_ms, time_runs

# Light queries: the cost of the machinery, not of the engine.
LIGHT = [
    "SELECT ?label WHERE { mgr:iom rdfs:label ?label }",
    "ASK { mgr:iom a mg:IntergovernmentalOrganization }",
    "SELECT ?p ?o WHERE { mgr:iom ?p ?o } LIMIT 10",
]
ACCEPT = {"Accept": "application/sparql-results+json"}
MAX_REQUESTS_PER_CLIENT = 200000  # a bound on top of the time bound


def tree_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by a process and, separately, by all its
    living descendants (the query zygote and workers of kg serve), read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    children: dict[int, list[int]] = {}
    for child, (parent, _) in stats.items():
        children.setdefault(parent, []).append(child)
    others, todo = 0.0, list(children.get(pid, []))
    while todo:
        p = todo.pop()
        others += stats[p][1]
        todo += children.get(p, [])
    return {"server": stats.get(pid, (0, 0.0))[1], "workers": others}


def client_cpu() -> float:
    """CPU seconds of this process's finished children (wrk, client processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query_path(text: str, endpoint: str = "/sparql") -> str:
    """The GET path of a query; `endpoint` is "/query" for Oxigraph's own server."""
    return endpoint + "?" + urllib.parse.urlencode({"query": text})


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    startup_s: float  # from spawning the process to the first healthy /healthz
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready_in(self) -> float | None:
        """The server's own 'ready in X s' (store loaded, workers forked)."""
        m = re.search(r"ready in ([0-9.]+) s", self.log.read_text(errors="replace"))
        return float(m.group(1)) if m else None

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start_server(cmd: list[str], port: int, log: Path, timeout: float = 120,
                 ready_path: str = "/healthz") -> Server:
    """Spawn a server and wait until /healthz answers 200; the time that takes is the
    startup time (polled every 10 ms)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    err = open(log, "wb")  # noqa: SIM115 - the server writes to it until stopped
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    err.close()
    url = f"http://127.0.0.1:{port}{ready_path}"
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: "
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return Server(proc, port, time.perf_counter() - start, log)
        except OSError:
            pass
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"server did not become healthy within {timeout} s: {cmd}")


# ------------------------------------------------------------------ sequential, c=1

_DUR = re.compile(r"query;dur=([0-9.]+)")


def http_latencies(port: int, text: str, reps: int, budget: float
                   ) -> tuple[list[float], dict, list[float]]:
    """Sequential GETs of one query over one keep-alive connection: client-side times,
    statuses, and the time the query worker itself reported (Server-Timing), which
    splits the HTTP overhead into the worker's share and everything around it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    path = query_path(text)
    statuses: dict[int, int] = {}
    worker: list[float] = []

    def once() -> None:
        conn.request("GET", path, headers=ACCEPT)
        r = conn.getresponse()
        r.read()
        statuses[r.status] = statuses.get(r.status, 0) + 1
        m = _DUR.search(r.getheader("Server-Timing") or "")
        if m:
            worker.append(float(m.group(1)) / 1000)

    try:
        times = time_runs(once, reps, budget)
    finally:
        conn.close()
    return times, statuses, worker[-len(times):]


# ------------------------------------------------------------------ Python client

def _client(port: int, paths: list[str], seconds: float, threads: int, offset: int, out) -> None:
    counts, errors = [0] * threads, [0] * threads
    latencies: list[list[float]] = [[] for _ in range(threads)]
    stop = time.perf_counter() + seconds

    def loop(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        n = offset + i
        while time.perf_counter() < stop and counts[i] < MAX_REQUESTS_PER_CLIENT:
            t = time.perf_counter()
            conn.request("GET", paths[n % len(paths)], headers=ACCEPT)
            r = conn.getresponse()
            r.read()
            latencies[i].append(time.perf_counter() - t)
            if r.status != 200:
                errors[i] += 1
            counts[i] += 1
            n += 1
        conn.close()

    ts = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put((sum(counts), sum(errors), [x for lat in latencies for x in lat]))


def python_load(port: int, texts: list[str], seconds: float, concurrency: int,
                endpoint: str = "/sparql") -> dict:
    """`concurrency` keep-alive connections from up to 4 processes (threads within each),
    so the client's GIL does not cap the load; bounded by time and request count."""
    paths = [query_path(t, endpoint) for t in texts]
    procs = min(4, concurrency)
    per = [concurrency // procs + (1 if i < concurrency % procs else 0) for i in range(procs)]
    q: mp.Queue = mp.Queue()
    ps = [mp.Process(target=_client, args=(port, paths, seconds, n, sum(per[:i]), q))
          for i, n in enumerate(per)]
    start = time.perf_counter()
    for p in ps:
        p.start()
    results = [q.get() for _ in ps]
    for p in ps:
        p.join()
    elapsed = max(seconds, time.perf_counter() - start - 0.05)
    lat = sorted(x for r in results for x in r[2])
    n = sum(r[0] for r in results)
    return {"tool": "python", "requests": n, "errors": sum(r[1] for r in results),
            "seconds": seconds, "rps": n / seconds if seconds else 0.0,
            "p50_ms": percentile(lat, 50) * 1000, "p95_ms": percentile(lat, 95) * 1000,
            "p99_ms": percentile(lat, 99) * 1000, "wall_s": elapsed}


# ------------------------------------------------------------------ wrk

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text.strip())
    if not m:
        return float("nan")
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_load(port: int, texts: list[str], seconds: float, concurrency: int,
             endpoint: str = "/sparql") -> dict:
    """wrk with a Lua script cycling through the queries; its latency distribution gives
    p50 and p99."""
    paths = [query_path(t, endpoint) for t in texts]
    script = "local paths = {\n" + "".join(f"  [==[{p}]==],\n" for p in paths) + "}\n" + (
        "local i = 0\n"
        "function init(args) i = math.random(#paths) end\n"
        "function request()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i], {["Accept"] = '
        '"application/sparql-results+json"})\n'
        "end\n")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        lua = f.name
    threads = max(1, min(2, concurrency))
    cmd = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s",
           "--latency", "--timeout", "60s", "-s", lua, f"http://127.0.0.1:{port}"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True,
                             timeout=seconds + 90).stdout
    finally:
        with contextlib.suppress(OSError):
            Path(lua).unlink()
    return parse_wrk(out, seconds)


def parse_wrk(out: str, seconds: float) -> dict:
    """Requests, errors, req/s, p50 and p99 from wrk's --latency output."""
    def grab(pattern: str, default: str = "0") -> str:
        m = re.search(pattern, out)
        return m.group(1) if m else default

    n = int(grab(r"(\d+) requests in"))
    non2xx = int(grab(r"Non-2xx or 3xx responses: (\d+)"))
    sock = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)",
                                          grab(r"Socket errors: (.*)", "")))
    return {"tool": "wrk", "requests": n, "errors": non2xx + sock,
            "seconds": max(1, round(seconds)),
            "rps": float(grab(r"Requests/sec:\s+([0-9.]+)")),
            "p50_ms": _ms(grab(r"\n\s+50%\s+(\S+)", "nan")),
            "p99_ms": _ms(grab(r"\n\s+99%\s+(\S+)", "nan"))}


def load(port: int, texts: list[str], seconds: float, concurrency: int, tool: str = "auto",
         endpoint: str = "/sparql") -> dict:
    if tool == "wrk" or (tool == "auto" and wrk_available()):
        return wrk_load(port, texts, seconds, concurrency, endpoint)
    return python_load(port, texts, seconds, concurrency, endpoint)


# ------------------------------------------------------------------ no HTTP

def in_process_rate(store, texts: list[str], seconds: float, threads: int, limits) -> dict:
    """evaluate() (query + negotiation + serialization, what a query worker does) from
    `threads` threads on one store: the endpoint's throughput if HTTP cost nothing."""
    from kg.endpoint.evaluate import Job, evaluate

    jobs = [Job(t, accept=ACCEPT["Accept"]) for t in texts]
    counts = [0] * threads
    latencies: list[list[float]] = [[] for _ in range(threads)]
    stop = time.perf_counter() + seconds

    def loop(i: int) -> None:
        n = i
        while time.perf_counter() < stop and counts[i] < MAX_REQUESTS_PER_CLIENT:
            t = time.perf_counter()
            evaluate(store, jobs[n % len(jobs)], limits)
            latencies[i].append(time.perf_counter() - t)
            counts[i] += 1
            n += 1

    ts = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    lat = sorted(x for xs in latencies for x in xs)
    total = sum(counts)
    return {"requests": total, "seconds": seconds, "rps": total / seconds,
            "p50_ms": percentile(lat, 50) * 1000, "p99_ms": percentile(lat, 99) * 1000}


__all__ = ["LIGHT", "Server", "free_port", "start_server", "http_latencies", "load",
           "python_load", "wrk_load", "wrk_available", "in_process_rate", "summary_ms"]
