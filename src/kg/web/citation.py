"""Cite this: a citation for every fact, thing, source document and for the data set,
at /cite (BibTeX, RIS, CSL-JSON, plain text; an HTML page with copy buttons; JSON with
all four for the pages' citation dialog, static/cite.js).

    /cite?fact=<key>     one piece of evidence (key: kg.web.view.evidence_key, on every
                         evidence line of the pages): the source, the quote, its offsets,
                         the SHA-256 of the text, the fact in words
    /cite?iri=<IRI>      a thing (its entry in the graph), a source document, or the
                         data set (https://w3id.org/mgkg/dataset; also /cite alone)
    &format=bibtex|ris|csl|text|json   (else the HTML page)

Every citation names the release's version IRI (https://w3id.org/mgkg/kg/<version>, the
owl:versionIRI of dist/mgkg.owl) and the release id every response carries in
X-MGKG-Release, so what was cited can be found again. Evidence, sources and the data
set's record are read with the pages' own helpers (kg.web.view), not new SPARQL.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pyoxigraph as ox
from flask import Response, request

from ..core.namespaces import kg_version_iri
from ..endpoint.state import state
from .cite import short_names
from .citeformats import FORMATS, Citation, all_formats, render
from .claims import ASSERTION_P, SOURCE_IND
from .common import (
    AX_SOURCE,
    DCATNS,
    DCT,
    FOAFNS,
    ISSUED,
    SOURCE,
    TITLE,
    TYPE,
    base_iri,
    bp,
    content_type,
    html,
    iri_node,
    mg_ns,
)
from .view import View, app_cache, evidence_key, view, void_graph


class NotCitable(LookupError):
    pass


def _lit(v: View, s: ox.NamedNode, p: ox.NamedNode, graph: ox.NamedNode | None = None) -> str:
    for q in v.quads(s, p, None, graph):
        if isinstance(q.object, ox.Literal):
            return q.object.value
    return ""


def release_info(v: View) -> dict:
    """The data set's record (the VoID graph): title, creators, version and its IRI."""
    cache = app_cache()
    if "cite_release" in cache:
        return cache["cite_release"]
    ds, vg = iri_node(base_iri() + "dataset"), void_graph()
    creators = []
    for q in v.quads(ds, iri_node(DCT + "creator"), None, vg):
        c = q.object
        name = c.value if isinstance(c, ox.Literal) else _lit(v, c, iri_node(FOAFNS + "name"), vg)
        if name and name not in creators:
            creators.append(name)
    version = _lit(v, ds, iri_node(DCATNS + "version"), vg)
    info = {"title": _lit(v, ds, TITLE, vg) or "Migration Governance Knowledge Graph",
            "creators": creators, "version": version,
            "version_iri": kg_version_iri(version) if version else "",
            "issued": _lit(v, ds, ISSUED, vg) or _lit(v, ds, iri_node(DCT + "modified"), vg),
            "publisher": ", ".join(creators)}
    cache["cite_release"] = info
    return info


def _base(v: View, key: str, kind: str, title: str, url: str, csl_type: str) -> Citation:
    info = release_info(v)
    return Citation(key=key, kind=kind, csl_type=csl_type, title=title, url=url,
                    version=info["version"], version_iri=info["version_iri"],
                    release=state().release if state().release != "-" else "")


def _authors(v: View, source: ox.NamedNode) -> list[str]:
    """Who prepared a source: a person as "Family, Given", anything else by its name."""
    person = iri_node(mg_ns() + "Person")
    out = []
    for who in v.objects(source, iri_node(mg_ns() + "preparedBy")):
        if not isinstance(who, ox.NamedNode):
            continue
        name = v.label(who)
        if person in v.objects(who, TYPE) and " " in name:
            given, family = name.rsplit(" ", 1)
            name = f"{family}, {given}"
        out.append(name)
    return out


def source_citation(v: View, iri: str, kind: str = "source", key: str | None = None
                    ) -> Citation:
    src = iri_node(iri)
    mg = mg_ns()
    doc_kind = _lit(v, src, iri_node(mg + "documentKind"))
    part_of = _lit(v, src, iri_node(DCT + "isPartOf"))
    c = _base(v, key or "mgkg-" + iri.rsplit("/", 1)[-1], kind, _lit(v, src, TITLE) or iri,
              iri, "article-journal" if "article" in doc_kind else "report")
    c.version = ""  # the document's; the graph's version is in the note, with its IRI
    c.authors = _authors(v, src)
    c.issued = _lit(v, src, ISSUED)
    c.publisher = _lit(v, src, iri_node(DCT + "publisher"))
    c.container = part_of if len(part_of) <= 60 else ""
    c.sha256 = _lit(v, src, iri_node(mg + "sha256")) or None
    c.source_iri = iri
    c.source_citation = v.citation(src)
    return c


def _evidence_nodes(v: View) -> dict[str, ox.NamedNode | ox.BlankNode]:
    """evidence key -> its node in this store, for every piece of evidence with a quote."""
    cache = app_cache()
    if "evidence_keys" not in cache:
        out = {}
        for t in v.triples(None, iri_node(mg_ns() + "quote")):
            props: dict[str, list] = defaultdict(list)
            for q in v.quads(t.subject):
                props[q.predicate.value].append(q.object)
            out.setdefault(evidence_key(t.subject, props), t.subject)
        cache["evidence_keys"] = out
    return cache["evidence_keys"]


