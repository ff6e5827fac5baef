"""The ontology: OWL 2 DL hygiene, labels and definitions, Protégé catalog, HermiT."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import owlready2
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kg.core.namespaces import MG, MGR, ONTOLOGY_IRI
from kg.input.corpus import Corpus

from ..conftest import ROOT

DECLARED = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# The OWL 2 datatype map: data property values must use these (dates are annotations).
_OWL2_XSD = (
    "decimal", "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte", "double", "float", "boolean", "string",
    "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN", "hexBinary",
    "base64Binary", "anyURI", "dateTime", "dateTimeStamp",
)
OWL2_DATATYPES = {XSD[n] for n in _OWL2_XSD} | {
    RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "mgkg.ttl")


def test_header(ontology):
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert str(ontology.value(onto, OWL.versionIRI)).startswith(ONTOLOGY_IRI + "/")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator,
                 DCTERMS.created, OWL.versionInfo):
        assert ontology.value(onto, prop) is not None, prop
    assert str(ontology.value(onto, DCTERMS.license)).startswith("https://creativecommons.org/")


def test_every_term_is_labelled_defined_and_attributed(ontology):
    missing = []
    for kind in DECLARED:
        for term in ontology.subjects(RDF.type, kind):
            if str(term).startswith((str(RDFS), str(OWL), "http://purl.org/vocab/vann/")):
                continue
            labels = [o for o in ontology.objects(term, RDFS.label)
                      if isinstance(o, Literal) and o.language == "en"]
            if len(labels) != 1 or ontology.value(term, SKOS.definition) is None \
                    or ontology.value(term, RDFS.isDefinedBy) is None:
                missing.append(str(term))
    assert missing == []


def test_mg_terms_are_all_declared(ontology):
    used = {t for triple in ontology for t in triple
            if isinstance(t, URIRef) and str(t).startswith(str(MG))}
    declared = {s for kind in DECLARED for s in ontology.subjects(RDF.type, kind)}
    assert used - declared == set()


def test_categories_are_punned_classes_under_migrant(ontology):
    categories = set(ontology.subjects(RDF.type, MG.MigrantCategory))
    assert len(categories) >= 25
    for cat in categories:
        assert (cat, RDF.type, OWL.Class) in ontology
        ancestors = set(ontology.transitive_objects(cat, RDFS.subClassOf))
        assert MGR.migrant in ancestors, cat


def test_date_properties_are_annotations_so_the_graph_stays_owl2_dl(ontology):
    for prop in (MG.foundingDate, MG.adoptionDate, MG.entryIntoForceDate, MG.asOf, MG.date):
        assert (prop, RDF.type, OWL.AnnotationProperty) in ontology


def test_catalog_maps_ontology_iri_to_local_file():
    catalog = ROOT / "ontology" / "catalog-v001.xml"
    ns = {"c": "urn:oasis:names:tc:entity:xmlns:xml:catalog"}
    entries = {e.get("name"): e.get("uri") for e in ET.parse(catalog).getroot()
               .findall("c:uri", ns)}
    assert (catalog.parent / entries[ONTOLOGY_IRI]).is_file()


def test_data_uses_only_declared_terms_and_owl2_datatypes(real_settings):
    corpus = Corpus.load(real_settings)
    declared = {s for kind in DECLARED for s in corpus.ontology.subjects(RDF.type, kind)}
    data_props = set(corpus.ontology.subjects(RDF.type, OWL.DatatypeProperty))
    for s, p, o in corpus.data:
        if str(p).startswith(str(MG)):
            assert p in declared, p
        if p in data_props:
            assert isinstance(o, Literal) and (o.datatype or XSD.string) in OWL2_DATATYPES, \
                (s, p, o)


def _hermit_consistent(path) -> None:
    world = owlready2.World()
    onto = world.get_ontology(path.resolve().as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a JVM (java not on PATH)")
def test_ontology_is_consistent_under_hermit(mini_settings):
    _hermit_consistent(mini_settings.dist_dir / "ontology.owl")


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a JVM (java not on PATH)")
def test_whole_release_is_consistent_under_hermit(real_settings):
    _hermit_consistent(real_settings.dist_dir / "mgkg.owl")


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a JVM (java not on PATH)")
def test_hermit_check_catches_an_inconsistency(mini_settings, tmp_path):
    """The consistency tests above could not fail if the reasoner never ran: prove it does."""
    graph = Graph().parse(mini_settings.dist_dir / "ontology.owl", format="xml")
    thing = MGR["state-and-institution"]
    graph.add((thing, RDF.type, MG.State))
    graph.add((thing, RDF.type, MG.Institution))  # disjoint with mg:State
    bad = tmp_path / "bad.owl"
    graph.serialize(bad, format="xml")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit_consistent(bad)
