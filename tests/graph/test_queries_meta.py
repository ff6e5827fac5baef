"""The competency questions as a set: each says its question and source in English, each
has a hand-written expected answer in a test, each runs, and together they reach every
class and property the data uses and every source document."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from kg.core.namespaces import MG, PREFIXES
from kg.store.query import read_query

from .competency import CHECKED, QUERIES, all_stems, header

STEMS = all_stems()
SOURCES = ["000_c5b6fa1bb7e93d1e", "001_4f7e06674fa94512", "002_ff707b0e55ac8f9a",
           "003_01818dc8ef868302", "004_c772c5351b450417"]


def _load_checkers() -> None:
    """Import every test_queries_* module so their @answers registrations are known."""
    found = sorted(Path(__file__).parent.glob("test_queries_*.py"))
    assert len(found) > 2, "no test_queries_* modules found beside this one"
    for path in found:
        if path.stem != "test_queries_meta":
            importlib.import_module(f"{__package__}.{path.stem}")


def test_there_are_at_least_forty_questions():
    assert len(STEMS) >= 40, f"only {len(STEMS)} competency questions in queries/"


@pytest.mark.parametrize("stem", STEMS)
def test_header_states_question_and_source(stem):
    h = header(stem)
    assert h.get("question", "").endswith("?"), f"{stem}: '# Question: ...?' missing"
    assert h.get("source"), f"{stem}: '# Source: ...' missing"
    assert re.match(r"\d\d-[a-z0-9-]+$", stem), f"{stem}: name as NN-words-with-hyphens"


def test_every_question_has_a_hand_written_expected_answer():
    _load_checkers()
    unchecked = [s for s in STEMS if s not in CHECKED]
    assert not unchecked, f"queries without a test of their answer: {unchecked}"


def test_every_source_document_is_asked_about():
    named = {s for stem in STEMS for s in SOURCES if s[:3] in header(stem).get("source", "")}
    assert named == set(SOURCES)


def _terms_in_queries() -> tuple[set[str], bool]:
    """mg: local names written in any query, and the classes reached through
    `rdfs:subClassOf*` (a query naming mg:Institution with that path asks about all
    kinds of institution)."""
    named: set[str] = set()
    hierarchical: set[str] = set()
    for stem in STEMS:
        text = read_query(str(QUERIES / f"{stem}.rq"))
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        local = set(re.findall(r"\bmg:([A-Za-z][A-Za-z0-9]*)", body))
        local |= set(re.findall(re.escape(str(MG)) + r"([A-Za-z][A-Za-z0-9]*)", body))
        named |= local
        if "subClassOf*" in body or "subClassOf+" in body:
            hierarchical |= local
    return named, hierarchical


def test_every_class_and_property_in_use_is_asked_about(store):
    named, hierarchical = _terms_in_queries()
    in_use = store.query("""SELECT DISTINCT ?t ?kind WHERE {
        { ?x a ?t . BIND("class" AS ?kind) } UNION { ?x ?t ?y . BIND("property" AS ?kind) }
        FILTER(STRSTARTS(STR(?t), STR(mg:)))
    }""", prefixes=PREFIXES)
    missing = []
    for row in in_use:
        local = row["t"].value[len(str(MG)):]
        if local in named:
            continue
        if row["kind"].value == "class":
            ancestors = {a["a"].value[len(str(MG)):] for a in store.query(
                f"SELECT ?a WHERE {{ <{row['t'].value}> rdfs:subClassOf+ ?a }}",
                prefixes=PREFIXES)
                if a["a"].value.startswith(str(MG))}
            if ancestors & hierarchical:
                continue
        missing.append(f"mg:{local} ({row['kind'].value})")
    assert not missing, "no competency question uses: " + ", ".join(sorted(missing))
