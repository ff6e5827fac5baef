"""Why? for a result row: the facts of the graph that connect the row's bound values,
each with its quotes, sources and offsets, so a researcher can cite the answer and not
only a fact.

A row binds a handful of terms (IOM, false, the GCIM paper...). Every ordered pair of
them is looked up as subject and object of a triple, in any named graph, and each triple
found comes with the evidence of its axiom annotations; a value that carries evidence
itself (a figure, a claim) gives that too, and so do negative facts between two values.
The query's own constants (the `false` of `?x mg:inUNSystem false`, the IRIs it names)
count as values too: they are what the row was selected by. Pairs, not paths: a fact
through a variable the query did not select is not the row's evidence.
"""

from __future__ import annotations

import json
from itertools import permutations

import pyoxigraph as ox
from flask import Response, request

from ..core.namespaces import PREFIXES
from .cite import short_names
from .claims import ASSERTION_P, SOURCE_IND, TARGET_IND, TARGET_VAL
from .common import AX_PROPERTY, AX_SOURCE, AX_TARGET, XSD, RdfTerm, bp
from .explain import tokens
from .view import Evidence, View, view, void_graph

MAX_VALUES = 24


def term_of(t: object) -> RdfTerm | None:
    """A SPARQL JSON results term as an oxigraph term (None for anything else)."""
    if not isinstance(t, dict) or not isinstance(t.get("value"), str):
        return None
    try:
        if t.get("type") == "uri":
            return ox.NamedNode(t["value"])
        if t.get("type") in ("literal", "typed-literal"):
            if t.get("xml:lang"):
                return ox.Literal(t["value"], language=t["xml:lang"])
            if t.get("datatype"):
                return ox.Literal(t["value"], datatype=ox.NamedNode(t["datatype"]))
            return ox.Literal(t["value"])
    except ValueError:
        return None
    return None


def constants(query: str) -> list[RdfTerm]:
    """The IRIs and literals a query names, prefixed names expanded."""
    toks = tokens(query)
    prefixes = dict(PREFIXES)
    for i, t in enumerate(toks[:-2]):
        if t.kind == "word" and t.text.upper() == "PREFIX" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
    out: list[RdfTerm] = []
    for i, t in enumerate(toks):
        before = [x.text.upper() for x in toks[max(0, i - 2):i]]
        if "PREFIX" in before or "BASE" in before[-1:]:
            continue
        try:
            if t.kind == "iri":
                out.append(ox.NamedNode(t.text[1:-1]))
            elif t.kind == "pname":
                pfx, local = t.text.split(":", 1)
                if pfx in prefixes:
                    out.append(ox.NamedNode(prefixes[pfx] + local))
            elif t.kind == "word" and t.text.lower() in ("true", "false"):
                out.append(ox.Literal(t.text.lower(), datatype=ox.NamedNode(XSD + "boolean")))
            elif t.kind == "num" and t.text.lstrip("+-").isdigit():
                out.append(ox.Literal(t.text, datatype=ox.NamedNode(XSD + "integer")))
            elif t.kind == "str" and len(t.text) >= 2 and t.text[0] == t.text[-1] and \
                    not t.text.startswith(("'''", '"""')):
                out.append(ox.Literal(t.text[1:-1]))
        except ValueError:
            continue
    return out


def _node(v: View, term: RdfTerm) -> dict:
    n = v.node(term)
    return {"text": n.text, "iri": n.iri, "href": n.href}


def _ev(v: View, ev: Evidence) -> dict:
    names = short_names(v)
    src = ev.source
    href = src.href if src else None
    return {
        "quote": ev.quote,
        "source": ({"iri": src.iri, "name": names.get(src.iri or "", ev.citation),
                    "citation": ev.citation, "href": href} if src else None),
        "start": ev.start, "end": ev.end,
        "quote_href": f"{href}#q-{ev.start}" if href and ev.start is not None else None,
        "support": ev.support.text if ev.support else None,
        "according_to": [a.text for a in ev.according_to],
        "comments": ev.comments,
        "cite_href": f"/cite?fact={ev.key}" if ev.key else None,
    }


def _axiom_evidence(v: View, s: ox.NamedNode, p: ox.NamedNode, o: RdfTerm) -> list[Evidence]:
    out = []
    for q in v.quads(None, AX_SOURCE, s):
        ax = q.subject
        if v.value(ax, AX_PROPERTY) == p and v.value(ax, AX_TARGET) == o:
            ev = v.evidence(ax)
            if ev is not None:
                out.append(ev)
    return out


def why(values: list[RdfTerm]) -> list[dict]:
    v = view()
    vg = void_graph()
    values = list(dict.fromkeys(values))[:MAX_VALUES]
    facts: list[dict] = []
    seen: set = set()
    for s, o in permutations(values, 2):
        if not isinstance(s, ox.NamedNode):
            continue
        for q in v.quads(s, None, o):
            if q.graph_name == vg or q.triple in seen:
                continue
            seen.add(q.triple)
            evs = _axiom_evidence(v, s, q.predicate, o)
            facts.append({"kind": "fact", "subject": _node(v, s),
                          "predicate": _node(v, q.predicate), "object": _node(v, o),
                          "graph": q.graph_name.value,
                          "evidence": [_ev(v, e) for e in _unique(evs)]})
        for q in v.quads(None, SOURCE_IND, s):
            npa = q.subject
            target = v.value(npa, TARGET_IND) or v.value(npa, TARGET_VAL)
            prop = v.value(npa, ASSERTION_P)
            if target == o and prop is not None and ("neg", npa) not in seen:
                seen.add(("neg", npa))
                ev = v.evidence(npa)
                facts.append({"kind": "negative", "subject": _node(v, s),
                              "predicate": _node(v, prop), "object": _node(v, o),
                              "graph": q.graph_name.value,
                              "evidence": [_ev(v, ev)] if ev else []})
    for val in values:
        if isinstance(val, ox.NamedNode):
            ev = v.evidence(val)
            if ev is not None and ev.quote:
                facts.append({"kind": "own", "subject": _node(v, val), "predicate": None,
                              "object": None, "graph": None, "evidence": [_ev(v, ev)]})
    facts.sort(key=lambda f: not f["evidence"])  # the quoted facts first
    return facts


def _unique(evs: list[Evidence]) -> list[Evidence]:
    out: dict[tuple, Evidence] = {}
    for e in evs:
        out.setdefault((e.source.iri if e.source else None, e.quote, e.start), e)
    return list(out.values())


@bp.post("/api/why")
def why_route() -> Response:
    """{"row": {var: SPARQL JSON term}, "query": its text} -> {"facts": [...]} with their
    evidence."""
    body = request.get_json(silent=True)
    row = body.get("row") if isinstance(body, dict) else None
    if not isinstance(row, dict):
        return Response(json.dumps({"error": 'send JSON {"row": {"var": {"type": "uri", '
                                             '"value": "https://…"}}}'}),
                        status=400, mimetype="application/json")
    values = [t for t in (term_of(x) for x in row.values()) if t is not None]
    query = body.get("query")
    if isinstance(query, str) and len(query) < 100_000:
        values += constants(query)
    return Response(json.dumps({"facts": why(values)}, ensure_ascii=False),
                    mimetype="application/json")
