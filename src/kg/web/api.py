"""Small JSON services for the query page: labels for a result's IRIs in one request,
and a readable explanation of a syntax error.

Both read the store directly (as the pages do), not through /sparql: a result of 5,000
rows would otherwise cost 5,000 label queries, or one huge VALUES query that the
endpoint's limits are right to refuse.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Response, request

from .cite import short_names
from .common import FALLBACK_LABELS, LABEL, PREF, TITLE, bp
from .explain import explain
from .view import view

MAX_LABELS = 5000  # one page of a result has far fewer distinct IRIs
MAX_QUERY = 100_000


def _json(data: object, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status,
                    mimetype="application/json")


def _bad(message: str) -> Response:
    return _json({"error": message}, status=400)


@bp.post("/api/labels")
def labels() -> Response:
    """{"iris": [...]} -> {"labels": {iri: label}}: only IRIs that have a label (or a
    standard word for a standard term, or a source's short name), so the page falls back
    to the prefixed name for the rest."""
    body = request.get_json(silent=True)
    iris = body.get("iris") if isinstance(body, dict) else None
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        return _bad('send JSON {"iris": ["https://…", …]}')
    if len(iris) > MAX_LABELS:
        return _bad(f"at most {MAX_LABELS} IRIs per request, not {len(iris)}")
    v = view()
    short = short_names(v)  # a source as "GCIM 2005", not its 20-word title
    out: dict[str, str] = {}
    for iri in dict.fromkeys(iris):
        if iri in short:
            out[iri] = short[iri]
            continue
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            continue
        label = v._find_label(node)
        if label != iri and (label in FALLBACK_LABELS.values() or _has_label(v, node)):
            out[iri] = label
    return _json({"labels": out})


def _has_label(v, node: ox.NamedNode) -> bool:
    return any(True for p in (LABEL, PREF, TITLE) for _ in v.quads(node, p))


@bp.post("/api/explain")
def explain_error() -> Response:
    """{"query": ..., "message": the endpoint's error} -> what, line, column, fix, excerpt."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _bad('send JSON {"query": "...", "message": "..."}')
    text = body["query"]
    if len(text) > MAX_QUERY:
        return _bad(f"a query of at most {MAX_QUERY} characters")
    message = body.get("message") if isinstance(body.get("message"), str) else ""
    return _json(explain(text, message).as_dict())
