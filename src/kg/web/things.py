"""Things under /id/: their descriptions (facts with evidence, figures) as HTML and RDF,
the 303 from a thing's IRI to its document, and the browse index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import (
    Response,
    request,
)

from ..endpoint.state import state
from .cite import short_names
from .claims import negative_groups
from .classtree import class_tree, untyped
from .common import (
    ALT,
    AX_PROPERTY,
    AX_SOURCE,
    AX_TARGET,
    CITATION,
    COMMENT,
    DCT,
    DEPRECATED,
    INVERSE,
    LABEL,
    OWL,
    RDF,
    RDF_FORMATS,
    RDFS,
    REPLACED_BY,
    SKOS,
    SLUG_RE,
    TITLE,
    TYPE,
    RdfTerm,
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
from .figchart import charts, figure_anchor
from .figures import Figure, describe_figure
from .view import (
    Evidence,
    Fact,
    Group,
    Node,
    View,
    dedupe_evidence,
    entities,
    suggestions,
    view,
    void_graph,
)

# --------------------------------------------------------------------------- describing


SHOWN_ELSEWHERE = {RDF + "type", RDFS + "label", SKOS + "altLabel", SKOS + "definition",
                   OWL + "deprecated", DCT + "isReplacedBy", RDFS + "comment"}


@dataclass
class Description:
    iri: str
    label: str
    types: list[Node]
    alt_labels: list[str]
    definitions: list[Fact]
    comments: list[str]
    outgoing: list[Group]
    incoming: list[Group]
    figures: list[Figure]
    negatives: list[Group]
    own_evidence: list[Evidence]
    deprecated: bool
    replaced_by: list[Node]
    sources: list[Node]
    graphs: list[Node]


def _axiom_index(v: View, term: RdfTerm, role: ox.NamedNode) -> dict[tuple, list[Evidence]]:
    """Evidence for the facts in which `term` is the subject (role annotatedSource, keyed by
    (predicate, object)) or the object (role annotatedTarget, keyed by (subject, predicate))."""
    index: dict[tuple, list[Evidence]] = defaultdict(list)
    for q in v.quads(None, role, term):
        ax = q.subject
        prop = v.value(ax, AX_PROPERTY)
        other = v.value(ax, AX_TARGET if role == AX_SOURCE else AX_SOURCE)
        if prop is None or other is None:
            continue
        key = (prop, other) if role == AX_SOURCE else (other, prop)
        ev = v.evidence(ax)
        if ev is not None:
            index[key].append(ev)
    return index


def _group(v: View, rows: dict[ox.NamedNode, list[tuple]], inverse: bool) -> list[Group]:
    groups = []
    for pred, pairs in rows.items():
        pnode = v.node(pred)
        if inverse:
            inv = v.value(pred, INVERSE) or next(
                (t.subject for t in v.triples(None, INVERSE, pred)), None)
            if inv is not None:
                inv_node = v.node(inv)
                pnode = Node(inv_node.text, "iri", iri=inv_node.iri, href=inv_node.href)
            else:
                pnode = Node(f"← {pnode.text}", "iri", iri=pnode.iri, href=pnode.href)
        facts = [Fact(v.node(t), dedupe_evidence(ev)) for t, ev in pairs]
        facts.sort(key=lambda f: (f.value.kind != "iri", f.value.text.casefold()))
        groups.append(Group(pnode, facts))
    groups.sort(key=lambda gr: gr.predicate.text.casefold())
    return groups


def describe_html(iri: str) -> Description | None:
    v = view()
    term = iri_node(iri)
    if not v.exists(term):
        return None
    out_index = _axiom_index(v, term, AX_SOURCE)
    in_index = _axiom_index(v, term, AX_TARGET)
    own = v.evidence(term)
    own_keys = {DCT + "source", base_iri() + "ontology#quote",
                base_iri() + "ontology#quoteStart", base_iri() + "ontology#quoteEnd"}

    outgoing: dict[ox.NamedNode, list[tuple]] = defaultdict(list)
    definitions: list[Fact] = []
    for t in v.triples(term):
        p = t.predicate.value
        if p == SKOS + "definition":
            definitions.append(Fact(v.node(t.object),
                                    dedupe_evidence(out_index.get((t.predicate, t.object), []))))
            continue
        if p in SHOWN_ELSEWHERE or (own is not None and p in own_keys):
            continue
        outgoing[t.predicate].append((t.object, out_index.get((t.predicate, t.object), [])))

    figure_of = iri_node(base_iri() + "ontology#figureOf")
    incoming: dict[ox.NamedNode, list[tuple]] = defaultdict(list)
    figure_nodes = []
    vg = void_graph()
    for t in dict.fromkeys(q.triple for q in v.quads(None, None, term) if q.graph_name != vg):
        if not isinstance(t.subject, ox.NamedNode):
            continue  # axiom annotations: shown as evidence, not as relations
        if t.predicate == figure_of:
            figure_nodes.append(t.subject)
            continue
        incoming[t.predicate].append((t.subject, in_index.get((t.subject, t.predicate), [])))

    sources: dict[str, Node] = {}
    for evs in list(out_index.values()) + list(in_index.values()) + [[own] if own else []]:
        for ev in evs:
            if ev and ev.source and ev.source.iri:
                sources.setdefault(ev.source.iri, ev.source)

    figures = [describe_figure(v, f) for f in figure_nodes]
    for fig in figures:
        for ev in fig.evidence:
            if ev.source and ev.source.iri:
                sources.setdefault(ev.source.iri, ev.source)
    figures.sort(key=lambda f: (f.measure.casefold(), f.as_of.text if f.as_of else ""))

    graphs = {q.graph_name.value: q.graph_name for q in v.quads(term)
              if isinstance(q.graph_name, ox.NamedNode)}
    types = [v.node(t) for t in v.objects(term, TYPE)]
    types.sort(key=lambda n: n.text.casefold())
    alt = sorted({o.value for o in v.objects(term, ALT) if isinstance(o, ox.Literal)})
    deprecated = any(isinstance(o, ox.Literal) and o.value in ("true", "1")
                     for o in v.objects(term, DEPRECATED))
    return Description(
        iri=iri,
        label=v.label(term),
        types=types,
        alt_labels=alt,
        definitions=definitions,
        comments=sorted(o.value for o in v.objects(term, COMMENT) if isinstance(o, ox.Literal)),
        outgoing=_group(v, outgoing, inverse=False),
        incoming=_group(v, incoming, inverse=True),
        figures=figures,
        negatives=negative_groups(v, term),
        own_evidence=[own] if own else [],
        deprecated=deprecated,
        replaced_by=[v.node(o) for o in v.objects(term, REPLACED_BY)],
        sources=sorted(sources.values(), key=lambda n: n.text),
        graphs=[v.node(gn) for _, gn in sorted(graphs.items())],
    )


def describe_rdf(iri: str) -> list[ox.Triple]:
    """A resource's description for machines: what it says, what points at it, the
    evidence for both, its figures, and labels and types of everything it mentions, so a
    client can show the description without asking again."""
    v = view()
    term = iri_node(iri)
    out: dict[ox.Triple, None] = {}

    def add_all(triples: Iterable[ox.Triple]) -> None:
        for t in triples:
            out.setdefault(t, None)

    add_all(v.triples(term))
    add_all(t for t in v.triples(None, None, term) if isinstance(t.subject, ox.NamedNode))
    for role in (AX_SOURCE, AX_TARGET):
        for q in v.quads(None, role, term):
            add_all(v.triples(q.subject))
    for t in v.triples(None, iri_node(base_iri() + "ontology#figureOf"), term):
        add_all(v.triples(t.subject))
    mentioned = {x for t in list(out) for x in (t.subject, t.predicate, t.object)
                 if isinstance(x, ox.NamedNode) and x != term}
    for m in mentioned:
        add_all(v.triples(m, LABEL))
        if m.value.startswith(base_iri() + "id/"):
            add_all(v.triples(m, TYPE))
        if m.value.startswith(base_iri() + "source/"):
            add_all(v.triples(m, TITLE))
            add_all(v.triples(m, CITATION))
    return list(out)


# --------------------------------------------------------------------------- routes: things


DOC_OFFERS = ["html", "ttl", "nt", "jsonld", "rdf"]


def is_known(iri: str) -> bool:
    try:
        return view().exists(iri_node(iri))
    except ValueError:
        return False


def _negotiate_thing(kind: str, name: str) -> Response:
    """303 from the IRI of a thing to the document about it, in the format asked for."""
    iri = base_iri() + f"{kind}/{name}"
    if not SLUG_RE.match(name) or not (is_known(iri) or seed_only(kind, name)):
        return not_found_thing(kind, name)
    ext = negotiate(DOC_OFFERS)
    if ext is None:
        return not_acceptable(DOC_OFFERS)
    return see_other(doc_path(iri, None if ext == "html" else ext))


def seed_only(kind: str, name: str) -> bool:
    """A source document the project has the text of but no facts from yet still has a
    page: its IRI is already defined by the GUIDE's naming rule."""
    if kind != "source":
        return False
    seeds = state().settings.seeds_dir
    return bool(seeds) and (Path(seeds) / f"{name}.txt").is_file()


