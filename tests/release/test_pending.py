"""The shapes' verdict in a forked child (kg.validation.pending): it runs in another
process, and a child that is killed, raises or answers "no" never leads to a publish:
the build validates the slow way, and refuses (keeping dist/) when that finds anything."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.release import build as build_module
from kg.release.build import BuildFailed, build
from kg.validation import pending
from kg.validation.verdict import conforms

from ..conftest import make_project

DATA = "001_4f7e06674fa94512.ttl"
SRC = Path(__file__).resolve().parents[2] / "src"


def snapshot(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir()) if p.is_file()}


def no_children_left() -> bool:
    """No forked child of this process is left, running or unreaped. Servers other tests
    started as subprocesses (a session's `kg serve`) are not forks: their command line
    is their own, where a fork has this process's (a zombie's reads as empty)."""
    me = Path("/proc/self/cmdline").read_bytes()
    pids: set[str] = set()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            pids |= set((task / "children").read_text().split())
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        if cmdline in (me, b""):
            return False
    return True


def add_failing_shape(settings) -> None:
    """A shape the mini data breaks (the checks find nothing: only SHACL can say no)."""
    shapes = settings.ontology_dir / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + """
mgsh:TestNoIom a sh:NodeShape ;
    sh:targetNode <https://w3id.org/mgkg/id/iom> ;
    sh:property [ sh:path rdfs:label ; sh:maxCount 0 ;
                  sh:message "test: no label here"@en ] .
""", encoding="utf-8")


@pytest.fixture
def recorded(monkeypatch, tmp_path):
    """conforms() as the build runs it (in the child, or in line), noting the process
    it ran in."""
    where = tmp_path / "verdict-pid"

    def noting(corpus, cache, timings):
        where.write_text(str(os.getpid()), encoding="utf-8")
        return conforms(corpus, cache, timings)

    monkeypatch.setattr(pending, "conforms", noting)
    monkeypatch.setattr(build_module, "conforms", noting)
    return where


@pytest.fixture
def forking(monkeypatch):
    """The build forks its verdict even if an earlier test left a thread running in this
    process (a reader of a server's output, say), which would make it run in line."""
    monkeypatch.setattr(build_module, "pending_available", lambda: True)


def test_a_fresh_process_with_one_thread_can_fork():
    code = "from kg.validation.pending import available; print(available())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert done.stdout.strip() == "True"


def test_the_verdict_runs_in_a_forked_child(tmp_path, recorded, forking):
    settings = make_project(tmp_path / "p")
    result = build(settings)
    child = int(recorded.read_text(encoding="utf-8"))
    assert child != os.getpid()
    assert result.report.timings["shacl"] > 0  # the child's own timings came back
    assert "parse_with_lines" not in result.report.timings  # the quick way published
    assert no_children_left()
    clean = make_project(tmp_path / "clean")
    build(clean)
    assert snapshot(settings.dist_dir) == snapshot(clean.dist_dir)


def test_with_another_thread_running_the_verdict_runs_in_line(tmp_path, recorded):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not pending.available()
        build(make_project(tmp_path / "p"))
    finally:
        stop.set()
        other.join()
    assert int(recorded.read_text(encoding="utf-8")) == os.getpid()


def _killed(corpus, cache, timings):
    os.kill(os.getpid(), signal.SIGKILL)


def _raising(corpus, cache, timings):
    raise RuntimeError("the engine fell over")


def _exiting(corpus, cache, timings):
    os._exit(0)  # gone without an answer, with a "success" status


@pytest.mark.parametrize("child", [_killed, _raising, _exiting])
def test_a_failed_child_means_the_slow_way_and_no_publish(tmp_path, monkeypatch, forking,
                                                          child):
    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)
    add_failing_shape(settings)
    monkeypatch.setattr(pending, "conforms", child)
    with pytest.raises(BuildFailed, match="test: no label here") as info:
        build(settings)
    assert info.value.report.timings.get("parse_with_lines") is not None  # the slow way
    assert snapshot(settings.dist_dir) == before  # nothing published
    assert [p.name for p in settings.root.iterdir() if p.name.startswith(".dist")] == []
    assert no_children_left()


@pytest.mark.parametrize("child", [_killed, _raising])
def test_a_failed_child_on_a_valid_project_builds_the_slow_way(tmp_path, monkeypatch, forking,
                                                               child):
    """Not known valid is not invalid: the slow way validates, finds nothing, and the
    release is the same as a quick build's."""
    quick = make_project(tmp_path / "quick")
    build(quick)
    settings = make_project(tmp_path / "p")
    monkeypatch.setattr(pending, "conforms", child)
    result = build(settings)
    assert result.report.timings.get("parse_with_lines") is not None
    assert snapshot(settings.dist_dir) == snapshot(quick.dist_dir)


def test_the_child_is_stopped_when_the_checks_find_something(tmp_path, monkeypatch, forking):
    settings = make_project(tmp_path / "p")

    def slow_verdict(corpus, cache, timings):
        threading.Event().wait(600)  # would hold the build for ten minutes
        return True

    monkeypatch.setattr(pending, "conforms", slow_verdict)
    path = settings.data_dir / DATA
    text = path.read_text(encoding="utf-8")
    quote = 'mg:quote "'
    at = text.index(quote)
    path.write_text(text[:at] + quote + "Words no source ever wrote, " + text[at + len(quote):],
                    encoding="utf-8")
    with pytest.raises(BuildFailed, match=r"quote-not-found"):
        build(settings)
    assert no_children_left()  # killed and reaped, not left to run its ten minutes
    assert not settings.dist_dir.exists()


def test_the_answer_is_read_once_and_cancel_after_wait_keeps_it(tmp_path):
    from kg.core.cache import Cache
    from kg.input.corpus import Corpus

    settings = make_project(tmp_path / "p")
    corpus = Corpus.load_fast(settings)
    timings: dict[str, float] = {}
    verdict = pending.Pending(corpus, Cache(None), timings)
    assert verdict.pid is not None and verdict.pid != os.getpid()
    assert verdict.wait() is True and verdict.wait() is True
    verdict.cancel()
    assert verdict.wait() is True and verdict.failure is None
    assert timings["shacl"] > 0 and no_children_left()


def test_an_interrupted_build_stops_without_the_slow_way(tmp_path, monkeypatch, forking):
    """Ctrl-C while the release is written: the interrupt goes up at once (no slow
    validation to "explain" it), the child is stopped and dist/ is kept."""
    settings = make_project(tmp_path / "p")
    build(settings)
    before = snapshot(settings.dist_dir)
    add_failing_shape(settings)  # the verdict would be "no": still no slow way

    def interrupted(target, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "write_release", interrupted)
    monkeypatch.setattr(build_module, "validate_slow", None)  # called: a TypeError
    with pytest.raises(KeyboardInterrupt):
        build(settings)
    assert snapshot(settings.dist_dir) == before
    assert no_children_left()


def test_no_fork_to_be_had_means_the_verdict_in_line(tmp_path, monkeypatch, forking, recorded):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(pending.os, "fork", refused)
    before = len(os.listdir("/proc/self/fd"))
    result = build(make_project(tmp_path / "p"))
    assert int(recorded.read_text(encoding="utf-8")) == os.getpid()
    assert "parse_with_lines" not in result.report.timings  # still the quick way
    assert len(os.listdir("/proc/self/fd")) == before  # the pipe was closed
