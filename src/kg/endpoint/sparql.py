"""The SPARQL 1.1 Protocol endpoint (/sparql, queries only) and /healthz.

This module reads the protocol (methods, media types, parameters), refuses what a
read-only public endpoint must not do, and hands each query to the worker pool, which
evaluates, negotiates and serializes it (executor.py). Keeping the HTTP layer thin and
free of query evaluation is what lets a runaway query be killed without touching the
server that holds the connections. docs/ENDPOINT.md documents the behaviour for users.
"""

from __future__ import annotations

import urllib.parse

import pyoxigraph as ox
from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from ..store import sparqltext
from . import answercache, guard
from .admission import Rejected
from .evaluate import Answer, Job, Refused, pick_format
from .negotiate import GRAPH_FORMATS, RESULT_FORMATS
from .servicedesc import service_description
from .state import runtime, state

bp = Blueprint("sparql", __name__)

METHODS = "GET, HEAD, POST, OPTIONS"
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
EXPOSED = ("Content-Length, Server-Timing, X-MGKG-Truncated, X-MGKG-Limit, X-MGKG-Rows, "
           "X-MGKG-Release, X-Request-Id, Retry-After, ETag, X-MGKG-Cache")
# What a preflight allows: a fixed list, never an echo of what was asked.
ALLOWED_HEADERS = "Accept, Content-Type, Accept-Language, Content-Language, Cache-Control"
READ_ONLY = ("this endpoint is read-only: SPARQL Update ({what}) is not accepted here, "
             "and there is no update endpoint")


def _error(status: int, message: str, **headers: str) -> Response:
    answer = Answer.error(status, message, **headers)
    g.kg_error = message
    return Response(answer.body, status, headers=answer.headers, content_type=answer.content_type)


