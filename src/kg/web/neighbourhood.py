"""A thing's neighbourhood as a small graph (JSON for static/graph.js): the things it
links to and the things that link to it, with the links among those, labels from the
graph, capped in nodes so the picture stays readable and the answer small.

Read from the store directly, like the pages: one thing's links are a handful of index
look-ups. Claims (whose labels are sentences) and list items come after the things a
person came for, so a cap drops them first; figures are left out, the resource page
charts them.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Response, request

from .common import RDF, TYPE, base_iri, bp, iri_node, mg_ns
from .view import View, view, void_graph

DEFAULT_NODES = 40
MAX_NODES = 150
SKIPPED = {RDF + "type"}
LATER = ("Claim", "ListItem", "EnumeratedList")  # mg: classes whose members rank last


def _json(data: object, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status,
                    mimetype="application/json")


def _kind(v: View, term: ox.NamedNode, claim_classes: set[str]) -> tuple[str, bool]:
    """The label of a thing's first own (mg:) type, and whether it is a claim-like thing
    that the cap drops first."""
    types = sorted(t.value for t in v.objects(term, TYPE) if isinstance(t, ox.NamedNode))
    own = [t for t in types if t.startswith(mg_ns())]
    later = any(t in claim_classes for t in own)
    if not own:
        return "", later
    return v.label(iri_node(own[0])), later


def claim_like(v: View) -> set[str]:
    """mg:Claim, mg:ListItem and their subclasses (a few dozen classes)."""
    out: set[str] = set()
    todo = [mg_ns() + name for name in LATER]
    sub = iri_node("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    while todo:
        c = todo.pop()
        if c in out:
            continue
        out.add(c)
        todo += [t.subject.value for t in v.triples(None, sub, iri_node(c))
                 if isinstance(t.subject, ox.NamedNode)]
    return out


def neighbourhood(iri: str, limit: int = DEFAULT_NODES) -> dict | None:
    v = view()
    centre = iri_node(iri)
    if not v.exists(centre):
        return None
    ours = base_iri() + "id/"
    figure_of = mg_ns() + "figureOf"
    vg = void_graph()
    claims = claim_like(v)
    # (neighbour, predicate, outgoing?) for every link of the centre with a thing of ours
    links: list[tuple[ox.NamedNode, ox.NamedNode, bool]] = []
    for t in v.triples(centre):
        o = t.object
        if isinstance(o, ox.NamedNode) and o.value.startswith(ours) and o != centre \
                and t.predicate.value not in SKIPPED:
            links.append((o, t.predicate, True))
    for q in v.quads(None, None, centre):
        s = q.subject
        if q.graph_name == vg or not isinstance(s, ox.NamedNode) or s == centre:
            continue
        if not s.value.startswith(ours) or q.predicate.value in SKIPPED | {figure_of}:
            continue
        links.append((s, q.predicate, False))
    links = list(dict.fromkeys(links))
    kinds = {n.value: _kind(v, n, claims) for n in {lk[0] for lk in links}}
    # Outgoing links, then incoming ones from things, then claims; alphabetical within.
    ranked = sorted({lk[0].value for lk in links},
                    key=lambda n: (kinds[n][1], not any(lk[2] for lk in links
                                                       if lk[0].value == n),
                                   v.label(iri_node(n)).casefold()))
    total = len(ranked)
    kept = set(ranked[: max(1, limit) - 1])
    nodes = [_node(v, centre, _kind(v, centre, claims)[0], True)]
    nodes += [_node(v, iri_node(n), kinds[n][0], False) for n in ranked if n in kept]
    edges = []
    for n, p, out in links:
        if n.value in kept:
            s, o = (centre, n) if out else (n, centre)
            edges.append({"source": s.value, "target": o.value, "predicate": p.value,
                          "label": v.label(p)})
    # The links among the neighbours, so the picture shows clusters, not only a star.
    for n in kept:
        for t in v.triples(iri_node(n)):
            if isinstance(t.object, ox.NamedNode) and t.object.value in kept \
                    and t.object.value != n and t.predicate.value not in SKIPPED:
                edges.append({"source": n, "target": t.object.value,
                              "predicate": t.predicate.value, "label": v.label(t.predicate)})
    edges = list({(e["source"], e["predicate"], e["target"]): e for e in edges}.values())
    return {"centre": iri, "nodes": nodes, "edges": edges, "total": total + 1,
            "truncated": total + 1 > len(nodes)}


def _node(v: View, term: ox.NamedNode, kind: str, centre: bool) -> dict:
    node = v.node(term)
    return {"id": term.value, "label": node.text, "href": node.href, "type": kind,
            "centre": centre}


@bp.get("/api/neighbourhood")
def neighbourhood_api() -> Response:
    """?iri=…[&limit=N] -> {"nodes": [...], "edges": [...], "total", "truncated"}."""
    iri = request.args.get("iri") or ""
    try:
        limit = int(request.args.get("limit") or DEFAULT_NODES)
    except ValueError:
        return _json({"error": "limit is a number of nodes"}, 400)
    if not 2 <= limit <= MAX_NODES:
        return _json({"error": f"limit between 2 and {MAX_NODES}"}, 400)
    if not iri.startswith(base_iri() + "id/"):
        return _json({"error": f"iri of a thing described here ({base_iri()}id/…)"}, 400)
    try:
        data = neighbourhood(iri, limit)
    except ValueError:
        data = None
    if data is None:
        return _json({"error": f"nothing is described at {iri}"}, 404)
    return _json(data)
