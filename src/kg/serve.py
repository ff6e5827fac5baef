"""`kg serve`: the app under waitress, a production WSGI server, with a clean stop.

The order of start-up matters: the store is loaded and the query workers are forked
(create_app) before waitress creates its threads, because forking a threaded process
can copy locks that no thread will ever release.

On SIGTERM or SIGINT the server stops accepting connections at once, lets the requests
already received finish (bounded by the query timeout) and flushes their responses,
then stops the query workers and exits 0: a rolling restart loses no answered query.
SIGHUP makes it look for a new release at once (it also looks every reload_interval
seconds; kg.endpoint.live). The server class adds connection deadlines and per-address
shares to waitress (kg.endpoint.connections).
"""

from __future__ import annotations

import gc
import logging
import resource
import signal
import sys
import threading
import time

from waitress import wasyncore

from .app import create_app
from .core.errors import KgError
from .core.settings import Settings
from .endpoint.connections import GuardedServer
from .endpoint.fastpath import FastPath

log = logging.getLogger("kg.serve")


def configure_logging() -> None:
    """Access and server lines on stderr; the root logger is left to the host program."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("kg", "waitress"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.handlers[:] = [handler]
        logger.propagate = False


def run(settings: Settings) -> int:
    configure_logging()
    started = time.perf_counter()
    # What is alive now (the imported modules, most of the server's objects) lives as
    # long as the server. Frozen, the collector never visits it, so the server's own
    # collections do not write to those objects and un-share the pages the query zygote
    # and its workers inherit (as Python's gc documentation advises before a fork). Here
    # and not in the pool, which tests start many times in one process.
    gc.collect()
    gc.freeze()
    app = create_app(settings)
    runtime = app.extensions["mgkg"]
    pool = runtime.pool
    proxy = {}
    if settings.trusted_proxy:
        proxy = {"trusted_proxy": settings.trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": {"x-forwarded-for"},
                 "clear_untrusted_proxy_headers": True}
    try:
        server = GuardedServer(
            app, settings, runtime.metrics, FastPath(runtime),
            host=settings.host, port=settings.port, threads=settings.threads,
            max_request_body_size=settings.max_request_bytes, ident="mgkg",
            # room for a GET whose URL-encoded query is as long as the limit allows, so
            # that the endpoint (not waitress) answers an over-long one with a clear 413
            max_request_header_size=3 * settings.max_request_bytes + 65536,
            asyncore_use_poll=True, connection_limit=_connection_limit(settings),
            backlog=2048, cleanup_interval=1, channel_timeout=max(
                settings.idle_timeout, settings.request_timeout) + 5,
            **proxy,
        )
    except OSError as exc:
        pool.close()
        raise KgError(f"cannot listen on {settings.host}:{settings.port}: {exc}") from exc
    stop = threading.Event()

    def request_stop(signum, _frame) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    live = runtime.extras["live"].start()
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGHUP, lambda _s, _f: live.wake.set())
    log.info("serving http://%s:%s (%d query workers%s, %d threads, timeout %g s) "
             "release %s, ready in %.2f s", settings.host, settings.port, pool.size,
             "" if pool.sandboxed else ", NOT sandboxed", settings.threads,
             settings.query_timeout, runtime.current.release, time.perf_counter() - started)
    try:
        while not stop.is_set():
            wasyncore.loop(timeout=0.5, map=server._map, use_poll=True, count=1)
        _drain(server, grace=settings.query_timeout + 5)
    finally:
        live.stop()
        pool.close()
    log.info("stopped")
    return 0


def _connection_limit(settings: Settings) -> int:
    """max_connections, within what the process may open (raising its soft limit to the
    hard one first): each connection is a file descriptor."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = settings.max_connections + 256
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            soft = new
        except (ValueError, OSError):
            pass
    return max(16, min(settings.max_connections, soft - 256))


def _drain(server, grace: float) -> None:
    """Stop listening, then keep the event loop running until every request already
    received has been answered and flushed (or the grace period is over)."""
    wasyncore.dispatcher.close(server)  # the listening socket only, not the trigger
    dispatcher = server.task_dispatcher
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        channels = [c for c in list(server._map.values()) if hasattr(c, "total_outbufs_len")]
        busy = (dispatcher.active_count > 0 or dispatcher.queue
                or any(c.total_outbufs_len or c.requests for c in channels))
        if not busy:
            break
        wasyncore.loop(timeout=0.05, map=server._map, use_poll=True, count=1)
    dispatcher.shutdown(cancel_pending=True, timeout=1)
    wasyncore.close_all(server._map)
