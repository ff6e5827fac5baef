"""SPARQL 1.1 Protocol endpoint (/sparql) and /healthz. Skeleton: to be completed (issue 7)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sparql", __name__)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
