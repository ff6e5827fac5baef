"""What a request needs from the running app (settings, store, query pool, caches).

It lives here, below the blueprints, so that the SPARQL endpoint and the web face reach
it through Flask's `current_app` without importing the app factory (which imports them).

A new release can be swapped in while the server runs (live.py), so there are two
layers: `Runtime`, one per app, holds what outlives a release (the query pool, the
admission control, the metrics) and the *current* `AppState`; an `AppState` is one
release (its folder, its store, the values derived from it). Each request is pinned to
the AppState that was current when it began (`pin()`, called before every request), so
every page and download it produces comes from one release, even if another is swapped
in half-way through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app, g

from ..core.settings import Settings


@dataclass
class AppState:
    settings: Settings  # dist_dir is this release's own folder, not the dist link
    store: ox.Store
    pool: object | None = None  # executor.QueryPool; typed loosely to keep imports light
    cache: dict = field(default_factory=dict)  # values derived once from the store
    release: str = "-"  # the release's id (swap.release_id), named in every response


@dataclass
class Runtime:
    """The app's lasting parts; `current` is replaced whole when a release is swapped in."""

    current: AppState
    admission: object | None = None  # admission.Admission
    metrics: object | None = None  # metrics.Metrics
    answers: object | None = None  # answercache.AnswerCache (keyed by release)
    extras: dict = field(default_factory=dict)

    # What callers that predate live reload read from extensions["mgkg"] directly.
    @property
    def pool(self):
        return self.current.pool

    @pool.setter
    def pool(self, value) -> None:
        self.current.pool = value

    @property
    def settings(self) -> Settings:
        return self.current.settings

    @property
    def store(self) -> ox.Store:
        return self.current.store


def runtime() -> Runtime:
    return current_app.extensions["mgkg"]


def pin() -> AppState:
    """The release this request is answered from: the current one, once per request."""
    if "kg_state" not in g:
        g.kg_state = runtime().current
    return g.kg_state


def state() -> AppState:
    try:
        return g.kg_state
    except (AttributeError, RuntimeError):  # outside a request: the current release
        return runtime().current
