"""The release writers split between the build and a forked child (kg.release.build
FORKED_WRITERS): the same bytes as one after the other, and a child that fails fails the
build with its reason, dist/ untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kg.core.errors import KgError
from kg.release import build as build_module
from kg.release.build import build

from ..conftest import make_project


def snapshot(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.fixture
def forks(monkeypatch):
    """Forking allowed even if an earlier test left a thread running; each fork noted."""
    made = []

    class Noting(build_module.Forked):
        def __init__(self, fn):
            super().__init__(fn)
            made.append(self.pid)

    from kg.validation import pending

    monkeypatch.setattr(build_module, "forked_available", lambda: True)
    monkeypatch.setattr(build_module, "Forked", Noting)
    # as if the shapes' child had ended already (a rebuild's few shapes): the writers fork
    monkeypatch.setattr(pending.Pending, "done", lambda self: True)
    return made


def test_forked_writers_write_the_same_release(tmp_path, monkeypatch, forks):
    settings = make_project(tmp_path / "p")
    result = build(settings)
    assert len(forks) == 1, "the writers were not forked"
    assert {f"write_{n}" for n, _ in build_module.WRITERS} <= set(result.timings)
    parallel = snapshot(settings.dist_dir)
    monkeypatch.setattr(build_module, "PARALLEL_MAX_TRIPLES", 0)  # every writer in line
    build(settings)
    assert len(forks) == 1
    assert snapshot(settings.dist_dir) == parallel


def test_a_failed_forked_writer_fails_the_build_and_keeps_dist(tmp_path, monkeypatch, forks):
    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)

    def broken(target, c):
        raise OSError("disk full")

    writers = [(n, broken if n == "rdf_dumps" else w) for n, w in build_module.WRITERS]
    monkeypatch.setattr(build_module, "WRITERS", writers)
    with pytest.raises(KgError, match="rdf_dumps.*OSError: disk full"):
        build(settings)
    assert forks, "the writers were not forked"
    assert snapshot(settings.dist_dir) == before
    assert [p.name for p in settings.root.iterdir() if p.name.startswith(".dist")] == []


def test_the_writers_fork_only_once_the_verdict_child_is_done(tmp_path, monkeypatch, forks):
    """A cold build's shapes still hold the second core when the writers start: then they
    write in line (a third process made it slower); once that child is done they fork."""
    from kg.validation import pending

    settings = make_project(tmp_path / "p")
    monkeypatch.setattr(build_module, "pending_available", lambda: True)
    monkeypatch.setattr(pending.Pending, "done", lambda self: False)
    build(settings)
    assert forks == []
    monkeypatch.setattr(pending.Pending, "done", lambda self: True)
    build(settings)
    assert len(forks) == 1
