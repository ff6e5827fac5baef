"""`kg coverage`: the overlap rule, the mechanical set-asides, curators' set-aside files
and their errors (file:line, exit 2), the free-text share, and the command's output."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from kg.cli import main
from kg.core.namespaces import MG
from kg.core.settings import Settings
from kg.input.corpus import Corpus
from kg.input.sentences import Sentence
from kg.validation.coverage import (
    COVERED,
    SET_ASIDE,
    UNCOVERED,
    CoverageInputError,
    applies,
    compute,
    free_text_counts,
)

from ..conftest import ROOT, SEEDS, make_project, seed_text

S001 = "001_4f7e06674fa94512"
S003 = "003_01818dc8ef868302"
S004 = "004_c772c5351b450417"
# A sentence of the WTO section, which the extraction of 001 has twice.
WTO = ("GATS recognizes four modes of trade in services, one of which (Mode 4) involves "
       "service providers who are “natural persons” (human beings as opposed to “juridical "
       "persons” such as corporations) providing services in another country.")


@pytest.fixture(scope="module")
def real():
    return compute(Settings(root=ROOT, seeds_dir=SEEDS))


def project(tmp_path, lines: list[str], stem: str = S001) -> Settings:
    settings = make_project(tmp_path / "p")
    folder = settings.data_dir / "coverage"
    folder.mkdir()
    (folder / f"{stem}.tsv").write_text("# a comment\n" + "\n".join(lines) + "\n",
                                        encoding="utf-8")
    return settings


def sentence(*pieces: tuple[int, int]) -> Sentence:
    return Sentence(list(pieces), "x")


# --------------------------------------------------------------------------- the rule

def test_overlap_rule():
    s = sentence((100, 150), (160, 200))  # 90 characters on two lines
    assert applies(s, [(110, 120)]), "a quote wholly inside covers its sentence"
    assert applies(s, [(50, 146)]), "at least half of it"
    assert applies(s, [(50, 120), (130, 165)]), "several quotes add up"
    assert not applies(s, [(50, 110)]), "a quote borrowing its first words does not"
    assert not applies(s, [(190, 260)]), "nor one taking its last words"
    assert not applies(s, [(150, 160)]), "nor one over the artefact line between its pieces"
    assert not applies(s, [(0, 50)])


# --------------------------------------------------------------------------- real sources

def test_every_sentence_of_every_source_has_one_state(real):
    assert len(real) == 5
    for cov in real.values():
        counts = cov.counts()
        assert sum(counts.values()) == len(cov.rows) > 50
        assert {r.status for r in cov.rows} <= {COVERED, SET_ASIDE, UNCOVERED}
        assert all((r.reason is None) == (r.status != SET_ASIDE) for r in cov.rows)
        assert cov.quotes_not_located == 0


def test_the_wto_passage_is_covered_once_and_set_aside_as_a_duplicate(real):
    rows = [r for r in real[S001].rows if r.sentence.text == WTO]
    assert [r.status for r in rows] == [COVERED, SET_ASIDE]
    assert (rows[1].reason, rows[1].origin) == ("duplicate-passage", "rule")
    assert rows[0].sentence.start < rows[1].sentence.start


def test_a_quoted_sentence_is_covered_and_an_unquoted_one_is_not(real):
    data = Graph().parse(ROOT / "data" / f"{S001}.ttl")
    quotes = [" ".join(str(q).split()) for q in data.objects(None, MG.quote)]
    by_text = {r.sentence.text: r for r in real[S001].rows}
    iom = ("The International Organization for Migration (IOM), outside the UN system, was "
           "held to a fairly narrow portfolio of service-provision by its member states.")
    assert by_text[iom].status == COVERED
    for r in real[S001].rows:
        if r.status == UNCOVERED:
            assert not any(r.sentence.text in q for q in quotes), r.sentence.text


def test_rules_set_aside_headings_footnotes_and_the_reference_list(real):
    reasons = {(stem, r.reason) for stem, cov in real.items() for r in cov.rows
               if r.origin == "rule"}
    assert ("002_ff707b0e55ac8f9a", "footnote") in reasons
    assert (S004, "reference-list") in reasons and (S001, "heading") in reasons


def test_the_demonstration_decisions_apply_and_win_over_a_rule(real):
    rows = real[S004].rows
    back = [r for r in rows if r.sentence.text.startswith("17 route des Morillons CH-1211")]
    assert [(r.status, r.reason) for r in back] == [(SET_ASIDE, "front-matter")]
    assert back[0].origin.startswith("data/coverage/004_")
    item = "- Strengthen international cooperation"
    toc = [r for r in real[S003].rows if r.sentence.text == item]
    assert [(r.status, r.reason) for r in toc] == [(SET_ASIDE, "table-of-contents")]


FREE_TEXT_DATA = """
@prefix mg: <https://w3id.org/mgkg/ontology#> . @prefix mgr: <https://w3id.org/mgkg/id/> .
@prefix mgs: <https://w3id.org/mgkg/source/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
mgr:a mg:statement "paraphrase only" ; mg:statement "paraphrase beside a triple" ;
    mg:relatedTo mgr:b .
[] a owl:Axiom ; owl:annotatedSource mgr:a ; owl:annotatedProperty mg:statement ;
   owl:annotatedTarget "paraphrase only" ; dcterms:source mgs:S ; mg:quote "q1" .
[] a owl:Axiom ; owl:annotatedSource mgr:a ; owl:annotatedProperty mg:statement ;
   owl:annotatedTarget "paraphrase beside a triple" ; dcterms:source mgs:S ; mg:quote "q2" .
