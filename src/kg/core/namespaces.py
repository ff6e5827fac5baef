"""IRI bases and prefixes, in one place so every module and file agrees on them.

The serving processes (`kg serve`: the server, the query zygote and every worker) need
only the strings, never rdflib, which costs each of them about 6 MB and 40 ms of start-up.
So this module does not import rdflib: `Namespace` makes rdflib terms as rdflib's own
does, importing rdflib when the first term is made (the build and the checks do, the
server does not), and the rdflib namespaces re-exported here (DCTERMS, OWL, ...) are
loaded on first access. Serving code writes `MGG + "void"` (a plain string) rather than
`MGG["void"]` (an rdflib URIRef).
"""

from __future__ import annotations


class Namespace(str):
    """rdflib.Namespace's behaviour (`NS.name`, `NS["name"]`, `NS.term(name)` give an
    rdflib URIRef; `NS + "name"` a str; `uri in NS` a prefix test), without importing
    rdflib until a term is asked for."""

    __slots__ = ()

    def term(self, name: str):
        from rdflib import URIRef

        return URIRef(str(self) + (name if isinstance(name, str) else str(name)))

    def __getitem__(self, key):
        return self.term(key)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # copy, pickle and friends probe for dunders
            raise AttributeError(name)
        return self.term(name)

    @property
    def title(self):  # str.title would shadow the term, as rdflib also works around
        return self.term("title")

    def __contains__(self, ref) -> bool:
        return str(ref).startswith(str(self))

    def __repr__(self) -> str:
        return f"Namespace({str(self)!r})"


_RDFLIB_NAMESPACES = ("DCTERMS", "OWL", "RDF", "RDFS", "SKOS", "XSD")


def __getattr__(name: str):
    """DCTERMS, OWL, RDF, RDFS, SKOS and XSD (rdflib's), imported when first used;
    ONTOLOGY_GRAPH, an rdflib URIRef, made when first used."""
    if name in _RDFLIB_NAMESPACES:
        import rdflib.namespace

        return getattr(rdflib.namespace, name)
    if name == "ONTOLOGY_GRAPH":
        return MGG["ontology"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

BASE = "https://w3id.org/mgkg/"
MG = Namespace(BASE + "ontology#")
MGR = Namespace(BASE + "id/")
MGS = Namespace(BASE + "source/")
MGG = Namespace(BASE + "graph/")
ONTOLOGY_IRI = BASE + "ontology"
KG_IRI = BASE + "kg"  # the full graph as an OWL ontology of its own (kg.release.owl)
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
# Used in descriptions, not in the data: no prefix in the SPARQL table or the dumps.
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VANN = Namespace("http://purl.org/vocab/vann/")

PREFIXES: dict[str, str] = {
    "mg": str(MG),
    "mgr": str(MGR),
    "mgs": str(MGS),
    "mgg": str(MGG),
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "void": str(VOID),
    "dcat": str(DCAT),
}


def sparql_prefixes() -> str:
    """PREFIX lines for every known prefix, so ad-hoc queries can use them unprefixed."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def bind_all(graph) -> None:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)


def kg_version_iri(version: str) -> str:
    """The full graph's version IRI for a release version (the OWL header, the citation)."""
    return f"{KG_IRI}/{version}"


def source_iri(stem: str):
    return MGS[stem]


def graph_iri(stem: str):
    return MGG[stem]
