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
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..core.errors import KgError
from ..core.namespaces import PREFIXES
from ..core.settings import Settings
from ..store.store import materialize_union
from . import sandbox
from .negotiate import GRAPH_FORMATS, RESULT_FORMATS, Format, UnknownFormat, by_name, choose
from .negotiate import names as format_names
from .results import solution_rows, write_boolean, write_graph, write_select

log = logging.getLogger("kg.executor")


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_bytes: int
    base_iri: str | None

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.max_rows, settings.max_response_bytes, settings.base_iri)


@dataclass(frozen=True)
class Job:
    """One query as the protocol delivered it."""

    query: str
    accept: str | None = None
    format: str | None = None  # the `format` parameter; wins over Accept
    # The protocol's dataset (default-graph-uri / named-graph-uri). None for both means
    # the protocol named no dataset: the query's FROM clauses, or the union default graph.
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    kind: str | None = None  # "results", "boolean" or "graph"
    count: int | None = None  # rows or triples sent
    truncated: str | None = None  # "rows" or "bytes"
    limit: int | None = None
    seconds: float = 0.0  # time spent evaluating and writing, in the worker
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str, **headers: str) -> Answer:
        return cls(status, (message.rstrip() + "\n").encode(), headers=dict(headers))


class Refused(Exception):
    """A request the endpoint will not answer, with the HTTP status that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def pick_format(kind: str, accept: str | None, fmt: str | None) -> Format:
    """The response format for a kind of result; Refused(400/406) when there is none."""
    offers = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
    what = "CONSTRUCT and DESCRIBE" if kind == "graph" else "SELECT and ASK"
    if fmt:
        try:
            chosen = by_name(fmt, offers)
        except UnknownFormat:
            raise Refused(400, f"unknown format {fmt!r}; {what} results can be sent as "
                               f"{format_names(offers)}") from None
        if chosen is None:
            raise Refused(406, f"format {fmt!r} is not available for {what} results; "
                               f"choose one of {format_names(offers)}")
        return chosen
    chosen = choose(accept, offers)
    if chosen is None:
        raise Refused(406, f"none of the media types in Accept ({accept}) is available for "
                           f"{what} results; this endpoint sends {format_names(offers)}")
    return chosen


def evaluate(store: ox.Store, job: Job, limits: Limits) -> Answer:
    """Run one query and write its response. Runs inside a worker; never raises."""
    start = time.perf_counter()
    options: dict = {}
    if job.default_graphs is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    try:
        result = store.query(job.query, prefixes=PREFIXES, base_iri=limits.base_iri, **options)
        if isinstance(result, ox.QueryBoolean):
            kind, fmt = "boolean", pick_format("results", job.accept, job.format)
            body = write_boolean(fmt, bool(result))
        elif isinstance(result, ox.QuerySolutions):
            kind, fmt = "results", pick_format("results", job.accept, job.format)
            body = write_select(fmt, [v.value for v in result.variables], solution_rows(result),
                                limits.max_rows, limits.max_bytes)
        else:
            kind, fmt = "graph", pick_format("graph", job.accept, job.format)
            body = write_graph(fmt, result, limits.max_rows, limits.max_bytes, PREFIXES)
    except Refused as exc:
        return Answer.error(exc.status, exc.message)
    except SyntaxError as exc:
        return Answer.error(400, f"SPARQL syntax error: {exc}")
    except MemoryError:
        return Answer.error(503, "the query was stopped: it needed more memory than a query "
                                 "may use on this server")
    except Exception as exc:  # an evaluation error the query caused (bad IRI, SERVICE, ...)
        message = str(exc) or type(exc).__name__
        if "SERVICE" in job.query.upper() and isinstance(exc, OSError):
            return Answer.error(400, "SERVICE (federated query) is disabled on this endpoint")
        return Answer.error(400, f"query evaluation failed: {message}")
    limit = None
    if body.truncated:
        limit = limits.max_rows if body.truncated == "rows" else limits.max_bytes
    return Answer(200, body.data, fmt.content_type, kind, body.count, body.truncated, limit,
                  time.perf_counter() - start)


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
    materialize_union(store)
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