def not_found_thing(kind: str, name: str) -> Response:
    sugg = suggestions(name) if kind == "id" else []
    if negotiate(["html", "ttl"]) == "html" or not request.accept_mimetypes:
        return html("not_found.html", status=404, what=f"/{kind}/{name}",
                    iri=base_iri() + f"{kind}/{name}", suggestions=sugg,
                    query=name.replace("-", " "))
    lines = [f"404 Not Found: nothing is described at {base_iri()}{kind}/{name}."]
    if sugg:
        lines.append("Did you mean:")
        lines += [f"  {s.iri}  ({s.label})" for s in sugg]
    return Response("\n".join(lines) + "\n", status=404, mimetype="text/plain")


@bp.get("/id/<path:slug>")
def thing(slug: str) -> Response:
    return _negotiate_thing("id", slug)


@bp.get("/source/<path:stem>")
def source_thing(stem: str) -> Response:
    return _negotiate_thing("source", stem)


def split_ext(name: str, allowed: Iterable[str]) -> tuple[str, str]:
    for ext in allowed:
        if name.endswith("." + ext):
            return name[: -len(ext) - 1], ext
    return name, "html"


@bp.get("/doc/id/<path:name>")
def doc_thing(name: str) -> Response:
    slug, ext = split_ext(name, RDF_FORMATS)
    iri = base_iri() + "id/" + slug
    if not SLUG_RE.match(slug) or not is_known(iri):
        return not_found_thing("id", slug)
    if ext != "html":
        return rdf_response(describe_rdf(iri), ext)
    desc = describe_html(iri)
    v = view()
    refs = source_refs(v, desc)
    shorts = {**short_names(v), **{r.node.iri: r.short for r in refs}}
    return html("resource.html", d=desc, formats=format_links(iri), shorts=shorts, refs=refs,
                charts=charts(desc.figures, shorts), fig_anchor=figure_anchor)


