"""The processes that evaluate queries: the zygote and the workers it forks.

The server side of the pool (executor.py) forks the zygote once, before any thread
exists; the zygote forks every worker and is their parent, so it alone can kill one
whose pid is sure to be its child (not yet reaped), or lower its CPU priority. Each
worker is memory-capped and sandboxed (sandbox.py) and answers one job at a time over
its socket. Kept apart from the pool so each module has one side of the wire.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import socket
import struct
import threading
from pathlib import Path

import pyoxigraph as ox

from . import sandbox
from .evaluate import Answer, Job, Limits, evaluate
from .negotiate import GRAPH_FORMATS, RESULT_FORMATS
from .wire import Channel

# A heavy query's worker yields the CPU to the server and to light queries' workers. A
# process may raise its niceness but not lower it back, so that worker is then replaced.
HEAVY_NICE = 5

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


def zygote(ctl: socket.socket, store: ox.Store, limits: Limits, parent: int,
            memory_mb: int, release: str) -> None:
    sandbox.die_with_parent()
    if os.getppid() != parent:
        return
    # Ctrl-C reaches the whole process group; the server decides when the pool stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _warm_up(store, limits)
    # Everything alive now lives as long as the workers: the collector need never visit
    # it, so a worker's collections do not dirty (and un-share) the pages it inherited.
    gc.freeze()
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
                    _worker(theirs, store, limits, me, memory_mb, release)
                finally:
                    os._exit(0)
            theirs.close()
            live.add(pid)
            socket.send_fds(ctl, [struct.pack("!i", pid)], [ours.fileno()])
            ours.close()
        elif command == b"R":  # a new release: load it here, fork workers from it
            size = struct.unpack("!I", _recv_exact(ctl, 4))[0]
            path, _, new_release = _recv_exact(ctl, size).decode().partition("\n")
            try:
                from ..store.store import load_store

                fresh = load_store(None, Path(path))
                _warm_up(fresh, limits)
                gc.freeze()
                store, release = fresh, new_release
                ctl.sendall(b"ok")
            except Exception as exc:  # the old release stays; the server logs why
                ctl.sendall(b"no" + str(exc)[:200].encode())
        elif command in (b"K", b"N"):  # kill, or lower the priority of, a worker
            pid = struct.unpack("!i", _recv_exact(ctl, 4))[0]
            if pid in live:  # not yet reaped, so the pid cannot belong to anyone else
                with contextlib.suppress(OSError):
                    if command == b"K":
                        os.kill(pid, signal.SIGKILL)
                    else:
                        os.setpriority(os.PRIO_PROCESS, pid, HEAVY_NICE)
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
            memory_mb: int, release: str) -> None:
    sandbox.die_with_parent()
    if os.getppid() != zygote:
        return
    conn = Channel(sock)
    sandbox.limit_memory(memory_mb)
    sandboxed = sandbox.deny_network_files_exec()
    conn.send(b"1" if sandboxed else b"0")
    # pyoxigraph draws RAND(), UUID(), STRUUID() and fresh blank-node ids from a
    # per-thread generator that a fork does not reseed, and this thread's was already
    # used in the zygote (loading a release with blank nodes, the warm-up). Evaluated
    # here, every worker would repeat the same "random" values. A thread started after
    # the fork seeds its own from the operating system (getrandom(2), which the sandbox
    # allows) when first used; it inherits the seccomp filter and the memory cap above.
    serving = threading.Thread(target=_serve, args=(conn, store, limits, release),
                               name="query-worker")
    serving.start()
    serving.join()


def _serve(conn: Channel, store: ox.Store, limits: Limits, release: str) -> None:
    """Answer jobs one at a time until the server closes the socket."""
    while True:
        try:
            data = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = evaluate(store, pickle.loads(data), limits)
            answer.release = release
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(Answer.error(
                503, "the query was stopped: it needed more memory than a query may use"))
        except BaseException as exc:  # never let one query take the worker down silently
            payload = pickle.dumps(Answer.error(500, f"internal error: {type(exc).__name__}"))
        conn.send(payload)
