"""Running the competency questions in `queries/` the way `kg query` does, for tests.

Expected answers in the `test_queries_*.py` modules are written by hand from the source
texts. To keep them readable, `answer()` gives each row as a tuple of plain values: an IRI
under `https://w3id.org/mgkg/id/` becomes its slug, a source document IRI its seed stem,
an ontology term `mg:Name`, any other IRI stays whole, and a literal becomes its lexical
form. Every module that checks a query registers it with `@answers("NN-name")`, so the
meta test (`test_queries_meta.py`) can prove that no query goes unchecked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.core.namespaces import MG, MGR, MGS
from kg.store.query import execute, query_header, read_query

QUERIES = Path(__file__).resolve().parents[2] / "queries"

#: query stem -> the test functions that check its answer (filled by @answers at import)
CHECKED: dict[str, list[str]] = {}


def answers(*stems: str) -> Callable:
    """Mark a test as checking the answer of these queries (by file stem)."""
    for stem in stems:
        if not (QUERIES / f"{stem}.rq").is_file():
            raise FileNotFoundError(f"queries/{stem}.rq does not exist")

    def mark(fn: Callable) -> Callable:
        for stem in stems:
            CHECKED.setdefault(stem, []).append(f"{fn.__module__}.{fn.__name__}")
        return fn
    return mark


def plain(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        value = term.value
        for base, prefix in ((str(MGR), ""), (str(MGS), ""), (str(MG), "mg:")):
            if value.startswith(base):
                return prefix + value[len(base):]
        return value
    return term.value


def run(store: ox.Store, stem: str):
    """The raw pyoxigraph result of queries/<stem>.rq, exactly as `kg query` runs it."""
    return execute(store, read_query(str(QUERIES / f"{stem}.rq")))


def answer(store: ox.Store, stem: str) -> list[tuple]:
    """The rows of a SELECT query as tuples of plain values, in the query's order."""
    result = run(store, stem)
    variables = [v.value for v in result.variables]
    return [tuple(plain(solution[v]) for v in variables) for solution in result]


def ask(store: ox.Store, stem: str) -> bool:
    return bool(run(store, stem))


def header(stem: str) -> dict[str, str]:
    """The `# Key: value` comment lines at the top of a query file."""
    return query_header((QUERIES / f"{stem}.rq").read_text(encoding="utf-8"))


def all_stems() -> list[str]:
    return sorted(p.stem for p in QUERIES.glob("*.rq"))
