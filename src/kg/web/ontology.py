"""The ontology's documentation and representations: /ontology, its variants and its
version IRI."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import (
    Response,
)
from werkzeug.exceptions import NotFound

from ..endpoint.state import state
from .classtree import class_tree
from .common import (
    ALL_DISJOINT,
    ALT,
    COMMENT,
    DCT,
    DEFINITION,
    DEPRECATED,
    DOMAIN,
    FIRST,
    INVERSE,
    ISDEFINEDBY,
    MEMBERS,
    NIL,
    OWL,
    RANGE,
    RDFS,
    REPLACED_BY,
    REST,
    SUBCLASS,
    SUBPROP,
    TITLE,
    TYPE,
    VERSION_INFO,
    VERSION_IRI,
    RdfTerm,
    Subject,
    anchor,
    base_iri,
    bp,
    html,
    iri_node,
    local_path,
    mg_ns,
    negotiate,
    not_acceptable,
    ontology_iri,
    prefixed,
    rdf_response,
)
from .view import Node, View, app_cache, entities, ontology_graph

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
    cache = app_cache()
    if "ontology" in cache:
        return cache["ontology"]
    store = state().store
    og = ontology_graph()
    v = View(store)
    onto = iri_node(ontology_iri())

    def objs(s: Subject, p: ox.NamedNode) -> list[RdfTerm]:
        return [q.object for q in store.quads_for_pattern(s, p, None, og)]

    def lits(s: Subject, p: ox.NamedNode) -> list[str]:
        return sorted({o.value for o in objs(s, p) if isinstance(o, ox.Literal)})

    # The union default graph repeats a triple stated in two named graphs: count it once.
    usage: dict[str, int] = {}
    for q in ("SELECT ?t (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?t ?o { ?s ?t ?o } } "
              "GROUP BY ?t",
              "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t"):
        for r in store.query(q):
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
        s = iri_node(iri)
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
    descriptions = lits(onto, iri_node(DCT + "description"))
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
        resp = html("ontology.html", o=ontology_doc(), tree=ontology_tree(),
                    model=(state().settings.root / MODEL_SVG).is_file())
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


MODEL_SVG = "docs/model.svg"  # written by `kg diagram`, committed with the project


def ontology_tree() -> list:
    """The ontology's classes as a tree, each with the things it counts (subclasses
    included), empty classes kept: the page documents the model, not only the data."""
    cache = app_cache()
    if "ontology-tree" not in cache:
        cache["ontology-tree"] = class_tree(View(state().store), entities(), prune=False,
                                            with_members=False)
    return cache["ontology-tree"]


@bp.get("/ontology/model.svg")
def model_picture() -> Response:
    """The model picture of the README (classes, subclass links, object properties), so
    the ontology page shows it without reaching another host."""
    path = state().settings.root / MODEL_SVG
    if not path.is_file():
        raise NotFound("no model picture: run `kg diagram` to draw docs/model.svg")
    resp = Response(path.read_bytes(), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """The versionIRI of the release being served answers like the ontology IRI; other
    versions are not kept by this server."""
    doc = ontology_doc()
    if version != doc.get("version"):
        return Response(f"404 Not Found: this server has ontology version {doc.get('version')}"
                        f", not {version}. See /ontology.\n", status=404, mimetype="text/plain")
    return _ontology_response(negotiate(ONTOLOGY_OFFERS), vary=True)


