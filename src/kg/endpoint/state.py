"""What a request needs from the running app (settings, store, query pool, caches).

It lives here, below the blueprints, so that the SPARQL endpoint and the web face reach
it through Flask's `current_app` without importing the app factory (which imports them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app

from ..core.settings import Settings


@dataclass
class AppState:
    settings: Settings
    store: ox.Store
    pool: object | None = None  # executor.QueryPool; typed loosely to keep imports light
    cache: dict = field(default_factory=dict)  # values derived once from the store


def state() -> AppState:
    return current_app.extensions["mgkg"]