@dataclass
class SourceRef:
    """A source as the resource page lists it once: short name, full citation, and how
    many of the page's pieces of evidence come from it (for the filter)."""

    node: Node
    short: str
    citation: str
    anchor: str
    count: int


def all_evidence(d: Description) -> list[Evidence]:
    out = list(d.own_evidence)
    for f in d.definitions:
        out += f.evidence
    for g in d.outgoing + d.incoming + d.negatives:
        for f in g.facts:
            out += f.evidence
    for fig in d.figures:
        out += fig.evidence
    return out


def source_refs(v: View, d: Description) -> list[SourceRef]:
    counts: dict[str, int] = defaultdict(int)
    nodes: dict[str, Node] = {}
    for ev in all_evidence(d):
        if ev.source and ev.source.iri:
            counts[ev.source.iri] += 1
            nodes[ev.source.iri] = ev.source
    names = short_names(v)
    # A source that is not a source document (a table a link out was read from) has no
    # short name: the first word of its label stands in.
    refs = [SourceRef(nodes[i], names.get(i) or _first_word(nodes[i].text), v.citation(iri_node(i)),
                      "src-" + i.rsplit("/", 1)[-1], n) for i, n in counts.items()]
    return sorted(refs, key=lambda r: r.short.casefold())


def _first_word(label: str) -> str:
    return label if len(label) <= 30 else label.split()[0][:30] + "…"


def format_links(iri: str) -> list[tuple[str, str, str]]:
    return [(name, doc_path(iri, ext), media) for ext, (media, _, name) in RDF_FORMATS.items()]


@bp.get("/id/")
def browse() -> Response:
    """Everything described, as a tree of the ontology's classes with counts that
    include subclasses, and a filter: the way in for someone with no IRI to start from."""
    q = (request.args.get("q") or "").strip()
    pool = entities()
    if q:
        words = q.lower().split()
        pool = [e for e in pool if all(w in f"{e.slug} {e.label.lower()}" for w in words)]
    v = view()
    others = [(v.node(iri_node(t)) if t else Node("Untyped", "literal"), items)
              for t, items in untyped(pool, v)]
    return html("browse.html", tree=class_tree(v, pool), others=others, q=q, total=len(pool))
