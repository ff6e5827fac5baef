"""Evaluating queries in worker processes that can be stopped.

pyoxigraph's `Store.query` has no timeout and cannot be cancelled, and a thread stuck
in Rust code cannot be interrupted. The only way to really stop a runaway query is to
run it in a process and kill that process. Forking one process per query would cost
milliseconds on every light query, so the pool keeps long-lived workers instead:

    server process (HTTP threads)
      └─ zygote: forked once at start, before any thread exists, holding the store
           ├─ worker 1    forked by the zygote; the store is shared copy-on-write
           └─ worker N

A request thread borrows an idle worker, sends it the query over a socket and waits at
most the query timeout. When the time is up it asks the zygote to SIGKILL that worker
(the zygote, as its parent, knows the pid is still its child), answers 503, and has the
zygote fork a fresh worker, which takes a few milliseconds since nothing is reloaded.
Forking from the single-threaded zygote rather than from the multi-threaded server
keeps every fork free of locks held by other threads. Each worker also gets an address
space cap (a query that would eat the host's memory dies, and is reported) and a
seccomp sandbox with no network, no file opening and no exec (see sandbox.py). The
zygote and worker side lives in zygote.py; this module is the server's side. A query
found heavy has its worker's CPU priority lowered (by the zygote, HEAVY_NICE), so that a
runaway query yields the CPU to the HTTP server and to light queries until it is
stopped; that worker is replaced once it answers, since priority cannot be raised back.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import os
import pickle
import queue
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import KgError
from ..core.settings import Settings
from .evaluate import Answer, Job, Limits
from .wire import Channel
from .zygote import zygote

log = logging.getLogger("kg.executor")


@dataclass
class _Worker:
    pid: int
    conn: Channel
    generation: int = 0  # which release it was forked with (QueryPool.generation)
    lowered: bool = False  # ran a heavy query at HEAVY_NICE: replaced, not reused


class PoolError(KgError):
    """The query workers cannot be started or replaced."""


def default_workers(settings: Settings) -> int:
    if settings.workers > 0:
        return settings.workers
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(max(2, cpus), settings.threads))


def _give_back_heap() -> None:
    """Return to the system the heap that loading the release freed (glibc's
    malloc_trim), before the fork: otherwise the server keeps it and every process forked
    from it maps it too. A no-op where there is no malloc_trim."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).malloc_trim(0)


