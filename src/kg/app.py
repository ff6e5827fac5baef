"""The Flask application factory: one app, configured by one Settings object.

The SPARQL protocol lives in `sparql.py`, the human and linked-data face in `pages.py`;
both are blueprints that reach the store and settings through `state()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Flask, current_app

from .settings import Settings
from .store import load_store


@dataclass
class AppState:
    settings: Settings
    store: ox.Store


def state() -> AppState:
    return current_app.extensions["mgkg"]


def create_app(settings: Settings | None = None, store: ox.Store | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    store = store if store is not None else load_store(settings)
    app.extensions["mgkg"] = AppState(settings, store)

    from .pages import bp as pages_bp
    from .sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)
    app.register_blueprint(pages_bp)
    return app