@bp.after_request
def _cors(response: Response) -> Response:
    """A public read-only endpoint: any page may query it, without credentials."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


@bp.get("/healthz")
def healthz():
    pool = state().pool
    ok = pool is not None and pool.alive > 0
    body = {"status": "ok" if ok else "unavailable",
            "workers": pool.alive if pool else 0,
            "sandboxed": bool(pool and pool.sandboxed),
            "timeouts": pool.timeouts if pool else 0,
            "crashes": pool.crashes if pool else 0,
            "release": state().release}
    answers = runtime().answers
    if answers is not None:
        body["answer_cache"] = answers.snapshot()
    return body, 200 if ok else 503


@bp.get("/metrics")
def metrics():
    m = runtime().metrics
    if m is None:
        return _error(404, "metrics are not collected by this server")
    from .metrics import CONTENT_TYPE

    return Response(m.render(), 200, content_type=CONTENT_TYPE)


# `/sparql/` too: the W3C protocol manifest writes the endpoint with the slash, and a
# client that adds one should not meet a 404 page.
@bp.route("/sparql", methods=["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
@bp.route("/sparql/", methods=["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def sparql():
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD", "POST"):
        return _error(405, f"{request.method} is not allowed on /sparql; send queries with "
                           f"GET or POST (this endpoint is read-only)", Allow=METHODS)
    try:
        job = _read_request()
        if job is None:
            return _service_description()
        return _answer(job)
    except Refused as exc:
        return _error(exc.status, exc.message)
    except Rejected as exc:
        metrics = runtime().metrics
        if metrics is not None:
            metrics.rejected(exc.status)
        return _error(exc.status, exc.message, **{"Retry-After": str(exc.retry_after)})
    except HTTPException as exc:  # e.g. 413 from reading a body over the size limit
        return _error(exc.code or 400, f"{exc.name}: {exc.description}")


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Allow"] = METHODS
    response.headers["Access-Control-Allow-Methods"] = METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _read_request() -> Job | None:
    """The protocol's parameters as a Job; None when there is no query (the service
    description is wanted); Refused for anything the protocol or this endpoint rejects."""
    settings = state().settings
    _require_utf8_url()
    args = request.args
    if request.method == "POST":
        mimetype = request.mimetype
        _require_utf8()
        if mimetype == FORM:
            _require_utf8_form()
            form = request.form
            if "update" in form or "update" in args:
                raise Refused(400, READ_ONLY.format(what="the update parameter"))
            queries = form.getlist("query") + args.getlist("query")
            params = form
        elif mimetype == QUERY_BODY:
            if "query" in args:
                raise Refused(400, "a query sent as application/sparql-query goes in the "
                                   "body only; remove the query URL parameter")
            try:
                queries = [request.get_data(cache=False).decode("utf-8")]
            except UnicodeDecodeError:
                raise Refused(400, "the request body is not valid UTF-8 text") from None
            params = args
        elif mimetype == UPDATE_BODY:
            raise Refused(400, READ_ONLY.format(what=UPDATE_BODY))
        else:
            raise Refused(415, f"unsupported media type {mimetype or '(none)'!r}: POST a "
                               f"query as {FORM} (query=...) or as {QUERY_BODY}")
        default_graphs = form.getlist("default-graph-uri") if mimetype == FORM else []
        named_graphs = form.getlist("named-graph-uri") if mimetype == FORM else []
    else:
        if "update" in args:
            raise Refused(400, READ_ONLY.format(what="the update parameter"))
        queries = args.getlist("query")
        params = args
        default_graphs, named_graphs = [], []
        if not queries:
            return None
    default_graphs = default_graphs + args.getlist("default-graph-uri")
    named_graphs = named_graphs + args.getlist("named-graph-uri")
    if not queries:
        raise Refused(400, "no query: send it as the query parameter, or as the body with "
                           f"Content-Type {QUERY_BODY}")
    if len(queries) > 1:
        raise Refused(400, f"the protocol allows one query per request; got {len(queries)}")
    text = queries[0]
    if not text.strip():
        raise Refused(400, "the query is empty")
    if len(text.encode("utf-8", "surrogatepass")) > settings.max_request_bytes:
        raise Refused(413, f"the query is longer than {settings.max_request_bytes} bytes, the "
                           f"limit of this endpoint")
    for iri in default_graphs + named_graphs:
        _check_iri(iri)
    dataset_given = bool(default_graphs or named_graphs)
    return Job(
        query=text,
        accept=request.headers.get("Accept"),
        format=params.get("format") or args.get("format") or None,
        default_graphs=tuple(default_graphs) if dataset_given else None,
        named_graphs=tuple(named_graphs) if dataset_given else None,
    )


def _require_utf8_url() -> None:
    """Werkzeug decodes a URL's query with replacement characters; the protocol says it
    is UTF-8, so bytes that are not are refused (as a POST body's are), not guessed."""
    raw = request.environ.get("QUERY_STRING", "")
    try:
        urllib.parse.unquote_to_bytes(raw.encode("latin-1")).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        raise Refused(400, "the request URL's query string is not valid UTF-8 once "
                           "percent-decoded") from None


def _require_utf8_form() -> None:
    body = request.get_data(cache=True)
    try:
        urllib.parse.unquote_to_bytes(body.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the form body is not valid UTF-8 once percent-decoded") from None


def _require_utf8() -> None:
    """The protocol's query string is UTF-8 (SPARQL 1.1 Protocol 2.1.2-2.1.3): a body that
    declares another charset is refused before it is read, not decoded as it says."""
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
        raise Refused(415, f"the request body must be UTF-8; charset={charset} is not "
                           f"accepted (send the query as UTF-8, or say charset=utf-8)")


def _check_iri(iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise Refused(400, f"default-graph-uri and named-graph-uri take absolute IRIs; "
                           f"{iri!r} is not one ({exc})") from None


def _answer(job: Job) -> Response:
    app = state()
    shape = sparqltext.shape(job.query)
    g.kg_query = job.query
    g.kg_form = shape.form
    if shape.is_update:
        raise Refused(400, READ_ONLY.format(what=shape.form))
    if shape.uses_service:
        raise Refused(400, "SERVICE (federated query) is disabled on this endpoint: it "
                           "never calls other services")
    # Negotiate now when the query form is plain, so a 406 costs no evaluation; the
    # worker decides again from the result itself.
    try:
        guard.check(job.query, app.settings.max_nesting)
    except guard.TooComplex as exc:
        raise Refused(400, str(exc)) from None
    fmt = None
    if shape.form in ("SELECT", "ASK"):
        fmt = pick_format("results", job.accept, job.format)
    elif shape.form in ("CONSTRUCT", "DESCRIBE"):
        fmt = pick_format("graph", job.accept, job.format)
    dataset = _dataset(job)
    # The release is immutable: the answer is a function of what the tag is made of, so
    # a client that holds it needs no evaluation (answercache.py).
    tag = (answercache.etag(app.release, _limits(app.settings), job.query, fmt.media_type,
                            dataset)
           if fmt is not None and answercache.deterministic(job.query) else None)
    if tag and answercache.if_none_match(request.headers.get("If-None-Match"), tag):
        _count_cache("revalidated")
        return _not_modified(tag)
    if request.method == "HEAD":
        return _head(fmt, tag)
    cache = runtime().answers
    k = answercache.key(app.release, job.query, job.format, job.accept, dataset)
    if tag and cache is not None:
        entry = cache.get(k)
        if entry is not None:
            _count_cache("hit")
            return _from_entry(entry)
    answer = _run(job)
    if answer.release:
        g.kg_release = answer.release
    g.kg_rows = answer.count
    g.kg_truncated = answer.truncated
    response = Response(answer.body, answer.status, headers=answer.headers,
                        content_type=answer.content_type)
    response.headers["Vary"] = "Accept"
    if answer.status == 200:
        response.headers["X-MGKG-Truncated"] = "true" if answer.truncated else "false"
        if answer.count is not None:
            response.headers["X-MGKG-Rows"] = str(answer.count)
        if answer.truncated:
            response.headers["X-MGKG-Limit"] = f"{answer.truncated}={answer.limit}"
        response.headers["Server-Timing"] = f"query;dur={answer.seconds * 1000:.2f}"
        # Only an answer made from the pinned release carries that release's tag.
        if tag and answer.release == app.release and answer.content_type == fmt.content_type:
            response.headers["ETag"] = tag
            response.headers["Cache-Control"] = answercache.CACHE_CONTROL
            if cache is not None and cache.enabled:
                g.kg_cache = "miss"
                _count_cache("miss")
                response.headers["X-MGKG-Cache"] = "miss"
                cache.put(k, answercache.Entry(
                    app.release, answer.body, answer.content_type, tag, shape.form or "-",
                    answer.count, answer.truncated, answer.limit, answer.seconds))
    else:
        g.kg_error = answer.body.decode(errors="replace").strip()
    return response


def _dataset(job: Job) -> tuple | None:
    if job.default_graphs is None and job.named_graphs is None:
        return None
    return (tuple(job.default_graphs or ()), tuple(job.named_graphs or ()))


def _limits(settings) -> tuple:
    return (settings.max_rows, settings.max_response_bytes, settings.base_iri)


def _count_cache(outcome: str) -> None:
    metrics = runtime().metrics
    if metrics is not None:
        metrics.answer_cache(outcome)


def _not_modified(tag: str) -> Response:
    g.kg_cache = "revalidated"
    response = Response(status=304)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = answercache.CACHE_CONTROL
    response.headers["Vary"] = "Accept"
    return response


def _from_entry(entry: answercache.Entry) -> Response:
    g.kg_cache = "hit"
    g.kg_release = entry.release
    g.kg_rows = entry.count
    g.kg_truncated = entry.truncated
    response = Response(entry.body, 200, content_type=entry.content_type)
    for name, value in entry.headers():
        response.headers[name] = value
    return response


def _head(fmt, tag: str | None = None) -> Response:
    """HEAD checks the request (protocol, size, guards, negotiation) and says what a GET
    would send, without evaluating the query: a HEAD must not cost what a GET does."""
    response = Response(b"", 200, content_type=fmt.content_type if fmt else
                        "application/octet-stream")
    response.headers["Vary"] = "Accept"
    if tag:
        response.headers["ETag"] = tag
        response.headers["Cache-Control"] = answercache.CACHE_CONTROL
    return response


def _run(job: Job) -> Answer:
    """Through admission control (admission.py): the light lane first, the heavy lane if
    the query (or its client) turns out to be heavy; one deadline from arrival."""
    rt, app = runtime(), state()
    s = app.settings
    admission = rt.admission
    if admission is None:
        return app.pool.run(job, s.query_timeout)
    ticket = admission.admit(request.remote_addr or "-", job.query, s.query_timeout)
    try:
        probe = (None if ticket.heavy or not s.light_seconds else
                 s.light_seconds * (0.2 if ticket.short else 1.0))
        answer = app.pool.run(job, s.query_timeout, deadline=ticket.deadline, probe=probe,
                              on_probe=lambda: admission.promote(ticket), heavy=ticket.heavy)
        if answer is None:  # heavy, and no heavy slot free: queued, then run again
            admission.requeue(ticket)
            answer = app.pool.run(job, s.query_timeout, deadline=ticket.deadline, heavy=True)
    finally:
        heavy = ticket.heavy_since is not None
        admission.release(ticket)
    if rt.metrics is not None:
        rt.metrics.answered(answer, heavy)
    return answer


def _service_description() -> Response:
    app = state()
    fmt = pick_format("graph", request.headers.get("Accept"), request.args.get("format"))
    # The Host header is the client's to choose: it never decides a URL we publish.
    endpoint = (app.settings.public_url.rstrip("/") + "/sparql" if app.settings.public_url
                else f"http://{_authority(app.settings)}/sparql")
    body = service_description(app, endpoint, fmt)
    response = Response(body, 200, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _authority(settings) -> str:
    host = settings.host
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{settings.port}"


__all__ = ["bp", "RESULT_FORMATS", "GRAPH_FORMATS"]
