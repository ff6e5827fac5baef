"""Rewrite the generated parts of README.md from queries/ and the built graph.

    kg build && python scripts/update_readme.py          # rewrite README.md
    python scripts/update_readme.py --check               # exit 1 if README.md is stale

Two kinds of generated block, each between HTML comments so the rest of the README stays
hand-written:

* `<!-- questions:start -->` … `<!-- questions:end -->`: one row per competency question
  (file, question, source), read from the `# Question:` / `# Source:` header of each file;
* `<!-- answer: NN-name -->` … `<!-- /answer -->`: what `kg query queries/NN-name.rq`
  prints, run on the release in dist/;
* `<!-- coverage -->` … `<!-- /coverage -->`: what `kg coverage` prints, from data/ and
  the seed texts;
* `<!-- performance -->` … `<!-- /performance -->`: the tables of the last committed
  benchmark run, benchmarks/results/README-table.md (written by benchmarks/run.py), so
  the README quotes the measured figures and nothing else.

tests/test_readme.py runs the same rendering, so the README cannot drift from the queries
or from the graph without a failing test.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kg.core.settings import Settings
from kg.store.query import execute, format_result, query_header, read_query
from kg.store.store import load_store

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = re.compile(r"(<!-- questions:start -->\n).*?(<!-- questions:end -->)", re.S)
ANSWER = re.compile(r"(<!-- answer: ([0-9a-z-]+) -->\n).*?(<!-- /answer -->)", re.S)
COVERAGE = re.compile(r"(<!-- coverage -->\n).*?(<!-- /coverage -->)", re.S)
PERFORMANCE = re.compile(r"(<!-- performance -->\n).*?(<!-- /performance -->)", re.S)


def questions_table(queries: Path) -> str:
    rows = ["| file | question | answered from |", "|---|---|---|"]
    for path in sorted(queries.glob("*.rq")):
        h = query_header(path.read_text(encoding="utf-8"))
        cell = [f"[`{path.name}`](queries/{path.name})", h.get("question", ""),
                h.get("source", "")]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cell) + " |")
    return "\n".join(rows) + "\n"


def render(readme: str, root: Path, settings: Settings) -> str:
    readme = QUESTIONS.sub(lambda m: m.group(1) + questions_table(root / "queries")
                           + m.group(2), readme)
    store = None

    def answer(m: re.Match) -> str:
        nonlocal store
        store = store or load_store(settings)
        path = root / "queries" / f"{m.group(2)}.rq"
        out = format_result(execute(store, read_query(str(path))), "table")
        return f"{m.group(1)}```console\n$ kg query queries/{path.name}\n{out}\n```\n{m.group(3)}"

    def coverage(m: re.Match) -> str:
        from kg.validation.coverage import compute, to_text

        out = to_text(compute(settings))
        return f"{m.group(1)}```console\n$ kg coverage\n{out}\n```\n{m.group(2)}"

    def performance(m: re.Match) -> str:
        table = root / "benchmarks" / "results" / "README-table.md"
        return f"{m.group(1)}{table.read_text(encoding='utf-8').strip()}\n{m.group(2)}"

    readme = PERFORMANCE.sub(performance, readme)
    return COVERAGE.sub(coverage, ANSWER.sub(answer, readme))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    args = parser.parse_args(argv)
    path = ROOT / "README.md"
    current = path.read_text(encoding="utf-8")
    fresh = render(current, ROOT, Settings.from_env(root=ROOT))
    if args.check:
        if fresh != current:
            print("README.md is stale: run `python scripts/update_readme.py`", file=sys.stderr)
            return 1
        return 0
    path.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
