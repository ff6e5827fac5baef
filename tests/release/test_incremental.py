"""Rebuilds with the build cache (kg.core.cache): same bytes as a clean build, nothing
reused across different shapes or ontology, and an error in a changed file refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kg.release.build import BuildFailed, build

from ..conftest import make_project
from .test_pending import add_failing_shape

DATA = "001_4f7e06674fa94512.ttl"
LABEL = '"International Organization for Migration'


def snapshot(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir()) if p.is_file()}


def _edit(settings, old: str, new: str) -> None:
    path = settings.data_dir / DATA
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rebuild_after_one_file_changed_equals_a_clean_build(tmp_path):
    warm = make_project(tmp_path / "warm")
    first = build(warm)
    assert first.report.timings.get("parse") is not None  # the quick way: valid
    assert any((warm.cache_dir / kind).is_dir() for kind in ("shapes", "shacl"))
    _edit(warm, LABEL, LABEL + " (renamed)")
    again = build(warm)
    assert "shacl" in again.report.timings  # the changed graph was validated again
    clean = make_project(tmp_path / "clean")
    _edit(clean, LABEL, LABEL + " (renamed)")
    assert not clean.cache_dir.exists()
    build(clean)
    assert snapshot(warm.dist_dir) == snapshot(clean.dist_dir)
    assert "(renamed)" in (warm.dist_dir / "mgkg.nt").read_text(encoding="utf-8")


def test_an_unchanged_rebuild_reuses_the_verdict_and_gives_the_same_bytes(tmp_path):
    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)
    (settings.data_dir / DATA).touch()
    result = build(settings)
    assert result.report.timings["shacl"] == 0.0  # the verdict for these exact files
    assert snapshot(settings.dist_dir) == before


def test_a_verdict_for_other_shapes_is_not_reused(tmp_path):
    """Cached verdicts are keyed by the shapes' bytes: a shape added after a valid build
    is run, and refuses the build."""
    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)
    add_failing_shape(settings)
    with pytest.raises(BuildFailed, match="test: no label here"):
        build(settings)
    assert snapshot(settings.dist_dir) == before


def test_a_verdict_for_another_ontology_is_not_reused(tmp_path):
    settings = make_project(tmp_path / "p")
    build(settings)
    ontology = settings.ontology_dir / "mgkg.ttl"
    text = ontology.read_text(encoding="utf-8")
    assert "mg:inUNSystem a owl:DatatypeProperty" in text
    ontology.write_text(text.replace("mg:inUNSystem a owl:DatatypeProperty",
                                     "mg:inUNSystemRenamed a owl:DatatypeProperty"),
                        encoding="utf-8")
    with pytest.raises(BuildFailed, match=r"undeclared-term.*mg:inUNSystem"):
        build(settings)


def test_a_changed_file_with_an_error_is_refused_at_its_line(tmp_path):
    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)
    path = settings.data_dir / DATA
    text = path.read_text(encoding="utf-8")
    quote = 'mg:quote "'
    at = text.index(quote)
    line = text[:at].count("\n") + 1
    path.write_text(text[:at] + quote + "Words no source ever wrote, " + text[at + len(quote):],
                    encoding="utf-8")
    with pytest.raises(BuildFailed) as info:
        build(settings)
    assert f"data/{DATA}:{line}: error[quote-not-found]" in str(info.value)
    assert info.value.report.timings.get("parse_with_lines") is not None
    assert snapshot(settings.dist_dir) == before
