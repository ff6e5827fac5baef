"""The claims model (issue 13): every pattern of docs/CURATION.md is accepted by the
build, and each of its error paths stops a build with file:line, leaving dist/ as it was."""

from __future__ import annotations

import shutil

import pytest

from kg.core.errors import KgError
from kg.release.build import build
from kg.validation.validate import validate

from ..conftest import FIXTURES, MINI_DATA, make_project

PATTERNS = FIXTURES / "valid" / "claims-patterns.ttl"
BAD = {
    "negative-contradicts": FIXTURES / "invalid" / "checks" / "negative-contradicts.ttl",
    "date-not-in-quote": FIXTURES / "invalid" / "checks" / "date-not-in-quote.ttl",
    "InferenceComment": FIXTURES / "invalid" / "shapes" / "InferenceComment.ttl",
    "status-range": FIXTURES / "invalid" / "shapes" / "status.ttl",
}


def test_every_pattern_of_the_curation_guide_validates(tmp_path):
    settings = make_project(tmp_path, data=MINI_DATA)
    shutil.copy(PATTERNS, settings.data_dir / PATTERNS.name)
    _, report = validate(settings)
    assert [d.format() for d in report.diagnostics] == []


def test_every_pattern_builds(tmp_path):
    settings = make_project(tmp_path, data=MINI_DATA)
    shutil.copy(PATTERNS, settings.data_dir / PATTERNS.name)
    build(settings)
    owl = (settings.dist_dir / "mgkg.owl").read_text(encoding="utf-8")
    assert "NegativePropertyAssertion" in owl


@pytest.mark.parametrize("code", sorted(BAD))
def test_bad_input_fails_the_build_at_its_line_and_leaves_dist(tmp_path, code):
    settings = make_project(tmp_path, data=MINI_DATA)
    build(settings)
    before = {p.name: p.read_bytes() for p in settings.dist_dir.iterdir() if p.is_file()}
    shutil.copy(BAD[code], settings.data_dir / BAD[code].name)
    with pytest.raises(KgError) as failed:
        build(settings)
    assert f"data/{BAD[code].name}:" in str(failed.value)
    assert code in str(failed.value)
    after = {p.name: p.read_bytes() for p in settings.dist_dir.iterdir() if p.is_file()}
    assert after == before


def test_self_evidenced_kinds_in_the_shapes_are_the_ontology_s():
    """FactEvidence and EvidenceOnly name the classes whose nodes carry their own evidence
    one by one (a subclass path there costs minutes); the list must follow the ontology."""
    import re

    from rdflib import Graph
    from rdflib.namespace import RDFS

    from kg.core.namespaces import MG

    from ..conftest import ROOT

    onto = Graph().parse(ROOT / "ontology" / "mgkg.ttl")
    claims = {str(c)[len(str(MG)):] for c in onto.transitive_subjects(RDFS.subClassOf, MG.Claim)}
    text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    lists = re.findall(r"FILTER\(\?selfEvidenced IN \(([^)]*)\)\)", text)
    assert len(lists) == 2
    for found in lists:
        names = set(re.findall(r"mg:(\w+)", found))
        assert claims | {"Figure", "ListItem"} <= names
        assert names - claims - {"Figure", "ListItem"} == set()
