"""The package's layout is its architecture: stages the data passes through, each
importing only itself and the stages below. These tests read every module's imports
(module level, inside functions and under TYPE_CHECKING alike) so that a backwards
import fails here, not in a review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "src" / "kg"
# Low to high. The README's layout section shows the same order.
STAGES = ["core", "input", "validation", "release", "store", "endpoint", "web"]
TOP = {"app", "serve", "cli", "__init__"}  # on top: may import any stage
MAX_LINES = 440  # "about 400": a module past it has more than one job


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        out[".".join(("kg", *parts))] = path
    return out


def imported(name: str, path: Path) -> set[str]:
    """The kg modules (or packages) one module imports, resolved to absolute names."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "kg"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kg":
                continue
            known = modules()
            for alias in node.names:  # `from . import sandbox` imports a module
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in known else target)
    return out


def stage_of(name: str) -> str | None:
    """The stage a module belongs to; None for the top (kg, kg.app, kg.cli, kg.serve)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else None


def test_every_module_is_in_a_stage_or_on_top():
    for name in modules():
        stage = stage_of(name)
        assert stage in STAGES or name.split(".")[-1] in TOP, f"{name}: not in a stage package"


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_go_down_the_pipeline(name):
    mine = stage_of(name)
    if mine is None:
        return  # the top may import anything
    for target in imported(name, modules()[name]):
        theirs = stage_of(target)
        assert theirs is not None or target == "kg", (
            f"{name} imports {target}, which is on top of the pipeline (app, serve, cli)")
        if theirs is not None:
            assert STAGES.index(theirs) <= STAGES.index(mine), (
                f"{name} (stage {mine}) imports {target} (stage {theirs}), a later stage")


def test_no_import_circle():
    graph = {n: {t for t in imported(n, p) if t in modules() and t != n}
             for n, p in modules().items()}
    # A package's __init__ importing its own modules is not a circle of the modules.
    for n in graph:
        if modules()[n].name == "__init__.py":
            graph[n] = {t for t in graph[n] if not t.startswith(n + ".")}
    done: set[str] = set()

    def visit(n: str, path: list[str]) -> None:
        if n in path:
            raise AssertionError("import circle: " + " -> ".join(path[path.index(n):] + [n]))
        if n in done:
            return
        for t in sorted(graph[n]):
            visit(t, path + [n])
        done.add(n)

    for n in sorted(graph):
        visit(n, [])


def test_stage_packages_say_their_job_and_what_they_may_import():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text()))
        assert doc and "May import" in doc, f"kg.{stage} has no docstring naming its imports"


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_too_long(name):
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by job (limit {MAX_LINES})"


def test_the_checks_see_a_backwards_import(tmp_path, monkeypatch):
    """The direction test must be able to fail: a core module importing the store is
    reported."""
    bad = tmp_path / "kg" / "core"
    bad.mkdir(parents=True)
    (bad / "x.py").write_text("from ..store.store import load_store\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "kg")
    with pytest.raises(AssertionError, match="later stage"):
        test_imports_go_down_the_pipeline("kg.core.x")
