"""dist/mgkg.owl as an OWL tool meets it: an ontology of its own that imports the
ontology through the shipped catalog, every described thing a declared named individual
(owlready2 lists as many as the RDF says there are), and the header metadata ontology
documentation tools show."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import owlready2
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from kg.core.namespaces import MG, ONTOLOGY_IRI

from ..conftest import FIXTURES
from ..javatools import java_runner

KG = URIRef("https://w3id.org/mgkg/kg")
ONTO = URIRef(ONTOLOGY_IRI)

# Individuals by OWL 2's RDF mapping, computed here from the N-Triples dump, not by the
# build's code: IRIs typed with a class not of OWL/RDF/RDFS, and both ends of owl:sameAs.
INDIVIDUALS = """
SELECT DISTINCT ?x WHERE {
  { ?x a ?c . FILTER(isIRI(?x) && isIRI(?c) && !STRSTARTS(STR(?c), STR(owl:))
                     && !STRSTARTS(STR(?c), STR(rdf:)) && !STRSTARTS(STR(?c), STR(rdfs:))) }
  UNION { ?x owl:sameAs ?y FILTER isIRI(?x) } UNION { ?y owl:sameAs ?x FILTER isIRI(?x) }
}"""


@pytest.fixture(scope="module")
def dist(real_settings):
    return real_settings.dist_dir


@pytest.fixture(scope="module")
def owl_graph(dist) -> Graph:
    return Graph().parse(dist / "mgkg.owl", format="xml")


@pytest.fixture(scope="module")
def rdf_individuals(dist) -> set[str]:
    return {str(r[0]) for r in Graph().parse(dist / "mgkg.nt", format="nt").query(
        INDIVIDUALS, initNs={"owl": OWL, "rdf": RDF, "rdfs": RDFS})}


def test_the_full_graph_is_its_own_ontology_importing_the_ontology(dist, owl_graph):
    ontology = Graph().parse(dist / "ontology.owl", format="xml")
    assert set(owl_graph.subjects(RDF.type, OWL.Ontology)) == {KG}
    assert set(ontology.subjects(RDF.type, OWL.Ontology)) == {ONTO}
    kg_version = owl_graph.value(KG, OWL.versionIRI)
    assert kg_version is not None and kg_version != ontology.value(ONTO, OWL.versionIRI)
    assert set(owl_graph.objects(KG, OWL.imports)) == {ONTO}
    assert owl_graph.value(KG, DCTERMS.license) == ontology.value(ONTO, DCTERMS.license)


def test_the_catalog_resolves_every_ontology_iri_to_a_shipped_file(dist, owl_graph):
    ns = {"c": "urn:oasis:names:tc:entity:xmlns:xml:catalog"}
    rows = {u.get("name"): u.get("uri")
            for u in ET.parse(dist / "catalog-v001.xml").getroot().findall("c:uri", ns)}
    ontology = Graph().parse(dist / "ontology.owl", format="xml")
    for iri, path in [(ONTO, "ontology.owl"), (ontology.value(ONTO, OWL.versionIRI),
                                               "ontology.owl"),
                      (KG, "mgkg.owl"), (owl_graph.value(KG, OWL.versionIRI), "mgkg.owl")]:
        assert rows[str(iri)] == path and (dist / path).is_file()
    for imported in owl_graph.objects(KG, OWL.imports):
        assert str(imported) in rows


def test_owlready2_lists_every_individual(dist, owl_graph, rdf_individuals):
    expected = rdf_individuals
    declared = {str(s) for s in owl_graph.subjects(RDF.type, OWL.NamedIndividual)}
    assert declared == expected
    world = owlready2.World()
    owlready2.onto_path.insert(0, str(dist))  # the import resolves to ontology.owl
    try:
        onto = world.get_ontology((dist / "mgkg.owl").resolve().as_uri()).load()
        assert [o.base_iri.rstrip("#/") for o in onto.imported_ontologies] == [str(ONTO)]
        listed = {i.iri for i in world.individuals()}
        classes = {c.iri for c in world.classes()}
    finally:
        owlready2.onto_path.remove(str(dist))
    assert len(expected) > 900
    # owlready2 has no punning: a migrant category, an OWL class and (by OWL 2 punning) an
    # individual of mg:MigrantCategory, it lists among the classes only. And it keeps an
    # IRI's final "/" out of .iri (the PyPI pages cited as reference sources).
    punned = {str(s) for s in owl_graph.subjects(RDF.type, OWL.Class)} & expected
    assert punned and punned <= classes
    assert listed == {x.rstrip("/") for x in expected - punned}


@pytest.fixture(scope="module")
def owlapi(tmp_path_factory):
    # Every jar of /usr/share/java: the OWL API's Debian package spreads over a dozen.
    return java_runner(FIXTURES / "owlapi" / "OwlApiCheck.java", None,
                       tmp_path_factory.mktemp("owlapi"), "libowlapi-java",
                       requires=["owlapi-api", "owlapi-apibinding", "owlapi-impl"])


@pytest.mark.parametrize("name", ["mgkg.owl", "ontology.owl"])
def test_the_owl_api_opens_the_release_as_owl2_dl_with_every_individual(dist, owlapi, name,
                                                                        rdf_individuals):
    """What Protégé sees: the file opens with its import resolved through the catalog, is
    in the OWL 2 DL profile, and has as many named individuals as OWL 2's RDF mapping of
    the dump gives (owlready2, above, lists them all but the punned categories)."""
    out = dict(line.split("=", 1) for line in owlapi(str(dist / name)).splitlines()
               if "=" in line and not line.startswith("violation="))
    assert out["dl-violations"] == "0", owlapi(str(dist / name))
    if name == "mgkg.owl":
        expected = rdf_individuals
    else:
        expected = {r[0] for r in Graph().parse(dist / "ontology.ttl").query(
            INDIVIDUALS, initNs={"owl": OWL, "rdf": RDF, "rdfs": RDFS})}
    assert int(out["individuals"]) == len(expected) > 50


def test_source_documents_are_labelled(owl_graph):
    docs = set(owl_graph.subjects(RDF.type, MG.SourceDocument))
    assert docs
    for doc in docs:
        assert owl_graph.value(doc, RDFS.label) == owl_graph.value(doc, DCTERMS.title), doc


def test_ontology_metadata_for_documentation_tools(dist):
    g = Graph().parse(dist / "ontology.ttl", format="turtle")
    creators = list(g.objects(ONTO, DCTERMS.creator))
    assert creators and all(isinstance(c, URIRef) for c in creators)
    assert all(g.value(c, RDFS.label) for c in creators)
    for prop in (DCTERMS.publisher, DCTERMS.issued, DCTERMS.bibliographicCitation,
                 DCTERMS.license):
        assert g.value(ONTO, prop) is not None, prop
    cite = g.value(ONTO, DCTERMS.bibliographicCitation)
    assert isinstance(cite, Literal) and str(g.value(ONTO, OWL.versionIRI)) in cite
