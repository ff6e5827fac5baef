"""The OWL face of the release: dist/mgkg.owl as an ontology of its own, and the catalog.

`mgkg.owl` holds the whole graph (ontology and data), but an OWL tool sees a document as
one ontology, named by its header. Were that the ontology's own header, Protégé could not
open `mgkg.owl` beside `ontology.owl` (two documents, one ontology IRI and version IRI).
So the full graph gets its own IRI and version IRI and imports the ontology, which the
catalog shipped next to it (`catalog-v001.xml`, read by Protégé and the OWL API) resolves
to `ontology.owl` offline; owlready2 finds `ontology.owl` by the import's last segment.

Every described thing is declared `owl:NamedIndividual`. OWL 2's RDF mapping lets a tool
infer that from `rdf:type`, and the OWL API does, but owlready2 and others list only
declared individuals: without the declarations `onto.individuals()` shows almost none.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from ..core.namespaces import BASE, KG_IRI, ONTOLOGY_IRI, bind_all, kg_version_iri

CATALOG = "catalog-v001.xml"
_BUILTIN = (str(OWL), str(RDF), str(RDFS))


def individuals(graph: Graph) -> set[URIRef]:
    """The IRIs OWL 2 reads as named individuals: instances of a class that is not one of
    OWL's, RDF's or RDFS's own (so not classes, properties, axioms), and both ends of
    owl:sameAs (the Wikidata items a thing is the same as)."""
    found = {s for s, o in graph.subject_objects(RDF.type)
             if isinstance(s, URIRef) and isinstance(o, URIRef) and not str(o).startswith(_BUILTIN)}
    for s, o in graph.subject_objects(OWL.sameAs):
        found |= {t for t in (s, o) if isinstance(t, URIRef)}
    return found


def owl_release(whole: Graph, version: str) -> Graph:
    """The whole graph as the ontology `https://w3id.org/mgkg/kg`, importing the ontology."""
    onto = URIRef(ONTOLOGY_IRI)
    graph = Graph()
    bind_all(graph)
    for triple in whole:
        if triple[0] != onto:  # the ontology's header belongs to ontology.owl
            graph.add(triple)
    graph += owl_additions(whole, version)
    return graph


def owl_additions(whole: Graph, version: str) -> Graph:
    """What mgkg.owl adds to the whole graph (whose ontology header it leaves out): its
    own header and the individuals' declarations. The build writes the dump from the
    whole graph's triples plus these, without copying the graph."""
    onto = URIRef(ONTOLOGY_IRI)
    graph = Graph()
    kg = URIRef(KG_IRI)
    graph.add((kg, RDF.type, OWL.Ontology))
    graph.add((kg, OWL.versionIRI, URIRef(kg_version_iri(version))))
    graph.add((kg, OWL.versionInfo, Literal(version)))
    graph.add((kg, OWL.imports, onto))
    graph.add((kg, RDFS.label, Literal("Migration Governance Knowledge Graph (full graph)",
                                       lang="en")))
    graph.add((kg, DCTERMS.title, Literal("Migration Governance Knowledge Graph: the full "
                                          "graph", lang="en")))
    for prop in (DCTERMS.license, DCTERMS.creator, DCTERMS.publisher, DCTERMS.issued,
                 DCTERMS.created, DCTERMS.modified):
        for value in whole.objects(onto, prop):
            graph.add((kg, prop, value))
    graph.add((kg, DCTERMS.source, URIRef(BASE + "dataset")))
    for thing in individuals(whole):
        graph.add((thing, RDF.type, OWL.NamedIndividual))
    return graph


def catalog(version: str, ontology_version_iri: str | None) -> str:
    """The XML catalog Protégé and the OWL API read from the folder of the file opened."""
    rows = [("mgkg ontology", ONTOLOGY_IRI, "ontology.owl")]
    if ontology_version_iri:
        rows.append(("mgkg ontology version", ontology_version_iri, "ontology.owl"))
    rows += [("mgkg full graph", KG_IRI, "mgkg.owl"),
             ("mgkg full graph version", kg_version_iri(version), "mgkg.owl")]
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
             "<!-- Protégé / OWL API XML catalog: the mgkg ontology IRIs as local files. -->",
             '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">']
    lines += [f'    <uri id="{i}" name="{n}" uri="{u}"/>' for i, n, u in rows]
    return "\n".join(lines + ["</catalog>"]) + "\n"
