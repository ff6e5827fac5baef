"""The human and linked-data face of the graph: IRIs that dereference, pages that show
every fact with its evidence, the ontology's documentation, the query page, the data set
description and the downloads.

Cool URIs, the 303 way. An IRI under https://w3id.org/mgkg/id/ (or /source/, or the data
set IRI) names a thing in the world — an organization, a convention, a policy paper — not
a web page, so the server answers it with 303 See Other to a document *about* the thing,
chosen by the Accept header: /doc/id/iom (HTML), /doc/id/iom.ttl, .nt, .jsonld, .rdf.
Every representation thus has its own URL that can be linked, cited and cached, and no
client can mistake the page for the organization. Documents themselves (the ontology, the
named graphs) are answered in place with 200 and `Vary: Accept`. See docs/LINKED_DATA.md.

The server maps the IRI base (settings.base_iri) to wherever it runs: /id/iom here
describes https://w3id.org/mgkg/id/iom. Pages link only to this server and never load
anything from elsewhere; IRIs of other data sets are shown as text.

Pages are rendered from the store directly (never through /sparql), so they do not
depend on the endpoint's limits and cost a handful of index look-ups each.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
)
from werkzeug.exceptions import HTTPException, NotFound

from ..core.namespaces import PREFIXES
from ..endpoint.state import state
from ..store.query import query_header

bp = Blueprint("pages", __name__)

# --------------------------------------------------------------------------- vocabulary

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
VOIDNS = "http://rdfs.org/ns/void#"
DCATNS = "http://www.w3.org/ns/dcat#"
FOAFNS = "http://xmlns.com/foaf/0.1/"


RdfTerm = ox.NamedNode | ox.BlankNode | ox.Literal
Subject = ox.NamedNode | ox.BlankNode


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE = _n(RDF + "type")
FIRST, REST, NIL = _n(RDF + "first"), _n(RDF + "rest"), _n(RDF + "nil")
LABEL = _n(RDFS + "label")
COMMENT = _n(RDFS + "comment")
SUBCLASS = _n(RDFS + "subClassOf")
SUBPROP = _n(RDFS + "subPropertyOf")
DOMAIN, RANGE = _n(RDFS + "domain"), _n(RDFS + "range")
ISDEFINEDBY = _n(RDFS + "isDefinedBy")
ALT = _n(SKOS + "altLabel")
PREF = _n(SKOS + "prefLabel")
DEFINITION = _n(SKOS + "definition")
TITLE = _n(DCT + "title")
SOURCE = _n(DCT + "source")
CITATION = _n(DCT + "bibliographicCitation")
ISSUED = _n(DCT + "issued")
REPLACED_BY = _n(DCT + "isReplacedBy")
AX_SOURCE = _n(OWL + "annotatedSource")
AX_PROPERTY = _n(OWL + "annotatedProperty")
AX_TARGET = _n(OWL + "annotatedTarget")
AXIOM = _n(OWL + "Axiom")
DEPRECATED = _n(OWL + "deprecated")
INVERSE = _n(OWL + "inverseOf")
MEMBERS = _n(OWL + "members")
ALL_DISJOINT = _n(OWL + "AllDisjointClasses")
OWL_CLASS = _n(OWL + "Class")
NAMED_INDIVIDUAL = _n(OWL + "NamedIndividual")
OBJECT_PROPERTY = _n(OWL + "ObjectProperty")
DATATYPE_PROPERTY = _n(OWL + "DatatypeProperty")
ANNOTATION_PROPERTY = _n(OWL + "AnnotationProperty")
VERSION_IRI = _n(OWL + "versionIRI")
VERSION_INFO = _n(OWL + "versionInfo")

# Rendering order of the representations a negotiated resource offers. HTML comes first so
# that `Accept: */*` (and no Accept at all) gets the page a person can read.
RDF_FORMATS: dict[str, tuple[str, ox.RdfFormat, str]] = {
    # extension: (media type, oxigraph format, name shown to people)
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE, "Turtle"),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, "N-Triples"),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD, "JSON-LD"),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML, "RDF/XML"),
}
QUAD_FORMATS: dict[str, tuple[str, ox.RdfFormat, str]] = {
    "trig": ("application/trig", ox.RdfFormat.TRIG, "TriG"),
    "nq": ("application/n-quads", ox.RdfFormat.N_QUADS, "N-Quads"),
}
# Other names clients use for the same formats: media type -> extension.
ALIASES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/x-turtle": "ttl",
    "text/plain": "nt",
    "application/json": "jsonld",
    "application/xml": "rdf",
    "text/xml": "rdf",
}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~%-]*$")
# Prefixes for display only (the ontology uses them, the SPARQL prefix table does not).
DISPLAY_PREFIXES = {**PREFIXES, "vann": "http://purl.org/vocab/vann/",
                    "sd": "http://www.w3.org/ns/sparql-service-description#"}
# Words for the few standard terms the ontology uses without giving them a label, so a
# page says "subclass of", not "rdfs:subClassOf".
FALLBACK_LABELS = {
    RDF + "type": "type", RDFS + "label": "label", RDFS + "comment": "comment",
    RDFS + "subClassOf": "subclass of", RDFS + "subPropertyOf": "subproperty of",
    RDFS + "isDefinedBy": "defined by", RDFS + "seeAlso": "see also",
    RDFS + "domain": "domain", RDFS + "range": "range", OWL + "sameAs": "same as",
    OWL + "versionInfo": "version", OWL + "versionIRI": "version IRI",
    OWL + "deprecated": "deprecated", OWL + "inverseOf": "inverse of",
    OWL + "Class": "OWL class", OWL + "NamedIndividual": "named individual",
    OWL + "Thing": "thing", OWL + "Axiom": "axiom (evidence annotation)",
    OWL + "equivalentClass": "equivalent class", OWL + "disjointWith": "disjoint with",
    "http://purl.org/vocab/vann/preferredNamespacePrefix": "preferred namespace prefix",
    "http://purl.org/vocab/vann/preferredNamespaceUri": "preferred namespace URI",
}


# --------------------------------------------------------------------------- base mapping


def base_iri() -> str:
    return state().settings.base_iri


def mg_ns() -> str:
    return base_iri() + "ontology#"


def ontology_iri() -> str:
    return base_iri() + "ontology"


def local_path(iri: str) -> str | None:
    """Where on this server an IRI of ours is described (None for other data sets)."""
    base = base_iri()
    if iri.startswith(mg_ns()):
        return "/ontology#" + iri[len(mg_ns()):]
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return None


def doc_path(iri: str, ext: str | None = None) -> str:
    """The document about a thing of ours: /doc/id/iom, /doc/id/iom.ttl ..."""
    rest = iri[len(base_iri()):]
    return "/doc/" + rest + ("." + ext if ext else "")


def prefixed(iri: str) -> str | None:
    best = None
    for prefix, ns in DISPLAY_PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else None


def anchor(iri: str) -> str:
    """The fragment a term has in the ontology documentation: the local name for our own
    terms (so https://w3id.org/mgkg/ontology#Figure lands on #Figure), the prefixed name
    for reused ones (#skos:definition)."""
    if iri.startswith(mg_ns()):
        return iri[len(mg_ns()):]
    short = prefixed(iri)
    if short:
        return short
    return re.sub(r"[^A-Za-z0-9._:-]", "_", iri)


# --------------------------------------------------------------------------- negotiation


def negotiate(offers: list[str]) -> str | None:
    """The extension of the best representation for the request's Accept header, None if
    nothing offered is acceptable (the caller answers 406). `offers` are extensions in
    server preference order; "html" first makes browsers and `*/*` get the page."""
    accept = request.accept_mimetypes
    if not accept:
        return offers[0]
    types: list[str] = []
    owner: dict[str, str] = {}
    for ext in offers:
        media = "text/html" if ext == "html" else {**RDF_FORMATS, **QUAD_FORMATS}[ext][0]
        types.append(media)
        owner[media] = ext
    for media, ext in ALIASES.items():
        if ext in offers and media not in owner:
            types.append(media)
            owner[media] = ext
    best = accept.best_match(types)
    return owner.get(best) if best else None


def not_acceptable(offers: list[str]) -> Response:
    names = ["text/html" if e == "html" else {**RDF_FORMATS, **QUAD_FORMATS}[e][0]
             for e in offers]
    body = ("406 Not Acceptable: this resource is available as " + ", ".join(names) +
            ". Ask for one of them in the Accept header.\n")
    resp = Response(body, status=406, mimetype="text/plain")
    resp.headers["Vary"] = "Accept"
    return resp


def see_other(location: str) -> Response:
    resp = redirect(location, code=303)
    resp.headers["Vary"] = "Accept"
    return resp


def rdf_response(triples: Iterable[ox.Triple] | Iterable[ox.Quad], ext: str,
                 vary: bool = False) -> Response:
    media, fmt, _ = {**RDF_FORMATS, **QUAD_FORMATS}[ext]
    body = ox.serialize(list(triples), format=fmt,
                        prefixes=PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG,
                                                     ox.RdfFormat.RDF_XML) else None)
    resp = Response(body, content_type=_content_type(media))
    if vary:
        resp.headers["Vary"] = "Accept"
    return resp


def _content_type(media: str) -> str:
    """Text formats say their charset (all of ours are UTF-8); the rest define it."""
    return media + ("; charset=utf-8" if media.startswith("text/") else "")


def html(template: str, status: int = 200, **context) -> Response:
    resp = Response(render_template(template, **context), status=status,
                    mimetype="text/html")
    return resp


@bp.after_app_request
def _headers(resp: Response) -> Response:
    """Every HTML page is held to same-origin loads by CSP, so a page that tried to reach
    another host would fail in the browser, not just in review. Other blueprints' answers
    (the endpoint's) are theirs to dress."""
    if resp.mimetype == "text/html" and request.blueprint in (None, "pages"):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
    return resp


@bp.app_context_processor
def _context() -> dict:
    return {"base_iri": base_iri(), "local_path": local_path, "anchor": anchor,
            "prefixed": prefixed}


# --------------------------------------------------------------------------- store access


@dataclass
class Node:
    """An RDF term as a page shows it: what to print, where to link, what to hover."""

    text: str
    kind: str  # iri | literal | bnode
    iri: str | None = None
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None  # prefixed name of a non-string datatype

    def __str__(self) -> str:
        return self.text


@dataclass
class Evidence:
    source: Node | None
    citation: str
    quote: str | None
    start: int | None = None
    end: int | None = None
    comments: list[str] = field(default_factory=list)
    date: Node | None = None


@dataclass
class Fact:
    value: Node
    evidence: list[Evidence]


@dataclass
class Group:
    predicate: Node
    facts: list[Fact]


class View:
    """Read access for one request, with labels cached: one page asks for the label of
    the same predicate or source dozens of times."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._labels: dict[str, str] = {}
        self._citations: dict[str, str] = {}

    def quads(self, s: Subject | None = None, p: ox.NamedNode | None = None,
              o: RdfTerm | None = None, graph: ox.NamedNode | None = None
              ) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(s, p, o, graph)

    def triples(self, s: Subject | None = None, p: ox.NamedNode | None = None,
                o: RdfTerm | None = None, graph: ox.NamedNode | None = None
                ) -> list[ox.Triple]:
        """Triples in the union of the named graphs, each once."""
        seen: dict[ox.Triple, None] = {}
        for q in self.quads(s, p, o, graph):
            seen.setdefault(q.triple, None)
        return list(seen)

    def objects(self, s: Subject, p: ox.NamedNode) -> list[RdfTerm]:
        return [t.object for t in self.triples(s, p)]

    def value(self, s: Subject, p: ox.NamedNode) -> RdfTerm | None:
        for q in self.quads(s, p):
            return q.object
        return None

    def exists(self, term: RdfTerm) -> bool:
        return any(True for _ in self.quads(term)) or any(True for _ in self.quads(None, None,
                                                                                   term))

    def label(self, term: RdfTerm) -> str:
        if isinstance(term, ox.Literal):
            return term.value
        if isinstance(term, ox.BlankNode):
            return "(anonymous)"
        key = term.value
        if key not in self._labels:
            self._labels[key] = self._find_label(term)
        return self._labels[key]

    def _find_label(self, term: ox.NamedNode) -> str:
        fallback = None
        for prop in (LABEL, PREF, TITLE):
            for obj in self.objects(term, prop):
                if isinstance(obj, ox.Literal):
                    if obj.language in ("en", None) or obj.language.startswith("en-"):
                        return obj.value
                    fallback = fallback or obj.value
            if fallback:
                return fallback
        return FALLBACK_LABELS.get(term.value) or prefixed(term.value) or term.value

    def node(self, term: RdfTerm) -> Node:
        if isinstance(term, ox.NamedNode):
            iri = term.value
            return Node(self.label(term), "iri", iri=iri, href=self.href(iri))
        if isinstance(term, ox.BlankNode):
            return Node("_:" + term.value, "bnode")
        dt = term.datatype.value if term.datatype else None
        hint = None
        if dt and dt not in (XSD + "string", RDF + "langString"):
            hint = prefixed(dt) or dt
        return Node(term.value, "literal", lang=term.language, datatype=hint)

    def href(self, iri: str) -> str | None:
        path = local_path(iri)
        if path:
            return path
        if self.documented(iri):
            return "/ontology#" + anchor(iri)
        return None

    def documented(self, iri: str) -> bool:
        """Whether the ontology declares this (reused) term, so its docs have an entry."""
        return iri in ontology_terms()

    def citation(self, source: RdfTerm | None) -> str:
        """How a source document is cited on a page: its own citation, else title (date)."""
        if not isinstance(source, ox.NamedNode):
            return "unknown source"
        key = source.value
        if key not in self._citations:
            cite = self.value(source, CITATION)
            if cite is not None:
                text = cite.value
            else:
                title = self.value(source, TITLE)
                issued = self.value(source, ISSUED)
                text = title.value if title is not None else (prefixed(key) or key)
                if issued is not None:
                    text += f" ({issued.value})"
            self._citations[key] = text
        return self._citations[key]

    def evidence(self, node: Subject) -> Evidence | None:
        """The evidence an axiom (or a figure) carries: source, quote, offsets, notes."""
        props: dict[str, list] = defaultdict(list)
        for q in self.quads(node):
            props[q.predicate.value].append(q.object)
        sources = props.get(DCT + "source") or []
        quotes = props.get(base_iri() + "ontology#quote") or []
        if not sources and not quotes:
            return None
        source = sources[0] if sources else None
        start = props.get(base_iri() + "ontology#quoteStart")
        end = props.get(base_iri() + "ontology#quoteEnd")
        date = props.get(base_iri() + "ontology#date")
        return Evidence(
            source=self.node(source) if source is not None else None,
            citation=self.citation(source),
            quote=quotes[0].value if quotes else None,
            start=int(start[0].value) if start else None,
            end=int(end[0].value) if end else None,
            comments=sorted(c.value for c in props.get(RDFS + "comment", [])),
            date=self.node(date[0]) if date else None,
        )


def view() -> View:
    if "mgkg_view" not in g:
        g.mgkg_view = View(state().store)
    return g.mgkg_view


def _cache() -> dict:
    """Per-app memo for things computed once from the (immutable) release."""
    return current_app.extensions.setdefault("mgkg.pages", {})


def ontology_graph() -> ox.NamedNode:
    return _n(base_iri() + "graph/ontology")


def void_graph() -> ox.NamedNode:
    return _n(base_iri() + "graph/void")


def ontology_terms() -> set[str]:
    cache = _cache()
    if "terms" not in cache:
        terms = set()
        for q in state().store.quads_for_pattern(None, TYPE, None, ontology_graph()):
            if isinstance(q.subject, ox.NamedNode):
                terms.add(q.subject.value)
        cache["terms"] = terms
    return cache["terms"]


def dedupe_evidence(items: Iterable[Evidence | None]) -> list[Evidence]:
    out: dict[tuple, Evidence] = {}
    for ev in items:
        if ev is None:
            continue
        key = (ev.source.iri if ev.source else None, ev.quote, tuple(ev.comments))
        out.setdefault(key, ev)
    return sorted(out.values(), key=lambda e: (e.citation, e.start or 0))


# --------------------------------------------------------------------------- entity index


@dataclass
class Entry:
    iri: str
    label: str
    slug: str
    types: list[str]


def entities() -> list[Entry]:
    """Every thing described under /id/, with its label and types (for browsing and for
    suggesting a page when a slug is unknown)."""
    cache = _cache()
    if "entities" not in cache:
        prefix = base_iri() + "id/"
        query = f"""
            SELECT ?s (SAMPLE(?l) AS ?label)
                   (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types)
            WHERE {{
              ?s ?p ?o .
              FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{prefix}"))
              OPTIONAL {{ ?s <{RDFS}label> ?l
                         FILTER(langMatches(lang(?l), "en") || lang(?l) = "") }}
              OPTIONAL {{ ?s a ?t }}
            }} GROUP BY ?s"""
        out = []
        for row in state().store.query(query, use_default_graph_as_union=True):
            iri = row["s"].value
            label = row["label"].value if row["label"] is not None else iri[len(prefix):]
            types = row["types"].value.split() if row["types"] is not None else []
            out.append(Entry(iri, label, iri[len(prefix):], types))
        out.sort(key=lambda e: (e.label.casefold(), e.slug))
        cache["entities"] = out
    return cache["entities"]


def suggestions(text: str, limit: int = 8) -> list[Entry]:
    """Pages a person probably meant: slugs and labels close to what they typed, then
    labels containing its words."""
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) > 1]
    if not words:
        return []
    pool = entities()
    by_key: dict[str, Entry] = {}
    for e in pool:
        by_key.setdefault(e.slug, e)
        by_key.setdefault(e.label.lower(), e)
    picked: list[Entry] = []
    wanted = text.lower().replace("_", "-")
    for key in difflib.get_close_matches(wanted, list(by_key), n=limit, cutoff=0.6):
        if by_key[key] not in picked:
            picked.append(by_key[key])
    scored = []
    for e in pool:
        hay = f"{e.slug} {e.label.lower()}"
        hits = sum(1 for w in words if w in hay)
        if hits:
            scored.append((-hits, len(e.label), e))
    for _, _, e in sorted(scored, key=lambda t: (t[0], t[1], t[2].label)):
        if len(picked) >= limit:
            break
        if e not in picked:
            picked.append(e)
    return picked[:limit]


# --------------------------------------------------------------------------- describing


SHOWN_ELSEWHERE = {RDF + "type", RDFS + "label", SKOS + "altLabel", SKOS + "definition",
                   OWL + "deprecated", DCT + "isReplacedBy", RDFS + "comment"}


@dataclass
class Figure:
    node: Node
    measure: str
    value: str
    unit: str
    as_of: Node | None
    counts: list[Node]
    comments: list[str]
    evidence: list[Evidence]


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
    term = _n(iri)
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

    figure_of = _n(base_iri() + "ontology#figureOf")
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

    figures = [_figure(v, f) for f in figure_nodes]
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
        own_evidence=[own] if own else [],
        deprecated=deprecated,
        replaced_by=[v.node(o) for o in v.objects(term, REPLACED_BY)],
        sources=sorted(sources.values(), key=lambda n: n.text),
        graphs=[v.node(gn) for _, gn in sorted(graphs.items())],
    )


def _figure(v: View, fig: Subject) -> Figure:
    mg = base_iri() + "ontology#"

    def lit(name: str) -> str:
        val = v.value(fig, _n(mg + name))
        return val.value if isinstance(val, ox.Literal) else ""

    value = lit("value")
    if not value and (lit("minValue") or lit("maxValue")):
        value = f"{_num(lit('minValue'))}–{_num(lit('maxValue'))}"
    else:
        value = _num(value)
    qualifier = lit("valueQualifier")
    if qualifier and value:
        value = f"{qualifier} {value}"
    as_of = v.value(fig, _n(mg + "asOf"))
    evidence = dedupe_evidence([v.evidence(fig)])
    shown = {c for ev in evidence for c in ev.comments}
    return Figure(
        node=v.node(fig),
        measure=lit("measure") or v.label(fig),
        value=value,
        unit=lit("unit"),
        as_of=v.node(as_of) if as_of is not None else None,
        counts=[v.node(o) for o in v.objects(fig, _n(mg + "countsCategory"))],
        comments=sorted(o.value for o in v.objects(fig, COMMENT)
                        if isinstance(o, ox.Literal) and o.value not in shown),
        evidence=evidence,
    )


def _num(text: str) -> str:
    """Thousands separators for people; the data keeps the number whole."""
    if re.fullmatch(r"-?\d+", text or ""):
        return f"{int(text):,}"
    return text or ""


def describe_rdf(iri: str) -> list[ox.Triple]:
    """A resource's description for machines: what it says, what points at it, the
    evidence for both, its figures, and labels and types of everything it mentions, so a
    client can show the description without asking again."""
    v = view()
    term = _n(iri)
    out: dict[ox.Triple, None] = {}

    def add_all(triples: Iterable[ox.Triple]) -> None:
        for t in triples:
            out.setdefault(t, None)

    add_all(v.triples(term))
    add_all(t for t in v.triples(None, None, term) if isinstance(t.subject, ox.NamedNode))
    for role in (AX_SOURCE, AX_TARGET):
        for q in v.quads(None, role, term):
            add_all(v.triples(q.subject))
    for t in v.triples(None, _n(base_iri() + "ontology#figureOf"), term):
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


def _known(iri: str) -> bool:
    try:
        return view().exists(_n(iri))
    except ValueError:
        return False


def _negotiate_thing(kind: str, name: str) -> Response:
    """303 from the IRI of a thing to the document about it, in the format asked for."""
    iri = base_iri() + f"{kind}/{name}"
    if not SLUG_RE.match(name) or not (_known(iri) or _seed_only(kind, name)):
        return not_found_thing(kind, name)
    ext = negotiate(DOC_OFFERS)
    if ext is None:
        return not_acceptable(DOC_OFFERS)
    return see_other(doc_path(iri, None if ext == "html" else ext))


def _seed_only(kind: str, name: str) -> bool:
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


def _split_ext(name: str, allowed: Iterable[str]) -> tuple[str, str]:
    for ext in allowed:
        if name.endswith("." + ext):
            return name[: -len(ext) - 1], ext
    return name, "html"


@bp.get("/doc/id/<path:name>")
def doc_thing(name: str) -> Response:
    slug, ext = _split_ext(name, RDF_FORMATS)
    iri = base_iri() + "id/" + slug
    if not SLUG_RE.match(slug) or not _known(iri):
        return not_found_thing("id", slug)
    if ext != "html":
        return rdf_response(describe_rdf(iri), ext)
    desc = describe_html(iri)
    return html("resource.html", d=desc, formats=_format_links(iri))


def _format_links(iri: str) -> list[tuple[str, str, str]]:
    return [(name, doc_path(iri, ext), media) for ext, (media, _, name) in RDF_FORMATS.items()]


@bp.get("/id/")
def browse() -> Response:
    """Everything described, by type, with a filter: the way in for someone with no
    IRI to start from."""
    q = (request.args.get("q") or "").strip()
    pool = entities()
    if q:
        words = q.lower().split()
        pool = [e for e in pool if all(w in f"{e.slug} {e.label.lower()}" for w in words)]
    by_type: dict[str, list[Entry]] = defaultdict(list)
    v = view()
    for e in pool:
        mg_types = [t for t in e.types if t.startswith(mg_ns())] or e.types or [""]
        by_type[mg_types[0]].append(e)
    sections = []
    for t, items in by_type.items():
        sections.append((v.node(_n(t)) if t else Node("Untyped", "literal"), items))
    sections.sort(key=lambda s: s[0].text.casefold())
    return html("browse.html", sections=sections, q=q, total=len(pool))


# --------------------------------------------------------------------------- sources


@dataclass
class QuoteBlock:
    quote: str
    start: int | None
    end: int | None
    facts: list[tuple[Node, Node, Node]]
    figures: list[Figure]
    comments: list[str]


def source_blocks(source_iri: str) -> list[QuoteBlock]:
    """What the graph takes from one document, one block per quote, in document order."""
    v = view()
    src = _n(source_iri)
    blocks: dict[str, QuoteBlock] = {}
    fig_class = _n(base_iri() + "ontology#Figure")
    for q in v.quads(None, SOURCE, src):
        node = q.subject
        ev = v.evidence(node)
        if ev is None or ev.quote is None:
            continue
        block = blocks.get(ev.quote)
        if block is None:
            block = blocks[ev.quote] = QuoteBlock(ev.quote, ev.start, ev.end, [], [], [])
        if any(True for _ in v.quads(node, TYPE, fig_class)):
            block.figures.append(_figure(v, node))
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


def source_record(iri: str) -> list[tuple[Node, list[Node]]]:
    v = view()
    rows: dict[ox.NamedNode, list] = defaultdict(list)
    for t in v.triples(_n(iri)):
        if t.predicate.value in (RDF + "type",):
            continue
        rows[t.predicate].append(v.node(t.object))
    return sorted(((v.node(p), vals) for p, vals in rows.items()),
                  key=lambda r: r[0].text.casefold())


def all_sources() -> list[tuple[str, str, Node]]:
    """(stem, iri, title node) of every source document the graph has a record of."""
    v = view()
    doc_class = _n(base_iri() + "ontology#SourceDocument")
    prefix = base_iri() + "source/"
    out = []
    for t in v.triples(None, TYPE, doc_class):
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefix):
            out.append((t.subject.value[len(prefix):], t.subject.value, v.node(t.subject)))
    return sorted(out)


@bp.get("/doc/source/<path:name>")
def doc_source(name: str) -> Response:
    stem, ext = _split_ext(name, RDF_FORMATS)
    iri = base_iri() + "source/" + stem
    known = SLUG_RE.match(stem) and _known(iri)
    if not known and not (SLUG_RE.match(stem) and _seed_only("source", stem)):
        return not_found_thing("source", stem)
    if ext != "html":
        return rdf_response(describe_rdf(iri) if known else [], ext)
    v = view()
    blocks = source_blocks(iri) if known else []
    n_facts = sum(len(b.facts) for b in blocks)
    n_figures = sum(len(b.figures) for b in blocks)
    return html("source.html", stem=stem, iri=iri, known=bool(known),
                title=v.label(_n(iri)) if known else stem,
                citation=v.citation(_n(iri)) if known else None,
                record=source_record(iri) if known else [], blocks=blocks,
                n_facts=n_facts, n_figures=n_figures, formats=_format_links(iri),
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
    stem, ext = _split_ext(name, list(RDF_FORMATS) + list(QUAD_FORMATS))
    gname = base_iri() + "graph/" + stem
    try:
        gnode = _n(gname)
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
        return rdf_response(quads, ext, vary=vary)
    return rdf_response([q.triple for q in quads], ext, vary=vary)


# --------------------------------------------------------------------------- ontology


@dataclass
class Term:
    iri: str
    anchor: str
    label: str
    short: str
    kinds: list[str]
    definitions: list[str]
    comments: list[str]
    alt_labels: list[str]
    rows: list[tuple[str, list[Node]]]
    usage: int
    deprecated: bool
    href: str | None = None  # where its own page is, for terms described under /id/
    query_href: str | None = None  # the query page, asking for the term's uses


def _rdf_list(store: ox.Store, head: RdfTerm, graph: ox.NamedNode) -> list[RdfTerm]:
    items = []
    seen = set()
    while isinstance(head, ox.BlankNode | ox.NamedNode) and head != NIL and head not in seen:
        seen.add(head)
        first = next(iter(store.quads_for_pattern(head, FIRST, None, graph)), None)
        if first is None:
            break
        items.append(first.object)
        rest = next(iter(store.quads_for_pattern(head, REST, None, graph)), None)
        head = rest.object if rest else NIL
    return items


def ontology_doc() -> dict:
    """The ontology's documentation, computed once: it cannot change while serving."""
    cache = _cache()
    if "ontology" in cache:
        return cache["ontology"]
    store = state().store
    og = ontology_graph()
    v = View(store)
    onto = _n(ontology_iri())

    def objs(s: Subject, p: ox.NamedNode) -> list[RdfTerm]:
        return [q.object for q in store.quads_for_pattern(s, p, None, og)]

    def lits(s: Subject, p: ox.NamedNode) -> list[str]:
        return sorted({o.value for o in objs(s, p) if isinstance(o, ox.Literal)})

    # The union default graph repeats a triple stated in two named graphs: count it once.
    usage: dict[str, int] = {}
    for q in ("SELECT ?t (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?t ?o { ?s ?t ?o } } "
              "GROUP BY ?t",
              "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t"):
        for r in store.query(q, use_default_graph_as_union=True):
            if isinstance(r["t"], ox.NamedNode):
                usage[r["t"].value] = usage.get(r["t"].value, 0) + int(r["n"].value)

    disjoint: dict[str, set] = defaultdict(set)
    for q in store.quads_for_pattern(None, TYPE, ALL_DISJOINT, og):
        for m in (_rdf_list(store, o, og) for o in objs(q.subject, MEMBERS)):
            for a in m:
                for b in m:
                    if a != b and isinstance(b, ox.NamedNode):
                        disjoint[a.value].add(b)

    kinds_of: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, TYPE, None, og):
        if isinstance(q.subject, ox.NamedNode):
            kinds_of[q.subject.value].add(q.object.value)

    def named(nodes: Iterable[RdfTerm]) -> list[Node]:
        return sorted((v.node(o) for o in nodes if isinstance(o, ox.NamedNode)),
                      key=lambda n: n.text.casefold())

    sections: dict[str, list[Term]] = defaultdict(list)
    for iri, kinds in kinds_of.items():
        if iri == onto.value:
            continue
        s = _n(iri)
        kind_names = []
        if OWL + "Class" in kinds:
            kind_names.append("class")
        for k, name in ((OWL + "ObjectProperty", "object property"),
                        (OWL + "DatatypeProperty", "datatype property"),
                        (OWL + "AnnotationProperty", "annotation property"),
                        (OWL + "FunctionalProperty", "functional"),
                        (OWL + "SymmetricProperty", "symmetric"),
                        (OWL + "TransitiveProperty", "transitive"),
                        (OWL + "NamedIndividual", "individual")):
            if k in kinds:
                kind_names.append(name)
        rows: list[tuple[str, list[Node]]] = []
        own = [o for o in objs(s, TYPE) if o.value not in (
            OWL + "Class", OWL + "NamedIndividual", OWL + "ObjectProperty",
            OWL + "DatatypeProperty", OWL + "AnnotationProperty", OWL + "FunctionalProperty",
            OWL + "SymmetricProperty", OWL + "TransitiveProperty")]
        for label, nodes in (
            ("Instance of", own),
            ("Subclass of", objs(s, SUBCLASS)),
            ("Superclass of", [q.subject for q in store.quads_for_pattern(None, SUBCLASS, s,
                                                                          og)]),
            ("Disjoint with", list(disjoint.get(iri, ()))),
            ("Subproperty of", objs(s, SUBPROP)),
            ("Superproperty of", [q.subject for q in store.quads_for_pattern(None, SUBPROP, s,
                                                                             og)]),
            ("Domain", objs(s, DOMAIN)),
            ("Range", objs(s, RANGE)),
            ("Inverse of", objs(s, INVERSE) + [q.subject for q in
                                               store.quads_for_pattern(None, INVERSE, s, og)]),
            ("Used as domain of", [q.subject for q in store.quads_for_pattern(None, DOMAIN, s,
                                                                              og)]),
            ("Used as range of", [q.subject for q in store.quads_for_pattern(None, RANGE, s,
                                                                             og)]),
            ("Replaced by", objs(s, REPLACED_BY)),
            ("Defined by", objs(s, ISDEFINEDBY)),
        ):
            nodes_ = named(nodes)
            if nodes_:
                rows.append((label, nodes_))
        term = Term(
            iri=iri, anchor=anchor(iri), label=v.label(s), short=prefixed(iri) or iri,
            kinds=kind_names, definitions=lits(s, DEFINITION), comments=lits(s, COMMENT),
            alt_labels=lits(s, ALT), rows=rows, usage=usage.get(iri, 0),
            deprecated=any(o.value in ("true", "1") for o in objs(s, DEPRECATED)),
            href=local_path(iri) if not iri.startswith(mg_ns()) else None,
            query_href=_uses_query(iri, "class" in kind_names) if usage.get(iri) else None,
        )
        if iri.startswith(mg_ns()):
            if "class" in kind_names:
                section = "classes"
            elif "object property" in kind_names:
                section = "object"
            elif "datatype property" in kind_names:
                section = "datatype"
            else:
                section = "annotation"
        elif iri.startswith(base_iri()):
            section = "categories" if "class" in kind_names else "individuals"
        else:
            section = "reused"
        sections[section].append(term)
    for terms in sections.values():
        terms.sort(key=lambda t: t.label.casefold())

    header = []
    for q in store.quads_for_pattern(onto, None, None, og):
        if q.predicate in (TYPE,):
            continue
        header.append((v.node(q.predicate), v.node(q.object)))
    header.sort(key=lambda r: r[0].text.casefold())
    version = next((o.value for o in objs(onto, VERSION_INFO)), None)
    version_iri = next((o.value for o in objs(onto, VERSION_IRI)), None)
    titles = lits(onto, TITLE)
    descriptions = lits(onto, _n(DCT + "description"))
    order = [("classes", "Classes"), ("object", "Object properties"),
             ("datatype", "Datatype properties"), ("annotation", "Annotation properties"),
             ("categories", "Migrant categories (classes described under /id/)"),
             ("individuals", "Named individuals"),
             ("reused", "Reused terms from other vocabularies")]
    doc = {
        "iri": onto.value, "title": titles[0] if titles else "mgkg ontology",
        "descriptions": descriptions, "version": version, "version_iri": version_iri,
        "header": header, "namespace": mg_ns(),
        "sections": [(key, name, sections[key]) for key, name in order if sections.get(key)],
    }
    cache["ontology"] = doc
    return doc


