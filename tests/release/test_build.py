"""kg build: every release file, determinism, atomicity, quote offsets, the report."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.namespace import DCTERMS, RDF

from kg.core.namespaces import MG, MGG, MGS
from kg.input.sources import SourceLibrary, fold
from kg.release import build as build_module
from kg.release.build import RELEASE_FILES, BuildFailed, build

from ..conftest import MINI_DATA, SEEDS, make_project


def snapshot(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir()) if p.is_file()}


def test_release_has_every_file_and_they_agree(mini_settings):
    dist = mini_settings.dist_dir
    assert sorted(p.name for p in dist.iterdir()) == sorted(RELEASE_FILES)
    reference = Graph().parse(dist / "mgkg.nt", format="nt")
    for name, fmt in [("mgkg.ttl", "turtle"), ("mgkg.owl", "xml"), ("mgkg.jsonld", "json-ld")]:
        other = Graph().parse(dist / name, format=fmt)
        assert len(other) == len(reference), name
    dataset = Dataset()
    dataset.parse(dist / "mgkg.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {str(MGG["ontology"]), str(MGG["001_4f7e06674fa94512"])}


def test_sha256sums_match_files(mini_settings):
    dist = mini_settings.dist_dir
    listed = set()
    for line in (dist / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest
        listed.add(name)
    # Every file of the release but the sums themselves, the reports (.md, .json) included.
    assert listed == {p.name for p in dist.iterdir() if p.is_file()} - {"SHA256SUMS"}
    assert "build-report.md" in listed


def test_build_report_counts_the_quotes_of_facts_and_of_figures(real_settings):
    """Per source, the distinct quotes of its evidence axioms and of its figures, counted
    here from the dump. The real release has figures whose quote no axiom shares, so a
    report that skipped figure quotes would be caught."""
    from collections import defaultdict

    dist = real_settings.dist_dir
    summary = json.loads((dist / "build-report.json").read_text())
    graph = Graph().parse(dist / "mgkg.nt", format="nt")
    of_axioms: dict[str, set] = defaultdict(set)
    of_figures: dict[str, set] = defaultdict(set)
    for node, quote in graph.subject_objects(MG.quote):
        src = str(graph.value(node, DCTERMS.source))
        if not src.startswith(str(MGS)):
            continue
        is_figure = (node, RDF.type, MG.Figure) in graph
        (of_figures if is_figure else of_axioms)[src].add(str(quote))
    assert any(of_figures[s] - of_axioms[s] for s in of_figures)
    for src, counts in summary["sources"].items():
        assert counts["quotes"] == len(of_axioms[src] | of_figures[src]), src


def test_two_builds_give_identical_sorted_ntriples(tmp_path):
    first = make_project(tmp_path / "a")
    second = make_project(tmp_path / "b")
    build(first)
    build(second)
    a = (first.dist_dir / "mgkg.nt").read_bytes()
    assert a == (second.dist_dir / "mgkg.nt").read_bytes()
    lines = a.decode().splitlines()
    assert lines == sorted(lines)
    assert not any(re.search(r"_:N[0-9a-f]{20,}", line) for line in lines), "random bnode ids"


def test_failed_build_leaves_previous_release_untouched(tmp_path):
    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)
    bad = settings.data_dir / "002_ff707b0e55ac8f9a.ttl"
    bad.write_text("@prefix mg: <https://w3id.org/mgkg/ontology#> .\nmg:x mg:y \n", "utf-8")
    with pytest.raises(BuildFailed) as info:
        build(settings)
    assert "002_ff707b0e55ac8f9a.ttl:2" in str(info.value)
    assert snapshot(settings.dist_dir) == before
    assert [p.name for p in settings.root.iterdir() if p.name.startswith(".dist")] == []


def test_crash_while_writing_keeps_release_and_cleans_up(tmp_path, monkeypatch):
    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)

    def explode(target, *args, **kwargs):
        (target / "mgkg.nt").write_text("half", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_release", explode)
    with pytest.raises(OSError):
        build(settings)
    assert snapshot(settings.dist_dir) == before
    assert [p.name for p in settings.root.iterdir() if p.name.startswith(".dist")] == []


def test_quote_offsets_point_at_the_quote(mini_settings):
    graph = Graph().parse(mini_settings.dist_dir / "mgkg.nt", format="nt")
    sources = SourceLibrary(SEEDS)
    checked = 0
    for node, quote in graph.subject_objects(MG.quote):
        start = int(graph.value(node, MG.quoteStart))
        end = int(graph.value(node, MG.quoteEnd))
        stem = str(graph.value(node, DCTERMS.source))[len(str(MGS)):]
        assert fold(sources.get(stem).raw[start:end]) == fold(str(quote))
        checked += 1
    assert checked == 6  # five axioms and one figure in the mini data


def test_build_report_counts(mini_settings):
    summary = json.loads((mini_settings.dist_dir / "build-report.json").read_text())
    source = str(MGS["001_4f7e06674fa94512"])
    assert summary["sources"][source] == {"facts": 5, "figures": 1, "quotes": 4}
    assert summary["entities_per_class"]["mg:IntergovernmentalOrganization"] == 1
    assert summary["triples"] == len(Graph().parse(mini_settings.dist_dir / "mgkg.nt"))
    assert "| class | entities |" in (mini_settings.dist_dir / "build-report.md").read_text()


def test_mini_fixture_is_the_committed_one():
    assert (MINI_DATA / "001_4f7e06674fa94512.ttl").is_file()


def test_dist_is_switched_in_one_step_and_old_releases_are_pruned(tmp_path):
    """dist is a link to a complete release folder, replaced by one rename; the release
    before stays for readers that hold it, the one before that is removed."""
    from kg.release.swap import releases_dir

    settings = make_project(tmp_path / "p")
    dist = settings.dist_dir
    build(settings)
    assert dist.is_symlink() and (dist / "mgkg.trig").is_file()
    first = dist.resolve()
    data = settings.data_dir / "001_4f7e06674fa94512.ttl"
    held = []
    for n in (2, 3):  # a different release each time: a label changes
        text = data.read_text(encoding="utf-8")
        assert '"International Organization for Migration' in text
        data.write_text(text.replace('"International Organization for Migration',
                                     f'"International Organization for Migration {n}', 1),
                        encoding="utf-8")
        build(settings)
        held.append(dist.resolve())
    releases = sorted(p for p in releases_dir(dist).iterdir())
    assert releases == sorted(held) and first not in releases
    assert "Migration 3" in (dist / "mgkg.nt").read_text(encoding="utf-8")


def test_a_killed_build_leaves_nothing_the_next_build_keeps(tmp_path):
    """What a build killed mid-write leaves (a staging folder of a process that is gone,
    a temporary link, an old-style .dist.tmp-* folder) is removed by the next build."""
    from kg.release.swap import releases_dir

    settings = make_project(tmp_path / "p")
    build(settings)
    dist = settings.dist_dir
    dead = 2**22 + 12345  # above any pid this machine hands out (pid_max is 2**22)
    stale = releases_dir(dist) / f"tmp-{dead}-abc"
    stale.mkdir()
    (stale / "mgkg.nt").write_text("half", encoding="utf-8")
    link = dist.with_name(f"{dist.name}.link-{dead}")
    link.symlink_to(stale)
    old_style = dist.parent / f".{dist.name}.tmp-xyz"
    old_style.mkdir()
    build(settings)
    assert not stale.exists() and not link.is_symlink() and not old_style.exists()
    assert set(snapshot(dist)) == set(RELEASE_FILES)


def test_a_dist_folder_from_before_is_replaced_by_the_link(tmp_path):
    settings = make_project(tmp_path / "p")
    settings.dist_dir.mkdir(parents=True)
    (settings.dist_dir / "old.txt").write_text("from an older build", encoding="utf-8")
    build(settings)
    assert settings.dist_dir.is_symlink() and not (settings.dist_dir / "old.txt").exists()


def test_release_carries_the_coverage_of_every_source(real_settings):
    """dist/coverage.json: every sentence of every source with its state, the same figures
    `kg coverage` reports, and listed in SHA256SUMS."""
    from kg.validation.coverage import compute

    doc = json.loads((real_settings.dist_dir / "coverage.json").read_text(encoding="utf-8"))
    assert len(doc["sources"]) == len(list(SEEDS.glob("*.txt")))
    fresh = compute(real_settings)
    for stem, entry in doc["sources"].items():
        assert len(entry["sentence_list"]) == entry["sentences"]
        assert entry["covered"] + entry["set-aside"] + entry["uncovered"] == entry["sentences"]
        assert (entry["covered"], entry["uncovered"]) == (
            fresh[stem].counts()["covered"], fresh[stem].counts()["uncovered"])
    assert "coverage.json" in (real_settings.dist_dir / "SHA256SUMS").read_text()


def test_a_bad_set_aside_file_refuses_the_build_and_keeps_dist(tmp_path):
    from kg.validation.coverage import CoverageInputError

    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)
    (settings.data_dir / "coverage").mkdir()
    (settings.data_dir / "coverage" / "001_4f7e06674fa94512.tsv").write_text(
        "boring\tIntroduction\n", encoding="utf-8")
    with pytest.raises(CoverageInputError, match=r"001_4f7e06674fa94512\.tsv:1: "
                                                 r"error\[setaside-reason\]"):
        build(settings)
    assert snapshot(settings.dist_dir) == before
