"""Syntax errors explained: each common mistake has a query that trips it, and none of
the project's own (valid) queries trips any of them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.web.explain import explain

from ..conftest import ROOT

CASES = [
    # (query, words of "what", words of "fix", line, column)
    ("SELECT * WHERE { ?s mq:x ?o }", "prefix “mq:”", "Did you mean mg:", 1, 21),
    ("SELECT * WHERE { ?s zzqv:x ?o }", "prefix “zzqv:”", "PREFIX zzqv: <…>", 1, 21),
    ("SELECT * WHERE {\n  ?s a mg:Institution\n  ?s ?p ?o\n}", "“.” is missing",
     "after mg:Institution (line 2, column 21)", 3, 3),
    ("SELECT * WHERE { ?s mg:p ?o ; mg:q ?x ?y }", "“.” is missing", "after ?x", 1, 39),
    ("SELEC * WHERE { ?s ?p ?o }", "“SELEC” is not a SPARQL keyword", "SELECT", 1, 1),
    ("SELECT * WHERE { ?s ?p ?o } LIMT 5", "“LIMT”", "LIMIT", 1, 29),
    ("SELECT * WHERE { ?s ?p ?o ", "“{” is opened here and never closed", "“}”", 1, 16),
    ("SELECT * WHERE { ?s ?p ?o ) }", "“)” closes nothing", "“(”", 1, 27),
    ('SELECT * WHERE { ?s ?p "x }', "string is not closed", '"', 1, 24),
]


def engine_message(query: str) -> str:
    try:
        ox.Store().query(query)
    except SyntaxError as exc:
        return f"SPARQL syntax error: {exc}"
    raise AssertionError(f"the engine accepted {query!r}")


@pytest.mark.parametrize("query, what, fix, line, column", CASES)
def test_common_mistakes(query, what, fix, line, column):
    e = explain(query, engine_message(query))
    assert what in e.what
    assert fix in e.fix
    assert (e.line, e.column) == (line, column)
    row, caret = e.excerpt.split("\n")
    assert row == query.split("\n")[line - 1]
    assert caret == " " * (column - 1) + "^"


def test_no_false_alarm_on_the_example_queries():
    """Every query of queries/ is valid: none of the finders may claim a mistake in it
    (the fallback, the engine's own position, is all that is left)."""
    queries = sorted((ROOT / "queries").glob("*.rq"))
    assert queries
    for path in queries:
        e = explain(path.read_text("utf-8"), "error at 1:1: expected something")
        assert e.what == "The query is not valid SPARQL here.", (path.name, e)


def test_fallback_keeps_the_engines_position_but_not_its_grammar_dump():
    query = "SELECT * WHERE { ?s ?p ?o FILTER(?o > ) }"
    message = engine_message(query)
    e = explain(query, message)
    assert e.what == "The query is not valid SPARQL here."
    assert "'\\u{" not in e.fix and len(e.fix) < 200
    assert e.line == 1 and e.column == int(message.split("1:")[1].split(":")[0])


def test_unbound_group_variable():
    query = "SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s"
    e = explain(query, engine_message(query))
    assert "grouped" in e.what and "GROUP BY" in e.fix
