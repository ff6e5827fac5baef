"""The W3C SHACL test suite (core and SPARQL, vendored in tests/fixtures/w3c-shacl/) through
the project's own validation, `kg.validation.validate.validate_files`: what
`kg validate FILE --shapes FILE` runs.

Each test compares sh:conforms and the results (focus node, path, value, severity, source
shape and component; blank nodes matched as blank, complex paths by their structure), or,
where the suite expects a failure, checks that the shapes are refused with exit 2. Every
test passes, or is in KNOWN_FAILURES with its reason (at most 2, each one failing in
pySHACL and pyshacl-turbo alike).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from kg.validation.shacl import SH, lexical_literals
from kg.validation.shapelint import ShapesRefused
from kg.validation.validate import validate_files

from ..conftest import FIXTURES

SUITE = FIXTURES / "w3c-shacl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# Tests that do not pass, with the reason. Keep it at most 2, each also failing in both
# pySHACL 0.40.1 and pyshacl-turbo 0.6.5 (docs/decisions/0001-shacl-engine.md).
KNOWN_FAILURES: dict[str, str] = {}


def _load(path: Path) -> Graph:
    with lexical_literals():
        graph = Graph()
        graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    return graph


def _file(iri) -> Path:
    return Path(str(iri).removeprefix("file://"))


def _cases(manifest: Path):
    graph = _load(manifest)
    for node in graph.subjects(RDF.type, MF.Manifest):
        for included in graph.objects(node, MF.include):
            yield from _cases(_file(included))
        for entries in graph.objects(node, MF.entries):
            for test in Collection(graph, entries):
                yield graph, test


def _name(test) -> str:
    return str(test).split("/w3c-shacl/")[1].removesuffix(".ttl")


CASES = {_name(t): (g, t) for part in ("core", "sparql")
         for g, t in _cases(SUITE / part / "manifest.ttl")}


def path_key(graph: Graph, path):
    """A SHACL path as a nested tuple, so that blank path nodes compare by structure."""
    if path is None or isinstance(path, URIRef):
        return path and str(path)
    if (path, RDF.first, None) in graph:
        return ("sequence", *(path_key(graph, p) for p in Collection(graph, path)))
    for kind in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        inner = graph.value(path, kind)
        if inner is not None:
            return (str(kind), path_key(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return ("alternative", *(path_key(graph, p) for p in Collection(graph, alternatives)))
    return "unknown path node"


def term_key(term):
    if term is None:
        return None
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal):  # the report may normalize a literal's lexical form
        return Literal(str(term), lang=term.language, datatype=term.datatype,
                       normalize=True).n3()
    return str(term)


def expected_results(graph: Graph, report) -> Counter:
    return Counter(
        (term_key(graph.value(r, SH.focusNode)), path_key(graph, graph.value(r, SH.resultPath)),
         term_key(graph.value(r, SH.value)), term_key(graph.value(r, SH.resultSeverity)),
         term_key(graph.value(r, SH.sourceShape)),
         term_key(graph.value(r, SH.sourceConstraintComponent)))
        for r in graph.objects(report, SH.result))


def run_case(graph: Graph, test) -> tuple[bool, str]:
    action = graph.value(test, MF.action)
    data = _file(graph.value(action, SHT.dataGraph))
    shapes = _file(graph.value(action, SHT.shapesGraph))
    expected = graph.value(test, MF.result)
    try:
        result = validate_files([data], [shapes], root=SUITE)
    except ShapesRefused as exc:
        return expected == SHT.Failure, f"refused: {exc}"
    if expected == SHT.Failure:
        return False, "validated where the suite expects a failure"
    outcome = result.outcome
    report = outcome.report.value(None, RDF.type, SH.ValidationReport)
    got = expected_results(outcome.report, report)
    want = expected_results(graph, expected)
    want_conforms = graph.value(expected, SH.conforms).toPython()
    ok = outcome.conforms == want_conforms and got == want
    return ok, (f"conforms {outcome.conforms} (expected {want_conforms}); "
                f"unexpected {dict(got - want)}; missing {dict(want - got)}")


def test_the_suite_is_all_there():
    parts = Counter(name.split("/")[0] for name in CASES)
    assert parts == {"core": 98, "sparql": 22}


def test_known_failures_are_few_and_real():
    assert len(KNOWN_FAILURES) <= 2
    assert set(KNOWN_FAILURES) <= set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_w3c_case(name):
    passed, why = run_case(*CASES[name])
    if name in KNOWN_FAILURES:
        assert not passed, f"{name} passes now: take it off KNOWN_FAILURES"
        pytest.xfail(KNOWN_FAILURES[name])
    assert passed, why
