"""The Flask application factory: one app, configured by one Settings object.

The SPARQL protocol lives in kg.endpoint.sparql, the human and linked-data face in
kg.web; both are blueprints that reach the store and settings through `state()`. The
factory also starts the query worker pool (executor.py): it forks, so it must happen
before the WSGI server starts its threads, which is why it is done here and not on
first use. Around them it wires what every response shares: the release it came from
(pinned per request, live.py), admission control (admission.py), the page cache
(kg.web.pagecache), security headers, metrics and an access log that cannot be forged.
"""

from __future__ import annotations

import logging
import time
import uuid
import weakref

import pyoxigraph as ox
from flask import Flask, Response, g, request

from .core.settings import Settings
from .endpoint.accesslog import clean
from .endpoint.state import AppState, Runtime, pin
from .release.swap import release_id
from .store.store import ensure_release, load_store

access_log = logging.getLogger("kg.access")
__all__ = ["create_app", "clean"]

# For responses that are not pages (which set their own, looser policy): nothing may be
# loaded, and no other site may frame them.
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'"


def create_app(settings: Settings | None = None, store: ox.Store | None = None) -> Flask:
    from .endpoint.admission import Admission
    from .endpoint.answercache import AnswerCache
    from .endpoint.executor import QueryPool
    from .endpoint.live import Live
    from .endpoint.metrics import Metrics

    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    link = settings.dist_dir
    # dist is a link a later build switches: the store, the downloads and the release
    # id all come from the one folder it names now.
    folder = (link if store is not None else ensure_release(settings).parent).resolve()
    if store is None:
        store = load_store(settings, folder / "mgkg.trig")
    release = release_id(folder)
    pool = QueryPool(store, settings, release).start()
    weakref.finalize(app, pool.close)
    runtime = Runtime(AppState(settings.with_(dist_dir=folder), store, pool, {}, release))
    runtime.admission = Admission(settings, pool.size)
    runtime.metrics = Metrics(runtime)
    runtime.answers = AnswerCache(settings.answer_cache_mb * 1024 * 1024)
    runtime.extras["live"] = Live(runtime, link, settings.reload_interval)
    app.extensions["mgkg"] = runtime

    from .endpoint.sparql import bp as sparql_bp
    from .web import bp as pages_bp
    from .web.pagecache import install

    # Registered before the blueprints, so it runs after theirs (Flask runs them in
    # reverse) and sees, logs and dresses the final response.
    app.after_request(_finish)
    app.before_request(_start)
    app.register_blueprint(sparql_bp)
    app.register_blueprint(pages_bp)
    pages = install(app, settings.page_renders, settings.page_cache_mb)
    runtime.extras["pages"] = pages
    runtime.extras["on_swap"] = [pages.drop_other_releases, runtime.answers.drop_other_releases]
    return app


def _start() -> None:
    g.kg_started = time.perf_counter()
    g.kg_request_id = uuid.uuid4().hex[:16]
    pin()


def _finish(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Content-Security-Policy", STRICT_CSP)
    headers["X-Request-Id"] = g.get("kg_request_id", "-")
    release = g.get("kg_release") or pin().release
    headers["X-MGKG-Release"] = release
    from .endpoint.state import runtime

    metrics = runtime().metrics
    if metrics is not None:
        kind = ("sparql" if request.blueprint == "sparql" else
                "page" if request.blueprint == "pages" else "other")
        metrics.request(response.status_code, kind)
    _log_access(response, release)
    return response


def _log_access(response: Response, release: str) -> None:
    """One line per request with the time taken; for queries also what was asked and
    what came back, so slow or refused queries can be found in the log. Every field a
    client chose goes through clean()."""
    took = (time.perf_counter() - g.get("kg_started", time.perf_counter())) * 1000
    path = request.path + ("?" + request.query_string.decode("latin-1")
                           if request.query_string and "kg_query" not in g else "")
    line = (f'{clean(request.remote_addr or "-")} {g.get("kg_request_id", "-")} '
            f'"{clean(request.method, 20)} {clean(path)}" '
            f"{response.status_code} {response.calculate_content_length() or 0}B "
            f"{took:.1f}ms release={release}")
    if "kg_query" in g:
        from .store.sparqltext import one_line

        rows = g.get("kg_rows")
        line += (f" form={clean(g.get('kg_form') or '-', 20)} "
                 f"rows={'-' if rows is None else rows}"
                 f' truncated={g.get("kg_truncated") or "-"} cache={g.get("kg_cache") or "-"}'
                 f' query="{clean(one_line(g.kg_query))}"')
    if "kg_error" in g:
        line += f' error="{clean(" ".join(g.kg_error.split()), 200)}"'
    access_log.info(line)
