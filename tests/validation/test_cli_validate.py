"""`kg validate FILE... [--shapes FILE...] [--format text|json|turtle]`, and the refusal
of shapes that would not run as SHACL says (exit 2, with shape, construct and file:line),
in `kg validate` and `kg build` alike."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from kg.cli import main
from kg.validation.shacl import SH

from ..conftest import FIXTURES, ROOT, make_project

REFUSED = FIXTURES / "invalid" / "refused"
FILES = FIXTURES / "validate"
W3C = FIXTURES / "w3c-shacl"
_MARK = re.compile(r"#\s*refuse:\s*(\S.*?)\s*$")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def mark(path: Path) -> tuple[int, str]:
    """The line and construct a refused fixture announces with `# refuse: CONSTRUCT`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found = _MARK.search(line)
        if found:
            return number, found.group(1)
    raise AssertionError(f"{path.name} announces nothing")


@pytest.mark.parametrize("fixture", sorted(REFUSED.glob("*.ttl")), ids=lambda p: p.stem)
def test_refused_shapes_exit_2_naming_shape_construct_and_line(capsys, fixture):
    line, construct = mark(fixture)
    code, out, err = run(capsys, "validate", fixture, "--shapes", fixture)
    assert code == 2 and out == ""
    assert f"{fixture.name}:{line}: shape ex:Shape: {construct}: " in err, err


def test_build_refuses_the_project_shapes_with_their_line(capsys, tmp_path):
    """A shape whose $this is bound only inside a MINUS, added to the project's shapes:
    `kg build` stops with exit 2 at its line, and writes nothing."""
    settings = make_project(tmp_path)
    shapes = settings.ontology_dir / "shapes.ttl"
    before = shapes.read_text(encoding="utf-8")
    shapes.write_text(before + '''
mgsh:Refused a sh:NodeShape ; sh:targetClass mg:Person ;
    sh:sparql [ sh:prefixes <https://w3id.org/mgkg/shapes> ; sh:select """
        SELECT $this WHERE {
            ?s rdfs:label ?label .
            MINUS { $this rdfs:label ?label }
        }""" ] .
''', encoding="utf-8")
    line = before.count("\n") + 6
    for argv in (["build"], ["validate"]):
        code, _, err = run(capsys, "--root", settings.root, "--seeds", settings.seeds_dir, *argv)
        assert code == 2, err
        assert f"ontology/shapes.ttl:{line}: shape mgsh:Refused: MINUS: " in err
    assert not (settings.root / "dist").exists()


def test_every_kind_of_constraint_can_be_deactivated(capsys, tmp_path):
    fixture = FILES / "deactivated.ttl"
    code, out, _ = run(capsys, "validate", fixture, "--shapes", fixture)
    assert code == 0 and out.strip().endswith(": conforms")
    # Without sh:deactivated, each of the eight deactivated constraints reports ex:thing.
    active = tmp_path / "active.ttl"
    active.write_text(fixture.read_text(encoding="utf-8").replace("sh:deactivated true ;", ""),
                      encoding="utf-8")
    code, out, _ = run(capsys, "validate", active, "--shapes", active, "--format", "json")
    assert code == 1
    codes = {d["code"] for d in json.loads(out)["diagnostics"]}
    assert codes == {"SparqlInline", "SparqlNamed", "NodeWithSparql", "NodeWithCore",
                     "PropertyInNode-p", "PropertyTargeted", "ViaNode"}


def test_text_is_one_line_per_result_at_the_offending_triple(capsys):
    code, out, _ = run(capsys, "validate", FILES / "people.ttl",
                       "--shapes", FILES / "people-shapes.ttl")
    assert code == 1
    lines = out.splitlines()
    where = "tests/fixtures/validate/people.ttl"
    assert f"{where}:6: error[PersonShape-age]: <http://example.org/people#alice> ex:age: " \
           'ex:age is a whole number (found "forty"^^xsd:integer)' in lines
    assert f"{where}:9: error[PersonShape-name]: <http://example.org/people#bob> ex:name: " \
           "a person has exactly one ex:name" in lines
    assert f"{where}:8: warning[PersonShape]: <http://example.org/people#bob>: " \
           "nobody should be known" in lines
    assert sum(line.startswith(where) for line in lines) == 5
    assert lines[-1].endswith("does NOT conform")


