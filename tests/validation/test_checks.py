"""The checks that come before SHACL (kg.validation.checks): each has a fixture that trips
it, at the file and line the curator must edit, and the CLI turns any of them into exit 1 with the
same file:line report, building nothing.

Fixtures live in tests/fixtures/invalid/checks/, one per rule, each validated on top of
the mini data; `# expect: CODE` at the end of a line says what must be reported there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.validation.diagnostics import ERROR
from kg.validation.validate import validate

from ..conftest import FIXTURES, MINI_DATA, make_project
from .test_shacl import expectations, reported

CHECK_FIXTURES = sorted((FIXTURES / "invalid" / "checks").glob("*.ttl"))
CHECK_CODES = {"syntax", "undeclared-term", "ill-typed-literal", "source-unknown",
               "sha256-mismatch", "quote-not-found", "duplicate-slug", "duplicate-entity",
               "negative-contradicts", "date-not-in-quote"}


def project_with(tmp: Path, fixture: Path):
    settings = make_project(tmp, data=MINI_DATA)
    shutil.copy(fixture, settings.data_dir / fixture.name)
    return settings


def test_every_check_has_its_fixture():
    assert {p.stem for p in CHECK_FIXTURES} == CHECK_CODES


@pytest.mark.parametrize("fixture", CHECK_FIXTURES, ids=lambda p: p.stem)
def test_fixture_trips_its_check_at_its_line(tmp_path, fixture):
    _, report = validate(project_with(tmp_path, fixture))
    expected = expectations(fixture)
    assert expected, f"{fixture.name} announces no '# expect:'"
    found = reported(report, f"data/{fixture.name}")
    assert expected <= found, f"expected {sorted(expected)}, reported {sorted(found)}"
    # the check fires only where announced, in this file and nowhere else
    code = fixture.stem
    assert {(line, c) for line, c in found if c == code} == expected
    assert not [d for d in report.diagnostics
                if d.code == code and d.file != f"data/{fixture.name}"]
    assert not report.ok


def test_missing_source_texts_are_an_error_not_a_pass(tmp_path):
    settings = make_project(tmp_path / "p", data=MINI_DATA).with_(
        seeds_dir=tmp_path / "no-such-seeds")
    _, report = validate(settings)
    errors = [d for d in report.diagnostics if d.severity == ERROR]
    assert [d.code for d in errors] == ["sources-missing"]
    assert str(tmp_path / "no-such-seeds") in errors[0].message


@pytest.mark.parametrize("fixture", [f for f in CHECK_FIXTURES
                                     if f.stem in ("syntax", "quote-not-found",
                                                   "ill-typed-literal")],
                         ids=lambda p: p.stem)
def test_cli_reports_file_and_line_exits_1_and_builds_nothing(tmp_path, fixture):
    settings = project_with(tmp_path, fixture)
    line = min(line for line, _ in expectations(fixture))
    base = [sys.executable, "-m", "kg.cli", "--root", str(settings.root),
            "--seeds", str(settings.seeds_dir)]
    checked = subprocess.run([*base, "validate"], capture_output=True, text=True)
    assert checked.returncode == 1
    assert f"data/{fixture.name}:{line}: error[{fixture.stem}]" in checked.stdout
    assert "Traceback" not in checked.stderr  # a report, not a crash dump
    built = subprocess.run([*base, "build"], capture_output=True, text=True)
    assert built.returncode == 1
    assert f"data/{fixture.name}:{line}" in built.stderr + built.stdout
    assert not settings.dist_dir.exists()
