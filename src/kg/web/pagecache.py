"""Pages rendered once per release and representation, and never many at once.

A page is built in the server process, from the store, and the largest take tens of
milliseconds of Python: sixteen clients looping one used to slow every SPARQL query to
seconds, since they share the process (and its interpreter lock) with the endpoint.
But a release is immutable, so a page's bytes depend only on the release, the URL and
the representation negotiated. This layer wraps the page views (not the downloads,
which are files sent as they are) without their knowing:

- a response is cached by (release, path and query string, the client's preference for
  each representation a page can offer, the JSON-LD profile asked for); the cache is an
  LRU bounded in bytes, and a new release starts with none of the old one's entries;
- at most `page_renders` pages are rendered at once, and at most WAITING times as many
  wait for a turn; a request beyond that, or that cannot start within RENDER_WAIT
  seconds, is answered 503 with Retry-After. Page work thus holds a bounded share of the
  interpreter and of the server's threads (each waiting request holds one), and never
  starves /sparql;
- concurrent requests for a page not yet cached wait for the one rendering it;
- every cached answer carries an ETag (release and key), and a matching If-None-Match
  is answered 304 without a body.

Only 200, 303 and 406 answers are kept: a 404's key space is every URL anyone can type.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, request

from ..endpoint.negotiate import parse_accept, quality
from ..endpoint.state import runtime, state
from .common import PAGE_FORMATS, wants_expanded

RENDER_WAIT = 10.0  # seconds a request may wait for a rendering slot
WAITING = 4  # requests waiting for a rendering slot, per slot
NOT_CACHED = {"pages.download", "pages.annotations"}  # files sent as they are
KEPT = (200, 303, 406)


@dataclass
class _Entry:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str


class PageCache:
    def __init__(self, renders: int, max_bytes: int):
        self.slots = threading.BoundedSemaphore(max(1, renders))
        self.max_waiting = WAITING * max(1, renders)
        self.waiting = 0
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = self.busy = 0
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._rendering: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: _Entry) -> None:
        cost = len(entry.body) + 200
        if cost > self.max_bytes // 8:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body) + 200
            self._entries[key] = entry
            self.size += cost
            while self.size > self.max_bytes and self._entries:
                _, gone = self._entries.popitem(last=False)
                self.size -= len(gone.body) + 200

    def drop_other_releases(self, release: str) -> None:
        with self._lock:
            for key in [k for k in self._entries if k[0] != release]:
                self.size -= len(self._entries.pop(key).body) + 200


def cache_key() -> tuple:
    """What a page's bytes depend on besides the code: release, URL, and for each
    representation pages offer the q-value the client gives it (the same rules as
    negotiate.choose, so equal vectors always negotiate alike)."""
    accept = request.headers.get("Accept")
    ranges = parse_accept(accept) if accept and accept.strip() else []
    prefs = []
    for fmt in PAGE_FORMATS.values():
        q = quality(fmt.media_type, ranges) if ranges else -1.0
        for alias in fmt.aliases:
            t, _, s = alias.partition("/")
            for r in ranges:
                if (r.type, r.subtype) == (t, s):
                    q = max(q, r.q)
        prefs.append(q)
    return (state().release, request.full_path, tuple(prefs), wants_expanded())


def _etag(key: tuple) -> str:
    digest = hashlib.blake2b(repr(key[1:]).encode(), digest_size=8).hexdigest()
    return f'"{key[0]}-{digest}"'


def _replay(entry: _Entry) -> Response:
    if entry.etag in (request.headers.get("If-None-Match") or ""):
        resp = Response(status=304)
        for name, value in entry.headers:
            if name.lower() in ("vary", "content-location", "link", "location"):
                resp.headers[name] = value
    else:
        resp = Response(entry.body, status=entry.status)
        resp.headers.clear()
        for name, value in entry.headers:
            resp.headers.add(name, value)
    resp.headers["ETag"] = entry.etag
    resp.headers["Cache-Control"] = "no-cache"  # revalidate: a release can be swapped in
    return resp


def _cached(cache: PageCache, view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            # A POST's answer depends on its body, which the key does not hold (the
            # workbench's /api/labels, /api/explain, /api/why): never cached.
            return view(*args, **kwargs)
        metrics = runtime().metrics
        key = cache_key()
        entry = cache.get(key)
        while entry is None:
            with cache._lock:
                pending = cache._rendering.get(key)
                mine = pending is None
                if mine:
                    cache._rendering[key] = threading.Event()
            if mine:
                break
            pending.wait(RENDER_WAIT)  # someone renders this very page: share it
            entry = cache.get(key)
            if entry is None and pending.is_set():
                continue  # it was not cacheable; render it ourselves
        if entry is not None:
            cache.hits += 1
            if metrics is not None:
                metrics.pages.labels("hit").inc()
            return _replay(entry)
        try:
            with cache._lock:
                full = cache.waiting >= cache.max_waiting
                if not full:
                    cache.waiting += 1
            got = False
            if not full:
                try:
                    got = cache.slots.acquire(timeout=RENDER_WAIT)
                finally:
                    with cache._lock:
                        cache.waiting -= 1
            if not got:
                cache.busy += 1
                if metrics is not None:
                    metrics.pages.labels("busy").inc()
                resp = Response("503 Service Unavailable: every page renderer stayed busy; "
                                "try again in a few seconds.\n", status=503,
                                mimetype="text/plain")
                resp.headers["Retry-After"] = "5"
                return resp
            try:
                resp = current_response(view(*args, **kwargs))
            finally:
                cache.slots.release()
            cache.misses += 1
            if metrics is not None:
                metrics.pages.labels("miss").inc()
            if resp.status_code in KEPT and not resp.direct_passthrough \
                    and not resp.is_streamed:
                entry = _Entry(resp.status_code, list(resp.headers.items()),
                               resp.get_data(), _etag(key))
                cache.put(key, entry)
                return _replay(entry)
            return resp
        finally:
            with cache._lock:
                done = cache._rendering.pop(key, None)
            if done is not None:
                done.set()

    return wrapper


def current_response(rv) -> Response:
    from flask import current_app

    return current_app.make_response(rv)


def install(app: Flask, renders: int, max_mb: int) -> PageCache:
    """Wrap every page view of the app (downloads excepted) in one cache."""
    cache = PageCache(renders, max_mb * 1024 * 1024)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("pages.") and endpoint not in NOT_CACHED:
            app.view_functions[endpoint] = _cached(cache, view)
    return cache
