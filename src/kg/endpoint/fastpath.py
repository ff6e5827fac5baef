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
import random
import re
import time
import urllib.parse
from dataclasses import dataclass
from email.utils import formatdate

from . import answercache
from .accesslog import clean

access_log = logging.getLogger("kg.access")

PATHS = ("/sparql", "/sparql/")
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
PARSED = 4096  # requests remembered parsed, and entries with their headers built
MEMO_BYTES = 8192  # only requests this small are remembered parsed
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
        # Parsed query strings and bodies, by their raw text: a client repeating a
        # request (the case a cache serves) costs no URL decoding after the first.
        self._parsed: dict[tuple, tuple | None] = {}
        self._wire: dict[int, tuple[object, bytes, bytes]] = {}  # id(entry) -> heads

    def answer(self, request, addr: str) -> bytes | None:
        """The whole HTTP response to send for a request waitress has parsed, or None to
        let the application answer it. Never raises for a request a client can send."""
        try:
            if request.error is not None or request.version != "1.1":
                return None
            body = _body(request) if request.command == "POST" else None
            return self._answer(_Request(request.command, request.path, request.query,
                                         request.headers, body), addr)
        except Exception:  # a doubt is a miss: the application answers as it always did
            return None

    def answer_raw(self, data: bytes, addr: str) -> bytes | None:
        """The same for bytes just read, when they are exactly one plain GET (the common
        case of a client looping queries): the response without waitress's parser, or
        None to hand the bytes to waitress unchanged."""
        try:
            request = _simple_get(data)
            return None if request is None else self._answer(request, addr)
        except Exception:
            return None

    def _answer(self, request: _Request, addr: str) -> bytes | None:
        runtime = self.runtime
        cache = runtime.answers
        settings = runtime.current.settings
        if (cache is None or not cache.enabled or request.path not in PATHS
                or (settings.trusted_proxy and addr == settings.trusted_proxy)):
            return None
        headers = request.headers
        if "close" in headers.get("CONNECTION", "").lower():
            return None
        started = time.perf_counter()
        body = request.body
        raw = (request.command, request.query, headers.get("CONTENT_TYPE"), body)
        small = len(request.query) + len(body or b"") <= MEMO_BYTES
        asked = self._parsed.get(raw, False) if small else False
        if asked is False:
            asked = self._job(request, headers, body)
            if small:
                if len(self._parsed) >= PARSED:
                    self._parsed.clear()
                self._parsed[raw] = asked
        if asked is None:
            return None
        query, fmt, dataset = asked
        current = runtime.current
        entry = cache.get(answercache.key(current.release, query, fmt,
                                          headers.get("ACCEPT"), dataset))
        if entry is None:
            return None
        metrics = runtime.metrics
        ok, not_modified = self._heads(entry)
        if answercache.if_none_match(headers.get("IF_NONE_MATCH"), entry.etag):
            status, head, body, outcome = 304, not_modified, b"", "revalidated"
        else:
            status, head, body, outcome = 200, ok, entry.body, "hit"
        rid = f"{random.getrandbits(64):016x}"  # an id for the log, not a secret
        tail = (f"X-Request-Id: {rid}\r\nContent-Length: {len(body)}\r\n"
                f"Date: {self._now()}\r\n\r\n").encode("latin-1")
        if metrics is not None:
            metrics.request(status, "sparql")
            metrics.answer_cache(outcome)
        took = (time.perf_counter() - started) * 1000
        if access_log.isEnabledFor(logging.INFO):
            from ..store.sparqltext import one_line

            line = (f'{clean(addr)} {rid} "{request.command} {clean(request.path)}" '
                    f"{status} {len(body)}B {took:.1f}ms release={entry.release} "
                    f"form={entry.form} rows={'-' if entry.count is None else entry.count} "
                    f"truncated={entry.truncated or '-'} cache={outcome} "
                    f'query="{clean(one_line(query))}"')
            # makeRecord, not info(): the line needs no caller lookup (the format has none).
            access_log.handle(access_log.makeRecord(access_log.name, logging.INFO, "", 0,
                                                    line, None, None))
        return head + tail + body

    def _heads(self, entry) -> tuple[bytes, bytes]:
        """The fixed part of a 200 and of a 304 for an entry, built once per entry."""
        known = self._wire.get(id(entry))
        if known is not None and known[0] is entry:
            return known[1], known[2]
        common = [*COMMON, ("X-MGKG-Release", entry.release), ("Server", self.ident)]
        ok = [("Content-Type", entry.content_type), *entry.headers(), *common]
        not_modified = [("Cache-Control", answercache.CACHE_CONTROL), ("ETag", entry.etag),
                        ("Vary", "Accept"), *common]
        heads = tuple(
            (f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in lines)
             ).encode("latin-1")
            for status, lines in (("200 OK", ok), ("304 Not Modified", not_modified)))
        if len(self._wire) >= PARSED:
            self._wire.clear()
        self._wire[id(entry)] = (entry, *heads)
        return heads

    def _job(self, request, headers: dict, body: bytes | None
             ) -> tuple[str, str | None, tuple | None] | None:
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
        body = body or b""
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


@dataclass(frozen=True)
class _Request:
    command: str
    path: str
    query: str  # the raw query string (latin-1, as waitress gives it)
    headers: dict[str, str]  # waitress's names: ACCEPT, CONTENT_TYPE, IF_NONE_MATCH
    body: bytes | None


_TOKEN = re.compile(rb"[!#$%&'*+.^`|~0-9A-Za-z-]+")  # RFC 9110 field names ("_" excluded)
# Visible ASCII only, no escapes in the path, no fragment (waitress would cut it off).
_TARGET = re.compile(rb"/sparql/?\?[!\x24-~]*")


def _simple_get(data: bytes) -> _Request | None:
    """One complete GET /sparql?... with plain headers and nothing after them, else None.
    Anything waitress would treat with care (a body, obs-fold, a bare CR or LF, a field
    name with "_", a repeated field, Expect) is left to it."""
    end = data.find(b"\r\n\r\n")
    if end < 0 or end + 4 != len(data) or not data.startswith(b"GET /sparql") or len(data) > 65536:
        return None
    lines = data[:end].split(b"\r\n")
    method, _, rest = lines[0].partition(b" ")
    target, _, version = rest.partition(b" ")
    if version != b"HTTP/1.1" or not _TARGET.fullmatch(target):
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name) or b"\r" in line or b"\n" in line:
            return None
        key = name.decode("ascii").upper().replace("-", "_")
        if key in headers or key in ("CONTENT_LENGTH", "TRANSFER_ENCODING", "EXPECT"):
            return None
        headers[key] = value.strip(b" \t").decode("latin-1")
    path, _, query = target.decode("ascii").partition("?")
    return _Request("GET", path, query, headers, None)


def _body(request) -> bytes:
    stream = request.get_body_stream()
    data = stream.read()
    stream.seek(0)  # the application reads it again on a miss
    return data


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