def _statement(v: View, node) -> tuple[str, str | None]:
    """The fact a piece of evidence supports, in words, and the thing it is about."""
    owl = "http://www.w3.org/2002/07/owl#"
    s = v.value(node, AX_SOURCE)
    if s is not None:
        p = v.value(node, iri_node(owl + "annotatedProperty"))
        o = v.value(node, iri_node(owl + "annotatedTarget"))
        return " — ".join(v.label(x) for x in (s, p, o) if x is not None), \
            s.value if isinstance(s, ox.NamedNode) else None
    s = v.value(node, SOURCE_IND)
    if s is not None:
        p = v.value(node, ASSERTION_P)
        o = v.value(node, iri_node(owl + "targetIndividual")) or \
            v.value(node, iri_node(owl + "targetValue"))
        return f"{v.label(s)} — not {v.label(p) if p else '?'} — {v.label(o) if o else '?'}", \
            s.value if isinstance(s, ox.NamedNode) else None
    if isinstance(node, ox.NamedNode):
        return v.label(node), node.value
    about = [o for o in v.objects(node, iri_node(mg_ns() + "concerns"))
             + v.objects(node, iri_node(mg_ns() + "figureOf")) if isinstance(o, ox.NamedNode)]
    kinds = [v.label(t) for t in v.objects(node, TYPE)]
    text = (", ".join(kinds) or "statement") + (" about " + ", ".join(v.label(a) for a in about)
                                                if about else "")
    return text, about[0].value if about else None


def fact_citation(key: str) -> Citation:
    v = view()
    node = _evidence_nodes(v).get(key)
    ev = v.evidence(node) if node is not None else None
    if ev is None or not ev.source or not ev.source.iri:
        raise NotCitable(f"no evidence with the key {key!r} in this release; each piece of "
                         f"evidence on a page links to its own citation.")
    c = source_citation(v, ev.source.iri, kind="fact", key=f"mgkg-{key}")
    c.quote, c.start, c.end = ev.quote, ev.start, ev.end
    c.statement, c.about = _statement(v, node)
    if ev.according_to:
        c.extra.append("According to " + ", ".join(a.text for a in ev.according_to) + ".")
    if ev.support:
        c.extra.append(f"Support: {ev.support.text}.")
    return c


def thing_citation(iri: str) -> Citation:
    v = view()
    term = iri_node(iri)
    if not v.exists(term):
        raise NotCitable(f"nothing is described at {iri}")
    info = release_info(v)
    c = _base(v, "mgkg-" + iri[len(base_iri()):].replace("/", "-"), "thing", v.label(term),
              iri, "dataset")
    c.authors, c.publisher = list(info["creators"]), info["publisher"]
    c.container, c.issued = info["title"], info["issued"]
    c.about = iri
    sources = sorted({q.object.value for ax in v.quads(None, AX_SOURCE, term)
                      for q in v.quads(ax.subject, SOURCE) if isinstance(q.object, ox.NamedNode)})
    names = short_names(v)
    described = sorted((names[s] for s in sources if s in names), key=str.casefold)
    if described:  # the source documents (not the tables a link out was checked in)
        c.extra.append("Described from: " + "; ".join(described) + ".")
    own = v.evidence(term)
    if own is not None and own.quote and own.source and own.source.iri:
        src = source_citation(v, own.source.iri)
        c.quote, c.start, c.end, c.sha256 = own.quote, own.start, own.end, src.sha256
        c.source_iri = own.source.iri
        c.extra.insert(0, f"Source: {src.source_citation}")
    return c


def dataset_citation() -> Citation:
    v = view()
    info = release_info(v)
    iri = base_iri() + "dataset"
    c = _base(v, "mgkg-dataset" + ("-" + info["version"] if info["version"] else ""),
              "dataset", info["title"], iri, "dataset")
    c.authors, c.publisher, c.issued = list(info["creators"]), info["publisher"], info["issued"]
    return c


def citation_for(fact: str | None, iri: str | None) -> Citation:
    if fact:
        return fact_citation(fact)
    if not iri or iri.rstrip("/") == base_iri() + "dataset":
        return dataset_citation()
    v = view()
    if iri.startswith(base_iri() + "source/") and v.exists(iri_node(iri)):
        return source_citation(v, iri)
    return thing_citation(iri)


def cite_href(fact: str | None = None, iri: str | None = None) -> str:
    from urllib.parse import quote

    return "/cite?" + (f"fact={quote(fact)}" if fact else f"iri={quote(iri or '', safe='')}")


@bp.get("/cite")
def cite_route() -> Response:
    fact = (request.args.get("fact") or "").strip() or None
    iri = (request.args.get("iri") or "").strip() or None
    if iri and not iri.startswith(("http://", "https://")):
        iri = base_iri() + "id/" + iri  # a slug, as people type it
    fmt = (request.args.get("format") or "").strip().lower()
    try:
        c = citation_for(fact, iri)
    except NotCitable as exc:
        if fmt in ("json", *FORMATS):
            return Response(json.dumps({"error": str(exc)}), status=404,
                            mimetype="application/json")
        return html("message.html", status=404, title="Nothing to cite", message=str(exc),
                    back=("/search", "search"))
    if fmt == "json":
        body = {"kind": c.kind, "title": c.title, "url": c.url, "formats": all_formats(c)}
        return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
    if fmt in FORMATS:
        media = FORMATS[fmt][0]
        resp = Response(render(c, fmt), content_type=content_type(media))
        ext = {"bibtex": "bib", "ris": "ris", "csl": "json", "text": "txt"}[fmt]
        resp.headers["Content-Disposition"] = f'inline; filename="{c.key}.{ext}"'
        return resp
    return html("cite.html", c=c, formats=all_formats(c), names=FORMATS,
                cite_url=cite_href(fact, iri if not fact else None))
