"""The query page with the competency questions as examples, the query files, the
prefix table for the editor, and the 404 page for paths no route knows."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import (
    Response,
    request,
)
from werkzeug.exceptions import HTTPException

from ..core.namespaces import PREFIXES
from ..endpoint.state import state
from ..store.query import query_header
from .common import bp, html, negotiate

# --------------------------------------------------------------------------- query page


@dataclass
class Example:
    name: str
    question: str
    source: str
    text: str


def examples() -> list[Example]:
    """The competency questions in queries/*.rq, each with its English question, read at
    each request so a new query file shows up without a restart."""
    folder = state().settings.root / "queries"
    out = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.rq")):
            text = path.read_text(encoding="utf-8")
            out.append(Example(path.stem, *_header_fields(text, path.stem), text=text))
    return out


def _header_fields(text: str, fallback: str) -> tuple[str, str]:
    fields = query_header(text)
    return fields.get("question") or fallback.replace("-", " "), fields.get("source", "")


DEFAULT_QUERY = """PREFIX mg: <https://w3id.org/mgkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Institutions in the graph, with their type
SELECT ?institution ?label ?type WHERE {
  ?institution a ?type ; rdfs:label ?label .
  ?type rdfs:subClassOf* mg:Institution .
}
ORDER BY ?label
LIMIT 100
"""


@bp.get("/")
def query_page() -> Response:
    exs = examples()
    chosen = request.args.get("example")
    text = request.args.get("query")
    current = None
    if chosen:
        current = next((e for e in exs if e.name == chosen), None)
        if current is None:
            return html("message.html", status=404, title="No such example",
                        message=f"There is no example query named “{chosen}”.",
                        back=("/", "the query page"))
        text = current.text
    if text is None:
        text = DEFAULT_QUERY
    return html("query.html", examples=exs, text=text, current=current,
                prefixes=json.dumps(PREFIXES))


@bp.get("/queries/<name>.rq")
def query_file(name: str) -> Response:
    ex = next((e for e in examples() if e.name == name), None)
    if ex is None:
        return Response(f"404 Not Found: no query queries/{name}.rq\n", status=404,
                        mimetype="text/plain")
    return Response(ex.text, content_type="application/sparql-query; charset=utf-8")


@bp.get("/prefixes.json")
def prefixes_json() -> Response:
    """The editor's prefix completion reads this instead of an outside prefix service."""
    return Response(json.dumps(PREFIXES, indent=1), mimetype="application/json")


# --------------------------------------------------------------------------- errors


@bp.app_errorhandler(404)
def _not_found(exc: HTTPException):
    """A page a person can use for paths no route knows; other blueprints' 404s (the
    endpoint's) are left as they made them."""
    if request.blueprint not in (None, "pages"):
        return exc
    if request.accept_mimetypes and negotiate(["html", "ttl"]) != "html":
        return Response(f"404 Not Found: {request.path}\n", status=404, mimetype="text/plain")
    return html("message.html", status=404, title="Not found",
                message=exc.description if request.blueprint == "pages" and exc.description
                and "requested URL was not found" not in exc.description
                else f"Nothing is served at {request.path}.", back=("/", "the query page"))