def _uses_query(iri: str, is_class: bool) -> str:
    """A link to the query page that lists where a term is used: the documentation
    answers "what is it", the graph "where is it"."""
    if is_class:
        text = (f"# Things of type <{iri}>\n"
                f"SELECT ?thing ?label WHERE {{\n  ?thing a <{iri}> .\n"
                f"  OPTIONAL {{ ?thing <{RDFS}label> ?label }}\n}}\nORDER BY ?label\n")
    else:
        text = (f"# Uses of <{iri}>\n"
                f"SELECT ?subject ?value WHERE {{\n  ?subject <{iri}> ?value .\n}}\n"
                f"LIMIT 500\n")
    return "/?" + urlencode({"query": text})


def ontology_triples() -> list[ox.Triple]:
    return [q.triple for q in state().store.quads_for_pattern(None, None, None,
                                                              ontology_graph())]


ONTOLOGY_OFFERS = ["html", "ttl", "rdf", "nt", "jsonld"]
ONTOLOGY_EXT = {"html": "html", "ttl": "ttl", "owl": "rdf", "rdf": "rdf", "nt": "nt",
                "jsonld": "jsonld"}


def _ontology_response(ext: str | None, vary: bool) -> Response:
    if ext is None:
        return not_acceptable(ONTOLOGY_OFFERS)
    if ext == "html":
        resp = html("ontology.html", o=ontology_doc())
    else:
        resp = rdf_response(ontology_triples(), ext)
    if vary:
        resp.headers["Vary"] = "Accept"
        resp.headers["Content-Location"] = "/ontology." + ("owl" if ext == "rdf" else ext)
    return resp


