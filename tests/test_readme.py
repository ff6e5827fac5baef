"""The README is the front door: its quickstart is the two commands CI and users run, and
its list of questions and example answers are what the queries and the graph give now."""

from __future__ import annotations

import importlib.util
import re

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _script():
    spec = importlib.util.spec_from_file_location("update_readme",
                                                  ROOT / "scripts" / "update_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_quickstart_is_two_commands_and_ci_runs_the_test_one_verbatim():
    commands = quickstart_commands()
    assert commands == ['pip install -e . && kg serve',
                        'pip install -e ".[test]" && python -m pytest']
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_generated_parts_are_current(real_settings):
    """Run `python scripts/update_readme.py` after changing queries/ or data/."""
    assert "<!-- questions:start -->" in README and "<!-- answer: " in README
    fresh = _script().render(README, ROOT, real_settings)
    assert fresh == README, "README.md is stale: run `python scripts/update_readme.py`"


def test_every_question_is_listed():
    for path in sorted((ROOT / "queries").glob("*.rq")):
        assert f"(queries/{path.name})" in README, path.name
