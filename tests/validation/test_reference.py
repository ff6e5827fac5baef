"""pySHACL as an independent reference: on the project's shapes and shape fixtures, the
engine (pyshacl-turbo) and pySHACL report the same results. Any disagreement fails.

Both run in advanced mode (the SPARQL-based target of mgsh:DescribedThing is SHACL-AF)
without inference; results compare by focus node, path, value, severity, source shape
(by its rule code) and constraint component, blank nodes as blank.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import OWL, RDF, RDFS

from kg.core.namespaces import MG
from kg.input.corpus import Corpus
from kg.validation.shacl import SH, Shapes, lexical_literals, run

from ..conftest import FIXTURES, MINI_DATA, ROOT, SEEDS

SHAPE_FIXTURES = FIXTURES / "invalid" / "shapes"


def _blank(term):
    return "_:" if isinstance(term, BNode) else term


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return Shapes.load(sorted((ROOT / "ontology").glob("shapes*.ttl")), root=ROOT)


@pytest.fixture(scope="module")
def fixture_graph() -> Graph:
    """The ontology, the mini data and every shape fixture: each shape fires on it."""
    from kg.core.settings import Settings

    graph = Graph()
    # The part of the ontology the shapes read (class hierarchy, disjointness, the
    # punned categories, the ontology's own terms): pySHACL is slow on the rest.
    keep = (RDFS.subClassOf, OWL.members, RDF.first, RDF.rest, RDFS.isDefinedBy)
    for t in Corpus.load(Settings(root=ROOT, seeds_dir=SEEDS)).ontology:
        if t[1] in keep or t[2] in (OWL.AllDisjointClasses, MG.MigrantCategory):
            graph.add(t)
    with lexical_literals():
        for path in [*sorted(MINI_DATA.glob("*.ttl")), *sorted(SHAPE_FIXTURES.glob("*.ttl"))]:
            graph.parse(path, format="turtle")
    return graph


def both_engines(shapes: Shapes, graph: Graph) -> tuple[Counter, Counter, bool, bool]:
    """The results of the engine and of pySHACL on one graph, as comparable keys, and the
    two sh:conforms."""
    from pyshacl import validate as pyshacl_validate

    outcome = run(shapes, graph)
    ours = Counter((_blank(r.focus), _blank(r.path), _blank(r.value), r.declared_severity,
                    shapes.code(r.shape, r.constraint), r.component)
                   for r in outcome.results)
    conforms, report, _ = pyshacl_validate(
        graph, shacl_graph=shapes.graph, advanced=True, inference="none",
        allow_warnings=False, allow_infos=False)
    theirs = Counter()
    for root in report.subjects(SH.conforms, None):
        for r in report.objects(root, SH.result):
            shape = report.value(r, SH.sourceShape)
            constraint = report.value(r, SH.sourceConstraint)
            component = report.value(r, SH.sourceConstraintComponent)
            theirs[(_blank(report.value(r, SH.focusNode)), _blank(report.value(r, SH.resultPath)),
                    _blank(report.value(r, SH.value)), report.value(r, SH.resultSeverity),
                    shapes.code(shape, constraint if constraint is not None else component),
                    component)] += 1
    return ours, theirs, outcome.conforms, bool(conforms)


def test_engine_agrees_with_pyshacl_on_the_shape_fixtures(shapes, fixture_graph):
    ours, theirs, conforms, their_conforms = both_engines(shapes, fixture_graph)
    assert conforms == their_conforms
    assert ours == theirs, (f"only ours: {dict(ours - theirs)}; "
                            f"only pySHACL's: {dict(theirs - ours)}")
    # Every rule code is exercised (so the comparison covers every shape).
    assert shapes.codes() <= {key[4] for key in ours}