def test_json_is_the_report_as_today(capsys):
    code, out, _ = run(capsys, "validate", FILES / "people.ttl",
                       "--shapes", FILES / "people-shapes.ttl", "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    assert report["counts"] == {"error": 4, "warning": 1, "info": 0}
    assert {"severity", "code", "message", "file", "line", "focus", "path", "value"} <= set(
        report["diagnostics"][0])


def test_turtle_is_the_standard_validation_report(capsys):
    code, out, _ = run(capsys, "validate", FILES / "people.ttl",
                       "--shapes", FILES / "people-shapes.ttl", "--format", "turtle")
    assert code == 1
    g = Graph().parse(data=out, format="turtle")
    (report,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms).toPython() is False
    results = list(g.objects(report, SH.result))
    assert len(results) == 5
    for r in results:
        for prop in (SH.focusNode, SH.resultSeverity, SH.sourceShape,
                     SH.sourceConstraintComponent, SH.resultMessage):
            assert g.value(r, prop) is not None, prop
    ex = "http://example.org/people#"
    by_severity = {str(g.value(r, SH.resultSeverity)): r for r in results}
    custom = by_severity[ex + "Remark"]  # the severity as the shape declares it
    assert g.value(custom, SH.sourceConstraint) is not None
    assert str(g.value(custom, SH.resultMessage)) == f"{ex}alice knows {ex}bob"
    inverse = g.value(by_severity[str(SH.Warning)], SH.resultPath)  # a complex path
    assert str(g.value(inverse, SH.inversePath)) == ex + "knows"


def test_w3c_pre_binding_violation_in_turtle(capsys):
    test = W3C / "sparql" / "pre-binding" / "pre-binding-003.ttl"
    code, out, _ = run(capsys, "validate", test, "--shapes", test, "--format", "turtle")
    g = Graph().parse(data=out, format="turtle")
    (result,) = g.objects(None, SH.result)
    assert code == 1
    assert str(g.value(result, SH.focusNode)).endswith("pre-binding-003.test#InvalidResource")
    assert g.value(result, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent


def test_exactly_the_given_files(capsys, tmp_path):
    """Nothing is merged in: alone, a file lacks what another file gives it."""
    extra = tmp_path / "names.ttl"
    extra.write_text('@prefix ex: <http://example.org/people#> .\n'
                     'ex:carol ex:name "Carol" .\n', encoding="utf-8")
    shapes = FILES / "people-shapes.ttl"
    _, alone, _ = run(capsys, "validate", FILES / "people.ttl", "--shapes", shapes)
    _, both, _ = run(capsys, "validate", FILES / "people.ttl", extra, "--shapes", shapes)
    assert "people#carol" in alone and "people#carol" not in both


def test_conforming_files_exit_0(capsys, tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text('@prefix ex: <http://example.org/people#> .\n'
                    'ex:dan a ex:Person ; ex:name "Dan" .\n', encoding="utf-8")
    code, out, _ = run(capsys, "validate", good, "--shapes", FILES / "people-shapes.ttl")
    assert code == 0 and out.strip().endswith(": conforms")


def test_unreadable_input_exits_2_with_its_line(capsys, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "open .\n', encoding="utf-8")
    code, out, err = run(capsys, "validate", bad, "--shapes", FILES / "people-shapes.ttl")
    assert code == 2 and out == "" and "bad.ttl:2: syntax error" in err
    code, _, err = run(capsys, "validate", tmp_path / "missing.ttl")
    assert code == 2 and "missing.ttl" in err


def test_our_shapes_are_the_default(capsys, tmp_path):
    """`kg validate mine.ttl dist/mgkg.ttl`: a publisher's file beside our release."""
    mine = tmp_path / "mine.ttl"
    mine.write_text("@prefix mgr: <https://w3id.org/mgkg/id/> .\n"
                    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                    "mgr:Not_A_Slug owl:sameAs <http://example.org/x> .\n", encoding="utf-8")
    code, out, _ = run(capsys, "--root", ROOT, "validate", mine, "--format", "json")
    codes = {d["code"] for d in json.loads(out)["diagnostics"]}
    assert code == 1 and {"DescribedThing-slug", "LinkSubject"} <= codes


def test_shapes_and_turtle_need_files(capsys):
    code, _, err = run(capsys, "validate", "--format", "turtle")
    assert code == 2 and "need the data files" in err


def test_project_shapes_pass_the_refusal_checks(tmp_path):
    """The shipped shapes are not refused (the build runs them on every release)."""
    settings = make_project(tmp_path, data=None)
    shutil.rmtree(settings.root / "data")
    from kg.input.corpus import shapes_files
    from kg.validation.shacl import Shapes

    assert Shapes.load(shapes_files(settings), root=settings.root) is not None
