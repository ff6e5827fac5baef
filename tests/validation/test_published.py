"""The register of published IRIs (kg.validation.published): an IRI that a release has
described never silently disappears; `kg iris --update` only ever adds; a line that is not
an IRI is an error at its line; and the real register is current with data/."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.core.errors import KgError
from kg.core.namespaces import MGR
from kg.input.corpus import Corpus
from kg.release.build import build
from kg.validation.published import PUBLISHED_FILE, check_published, unlisted, update_published

from ..conftest import ROOT, SEEDS, make_project

RETIRED = """
@prefix mg: <https://w3id.org/mgkg/ontology#> .
@prefix mgr: <https://w3id.org/mgkg/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
mgr:{old} a mg:GovernanceFunction ; rdfs:label "{label}"@en ;
    owl:deprecated true ; dcterms:isReplacedBy mgr:{new} ;
    rdfs:comment "Retired in a test."@en .
"""


def kg(settings, *args):
    return subprocess.run([sys.executable, "-m", "kg.cli", "--root", str(settings.root),
                           "--seeds", str(SEEDS), *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path):
    settings = make_project(tmp_path / "p")
    update_published(Corpus.load(settings))
    return settings


def test_a_published_iri_that_disappears_stops_the_build_at_its_line(project):
    build(project)
    before = sorted(p.name for p in (project.root / "dist").iterdir())
    register = project.data_dir / PUBLISHED_FILE
    lines = register.read_text(encoding="utf-8").splitlines()
    iri = f"{MGR}fx-published-gone"
    lines.append(iri)                           # published once, described by no file now
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = kg(project, "build")
    assert result.returncode == 1
    assert f"data/{PUBLISHED_FILE}:{len(lines)}:" in result.stdout + result.stderr
    assert "published-iri-gone" in result.stdout + result.stderr
    assert sorted(p.name for p in (project.root / "dist").iterdir()) == before


def test_a_retired_iri_stays_published(project):
    retired = project.data_dir / "zz-retired.ttl"
    record = RETIRED.format(old="fx-retired-function", new="provision-of-services",
                            label="fixture retired function")
    retired.write_text(record, encoding="utf-8")
    update_published(Corpus.load(project))          # published while it was described
    retired.unlink()                                # removed outright: an error
    assert [d.code for d in check_published(Corpus.load(project))] == ["published-iri-gone"]
    retired.write_text(record, encoding="utf-8")    # kept as a retirement record: fine
    assert not list(check_published(Corpus.load(project)))


def test_update_adds_and_never_removes(project):
    register = project.data_dir / PUBLISHED_FILE
    before = register.read_text(encoding="utf-8").splitlines()
    (project.data_dir / "zz-retired.ttl").write_text(
        RETIRED.format(old="fx-new-iri", new="provision-of-services", label="fixture new"),
        encoding="utf-8")
    result = kg(project, "iris")
    assert result.returncode == 1 and f"not listed yet: {MGR}fx-new-iri" in result.stdout
    assert kg(project, "iris", "--update").returncode == 0
    after = register.read_text(encoding="utf-8").splitlines()
    assert set(before) <= set(after) and f"{MGR}fx-new-iri" in after
    assert after == before[:3] + sorted(after[3:])          # header, then sorted IRIs
    (project.data_dir / "zz-retired.ttl").unlink()
    assert kg(project, "iris", "--update").returncode == 1   # gone: reported, not dropped
    assert f"{MGR}fx-new-iri" in register.read_text(encoding="utf-8").splitlines()


def test_a_line_that_is_not_an_iri_is_an_error_at_its_line(project):
    register = project.data_dir / PUBLISHED_FILE
    register.write_text(register.read_text(encoding="utf-8") + "mgr:typo\n", encoding="utf-8")
    number = len(register.read_text(encoding="utf-8").splitlines())
    found = list(check_published(Corpus.load(project)))
    assert [(d.code, d.file, d.line) for d in found] == [
        ("published-list", f"data/{PUBLISHED_FILE}", number)]
    with pytest.raises(KgError, match=f"{PUBLISHED_FILE}:{number}:"):
        unlisted(Corpus.load(project))


def test_the_real_register_lists_every_described_iri_and_misses_none():
    from kg.core.settings import Settings

    corpus = Corpus.load(Settings(root=ROOT, seeds_dir=SEEDS))
    assert (ROOT / "data" / PUBLISHED_FILE).is_file()
    assert not unlisted(corpus), "new IRIs: run `kg iris --update` and commit the register"
    assert not [d.format() for d in check_published(corpus)]
