"""The sentence splitter on the seed texts as they are: hard line breaks, page numbers,
footnotes between body lines, headings, lists, the reference list. Snippets are copied
from the seeds; where a rule needs the whole document (page starts, the reference list)
the test splits the real file."""

from __future__ import annotations

import pytest

from kg.input.sentences import classify_lines, split_sentences

from ..conftest import SEEDS, fold_ws, seed_text

S000, S001, S002, S003, S004 = (p.stem for p in sorted(SEEDS.glob("*.txt")))


def texts(raw: str) -> list[str]:
    return [s.text for s in split_sentences(raw).sentences]


def find(stem: str, start: str):
    """The sentence of a seed that begins with these words."""
    seg = split_sentences(seed_text(stem))
    hits = [s for s in seg.sentences if s.text.startswith(start)]
    assert len(hits) == 1, (start, [h.text for h in hits])
    return hits[0]


def test_hard_line_breaks_are_read_as_spaces_and_sentences_cut_at_full_stops():
    raw = ("On migration policy we generally \npersevere with largely national \n"
           "strategies. Numerous initiatives in \nthe past2 made a convincing case for \n"
           "a more cooperative approach.\n")
    assert texts(raw) == [
        "On migration policy we generally persevere with largely national strategies.",
        "Numerous initiatives in the past2 made a convincing case for a more cooperative "
        "approach."]


def test_a_sentence_runs_across_a_page_number_without_it():
    s = find(S001, "Coordinated solutions to common problems")
    raw = seed_text(S001)
    assert "\n4\n" in raw[s.start:s.end], "the sentence spans the page break"
    assert s.text == ("Coordinated solutions to common problems are sought through constant "
                      "exchange of information, the development of best practices, and the "
                      "formulation of non-binding codes of conduct.")
    # one piece per line it stands on; the page number's line is none of them
    assert len(s.pieces) == 3
    assert all(raw[a:b].strip() != "4" for a, b in s.pieces)


def test_abbreviations_and_lower_case_continuations_do_not_end_a_sentence():
    raw = ("global dialogues; supranational \nstructures and cooperation (e.g. \n"
           "the EU); multilateral agencies; and \ninternational legal frameworks. \n")
    assert texts(raw) == ["global dialogues; supranational structures and cooperation (e.g. "
                          "the EU); multilateral agencies; and international legal frameworks."]
    assert texts("See Betts, A. Kaytaz wrote it. No. 1 is here.") == [
        "See Betts, A. Kaytaz wrote it.", "No. 1 is here."]


def test_a_footnote_marker_at_the_end_of_a_line_stays_with_its_sentence():
    raw = ("on migration’. 9\n\nGlobal processes and policy fora\n")
    assert texts(raw) == ["on migration’. 9", "Global processes and policy fora"]


def test_a_blank_line_ends_a_paragraph_unless_the_sentence_goes_on():
    raw = ("respective local migration pressures?\n\nAn essential step would be \n"
           "articulating the advantages.\n\nAnd this challenge is not just for \n\n"
           "some governments.\n")
    assert texts(raw) == ["respective local migration pressures?",
                          "An essential step would be articulating the advantages.",
                          "And this challenge is not just for some governments."]


def test_headings_stand_alone():
    raw = ("respective local migration pressures?\n\nAn international framework\n"
           "The idea of ‘global governance’ may \nsound intimidating to some.\n")
    seg = split_sentences(raw)
    assert [(s.kind, s.text) for s in seg.sentences] == [
        ("sentence", "respective local migration pressures?"),
        ("heading", "An international framework"),
        ("sentence", "The idea of ‘global governance’ may sound intimidating to some.")]
    # A first line without punctuation is not a heading when the sentence goes on in
    # lower case, nor a long one followed by a capital.
    assert find(S000, "An essential step would be").kind == "sentence"
    assert find(S001, "The Migrant Workers Convention drew").kind == "sentence"
    assert find(S001, "International Organization for Migration (IOM)").kind == "heading"


def test_bullet_glyphs_are_artefacts_and_list_items_are_sentences():
    seg = split_sentences(seed_text(S001))
    raw = seed_text(S001)
    glyphs = [a for a in seg.artefacts if a.kind == "bullet-glyph"]
    assert glyphs and all(raw[a.start:a.end].strip() == "•" for a in glyphs)
    items = texts("II. Dimensions of migration today\n\n- Labour migration\n"
                  "- Irregular migration\n- Migration and security\n")
    assert items == ["II. Dimensions of migration today", "- Labour migration",
                     "- Irregular migration", "- Migration and security"]


def test_footnotes_between_page_number_and_page_start_are_footnotes():
    lines = classify_lines(seed_text(S002))
    raw = seed_text(S002)
    kinds = {raw[ln.start:ln.end].strip()[:30]: ln.kind for ln in lines}
    assert kinds["1"] == "page-number"
    assert kinds["This paper has been prepared b"] == "footnote"
    assert kinds["As there are no clear or unive"] == "text"
    assert find(S002, "This paper has been prepared by the Governments").kind == "footnote"
    assert find(S002, "As there are no clear").kind == "sentence"


def test_a_superscript_digit_starts_a_footnote():
    assert find(S004, "¹ This background paper").kind == "footnote"


def test_the_reference_list_runs_from_its_heading_to_the_end():
    seg = split_sentences(seed_text(S004))
    at = next(i for i, s in enumerate(seg.sentences) if s.text == "REFERENCES")
    assert seg.sentences[at].kind == "heading"
    assert {s.kind for s in seg.sentences[at + 1:]} == {"reference"}
    assert all(s.kind != "reference" for s in seg.sentences[:at])
    assert find(S004, "1982 The Demand for International Regimes").kind == "reference"


@pytest.mark.parametrize("stem", [S000, S001, S002, S003, S004])
def test_offsets_point_into_the_original_text(stem):
    raw = seed_text(stem)
    seg = split_sentences(raw)
    assert len(seg.sentences) > 50
    last = 0
    for s in seg.sentences:
        assert s.start >= last, "in document order, not overlapping"
        last = s.end
        assert s.text == " ".join(fold_ws(raw[a:b]) for a, b in s.pieces)
        assert not raw[s.start].isspace() and not raw[s.end - 1].isspace()
    inside = [(a.start, a.end) for a in seg.artefacts]
    for s in seg.sentences:
        for a, b in s.pieces:
            assert not any(a <= x < b for x, _ in inside), "artefact lines are not text"
    # Every non-blank character is in a sentence or in an artefact line.
    covered = sorted([p for s in seg.sentences for p in s.pieces] + inside)
    text_chars = sum(1 for ch in raw if not ch.isspace())
    in_spans = sum(1 for a, b in covered for ch in raw[a:b] if not ch.isspace())
    assert in_spans == text_chars