class QueryPool:
    """Long-lived query workers that can be killed when a query overruns."""

    def __init__(self, store: ox.Store, settings: Settings, release: str = "-"):
        self.store = store
        self.release = release  # the release new workers answer from
        self.generation = 0
        self.settings = settings
        self.limits = Limits.of(settings)
        self.size = default_workers(settings)
        self.sandboxed = False
        self.timeouts = 0
        self.crashes = 0
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._alive = 0
        self._lock = threading.Lock()  # the zygote's control socket and _alive
        self._ctl: socket.socket | None = None
        self._zygote_pid: int | None = None
        self._closed = False

    # -- life cycle

    def start(self) -> QueryPool:
        """Fork the zygote and the workers. Call before the process starts any thread."""
        parent = os.getpid()
        _give_back_heap()
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                zygote(theirs, self.store, self.limits, parent, self.settings.query_memory_mb,
                        self.release)
            finally:
                os._exit(0)
        theirs.close()
        self._ctl, self._zygote_pid = ours, pid
        atexit.register(self.close)
        flags = []
        for _ in range(self.size):
            worker, sandboxed = self._spawn()
            flags.append(sandboxed)
            self._idle.put(worker)
        self.sandboxed = all(flags)
        if not self.sandboxed:
            log.warning("query workers run without the seccomp sandbox on this system; "
                        "SERVICE is still refused by the query guard")
        return self

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._alive = 0
            while True:
                try:
                    self._idle.get_nowait().conn.close()
                except queue.Empty:
                    break
            if self._ctl is not None:
                self._ctl.close()  # the zygote sees EOF, kills its workers and exits
        if self._zygote_pid is not None:
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                try:
                    pid, _ = os.waitpid(self._zygote_pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid:
                    break
                time.sleep(0.01)
            else:
                os.kill(self._zygote_pid, signal.SIGKILL)
                os.waitpid(self._zygote_pid, 0)

    @property
    def alive(self) -> int:
        return self._alive

    # -- workers

    def _spawn(self) -> tuple[_Worker, bool]:
        with self._lock:
            if self._closed or self._ctl is None:
                raise PoolError("the query pool is closed")
            try:
                self._ctl.sendall(b"S")
                msg, fds, _, _ = socket.recv_fds(self._ctl, 4, 1)
            except OSError as exc:
                raise PoolError(f"the query zygote is gone: {exc}") from exc
            if len(msg) != 4 or not fds:
                raise PoolError("the query zygote is gone")
            worker = _Worker(struct.unpack("!i", msg)[0],
                             Channel(socket.socket(fileno=fds[0])), self.generation)
            self._alive += 1
        try:
            hello = worker.conn.recv(timeout=30)
        except (EOFError, OSError):
            hello = None
        if hello is None:
            self._kill(worker)
            raise PoolError("a new query worker did not start")
        return worker, hello == b"1"

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._alive -= 1
            worker.conn.close()
            if not self._closed and self._ctl is not None:
                with contextlib.suppress(OSError):
                    self._ctl.sendall(b"K" + struct.pack("!i", worker.pid))

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        try:
            fresh, _ = self._spawn()
        except PoolError as exc:
            if not self._closed:
                log.error("cannot replace a query worker: %s", exc)
            return
        self._idle.put(fresh)

    # -- releases

    def reload(self, dataset: Path, release: str) -> None:
        """Answer from another release from now on: the zygote loads it and forks fresh
        workers from it; idle old workers are stopped now, busy ones when their query is
        answered, so a query in flight finishes on the release it began on."""
        payload = f"{dataset}\n{release}".encode()
        with self._lock:
            if self._closed or self._ctl is None:
                raise PoolError("the query pool is closed")
            try:
                self._ctl.sendall(b"R" + struct.pack("!I", len(payload)) + payload)
                reply = self._ctl.recv(256)
            except OSError as exc:
                raise PoolError(f"the query zygote is gone: {exc}") from exc
            if not reply.startswith(b"ok"):
                raise PoolError(f"the new release did not load: {reply[2:].decode()}")
            self.generation += 1
            self.release = release
        fresh = [self._spawn()[0] for _ in range(self.size)]
        old = []
        while True:
            try:
                old.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in fresh + old:
            if worker.generation == self.generation:
                self._idle.put(worker)
            else:
                self._kill(worker)

    def _take(self, deadline: float) -> _Worker | None:
        """An idle worker of the current release, waiting until deadline at most."""
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if worker.generation == self.generation:
                return worker
            self._kill(worker)  # forked with a release that has been replaced

    def _lower(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and self._ctl is not None:
                with contextlib.suppress(OSError):
                    self._ctl.sendall(b"N" + struct.pack("!i", worker.pid))
                    worker.lowered = True

    def _give_back(self, worker: _Worker) -> None:
        if worker.lowered:
            self._replace(worker)
        elif worker.generation == self.generation:
            self._idle.put(worker)
        else:
            self._kill(worker)

    # -- queries

    def run(self, job: Job, timeout: float, *, deadline: float | None = None,
            probe: float | None = None, on_probe=None, heavy: bool = False) -> Answer | None:
        """Answer a job by its deadline (monotonic; default: timeout seconds from now),
        the wait for a worker included, or stop it and say so.

        With `probe`, a query still running after probe seconds asks `on_probe()`
        whether it may go on; if not, it is stopped and None is returned (the caller
        queues it in the heavy lane and runs it again within the same deadline). A heavy
        query (`heavy`, or one let go on by on_probe) runs at a lower CPU priority."""
        started = time.monotonic()
        deadline = started + timeout if deadline is None else deadline
        if self._alive <= 0:
            return Answer.error(503, "no query worker is available; the server is unhealthy")
        worker = self._take(deadline)
        if worker is None:
            return Answer.error(503, f"the server is busy: all {self.size} query workers "
                                     f"stayed busy until the time limit of {timeout:g} s; "
                                     f"try again later", **{"Retry-After": "5"})
        got = time.monotonic()
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            worker.conn.send(payload)
        except OSError:  # the worker died while idle; the query never reached it
            self._replace(worker)
            return self.run(job, timeout, deadline=deadline, probe=probe, on_probe=on_probe,
                            heavy=heavy) if self._alive > 0 else Answer.error(
                503, "no query worker is available; the server is unhealthy")
        try:
            data = None
            if probe is not None and deadline - time.monotonic() > probe:
                data = worker.conn.recv(probe)
                if data is None and not on_probe():
                    self._replace(worker)
                    return None
                heavy = heavy or data is None
            if data is None:
                if heavy:
                    self._lower(worker)
                data = worker.conn.recv(max(0.0, deadline - time.monotonic()))
            if data is None:
                self.timeouts += 1
                self._replace(worker)
                waited = max(0.0, got - (deadline - timeout))
                return Answer.error(503, f"the query was stopped after {timeout:g} s, the "
                                         f"time limit of this endpoint (counted from its "
                                         f"arrival, {waited:.1f} s of it spent waiting); "
                                         f"simplify it or add a LIMIT")
        except (EOFError, OSError):
            self.crashes += 1
            self._replace(worker)
            return Answer.error(503, "the query was stopped: its worker ran out of the "
                                     f"memory a query may use ({self.settings.query_memory_mb}"
                                     " MB) or crashed")
        self._give_back(worker)
        return pickle.loads(data)
