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
seccomp sandbox with no network, no file opening and no exec (see sandbox.py).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import queue
import select
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

from ..core.errors import KgError
from ..core.settings import Settings
from . import sandbox
from .evaluate import Answer, Job, Limits, evaluate
from .negotiate import GRAPH_FORMATS, RESULT_FORMATS

log = logging.getLogger("kg.executor")


# ------------------------------------------------------------------ the wire


class Channel:
    """Length-prefixed messages over a connected Unix socket, with a receive deadline.

    Hand-written rather than multiprocessing's Connection because every light query
    crosses it twice: one poll and usually one recv per message, and no per-call
    selector objects, keep the pool's overhead per query in the tens of microseconds.
    """

    _LEN = struct.Struct("!I")

    def __init__(self, sock: socket.socket):
        self.sock = sock
        sock.setblocking(True)
        self._poll = select.poll()
        self._poll.register(sock, select.POLLIN)

    def send(self, payload: bytes) -> None:
        # write(2), not send(2): a sandboxed worker may not call sendto/sendmsg at all.
        data = memoryview(self._LEN.pack(len(payload)) + payload)
        fd = self.sock.fileno()
        while data:
            data = data[os.write(fd, data):]

    def recv(self, timeout: float | None = None) -> bytes | None:
        """The next message; None if none began within timeout; EOFError if closed."""
        if timeout is not None and not self._poll.poll(max(0, int(timeout * 1000))):
            return None
        data = self.sock.recv(65536)
        while len(data) < 4:
            more = self.sock.recv(65536)
            if not more:
                raise EOFError
            data += more
        size = self._LEN.unpack_from(data)[0]
        if len(data) - 4 >= size:
            return data[4:4 + size]
        buf = bytearray(size)
        view = memoryview(buf)
        got = len(data) - 4
        view[:got] = data[4:]
        while got < size:
            n = self.sock.recv_into(view[got:])
            if n == 0:
                raise EOFError
            got += n
        return bytes(buf)

    def close(self) -> None:
        self.sock.close()


# ------------------------------------------------------------------ worker side

_WARM_UP = (
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3", [f.name for f in RESULT_FORMATS]),
    ("ASK { ?s ?p ?o }", [f.name for f in RESULT_FORMATS]),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", [f.name for f in GRAPH_FORMATS]),
    ("DESCRIBE <https://w3id.org/mgkg/id/iom>", ["turtle"]),
    ("SELEC nothing", ["json"]),
    ('SELECT * WHERE { BIND(STRDT("x", <y>) AS ?z) BIND(NOW() AS ?t) BIND(RAND() AS ?r) '
     'BIND(MD5("a") AS ?h) BIND(REGEX("a", "a+", "i") AS ?m) BIND(UUID() AS ?u) }', ["json"]),
)


def _warm_up(store: ox.Store, limits: Limits) -> None:
    """Exercise every code path once before workers are forked, so that lazy imports and
    one-time initialisation happen here and not in a sandbox that cannot open files."""
    for text, formats in _WARM_UP:
        for name in formats:
            evaluate(store, Job(text, format=name), limits)
    pickle.loads(pickle.dumps(Answer.error(500, "x")))


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _zygote(ctl: socket.socket, store: ox.Store, limits: Limits, parent: int,
            memory_mb: int) -> None:
    sandbox.die_with_parent()
    if os.getppid() != parent:
        return
    # Ctrl-C reaches the whole process group; the server decides when the pool stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _warm_up(store, limits)
    me = os.getpid()
    live: set[int] = set()
    ctl.settimeout(0.5)
    while True:
        _reap(live)
        try:
            command = ctl.recv(1)
        except TimeoutError:
            continue
        except OSError:
            break
        if not command:
            break  # the server closed the pool or died
        if command == b"S":
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                try:
                    ctl.close()
                    ours.close()
                    _worker(theirs, store, limits, me, memory_mb)
                finally:
                    os._exit(0)
            theirs.close()
            live.add(pid)
            socket.send_fds(ctl, [struct.pack("!i", pid)], [ours.fileno()])
            ours.close()
        elif command == b"K":
            pid = struct.unpack("!i", _recv_exact(ctl, 4))[0]
            if pid in live:  # not yet reaped, so the pid cannot belong to anyone else
                os.kill(pid, signal.SIGKILL)
    for pid in live:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _reap(live: set[int]) -> None:
    while live:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            live.clear()
            return
        if pid == 0:
            return
        live.discard(pid)


def _worker(sock: socket.socket, store: ox.Store, limits: Limits, zygote: int,
            memory_mb: int) -> None:
    sandbox.die_with_parent()
    if os.getppid() != zygote:
        return
    conn = Channel(sock)
    sandbox.limit_memory(memory_mb)
    sandboxed = sandbox.deny_network_files_exec()
    conn.send(b"1" if sandboxed else b"0")
    while True:
        try:
            data = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = evaluate(store, pickle.loads(data), limits)
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(Answer.error(
                503, "the query was stopped: it needed more memory than a query may use"))
        except BaseException as exc:  # never let one query take the worker down silently
            payload = pickle.dumps(Answer.error(500, f"internal error: {type(exc).__name__}"))
        conn.send(payload)


# ------------------------------------------------------------------ server side


@dataclass
class _Worker:
    pid: int
    conn: Channel


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


class QueryPool:
    """Long-lived query workers that can be killed when a query overruns."""

    def __init__(self, store: ox.Store, settings: Settings):
        self.store = store
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
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                _zygote(theirs, self.store, self.limits, parent, self.settings.query_memory_mb)
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
                             Channel(socket.socket(fileno=fds[0])))
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

    # -- queries

    def run(self, job: Job, timeout: float) -> Answer:
        """Answer a job within timeout seconds of evaluation, or stop it and say so."""
        if self._alive <= 0:
            return Answer.error(503, "no query worker is available; the server is unhealthy")
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return Answer.error(503, f"the server is busy: all {self.size} query workers "
                                     f"stayed busy for {timeout:g} s; try again later",
                                **{"Retry-After": "5"})
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            worker.conn.send(payload)
        except OSError:  # the worker died while idle; the query never reached it
            self._replace(worker)
            return self.run(job, timeout) if self._alive > 0 else Answer.error(
                503, "no query worker is available; the server is unhealthy")
        try:
            data = worker.conn.recv(timeout)
            if data is None:
                self.timeouts += 1
                self._replace(worker)
                return Answer.error(503, f"the query was stopped after {timeout:g} s, the "
                                         f"time limit of this endpoint; simplify it or add "
                                         f"a LIMIT")
        except (EOFError, OSError):
            self.crashes += 1
            self._replace(worker)
            return Answer.error(503, "the query was stopped: its worker ran out of the "
                                     f"memory a query may use ({self.settings.query_memory_mb}"
                                     " MB) or crashed")
        self._idle.put(worker)
        return pickle.loads(data)
