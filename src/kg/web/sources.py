"""Source documents (/source/, /doc/source/) and the named graphs of their facts
(/graph/): what the graph takes from each document, in document order."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import (
    Response,
)

from ..endpoint.state import state
from .common import (
    AX_PROPERTY,
    AX_SOURCE,
    AX_TARGET,
    QUAD_FORMATS,
    RDF,
    RDF_FORMATS,
    SLUG_RE,
    SOURCE,
    TYPE,
    base_iri,
    bp,
    doc_path,
    html,
    iri_node,
    negotiate,
    not_acceptable,
    rdf_response,
    see_other,
)
from .figures import Figure, describe_figure
from .things import (
    describe_rdf,
    format_links,
    is_known,
    not_found_thing,
    seed_only,
    split_ext,
)
from .view import Node, app_cache, view

# --------------------------------------------------------------------------- sources


@dataclass
class QuoteBlock:
    quote: str
    start: int | None
    end: int | None
    facts: list[tuple[Node, Node, Node]]
    figures: list[Figure]
    comments: list[str]
    cite: str | None = None  # the evidence key of its first fact, for /cite?fact=


def source_blocks(source_iri: str) -> list[QuoteBlock]:
    """What the graph takes from one document, one block per quote, in document order."""
    v = view()
    src = iri_node(source_iri)
    blocks: dict[str, QuoteBlock] = {}
    fig_class = iri_node(base_iri() + "ontology#Figure")
    for q in v.quads(None, SOURCE, src):
        node = q.subject
        ev = v.evidence(node)
        if ev is None or ev.quote is None:
            continue
        block = blocks.get(ev.quote)
        if block is None:
            block = blocks[ev.quote] = QuoteBlock(ev.quote, ev.start, ev.end, [], [], [],
                                                  ev.key)
        if any(True for _ in v.quads(node, TYPE, fig_class)):
            block.figures.append(describe_figure(v, node))
        else:
            s, p, o = (v.value(node, AX_SOURCE), v.value(node, AX_PROPERTY),
                       v.value(node, AX_TARGET))
            if s is not None and p is not None and o is not None:
                fact = (v.node(s), v.node(p), v.node(o))
                if fact not in block.facts:
                    block.facts.append(fact)
        for c in ev.comments:
            if c not in block.comments:
                block.comments.append(c)
    out = list(blocks.values())
    out.sort(key=lambda b: (b.start is None, b.start or 0, b.quote))
    return out


def source_coverage(stem: str) -> dict | None:
    """The source's sentences and their states, from the release's coverage.json (written
    by `kg build`); None when the release has none (an older release)."""
    path = state().settings.dist_dir / "coverage.json"
    if not path.is_file():
        return None
    cache = app_cache()
    key = ("coverage", path.stat().st_mtime_ns)
    if key not in cache:
        cache[key] = json.loads(path.read_text(encoding="utf-8"))
    return cache[key]["sources"].get(stem)


def source_record(iri: str) -> list[tuple[Node, list[Node]]]:
    v = view()
    rows: dict[ox.NamedNode, list] = defaultdict(list)
    for t in v.triples(iri_node(iri)):
        if t.predicate.value in (RDF + "type",):
            continue
        rows[t.predicate].append(v.node(t.object))
    return sorted(((v.node(p), vals) for p, vals in rows.items()),
                  key=lambda r: r[0].text.casefold())


def all_sources() -> list[tuple[str, str, Node]]:
    """(stem, iri, title node) of every source document the graph has a record of."""
    v = view()
    doc_class = iri_node(base_iri() + "ontology#SourceDocument")
    prefix = base_iri() + "source/"
    out = []
    for t in v.triples(None, TYPE, doc_class):
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefix):
            out.append((t.subject.value[len(prefix):], t.subject.value, v.node(t.subject)))
    return sorted(out)


@bp.get("/doc/source/<path:name>")
def doc_source(name: str) -> Response:
    stem, ext = split_ext(name, RDF_FORMATS)
    iri = base_iri() + "source/" + stem
    known = SLUG_RE.match(stem) and is_known(iri)
    if not known and not (SLUG_RE.match(stem) and seed_only("source", stem)):
        return not_found_thing("source", stem)
    if ext != "html":
        return rdf_response(describe_rdf(iri) if known else [], ext)
    v = view()
    blocks = source_blocks(iri) if known else []
    n_facts = sum(len(b.facts) for b in blocks)
    n_figures = sum(len(b.figures) for b in blocks)
    return html("source.html", stem=stem, iri=iri, known=bool(known),
                title=v.label(iri_node(iri)) if known else stem,
                citation=v.citation(iri_node(iri)) if known else None,
                record=source_record(iri) if known else [], blocks=blocks,
                n_facts=n_facts, n_figures=n_figures, formats=format_links(iri),
                coverage=source_coverage(stem),
                graph=base_iri() + "graph/" + stem)


@bp.get("/source/")
def sources_index() -> Response:
    seeds = state().settings.seeds_dir
    listed = all_sources()
    have = {stem for stem, _, _ in listed}
    pending = []
    if seeds and Path(seeds).is_dir():
        pending = sorted(p.stem for p in Path(seeds).glob("*.txt") if p.stem not in have)
    counts = {}
    for stem, iri, _ in listed:
        counts[stem] = len(source_blocks(iri))
    return html("sources.html", sources=listed, pending=pending, counts=counts)


# --------------------------------------------------------------------------- named graphs


@bp.get("/graph/<name>")
def named_graph(name: str) -> Response:
    """A named graph is a document (a set of triples), so it is served in place, in any
    RDF format; a browser is sent to the page of the source it comes from."""
    stem, ext = split_ext(name, list(RDF_FORMATS) + list(QUAD_FORMATS))
    gname = base_iri() + "graph/" + stem
    try:
        gnode = iri_node(gname)
    except ValueError:
        gnode = None
    if gnode is None or not any(True for _ in state().store.quads_for_pattern(None, None, None,
                                                                              gnode)):
        return Response(f"404 Not Found: there is no named graph {gname}.\n", status=404,
                        mimetype="text/plain")
    offers = ["html", "trig", "nq", *RDF_FORMATS]
    if ext == "html" and name == stem:
        ext = negotiate(offers)
        if ext is None:
            return not_acceptable(offers)
        vary = True
    else:
        vary = False
    if ext == "html":
        if stem == "ontology":
            return see_other("/ontology")
        if stem in ("void", "links"):  # no source page: the data set page describes them
            return see_other("/doc/dataset")
        return see_other(doc_path(base_iri() + "source/" + stem))
    quads = list(state().store.quads_for_pattern(None, None, None, gnode))
    if ext in QUAD_FORMATS:
        resp = rdf_response(quads, ext, vary=vary)
    else:
        resp = rdf_response([q.triple for q in quads], ext, vary=vary)
    if vary:  # answered in place: name the variant sent (LINKED_DATA.md)
        resp.headers["Content-Location"] = f"/graph/{stem}.{ext}"
    # The graph's own IRI (its name in mgkg.trig and in the VoID) and where it is described.
    resp.headers["Link"] = (f'<{gname}>; rel="canonical", '
                            f'</doc/dataset>; rel="describedby"')
    return resp


