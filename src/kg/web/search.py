"""Full-text search over labels, alternative labels, definitions and quotes, with a
source filter: HTML and JSON at /search?q=.

The index is the release's own (dist/search.sqlite, SQLite FTS5, written by `kg build`:
kg.release.searchindex), opened read-only the first time a release is searched and kept
with that release (`state().cache`), so a live release switch searches the new release's
index. A release from before the index existed gets a clear 503 saying to rebuild, not
a crash. Each quote is indexed with the names of the things it is evidence about, so
"Thailand" finds the quotes behind facts about Thailand even where the sentence says
"the Thai government".
"""

from __future__ import annotations

import html as htmlmod
import json
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Response, request

from ..endpoint.state import state
from ..release import searchindex
from .cite import short_names
from .common import base_iri, bp, html, iri_node
from .view import view

PAGE = 50
_LOCK = threading.Lock()
_OPEN, _CLOSE = "\x02", "\x03"


class NoIndex(Exception):
    """The release being served has no (readable) search index."""


@dataclass
class Hit:
    kind: str  # label | altLabel | definition | quote
    text: str
    snippet: str  # HTML: escaped text with <mark> around the matches
    thing: dict | None
    source: dict | None
    start: int | None
    end: int | None
    quote_href: str | None
    property: dict | None = None  # the fact's property, for a quote
    cite_href: str | None = None  # /cite?fact=<key> of the evidence the quote is, if found


class Index:
    """One release's index file, opened read-only; queries take a lock (a few ms each)
    rather than a connection per thread."""

    def __init__(self, path: Path):
        if not path.is_file():
            raise NoIndex(f"This release has no search index ({path.name} is missing from "
                          f"its folder): it was built before `kg build` wrote one. Run "
                          f"`kg build` again; the server picks the new release up by itself.")
        try:
            self.db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1",
                                      uri=True, check_same_thread=False)
            schema = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.Error as exc:
            raise NoIndex(f"the search index {path.name} of this release cannot be read "
                          f"({exc}); run `kg build` again.") from exc
        if not schema or schema[0] != searchindex.SCHEMA:
            raise NoIndex(f"the search index {path.name} of this release has another "
                          f"layout (schema {schema[0] if schema else '?'}, this server reads "
                          f"{searchindex.SCHEMA}); run `kg build` again.")
        self.lock = threading.Lock()

    def query(self, sql: str, args: list) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()


def index() -> Index:
    """The index of the release this request is pinned to (NoIndex if it has none)."""
    app = state()
    with _LOCK:
        found = app.cache.get("search")
        if found is None:
            try:
                found = Index(app.settings.dist_dir / searchindex.FILE)
            except NoIndex as exc:
                found = exc  # remembered: the release will not grow an index
            app.cache["search"] = found
    if isinstance(found, NoIndex):
        raise found
    return found


def match_expression(q: str) -> str | None:
    """The words of what a person typed as an FTS5 query: every word must occur (the last
    one as a prefix, so results come while typing); FTS5 syntax in the input is taken as
    text, never as operators."""
    words = re.findall(r"\w+", q)
    if not words:
        return None
    parts = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(parts)


