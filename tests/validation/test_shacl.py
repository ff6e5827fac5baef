"""The shapes: every one fires on a small fixture, at the right file and line; valid data
passes; the shapes agree with the ontology; the fast SHACL-SPARQL runner agrees with
pyshacl.

Each fixture in tests/fixtures/invalid/shapes/ is a small data file with one kind of
mistake; `# expect: CODE ...` at the end of a line says which findings must be reported
at that line. All the fixtures are validated together with the mini data (one SHACL run
instead of a hundred), so they use IRIs of their own (`mgr:fx-...`).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.core.namespaces import MG
from kg.input.corpus import Corpus
from kg.validation.diagnostics import ERROR, WARNING, Report
from kg.validation.shacl import MGSH, SH, Shapes, run_sparql
from kg.validation.validate import validate

from ..conftest import FIXTURES, MINI_DATA, ROOT, SEEDS, make_project

SHAPE_FIXTURES = FIXTURES / "invalid" / "shapes"
_EXPECT = re.compile(r"#\s*expect:\s*(.+)$")


def expectations(path: Path) -> set[tuple[int, str]]:
    """(line, code) pairs a fixture announces with `# expect: CODE ...` comments."""
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            found.update((number, code) for code in match.group(1).split())
    return found


def reported(report: Report, file: str) -> set[tuple[int, str]]:
    return {(d.line, d.code) for d in report.diagnostics
            if d.file == file and d.severity in (ERROR, WARNING)}


def validate_fixtures(tmp: Path, fixtures: list[Path]) -> tuple[Report, Path]:
    """Mini data plus the given fixture files, validated once."""
    settings = make_project(tmp, data=MINI_DATA)
    for fixture in fixtures:
        shutil.copy(fixture, settings.data_dir / fixture.name)
    _, report = validate(settings)
    return report, settings.root


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory) -> Report:
    report, _ = validate_fixtures(tmp_path_factory.mktemp("shape-fixtures"),
                                  sorted(SHAPE_FIXTURES.glob("*.ttl")))
    return report


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return Shapes.load(sorted((ROOT / "ontology").glob("shapes*.ttl")))


@pytest.mark.parametrize("fixture", sorted(SHAPE_FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_fixture_trips_exactly_its_shape(fixture_report, fixture):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} announces nothing with # expect:"
    assert reported(fixture_report, f"data/{fixture.name}") == expected


def test_every_shape_has_a_fixture_that_trips_it(fixture_report, shapes):
    announced = {code for f in SHAPE_FIXTURES.glob("*.ttl") for _, code in expectations(f)}
    missing = shapes.codes() - announced
    assert not missing, f"shapes without a failing fixture: {sorted(missing)}"


def test_every_reported_code_is_a_known_shape_or_check(fixture_report, shapes):
    checks = {"sha256-mismatch"}  # the one check the SourceDocument fixture also trips
    unknown = {d.code for d in fixture_report.diagnostics} - shapes.codes() - checks
    assert not unknown


def test_findings_name_the_entity_property_and_value(fixture_report):
    by_code = {d.code: d for d in fixture_report.diagnostics}
    d = by_code["memberOf-range"]
    assert d.focus == "https://w3id.org/mgkg/id/fx-memberof-subject"
    assert d.label == "fixture memberOf subject"
    assert d.path == "mg:memberOf" and d.value == "mgr:fx-memberof-value"
    assert "mg:Institution" in d.message and "mg:Place" in d.message
    # Findings about evidence name the fact it is evidence for, not a blank node.
    d = by_code["AxiomFields-repeated"]
    assert d.focus == "https://w3id.org/mgkg/id/fx-axiomfields-thing"
    assert d.path == "mg:statement" and "evidence for mg:statement" in d.message
    # Too many values: every one of them is listed with where it was written.
    doubled = [x for x in fixture_report.diagnostics
               if x.code == "Figure-figureOf" and "2 values" in x.message]
    assert len(doubled) == 1
    assert "data/Figure.ttl:31" in doubled[0].message
    assert "data/Figure.ttl:32" in doubled[0].message


def test_mini_fixture_is_valid(tmp_path):
    _, report = validate(make_project(tmp_path))
    assert [d.format() for d in report.diagnostics] == []
    assert report.ok


def test_real_data_is_valid():
    """The curated graph itself (may fail while curators are mid-edit)."""
    from kg.core.settings import Settings

    _, report = validate(Settings(root=ROOT, seeds_dir=SEEDS))
    assert report.ok, report.to_text()


# -- the shapes against the ontology ---------------------------------------------------

@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Corpus.load(make_project_settings()).ontology


def make_project_settings():
    from kg.core.settings import Settings

    return Settings(root=ROOT, seeds_dir=SEEDS)


def _property_shape(shapes: Shapes, prop: URIRef):
    node = shapes.graph.value(None, SH.targetSubjectsOf, prop)
    if node is None or (node, RDF.type, SH.NodeShape) not in shapes.graph:
        return None, None
    inner = next((ps for ps in shapes.graph.objects(node, SH.property)
                  if shapes.graph.value(ps, SH.path) == prop), None)
    return node, inner


def _declared_range(ontology: Graph, prop: URIRef, inverse: bool = False):
    """The class a property's values belong to: its range, or its inverse's domain."""
    own = ontology.value(prop, RDFS.domain if inverse else RDFS.range)
    if own is not None:
        return own
    for other in list(ontology.objects(prop, OWL.inverseOf)) + list(
            ontology.subjects(OWL.inverseOf, prop)):
        found = ontology.value(other, RDFS.range if inverse else RDFS.domain)
        if found is not None:
            return found
    return None


def test_every_property_of_the_ontology_has_its_shape(ontology, shapes):
    props = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
             for p in ontology.subjects(RDF.type, kind) if str(p).startswith(str(MG))}
    missing = {p for p in props if _property_shape(shapes, p)[0] is None}
    assert not missing


def test_property_shapes_say_what_the_ontology_says(ontology, shapes):
    """Domain -> the subject's sh:class; range (or the inverse's domain) -> the value's
    sh:class or datatype; object properties take IRIs."""
    problems = []
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if not str(prop).startswith(str(MG)):
            continue
        node, inner = _property_shape(shapes, prop)
        domain = _declared_range(ontology, prop, inverse=True)
        if shapes.graph.value(node, SH["class"]) != domain:
            problems.append(f"{prop} domain")
        if inner is None or shapes.graph.value(inner, SH.nodeKind) != SH.IRI \
                or shapes.graph.value(inner, SH["class"]) != _declared_range(ontology, prop):
            problems.append(f"{prop} range")
    value_shapes = {XSD.boolean: ("datatype", XSD.boolean),
                    XSD.decimal: ("node", MGSH.NumberValue),
                    XSD.positiveInteger: ("node", MGSH.PositionValue)}
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        node, inner = _property_shape(shapes, prop)
        kind, expected = value_shapes[ontology.value(prop, RDFS.range)]
        if inner is None or shapes.graph.value(inner, SH[kind]) != expected:
            problems.append(f"{prop} range")
        if shapes.graph.value(node, SH["class"]) != ontology.value(prop, RDFS.domain):
            problems.append(f"{prop} domain")
    assert problems == []


def test_date_properties_take_dates(ontology, shapes):
    dates = [MG.foundingDate, MG.adoptionDate, MG.entryIntoForceDate, MG.startDate,
             MG.endDate, MG.date, MG.asOf]
    for prop in dates:
        _, inner = _property_shape(shapes, prop)
        assert shapes.graph.value(inner, SH.node) == MGSH.DateValue, prop
    members = set(shapes.graph.items(shapes.graph.value(MGSH.DateValue, SH["or"])))
    assert {shapes.graph.value(m, SH.datatype) for m in members} == {
        XSD.gYear, XSD.gYearMonth, XSD.date}


def test_every_class_has_its_node_shape(ontology, shapes):
    """Every class of the ontology's namespace, and every class the real data uses, is the
    sh:targetClass of a node shape of its own."""
    targeted = set(shapes.graph.objects(None, SH.targetClass))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(MG))}
    corpus = Corpus.load(make_project_settings())
    used = {o for o in corpus.data.objects(None, RDF.type)
            if (o, RDF.type, MG.MigrantCategory) not in corpus.merged
            and (o, RDF.type, OWL.Class) in corpus.merged}
    assert (classes | used) - targeted == set()


def test_disjointness_is_read_from_the_ontology(ontology):
    """The DisjointClasses rule relies on the ontology's owl:AllDisjointClasses axioms."""
    groups = list(ontology.subjects(RDF.type, OWL.AllDisjointClasses))
    assert len(groups) >= 3
    members = {m for g in groups for m in ontology.items(ontology.value(g, OWL.members))}
    assert {MG.Institution, MG.State, MG.Figure} <= members


