"""Helpers every benchmark script shares: timing statistics, bounded child processes
(wall time and peak memory of exactly that child), forked time-bounded measurements, the
competency queries as they are on disk at run time, and a description of the machine.

They live in one module so that store_choice.py, endpoint.py and run.py measure the same
way: a median here means the same thing as a median there.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import pickle
import platform
import select
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
RESULTS = BENCH / "results"
PACKAGES = ("mgkg", "rdflib", "pyoxigraph", "pyshacl-turbo", "flask", "waitress")


# ------------------------------------------------------------------ statistics

def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def summary_ms(seconds: list[float]) -> dict:
    """median, p95, p99, min and max in milliseconds, and the number of samples."""
    xs = sorted(seconds)
    if not xs:
        return {"n": 0}
    ms = 1000.0
    return {"n": len(xs), "median_ms": statistics.median(xs) * ms,
            "p95_ms": percentile(xs, 95) * ms, "p99_ms": percentile(xs, 99) * ms,
            "min_ms": xs[0] * ms, "max_ms": xs[-1] * ms}


def time_runs(fn: Callable[[], object], reps: int, budget: float, warm: int = 1) -> list[float]:
    """Wall times of up to `reps` calls after `warm` untimed ones; stops early once `budget`
    seconds have been spent (but always times at least one call), so a slow query on a big
    graph cannot stretch the run without bound."""
    for _ in range(warm):
        fn()
    times: list[float] = []
    spent = 0.0
    while len(times) < reps and (not times or spent < budget):
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        times.append(dt)
        spent += dt
    return times


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median of `runs` timed calls after one warm-up, in milliseconds."""
    return summary_ms(time_runs(fn, runs, float("inf")))["median_ms"]


# ------------------------------------------------------------------ child processes

@dataclass
class Child:
    """How a child process ended: exit code, wall time, its own CPU time and peak RSS."""

    returncode: int | None
    seconds: float
    cpu_s: float  # user + system: close to the wall time a quiet machine would give
    max_rss_mb: float
    stdout: str
    stderr: str
    timed_out: bool

    def result(self) -> dict | None:
        """The JSON object a child printed on its last `RESULT {...}` line, if any."""
        import json

        for line in reversed(self.stdout.splitlines()):
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT "):])
        return None


def run_child(cmd: list[str], timeout: float, cwd: Path | None = None,
              env: dict | None = None) -> Child:
    """Run a command with a wall-time bound. Peak memory is that child's own maximum RSS
    (wait4 on its pid: RUSAGE_CHILDREN would give the largest child of the whole run)."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"mgkg-bench-{os.getpid()}-{time.time_ns()}"
    with open(f"{out_path}.out", "w+b") as out, open(f"{out_path}.err", "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env,
                                start_new_session=True)
        timed_out = False
        deadline = start + timeout
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    timed_out = True
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.02)
        except BaseException:  # interrupted: the child (its own session) must not outlive us
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    for suffix in (".out", ".err"):
        with contextlib.suppress(OSError):
            os.unlink(f"{out_path}{suffix}")
    return Child(None if timed_out else proc.returncode, seconds,
                 usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, stdout, stderr,
                 timed_out)


def forked(fn: Callable[[], object], timeout: float) -> tuple[str, object]:
    """Run fn in a forked copy of this process, at most `timeout` seconds.

    ("ok", value) | ("timeout", None) | ("error", message). pyoxigraph and rdflib queries
    cannot be interrupted from inside; a fork can be killed, and shares the loaded store
    copy-on-write, so each query gets a hard time bound at no loading cost. Call only from
    a process without threads (as the query workers of kg serve are forked)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(r)
        try:
            try:
                payload = pickle.dumps(("ok", fn()))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"[:500]))
            view = memoryview(payload)
            while view:
                view = view[os.write(w, view):]
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    deadline = time.monotonic() + timeout
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([r], [], [], left)
        if ready:
            chunk = os.read(r, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    os.close(r)
    if timed_out:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    if timed_out:
        return "timeout", None
    if not chunks:
        return "error", "the measuring process died without an answer"
    return pickle.loads(b"".join(chunks))


# ------------------------------------------------------------------ inputs

def competency_queries(root: Path = ROOT, limit: int | None = None) -> dict[str, str]:
    """Every queries/*.rq as it is at run time (the set grows), or the first `limit`."""
    paths = sorted((root / "queries").glob("*.rq"))[:limit]
    return {p.stem: p.read_text(encoding="utf-8") for p in paths}


def question(text: str) -> str:
    """The English question of a .rq file's comment header."""
    for line in text.splitlines():
        line = line.strip()
        if line.lower().startswith("# question:"):
            return line.split(":", 1)[1].strip()
    return ""


# ------------------------------------------------------------------ the machine

def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine(project: Path = ROOT) -> dict:
    """What the numbers were measured on, for the report."""
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    commit = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(["git", "-C", str(project), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=5).stdout.strip() or None
        dirty = subprocess.run(["git", "-C", str(project), "status", "--porcelain"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        if commit and dirty:
            commit += " with uncommitted changes"
    wrk = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        probe = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=5)
        wrk = (probe.stdout + probe.stderr).splitlines()[0].strip() or None
    os_name = platform.platform()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"') + f" (kernel {platform.release()})"
    return {"cpu": cpu, "cpus": cpus, "memory_gb": mem_gb, "os": os_name,
            "python": sys.version.split()[0], "versions": versions, "wrk": wrk,
            "commit": commit, "loadavg_at_start": loadavg()}