def _snippet(raw: str) -> str:
    return htmlmod.escape(raw).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def search(q: str, source: str | None = None, kind: str | None = None,
           offset: int = 0, limit: int = PAGE) -> tuple[int, list[Hit]]:
    expr = match_expression(q)
    if expr is None:
        return 0, []
    db = index()
    where = "doc MATCH ?"
    args: list = [expr]
    if source:
        where += " AND source = ?"
        args.append(source)
    if kind:
        where += " AND kind = ?"
        args.append(kind)
    total = db.query(f"SELECT count(*) FROM doc WHERE {where}", args)[0][0]
    rows = db.query(
        f'SELECT text, kind, thing, source, "start", "end", property, '
        f"snippet(doc, 0, '{_OPEN}', '{_CLOSE}', '…', 40) FROM doc WHERE {where} "
        f"ORDER BY kind = 'quote', rank LIMIT ? OFFSET ?", [*args, limit, offset])
    v = view()
    names = short_names(v)
    hits = []
    for text, k, thing, src, start, end, prop, snip in rows:
        thing_d = ({"iri": thing, "label": v.label(iri_node(thing)), "href": v.href(thing)}
                   if thing else None)
        src_d = ({"iri": src, "name": names.get(src) or v.citation(iri_node(src)),
                  "href": v.href(src)} if src else None)
        prop_d = {"iri": prop, "label": v.label(iri_node(prop))} if prop else None
        quote_href = (f"{src_d['href']}#q-{start}" if src_d and src_d["href"]
                      and start is not None else None)
        if _OPEN not in snip:
            snip = text  # the match was in the names of what it is about
        key = (evidence_key_of(v, text, src, start, thing, prop) if k == "quote" and src
               else None)
        hits.append(Hit(k, text, _snippet(snip), thing_d, src_d, start, end, quote_href,
                        prop_d, f"/cite?fact={key}" if key else None))
    return total, hits


_ROLES = ("annotatedSource", "annotatedTarget", "sourceIndividual", "targetIndividual")


def evidence_key_of(v, text: str, source: str, start: int | None, thing: str | None,
                    prop: str | None) -> str | None:
    """The /cite key of the evidence a quote row stands for. The index keeps the quote's
    words, source, offsets, thing and property but not the evidence node (the store
    renames blank nodes on every load), so the node is found again from those: of the
    nodes quoting these words from this source at this offset, the one whose fact is
    about the thing with the property, else the first in a stable order."""
    mg = base_iri() + "ontology#"
    owl = "http://www.w3.org/2002/07/owl#"
    found = []
    for q in v.quads(None, iri_node(mg + "quote"), ox.Literal(text)):
        node = q.subject
        if v.value(node, iri_node("http://purl.org/dc/terms/source")) != iri_node(source):
            continue
        at = v.value(node, iri_node(mg + "quoteStart"))
        if start is not None and (at is None or int(at.value) != start):
            continue
        about = {str(v.value(node, iri_node(owl + r)) or "") for r in _ROLES}
        props = {str(v.value(node, iri_node(owl + r)) or "")
                 for r in ("annotatedProperty", "assertionProperty")}
        rank = (0 if thing and f"<{thing}>" in about else 1,
                0 if prop and f"<{prop}>" in props else 1)
        ev = v.evidence(node)
        if ev is not None and ev.key:
            found.append((rank, ev.key))
    return min(found)[1] if found else None


def source_options() -> list[tuple[str, str]]:
    names = short_names(view())
    return sorted(names.items(), key=lambda kv: kv[1].casefold())


@bp.get("/search")
def search_page() -> Response:
    q = (request.args.get("q") or "").strip()[:300]
    source = (request.args.get("source") or "").strip() or None
    if source and not source.startswith("http"):
        source = base_iri() + "source/" + source  # a stem, as people type it
    kind = (request.args.get("kind") or "").strip() or None
    try:
        offset = max(0, int(request.args.get("offset") or 0))
    except ValueError:
        offset = 0
    wants_json = request.args.get("format") == "json" or request.accept_mimetypes.best_match(
        ["text/html", "application/json"]) == "application/json"
    try:
        total, hits = search(q, source, kind, offset) if q else (0, [])
        sources = source_options()
    except NoIndex as exc:
        if wants_json:
            return Response(json.dumps({"error": str(exc)}), status=503,
                            mimetype="application/json")
        return html("message.html", status=503, title="Search is not available",
                    message=str(exc), back=("/", "the query page"))
    if wants_json:
        body = {"q": q, "source": source, "kind": kind, "total": total, "offset": offset,
                "results": [h.__dict__ for h in hits]}
        return Response(json.dumps(body, ensure_ascii=False, indent=1),
                        mimetype="application/json")
    return html("search.html", q=q, source=source, kind=kind, total=total, hits=hits,
                offset=offset, page=PAGE, sources=sources)