# -- the set-at-a-time SPARQL runner against pyshacl -----------------------------------

SPARQL_FIXTURES = ["DescribedThing", "AxiomFields", "AxiomAnnotatesFact", "FactEvidence",
                   "DisjointClasses", "EvidenceOnly", "SourceSeedFile", "Described"]


def test_sparql_runner_agrees_with_pyshacl(shapes):
    """Same results as pyshacl evaluating each query per focus node (on a small graph:
    pyshacl is what makes this slow)."""
    from pyshacl import validate as pyshacl_validate

    data = Graph()
    for path in [*MINI_DATA.glob("*.ttl"), *(SHAPE_FIXTURES / f"{n}.ttl" for n in SPARQL_FIXTURES)]:
        data.parse(path, format="turtle")
    keep = (RDFS.subClassOf, OWL.members, RDF.first, RDF.rest, RDFS.isDefinedBy)
    for t in Corpus.load(make_project_settings()).ontology:
        if t[1] in keep or t[2] == OWL.AllDisjointClasses or t[2] == MG.MigrantCategory:
            data.add(t)
    sparql_only = Graph()
    sparql_nodes = {s.node for s in shapes.sparql}
    for s, p, o in shapes.graph:
        if s in sparql_nodes or not ((s, RDF.type, SH.NodeShape) in shapes.graph
                                     or p in (SH.targetClass, SH.property)):
            sparql_only.add((s, p, o))
    _, results, text = pyshacl_validate(data, shacl_graph=sparql_only, inference="none",
                                     advanced=True)

    def norm(t):
        return "_" if isinstance(t, BNode) else t

    def key(focus, path, value, code):
        return (norm(focus), path, norm(value) if not isinstance(value, Literal) else value, code)

    assert not hasattr(results, "message"), results.message
    theirs = set()
    for r in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(r, SH.sourceShape)
        constraint = results.value(r, SH.sourceConstraint)
        theirs.add(key(results.value(r, SH.focusNode), results.value(r, SH.resultPath),
                       results.value(r, SH.value), shapes.code(shape, constraint)))
    ours = {key(r.focus, r.path, r.value, shapes.code(r.shape, r.constraint))
            for r in run_sparql(shapes, data)}
    assert ours == theirs
    assert len(ours) >= 8  # the fixtures do trip these shapes


def test_whole_graph_mode_is_used_only_where_it_is_exact(shapes):
    modes = {shapes.code(s.node, c.node): c.whole_graph for s in shapes.sparql
             for c in s.constraints}
    assert modes["FactEvidence"] and modes["DisjointClasses"]
    assert not modes["DescribedThing-typed"]  # $this only inside FILTER NOT EXISTS