[] a owl:Axiom ; owl:annotatedSource mgr:a ; owl:annotatedProperty mg:relatedTo ;
   owl:annotatedTarget mgr:b ; dcterms:source mgs:S ; mg:quote "q2" .
mgr:bare-claim a mg:Reason ; mg:statement "a claim that is only words" ;
    dcterms:source mgs:S ; mg:quote "q3" ; mg:support mgr:inferred .
mgr:linked-claim a mg:Reason ; mg:statement "a claim about something" ; mg:concerns mgr:b ;
    dcterms:source mgs:S ; mg:quote "q4" ; mg:cites "Someone 2004" .
mgr:figure a mg:Figure ; mg:figureOf mgr:b ; mg:value 3 ; dcterms:source mgs:S ; mg:quote "q5" .
mgr:elsewhere a mg:Reason ; mg:statement "another source's" ; dcterms:source mgs:T ;
    mg:quote "q6" .
"""


def test_free_text_only_share_counts_facts_whose_quote_has_no_other_carrier(tmp_path):
    """Axioms and the properties of self-evidenced nodes are facts (their evidence is
    not); a free-text fact is free-text-only when no fact of its quote says more."""
    settings = make_project(tmp_path, data=None)
    stem = "S"
    (settings.data_dir / "x.ttl").write_text(FREE_TEXT_DATA, encoding="utf-8")
    facts, free, only = free_text_counts(Corpus.load(settings), stem)
    # axioms: 3 (2 free); bare claim: statement (free); linked claim: statement (free),
    # concerns; figure: figureOf, value.
    assert (facts, free, only) == (3 + 1 + 2 + 2, 2 + 1 + 1, 1 + 1)


# --------------------------------------------------------------------------- set-aside files

def test_a_curators_decision_sets_aside_an_uncovered_sentence(tmp_path):
    raw = seed_text(S001)
    settings = project(tmp_path, ["no-governance-content\tAll this changed quite suddenly "
                                  "around the turn of the millennium.\tsignposting"])
    rows = compute(settings, only=S001)[S001].rows
    hit = [r for r in rows if r.sentence.text.startswith("All this changed quite suddenly")]
    assert [(r.status, r.reason, r.origin) for r in hit] == [
        (SET_ASIDE, "no-governance-content", "data/coverage/001_4f7e06674fa94512.tsv:2")]
    assert raw[hit[0].sentence.start:hit[0].sentence.end].startswith("All this changed")


@pytest.mark.parametrize("line, code", [
    ("obvious\tIntroduction", "setaside-reason"),
    ("heading\tThis sentence is in no source at all.", "setaside-not-found"),
    ("heading", "setaside-syntax"),
    ("heading\t@10-999999", "setaside-span"),
    ("artefact\t@{page}", "setaside-overlaps-nothing"),  # a page number: in no sentence
])
def test_bad_decisions_are_reported_at_their_line_and_exit_2(tmp_path, capsys, line, code):
    raw = seed_text(S001)
    at = raw.index("\n4\n constant") + 1
    settings = project(tmp_path, ["heading\tIntroduction", line.format(page=f"{at}-{at + 1}")])
    with pytest.raises(CoverageInputError) as err:
        compute(settings)
    assert [(p.code, p.file, p.line) for p in err.value.problems] == [
        (code, "data/coverage/001_4f7e06674fa94512.tsv", 3)]
    assert main(["--root", str(settings.root), "--seeds", str(SEEDS), "coverage"]) == 2
    assert f"data/coverage/001_4f7e06674fa94512.tsv:3: error[{code}]" in capsys.readouterr().err


def test_a_file_for_no_source_is_bad(tmp_path):
    settings = project(tmp_path, ["heading\tIntroduction"], stem="999_nothing")
    with pytest.raises(CoverageInputError) as err:
        compute(settings)
    assert err.value.problems[0].code == "setaside-source-unknown"


def test_a_decision_on_a_covered_sentence_is_not_an_error_and_covered_wins(real):
    # 004's front-matter span takes in IOM's mission statement, which is evidence.
    rows = [r for r in real[S004].rows if r.sentence.text.startswith("IOM is committed")]
    assert rows and rows[0].status == COVERED


# --------------------------------------------------------------------------- the command

def test_command_text_json_uncovered_and_source(capsys, tmp_path):
    args = ["--root", str(ROOT), "--seeds", str(SEEDS), "coverage"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["source", "sentences", "covered", "set"]
    assert sum(line.startswith(("00", "all ")) for line in out.splitlines()) >= 6
    assert main(args + ["--source", S003, "--format", "json", "--uncovered"]) == 0
    doc = json.loads(capsys.readouterr().out)
    entry = doc["sources"][S003]
    assert list(doc["sources"]) == [S003]
    listed = entry["sentence_list"]
    # (003 has no uncovered sentence since issue 16: the list may be empty, never other rows)
    assert len(listed) == entry["uncovered"] and {s["status"] for s in listed} <= {UNCOVERED}
    raw = seed_text(S003)
    assert all(" ".join(raw[s["start"]:s["end"]].split()).startswith(s["text"][:20])
               for s in listed)
    mini = make_project(tmp_path / "mini")
    assert main(["--root", str(mini.root), "--seeds", str(SEEDS), "coverage", "--source", S003,
                 "--uncovered"]) == 0
    text = capsys.readouterr().out
    assert f"uncovered sentences of {S003}:" in text
    assert main(args + ["--source", "999_nothing"]) == 2
