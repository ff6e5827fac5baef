"""Compare sources, compare things: /compare?iri=… (HTML, or JSON with format=json).

One thing: what each source says about it, side by side: one row per property (types,
definitions, the facts it states, its figures, what the sources say it is not, relations
from other things), one column per source, each value with its quote a click away
(details/summary), negative facts marked, status and attribution shown as on its page.
Values no source quotes get a column of their own, so nothing is silently left out.

Two or more things (?iri=…iom&iri=…unhcr): the same properties, one column per thing,
every value with all its evidence, and the values the things share marked.

Built from the resource page's own description (kg.web.things.describe_html), so the
comparison and the page can never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import Response, request

from .cite import short_names
from .common import AX_SOURCE, TYPE, base_iri, bp, html, iri_node
from .things import Description, _axiom_index, describe_html, source_refs
from .view import Evidence, Fact, Node, dedupe_evidence, view

NONE = "none"  # the column of values no source quotes
MAX_THINGS = 6


@dataclass
class Item:
    value: Node
    evidence: list[Evidence] = field(default_factory=list)
    negative: bool = False
    shared: bool = False  # (things compared) the same value in every column


@dataclass
class Row:
    key: str
    label: str
    predicate: Node | None
    kind: str  # type | definition | fact | figure | negative | incoming
    cells: dict[str, list[Item]] = field(default_factory=dict)


@dataclass
class Column:
    key: str
    title: str
    href: str | None
    detail: str = ""  # the full citation, or the thing's types


def _rows(d: Description) -> list[tuple[str, str, Node | None, str, list[Fact]]]:
    """(key, label, predicate, kind, facts) for every property of a description."""
    v = view()
    term = iri_node(d.iri)
    typed = _axiom_index(v, term, AX_SOURCE)
    types = [Fact(t, dedupe_evidence(typed.get((TYPE, iri_node(t.iri)), [])))
             for t in d.types if t.iri]
    out: list[tuple[str, str, Node | None, str, list[Fact]]] = []
    if types:
        out.append(("type", "type", None, "type", types))
    if d.definitions:
        out.append(("definition", "definition", None, "definition", d.definitions))
    for g in d.outgoing:
        out.append(("out " + (g.predicate.iri or g.predicate.text), g.predicate.text,
                    g.predicate, "fact", g.facts))
    if d.figures:
        facts = [Fact(Node(f"{f.measure}: {f.value} {f.unit}".strip()
                           + (f" ({f.as_of.text})" if f.as_of else ""), "literal"), f.evidence)
                 for f in d.figures]
        out.append(("figures", "figures", None, "figure", facts))
    for g in d.negatives:
        out.append(("not " + g.predicate.text, g.predicate.text, g.predicate, "negative",
                    g.facts))
    for g in d.incoming:
        out.append(("in " + g.predicate.text, g.predicate.text, g.predicate, "incoming",
                    g.facts))
    return out


def _add(cell: list[Item], value: Node, evs: list[Evidence], negative: bool) -> None:
    for item in cell:
        if item.value.text == value.text and item.value.iri == value.iri:
            item.evidence += [e for e in evs if e not in item.evidence]
            return
    cell.append(Item(value, list(evs), negative))


def by_source(iri: str) -> tuple[list[Column], list[Row]] | None:
    """One thing: a column per source document that says something about it."""
    v = view()
    d = describe_html(iri)
    if d is None:
        return None
    refs = source_refs(v, d)
    columns = [Column(r.node.iri or r.short, r.short, r.node.href, r.citation) for r in refs]
    rows = []
    for key, label, pred, kind, facts in _rows(d):
        row = Row(key, label, pred, kind)
        for f in facts:
            if not f.evidence:
                _add(row.cells.setdefault(NONE, []), f.value, [], kind == "negative")
            for ev in f.evidence:
                col = ev.source.iri if ev.source and ev.source.iri else NONE
                _add(row.cells.setdefault(col, []), f.value, [ev], kind == "negative")
        rows.append(row)
    if any(NONE in r.cells for r in rows):
        columns.append(Column(NONE, "no quote", None,
                              "stated by the curated data without a quote (e.g. a type the "
                              "ontology's domain implies, a label)"))
    return columns, rows


def by_thing(iris: list[str]) -> tuple[list[Column], list[Row], list[str]]:
    """Several things: a column per thing, rows matched by property."""
    v = view()
    columns, missing = [], []
    rows: dict[str, Row] = {}
    for iri in iris:
        d = describe_html(iri)
        if d is None:
            missing.append(iri)
            continue
        columns.append(Column(iri, d.label, v.href(iri), ", ".join(t.text for t in d.types)))
        for key, label, pred, kind, facts in _rows(d):
            row = rows.setdefault(key, Row(key, label, pred, kind))
            for f in facts:
                _add(row.cells.setdefault(iri, []), f.value, dedupe_evidence(f.evidence),
                     kind == "negative")
    for row in rows.values():
        if len(columns) > 1 and len(row.cells) == len(columns):
            cells = list(row.cells.values())
            common = {(i.value.iri, i.value.text) for i in cells[0]}
            for cell in cells[1:]:
                common &= {(i.value.iri, i.value.text) for i in cell}
            for cell in cells:
                for item in cell:
                    item.shared = (item.value.iri, item.value.text) in common
    order = {"type": 0, "definition": 1, "fact": 2, "figure": 3, "negative": 4, "incoming": 5}
    ranked = sorted(rows.values(), key=lambda r: (order[r.kind], -len(r.cells),
                                                  r.label.casefold()))
    return columns, ranked, missing


def _json(columns: list[Column], rows: list[Row], mode: str, missing: list[str]) -> Response:
    def item(i: Item) -> dict:
        return {"value": i.value.text, "iri": i.value.iri, "negative": i.negative,
                "shared": i.shared,
                "evidence": [{"quote": e.quote, "source": e.source.iri if e.source else None,
                              "start": e.start, "end": e.end, "key": e.key,
                              "support": e.support.text if e.support else None,
                              "according_to": [a.text for a in e.according_to]}
                             for e in i.evidence]}
    body = {"mode": mode, "missing": missing,
            "columns": [{"key": c.key, "title": c.title, "href": c.href} for c in columns],
            "rows": [{"label": r.label, "kind": r.kind,
                      "property": r.predicate.iri if r.predicate else None,
                      "cells": {k: [item(i) for i in v] for k, v in r.cells.items()}}
                     for r in rows]}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")


def _iri(text: str) -> str:
    text = text.strip()
    return text if text.startswith(("http://", "https://")) else base_iri() + "id/" + text


@bp.get("/compare")
def compare() -> Response:
    iris = list(dict.fromkeys(_iri(i) for i in request.args.getlist("iri") if i.strip()))
    iris = iris[:MAX_THINGS]
    wants_json = request.args.get("format") == "json"
    if not iris:
        return html("message.html", status=400, title="Compare what?",
                    message="Give a thing to compare its sources (/compare?iri=https://w3id.org"
                            "/mgkg/id/iom), or two or more to compare them with each other "
                            "(…&iri=https://w3id.org/mgkg/id/unhcr).",
                    back=("/id/", "browse"))
    v = view()
    if len(iris) == 1:
        found = by_source(iris[0])
        if found is None:
            return html("message.html", status=404, title="Nothing to compare",
                        message=f"Nothing is described at {iris[0]}.", back=("/id/", "browse"))
        columns, rows = found
        if wants_json:
            return _json(columns, rows, "sources", [])
        return html("compare.html", mode="sources", columns=columns, rows=rows, missing=[],
                    things=[(iris[0], v.label(iri_node(iris[0])), v.href(iris[0]))],
                    shorts=short_names(v), none=NONE)
    columns, rows, missing = by_thing(iris)
    if wants_json:
        return _json(columns, rows, "things", missing)
    return html("compare.html", mode="things", columns=columns, rows=rows, missing=missing,
                things=[(c.key, c.title, c.href) for c in columns], shorts=short_names(v),
                none=NONE)
