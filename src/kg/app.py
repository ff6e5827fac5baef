"""The Flask application factory: one app, configured by one Settings object.

The SPARQL protocol lives in `sparql.py`, the human and linked-data face in `pages.py`;
both are blueprints that reach the store and settings through `state()`. The factory
also starts the query worker pool (executor.py): it forks, so it must happen before the
WSGI server starts its threads, which is why it is done here and not on first use.
"""

from __future__ import annotations

import logging
import time
import weakref

import pyoxigraph as ox
from flask import Flask, Response, g, request

from .core.settings import Settings
from .endpoint.state import AppState
from .store.store import load_store

access_log = logging.getLogger("kg.access")


def create_app(settings: Settings | None = None, store: ox.Store | None = None) -> Flask:
    from .endpoint.executor import QueryPool

    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    store = store if store is not None else load_store(settings)
    # dist is a link a later build switches: downloads come from the release folder the
    # store was loaded from, so that SPARQL, pages and downloads answer from one release.
    settings = settings.with_(dist_dir=settings.dist_dir.resolve())
    pool = QueryPool(store, settings).start()
    weakref.finalize(app, pool.close)
    app.extensions["mgkg"] = AppState(settings, store, pool)

    from .endpoint.sparql import bp as sparql_bp
    from .web import bp as pages_bp

    app.register_blueprint(sparql_bp)
    app.register_blueprint(pages_bp)
    app.before_request(_start_clock)
    app.after_request(_log_access)
    return app


def _start_clock() -> None:
    g.kg_started = time.perf_counter()


def _log_access(response: Response) -> Response:
    """One line per request with the time taken; for queries also what was asked and
    what came back, so slow or refused queries can be found in the log."""
    took = (time.perf_counter() - g.get("kg_started", time.perf_counter())) * 1000
    line = (f'{request.remote_addr or "-"} "{request.method} {request.path}" '
            f"{response.status_code} {response.calculate_content_length() or 0}B "
            f"{took:.1f}ms")
    if "kg_query" in g:
        from .store.sparqltext import one_line

        rows = g.get("kg_rows")
        query = one_line(g.kg_query).replace('"', "'")
        line += (f" form={g.get('kg_form') or '-'} rows={'-' if rows is None else rows}"
                 f' truncated={g.get("kg_truncated") or "-"} query="{query}"')
    if "kg_error" in g:
        line += f' error="{" ".join(g.kg_error.split())[:200]}"'
    access_log.info(line)
    return response
