"""Read access to the store for pages: terms as a page shows them, evidence of axioms,
labels cached per request, and the index of everything described under /id/.

Pages are rendered from the store directly (never through /sparql), so they do not
depend on the endpoint's limits and cost a handful of index look-ups each.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import g

from ..endpoint.state import state
from .common import (
    CITATION,
    DCT,
    FALLBACK_LABELS,
    ISSUED,
    LABEL,
    PREF,
    RDF,
    RDFS,
    TITLE,
    TYPE,
    XSD,
    RdfTerm,
    Subject,
    anchor,
    base_iri,
    iri_node,
    local_path,
    prefixed,
)

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
    # The claims model (README "Claims"): how the quote supports the fact (None: stated),
    # whose view it reports, where a date comes from (None: stated in the quote).
    support: Node | None = None
    according_to: list[Node] = field(default_factory=list)
    date_basis: Node | None = None
    cites: list[Node] = field(default_factory=list)
    key: str | None = None  # evidence_key(): how /cite?fact= names this piece of evidence


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
        """Quads of the named graphs: the default graph only repeats them as their union,
        and a page shows each fact with the graph (the source) it comes from."""
        quads = self.store.quads_for_pattern(s, p, o, graph)
        if graph is not None:
            return quads
        return (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))

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
        mg = base_iri() + "ontology#"
        support = [o for o in props.get(mg + "support", []) if o.value != mg_id("stated")]
        basis = props.get(mg + "dateBasis")
        return Evidence(
            source=self.node(source) if source is not None else None,
            citation=self.citation(source),
            quote=quotes[0].value if quotes else None,
            start=int(start[0].value) if start else None,
            end=int(end[0].value) if end else None,
            comments=sorted(c.value for c in props.get(RDFS + "comment", [])),
            date=self.node(date[0]) if date else None,
            support=self.node(support[0]) if support else None,
            according_to=[self.node(o) for o in props.get(mg + "accordingTo", [])],
            date_basis=self.node(basis[0]) if basis else None,
            cites=[self.node(o) for o in props.get(mg + "cites", [])],
            key=evidence_key(node, props) if quotes else None,
        )


_OWL = "http://www.w3.org/2002/07/owl#"
_KEY_ROLES = (("axiom", ("annotatedSource", "annotatedProperty", "annotatedTarget")),
              ("not", ("sourceIndividual", "assertionProperty", "targetIndividual",
                       "targetValue")))


def evidence_key(node: Subject, props: dict[str, list]) -> str:
    """A name for one piece of evidence that outlives the store: the store renames blank
    nodes on every load, so the axiom's own label cannot go in a link. The name hashes
    what the evidence is of (the fact's subject, property and object; a negative fact's;
    else the node's IRI or its other statements), its source, quote and offset, so the
    same evidence keeps its name across servers and across builds that leave it alone."""
    mg = base_iri() + "ontology#"
    parts: list[str] = []
    for kind, roles in _KEY_ROLES:
        if props.get(_OWL + roles[0]):
            parts = [kind] + [str(props[_OWL + r][0]) for r in roles if props.get(_OWL + r)]
            break
    if not parts:
        if isinstance(node, ox.NamedNode):
            parts = ["node", str(node)]
        else:
            skip = {DCT + "source", mg + "quote", mg + "quoteStart", mg + "quoteEnd"}
            parts = ["node"] + sorted(f"{p} {o}" for p, objs in props.items() if p not in skip
                                      for o in objs if not isinstance(o, ox.BlankNode))
    for prop in (DCT + "source", mg + "quote", mg + "quoteStart"):
        parts.append(str((props.get(prop) or [""])[0]))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def mg_id(slug: str) -> str:
    return base_iri() + "id/" + slug


def view() -> View:
    if "mgkg_view" not in g:
        g.mgkg_view = View(state().store)
    return g.mgkg_view


def app_cache() -> dict:
    """Memo for things computed once from the (immutable) release: kept with the release
    the request is pinned to, so a live release switch never serves the old one's."""
    return state().cache.setdefault("pages", {})


def ontology_graph() -> ox.NamedNode:
    return iri_node(base_iri() + "graph/ontology")


def void_graph() -> ox.NamedNode:
    return iri_node(base_iri() + "graph/void")


def ontology_terms() -> set[str]:
    cache = app_cache()
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
    cache = app_cache()
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
        for row in state().store.query(query):
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


