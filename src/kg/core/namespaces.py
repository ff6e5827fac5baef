"""IRI bases and prefixes, in one place so every module and file agrees on them."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/mgkg/"
MG = Namespace(BASE + "ontology#")
MGR = Namespace(BASE + "id/")
MGS = Namespace(BASE + "source/")
MGG = Namespace(BASE + "graph/")
ONTOLOGY_IRI = BASE + "ontology"
ONTOLOGY_GRAPH = MGG["ontology"]
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
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
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


def source_iri(stem: str):
    return MGS[stem]


def graph_iri(stem: str):
    return MGG[stem]