@bp.get("/ontology")
def ontology() -> Response:
    """The ontology IRI is a document (an OWL ontology), so it is answered in place: 200
    with Vary: Accept. A term IRI (…/ontology#Figure) reaches this page and the browser
    scrolls to the term's entry."""
    return _ontology_response(negotiate(ONTOLOGY_OFFERS), vary=True)


@bp.get("/ontology.<ext>")
def ontology_variant(ext: str) -> Response:
    if ext not in ONTOLOGY_EXT:
        raise NotFound(f"no /ontology.{ext}; try .html, .ttl, .owl, .nt or .jsonld")
    return _ontology_response(ONTOLOGY_EXT[ext], vary=False)


@bp.get("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """The versionIRI of the release being served answers like the ontology IRI; other
    versions are not kept by this server."""
    doc = ontology_doc()
    if version != doc.get("version"):
        return Response(f"404 Not Found: this server has ontology version {doc.get('version')}"
                        f", not {version}. See /ontology.\n", status=404, mimetype="text/plain")
    return _ontology_response(negotiate(ONTOLOGY_OFFERS), vary=True)


# --------------------------------------------------------------------------- data set


def void_triples() -> list[ox.Triple]:
    return [q.triple for q in state().store.quads_for_pattern(None, None, None, void_graph())]


@bp.get("/dataset")
@bp.get("/.well-known/void")
def dataset_thing() -> Response:
    """The data set is a thing, described by the VoID/DCAT document: 303, like /id/.
    /.well-known/void is where the VoID specification tells clients to look."""
    ext = negotiate(DOC_OFFERS)
    if ext is None:
        return not_acceptable(DOC_OFFERS)
    return see_other("/doc/dataset" + ("" if ext == "html" else "." + ext))


@bp.get("/doc/dataset")
@bp.get("/doc/dataset.<ext>")
def doc_dataset(ext: str = "html") -> Response:
    if ext != "html" and ext not in RDF_FORMATS:
        raise NotFound(f"no /doc/dataset.{ext}; try .ttl, .nt, .jsonld or .rdf")
    triples = void_triples()
    if ext != "html":
        return rdf_response(triples, ext)
    return html("dataset.html", ds=dataset_view(triples),
                formats=_format_links(base_iri() + "dataset"))


def dataset_view(triples: list[ox.Triple]) -> dict:
    """The VoID/DCAT description arranged for a page."""
    v = View(state().store)
    by_s: dict = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_s[t.subject][t.predicate.value].append(t.object)
    ds = by_s.get(_n(base_iri() + "dataset"), {})

    def one(props: dict, key: str, default: str = "") -> str:
        vals = props.get(key) or []
        return vals[0].value if vals else default

    def num(props: dict, key: str) -> str:
        val = one(props, key)
        return f"{int(val):,}" if val.isdigit() else val

    dumps = []
    for dist in ds.get(DCATNS + "distribution", []):
        p = by_s.get(dist, {})
        url = one(p, DCATNS + "downloadURL") or one(p, DCATNS + "accessURL")
        media = one(p, DCATNS + "mediaType").rsplit("media-types/", 1)[-1]
        size = one(p, DCATNS + "byteSize")
        dumps.append({"title": one(p, DCT + "title"), "href": local_path(url) or url,
                      "media": media, "size": f"{int(size):,} bytes" if size else ""})
    dumps.sort(key=lambda d: d["href"])
    classes = []
    for part in ds.get(VOIDNS + "classPartition", []):
        p = by_s.get(part, {})
        cls = (p.get(VOIDNS + "class") or [None])[0]
        if cls is not None:
            classes.append((v.node(cls), num(p, VOIDNS + "entities")))
    classes.sort(key=lambda r: r[0].text.casefold())
    props = []
    for part in ds.get(VOIDNS + "propertyPartition", []):
        p = by_s.get(part, {})
        prop = (p.get(VOIDNS + "property") or [None])[0]
        if prop is not None:
            props.append((v.node(prop), num(p, VOIDNS + "triples"),
                          num(p, VOIDNS + "distinctSubjects"), num(p, VOIDNS + "distinctObjects")))
    props.sort(key=lambda r: r[0].text.casefold())
    subsets, linksets = [], []
    for sub in ds.get(VOIDNS + "subset", []):
        p = by_s.get(sub, {})
        types = {o.value for o in p.get(RDF + "type", [])}
        if VOIDNS + "Linkset" in types:
            target = (p.get(VOIDNS + "objectsTarget") or [None])[0]
            tp = by_s.get(target, {}) if target is not None else {}
            linksets.append({
                "predicate": v.node((p.get(VOIDNS + "linkPredicate") or [TYPE])[0]),
                "target": one(tp, DCT + "title") or one(tp, VOIDNS + "uriSpace"),
                "space": one(tp, VOIDNS + "uriSpace"),
                "triples": num(p, VOIDNS + "triples")})
        else:
            src = (p.get(DCT + "source") or [None])[0]
            subsets.append({"iri": sub.value, "href": local_path(sub.value),
                            "title": one(p, DCT + "title"),
                            "source": v.node(src) if src is not None else None,
                            "triples": num(p, VOIDNS + "triples")})
    subsets.sort(key=lambda s: s["iri"])
    creators = []
    for c in ds.get(DCT + "creator", []):
        cp = by_s.get(c, {})
        creators.append(one(cp, FOAFNS + "name") or (c.value if isinstance(c, ox.Literal)
                                                      else c.value))
    return {
        "iri": base_iri() + "dataset",
        "title": one(ds, DCT + "title", "Migration Governance Knowledge Graph"),
        "description": one(ds, DCT + "description"),
        "license": one(ds, DCT + "license"),
        "creators": creators,
        "created": one(ds, DCT + "created"), "modified": one(ds, DCT + "modified"),
        "issued": one(ds, DCT + "issued"),
        "version": one(ds, DCATNS + "version"),
        "triples": num(ds, VOIDNS + "triples"), "entities": num(ds, VOIDNS + "entities"),
        "classes_n": num(ds, VOIDNS + "classes"), "properties_n": num(ds, VOIDNS + "properties"),
        "endpoint": one(ds, VOIDNS + "sparqlEndpoint"),
        "vocabularies": sorted(o.value for o in ds.get(VOIDNS + "vocabulary", [])),
        "sources": sorted((v.node(o) for o in ds.get(DCT + "source", [])),
                          key=lambda n: n.text),
        "dumps": dumps, "classes": classes, "properties": props, "subsets": subsets,
        "linksets": linksets, "described": bool(ds),
    }


# --------------------------------------------------------------------------- downloads


def release_files() -> dict[str, str]:
    from ..release.build import RELEASE_FILES  # the one list of what a release holds

    return RELEASE_FILES


@bp.get("/download/")
def downloads() -> Response:
    dist = state().settings.dist_dir
    sums = {}
    sums_file = dist / "SHA256SUMS"
    if sums_file.is_file():
        for line in sums_file.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            sums[name.strip()] = digest
    files = []
    for name, media in release_files().items():
        path = dist / name
        if path.is_file():
            files.append({"name": name, "media": media, "size": f"{path.stat().st_size:,}",
                          "sha256": sums.get(name, "")})
    return html("downloads.html", files=files)


@bp.get("/download/<name>")
def download(name: str) -> Response:
    media = release_files().get(name)
    path = state().settings.dist_dir / name
    if media is None or not path.is_file():
        known = ", ".join(release_files())
        return Response(f"404 Not Found: the release has no file {name!r}. Files: {known}.\n",
                        status=404, mimetype="text/plain")
    resp = send_file(path, mimetype=media, conditional=True, etag=True, max_age=300)
    resp.headers["Content-Type"] = _content_type(media)
    resp.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return resp


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


__all__ = ["bp", "local_path", "doc_path", "negotiate"]
