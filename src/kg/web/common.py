"""What every page shares: the blueprint, the vocabulary, the mapping of the IRI base
to this server, content negotiation, responses and headers.

Cool URIs, the 303 way. An IRI under https://w3id.org/mgkg/id/ (or /source/, or the data
set IRI) names a thing in the world, not a web page, so the server answers it with 303
See Other to a document *about* the thing, chosen by the Accept header. Documents
themselves (the ontology, the named graphs) are answered in place with 200 and
`Vary: Accept`. See docs/LINKED_DATA.md. Pages link only to this server and never load
anything from elsewhere; IRIs of other data sets are shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
)

from ..core.namespaces import PREFIXES, SD, VANN
from ..endpoint.negotiate import Format, choose
from ..endpoint.state import state

bp = Blueprint("pages", __name__)

# --------------------------------------------------------------------------- vocabulary

# Namespace IRIs as plain strings (pages build oxigraph terms), from the one table.
RDF, RDFS, OWL, SKOS = (PREFIXES[p] for p in ("rdf", "rdfs", "owl", "skos"))
DCT, XSD, VOIDNS, DCATNS, FOAFNS = (PREFIXES[p] for p in ("dcterms", "xsd", "void", "dcat",
                                                          "foaf"))


RdfTerm = ox.NamedNode | ox.BlankNode | ox.Literal
Subject = ox.NamedNode | ox.BlankNode


def iri_node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE = iri_node(RDF + "type")
FIRST, REST, NIL = iri_node(RDF + "first"), iri_node(RDF + "rest"), iri_node(RDF + "nil")
LABEL = iri_node(RDFS + "label")
COMMENT = iri_node(RDFS + "comment")
SUBCLASS = iri_node(RDFS + "subClassOf")
SUBPROP = iri_node(RDFS + "subPropertyOf")
DOMAIN, RANGE = iri_node(RDFS + "domain"), iri_node(RDFS + "range")
ISDEFINEDBY = iri_node(RDFS + "isDefinedBy")
ALT = iri_node(SKOS + "altLabel")
PREF = iri_node(SKOS + "prefLabel")
DEFINITION = iri_node(SKOS + "definition")
TITLE = iri_node(DCT + "title")
SOURCE = iri_node(DCT + "source")
CITATION = iri_node(DCT + "bibliographicCitation")
ISSUED = iri_node(DCT + "issued")
REPLACED_BY = iri_node(DCT + "isReplacedBy")
AX_SOURCE = iri_node(OWL + "annotatedSource")
AX_PROPERTY = iri_node(OWL + "annotatedProperty")
AX_TARGET = iri_node(OWL + "annotatedTarget")
AXIOM = iri_node(OWL + "Axiom")
DEPRECATED = iri_node(OWL + "deprecated")
INVERSE = iri_node(OWL + "inverseOf")
MEMBERS = iri_node(OWL + "members")
ALL_DISJOINT = iri_node(OWL + "AllDisjointClasses")
OWL_CLASS = iri_node(OWL + "Class")
NAMED_INDIVIDUAL = iri_node(OWL + "NamedIndividual")
OBJECT_PROPERTY = iri_node(OWL + "ObjectProperty")
DATATYPE_PROPERTY = iri_node(OWL + "DatatypeProperty")
ANNOTATION_PROPERTY = iri_node(OWL + "AnnotationProperty")
VERSION_IRI = iri_node(OWL + "versionIRI")
VERSION_INFO = iri_node(OWL + "versionInfo")

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
DISPLAY_PREFIXES = {**PREFIXES, "vann": str(VANN), "sd": str(SD)}
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
    VANN + "preferredNamespacePrefix": "preferred namespace prefix",
    VANN + "preferredNamespaceUri": "preferred namespace URI",
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


def _page_formats() -> dict[str, Format]:
    """The representations of pages and documents as the endpoint's negotiation knows
    formats, so that /sparql and the pages follow the same Accept rules."""
    aliases: dict[str, list[str]] = {}
    for media, ext in ALIASES.items():
        aliases.setdefault(ext, []).append(media)
    out = {"html": Format("html", "text/html", tuple(aliases.get("html", ())))}
    for ext, (media, _, _) in {**RDF_FORMATS, **QUAD_FORMATS}.items():
        out[ext] = Format(ext, media, tuple(aliases.get(ext, ())))
    return out


PAGE_FORMATS = _page_formats()


def negotiate(offers: list[str]) -> str | None:
    """The extension of the best representation for the request's Accept header, None if
    nothing offered is acceptable (the caller answers 406). `offers` are extensions in
    server preference order; "html" first makes browsers and `*/*` get the page."""
    best = choose(request.headers.get("Accept"), tuple(PAGE_FORMATS[e] for e in offers))
    return best.name if best else None


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
    resp = Response(body, content_type=content_type(media))
    if vary:
        resp.headers["Vary"] = "Accept"
    return resp


def content_type(media: str) -> str:
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


