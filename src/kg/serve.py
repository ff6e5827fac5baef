"""`kg serve`: the app under a production WSGI server. Skeleton: to be completed (issue 7)."""

from __future__ import annotations

from waitress import serve

from .app import create_app
from .settings import Settings


def run(settings: Settings) -> int:
    app = create_app(settings)
    serve(app, host=settings.host, port=settings.port, threads=settings.threads)
    return 0
