"""Cached answers sent from the server's event loop, before the application is reached.

Measured on the 2-CPU machine, the HTTP layer, not the engine, was the whole cost of a
light query: waitress hands each request from its event loop to a thread, builds a
WSGI environ, and Flask dispatches, pins the release, logs and dresses the response;
1.2 to 2.1 ms of server CPU per request where Oxigraph's own server spends 0.1 ms.
An answer from the answer cache (answercache.py) needs none of that: it is a dictionary
lookup and a write. So the event loop answers it itself, from the request waitress has
already parsed, and only a request that is not a cache hit goes on to a thread and the
application (kg.endpoint.sparql), which does everything else as before.

Anything this module is not sure about is left to the application, which then answers
exactly as it would without the fast path: a request from the trusted proxy, HTTP/1.0
or `Connection: close`, HEAD, a URL or body that is not plain UTF-8, a repeated or
missing query, an update parameter, a content type other than the protocol's two, and
of course every miss. A hit can only be for a query text the application already
admitted (read-only, no SERVICE, within the size and nesting limits) and answered 200
from the current release, since only such answers are stored; so the fast path needs to
repeat none of the guards, and it writes the same headers and the same access-log line.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
import uuid
from email.utils import formatdate

from . import answercache
from .accesslog import clean

access_log = logging.getLogger("kg.access")

PATHS = ("/sparql", "/sparql/")
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
# Headers every /sparql response carries (kg.endpoint.sparql and kg.app add them there).
COMMON = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers",
     "Content-Length, Server-Timing, X-MGKG-Truncated, X-MGKG-Limit, X-MGKG-Rows, "
     "X-MGKG-Release, X-Request-Id, Retry-After, ETag, X-MGKG-Cache"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
)


class FastPath:
    """Answers waitress requests that are answer-cache hits; None for everything else."""

    def __init__(self, runtime, ident: str = "mgkg"):
        self.runtime = runtime
        self.ident = ident
        self._date = (0, "")

    def answer(self, request, addr: str) -> bytes | None:
        """The whole HTTP response to send for this request, or None to let the
        application answer it. Never raises for a request a client can send."""
        try:
            return self._answer(request, addr)
        except Exception:  # a doubt is a miss: the application answers as it always did
            return None

    def _answer(self, request, addr: str) -> bytes | None:
        runtime = self.runtime
        cache = runtime.answers
        settings = runtime.current.settings
        if (cache is None or not cache.enabled or request.error is not None
                or request.path not in PATHS or request.version != "1.1"
                or (settings.trusted_proxy and addr == settings.trusted_proxy)):
            return None
        headers = request.headers
        if "close" in headers.get("CONNECTION", "").lower():
            return None
        started = time.perf_counter()
        asked = self._job(request, headers)
        if asked is None:
            return None
        query, fmt, dataset = asked
        current = runtime.current
        entry = cache.get(answercache.key(current.release, query, fmt,
                                          headers.get("ACCEPT"), dataset))
        if entry is None:
            return None
        metrics = runtime.metrics
        if answercache.if_none_match(headers.get("IF_NONE_MATCH"), entry.etag):
            status, body, outcome = "304 Not Modified", b"", "revalidated"
            lines = [("Cache-Control", answercache.CACHE_CONTROL), ("ETag", entry.etag),
                     ("Vary", "Accept")]
        else:
            status, body, outcome = "200 OK", entry.body, "hit"
            lines = [("Content-Type", entry.content_type), *entry.headers()]
        rid = uuid.uuid4().hex[:16]
        lines += [*COMMON, ("X-Request-Id", rid), ("X-MGKG-Release", entry.release),
                  ("Content-Length", str(len(body))), ("Date", self._now()),
                  ("Server", self.ident)]
        head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in lines) + "\r\n"
        if metrics is not None:
            metrics.request(int(status[:3]), "sparql")
            metrics.answer_cache(outcome)
        took = (time.perf_counter() - started) * 1000
        if access_log.isEnabledFor(logging.INFO):
            from ..store.sparqltext import one_line

            access_log.info(
                f'{clean(addr)} {rid} "{request.command} {clean(request.path)}" '
                f"{status[:3]} {len(body)}B {took:.1f}ms release={entry.release} "
                f"form={entry.form} rows={'-' if entry.count is None else entry.count} "
                f"truncated={entry.truncated or '-'} cache={outcome} "
                f'query="{clean(one_line(query))}"')
        return head.encode("latin-1") + body

    def _job(self, request, headers: dict) -> tuple[str, str | None, tuple | None] | None:
        """(query, format parameter, dataset) as kg.endpoint.sparql reads them, or None."""
        if request.command == "GET":
            params = _params(request.query)
            if params is None or "update" in params:
                return None
            return _read(params, params)
        if request.command != "POST":
            return None
        mimetype, _, options = headers.get("CONTENT_TYPE", "").partition(";")
        mimetype = mimetype.strip().lower()
        charset = options.strip().lower()
        if charset and charset.replace(" ", "") not in ("charset=utf-8", "charset=utf8"):
            return None
        args = _params(request.query)
        if args is None or "update" in args:
            return None
        body = request.get_body_stream().read()
        request.get_body_stream().seek(0)
        if mimetype == QUERY_BODY:
            if "query" in args:
                return None
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return None
            params = {k: v for k, v in args.items()}
            params["query"] = [text]
            return _read(params, args)
        if mimetype == FORM and not request.query:
            form = _params(body.decode("latin-1"))
            if form is None or "update" in form:
                return None
            return _read(form, form)
        return None

    def _now(self) -> str:
        second = int(time.time())
        if self._date[0] != second:
            self._date = (second, formatdate(second, usegmt=True))
        return self._date[1]


def _params(raw: str) -> dict[str, list[str]] | None:
    """A query string or form body as lists of values; None unless it is plain UTF-8."""
    try:
        pairs = urllib.parse.parse_qsl(raw.encode("latin-1").decode("ascii"),
                                       keep_blank_values=True, encoding="utf-8",
                                       errors="strict")
    except (UnicodeError, ValueError):
        return None
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def _read(params: dict, dataset_params: dict) -> tuple[str, str | None, tuple | None] | None:
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        return None
    fmt = (params.get("format") or [None])[0] or None
    default_graphs = dataset_params.get("default-graph-uri", [])
    named_graphs = dataset_params.get("named-graph-uri", [])
    dataset = ((tuple(default_graphs), tuple(named_graphs))
               if default_graphs or named_graphs else None)
    return queries[0], fmt, dataset
