"""Sentences of a seed text, with character offsets into the text as it is on disk.

The seeds are plain-text extractions of PDFs, so a sentence is not simply what lies
between two full stops. The rules below are mechanical and documented (README,
"Coverage"); `kg coverage` relies on them to say which parts of a source the graph uses.

Lines are classified first:

* **page number**: a line holding only a number of one to three digits;
* **bullet glyph**: a line holding only a bullet (•, ▪, -, –), which the extraction
  separates from its item;
* **footnote block**: in a text whose pages start with a line the extraction indents by a
  space (000, 001, 002), the lines after a page number up to the next page start, when
  that start comes within 15 lines (002 puts its footnotes there);
* **footnote line**: a line starting with a superscript digit (004: "¹ This background
  paper ...");
* everything else is a **text line**.

Page numbers and bullet glyphs are artefacts, never part of a sentence: a sentence that
runs across a page break ("sought through / 4 / constant exchange") is one sentence whose
text skips the number. Sentences are then cut in the stream of text lines:

* after `.`, `!` or `?` (and any closing quotes or brackets) when the next word starts
  with a capital, a digit, an opening quote or bracket, unless the word before is a
  known abbreviation (e.g., No., Dr.) or a single capital (an initial);
* at a blank line, unless the text before it does not end a sentence and the text
  after it starts in lower case (the sentence goes on);
* before a line starting with a bullet or a dash (a list item);
* around a **heading**: a text line of at most 8 words, not ending in punctuation,
  starting with a capital, a digit or a roman numeral, that follows a sentence end (or a
  blank line, or the start) and is not followed by a line starting in lower case.

Every sentence after a heading "References" or "Bibliography" is of kind "reference" (the
reference list runs to the end of the text). A sentence has the kind "sentence",
"heading", "footnote" (made of footnote lines) or "reference".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PAGE_NUMBER = re.compile(r"[ \t]*\d{1,3}[ \t]*")
_BULLET_GLYPH = re.compile(r"[ \t]*[•▪◦·\-–][ \t]*")
_ITEM_START = re.compile(r"\s*(?:[•▪◦·]|[-–] )")
_PAGE_START = re.compile(r" \S")
_SUPERSCRIPT_START = re.compile(r"\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]")
_REFERENCE_HEADINGS = {"references", "bibliography", "works cited"}
_FOOTNOTE_WINDOW = 15
_HEADING_WORDS = 8
_OPENERS = "‘“\"'([•▪-–"
_CLOSERS = "’”\"')]"
_ABBREVIATIONS = {
    "e.g", "i.e", "cf", "etc", "al", "no", "nos", "art", "arts", "vol", "pp", "p", "para",
    "mr", "mrs", "ms", "dr", "st", "fig", "inc", "ltd", "co", "u.s", "u.k", "u.n", "vs",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
_ROMAN = re.compile(r"[IVX]+\.")


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # exclusive, before the line break
    kind: str  # "text", "blank", "page-number", "bullet-glyph", "footnote"


@dataclass
class Sentence:
    """One sentence: the raw-text spans it is made of (artefact lines left out)."""

    pieces: list[tuple[int, int]] = field(default_factory=list)
    text: str = ""
    kind: str = "sentence"  # "sentence", "heading", "footnote" or "reference"

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]

    @property
    def size(self) -> int:
        """Characters of the sentence's own text (artefact lines not counted)."""
        return sum(b - a for a, b in self.pieces)


@dataclass(frozen=True)
class Artefact:
    start: int
    end: int
    kind: str  # "page-number" or "bullet-glyph"


@dataclass
class Segmentation:
    sentences: list[Sentence]
    artefacts: list[Artefact]


def classify_lines(raw: str) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for chunk in raw.splitlines(keepends=True):
        body = chunk.rstrip("\r\n")
        end = pos + len(body)
        if not body.strip():
            kind = "blank"
        elif _PAGE_NUMBER.fullmatch(body):
            kind = "page-number"
        elif _BULLET_GLYPH.fullmatch(body):
            kind = "bullet-glyph"
        elif _SUPERSCRIPT_START.match(body):
            kind = "footnote"
        else:
            kind = "text"
        lines.append(Line(pos, end, kind))
        pos += len(chunk)
    return _mark_footnotes(raw, lines)


def _mark_footnotes(raw: str, lines: list[Line]) -> list[Line]:
    starts = [i for i, ln in enumerate(lines) if _PAGE_START.match(raw, ln.start)
              and ln.kind == "text"]
    if len(starts) < 3:  # the text has no indented page starts: the rule does not apply
        return lines
    out = list(lines)
    for i, ln in enumerate(lines):
        if ln.kind != "page-number":
            continue
        nxt = next((s for s in starts if s > i), None)
        if nxt is None or nxt - i > _FOOTNOTE_WINDOW:
            continue
        for j in range(i + 1, nxt):
            if out[j].kind == "text":
                out[j] = Line(out[j].start, out[j].end, "footnote")
    return out


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS + " ").endswith((".", "!", "?"))


def _is_heading(raw: str, lines: list[Line], i: int, prev_done: bool) -> bool:
    body = raw[lines[i].start:lines[i].end].strip()
    if not body or not prev_done or len(body.split()) > _HEADING_WORDS:
        return False
    if body[-1] in ".,;:!?" or not (body[0].isupper() or body[0].isdigit()
                                    or _ROMAN.match(body)):
        return False
    for ln in lines[i + 1:]:
        if ln.kind in ("page-number", "bullet-glyph", "blank"):
            continue
        nxt = raw[ln.start:ln.end].lstrip()[:1]
        return not nxt.islower()  # a capital, a digit, a quote, a bullet: a new start
    return True


def _cuts(text: str) -> list[int]:
    """Offsets in one line after which a sentence ends (the next starts after spaces)."""
    cuts = []
    for m in re.finditer(r"[.!?]+[’”\"')\]]*(?=\s+(\S))", text):
        nxt = m.group(1)
        if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
            continue
        if re.fullmatch(r"\s*\d{1,2}\s*", text[m.end():]):
            continue  # a footnote marker ends the line: it belongs to this sentence
        if text[m.start()] == ".":
            word = re.search(r"(\S+)$", text[:m.start()])
            token = word.group(1).lstrip(_OPENERS).casefold() if word else ""
            if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token):
                continue
        cuts.append(m.end())
    return cuts


def split_sentences(raw: str) -> Segmentation:
    """Sentences (in document order) and artefact lines of one seed text."""
    lines = classify_lines(raw)
    sentences: list[Sentence] = []
    artefacts = [Artefact(ln.start, ln.end, ln.kind) for ln in lines
                 if ln.kind in ("page-number", "bullet-glyph")]
    current = Sentence()

    def close(kind: str | None = None) -> None:
        nonlocal current
        if current.pieces:
            if kind:
                current.kind = kind
            current.text = " ".join(" ".join(raw[a:b].split()) for a, b in current.pieces)
            sentences.append(current)
        current = Sentence()

    def add(a: int, b: int) -> None:
        while a < b and raw[a].isspace():
            a += 1
        while b > a and raw[b - 1].isspace():
            b -= 1
        if a < b:
            current.pieces.append((a, b))

    prev_kind = "blank"
    done = True  # the text so far ends a sentence (or nothing has been read)
    for i, ln in enumerate(lines):
        if ln.kind in ("page-number", "bullet-glyph"):
            continue
        if ln.kind == "blank":
            prev_kind = "blank"
            continue
        body = raw[ln.start:ln.end]
        if ln.kind != prev_kind and prev_kind in ("text", "footnote"):
            close()  # footnote text never runs into body text
            done = True
        elif prev_kind == "blank" and current.pieces and (
                done or not body.lstrip()[:1].islower()):
            close()
            done = True
        first = body.lstrip()[:1]
        if done and current.pieces and (first.isupper() or first.isdigit()
                                        or first in _OPENERS):
            close()  # the line before ended a sentence at its line break
        if _ITEM_START.match(body):
            close()
        if ln.kind == "text" and _is_heading(raw, lines, i, done or not current.pieces):
            close()
            add(ln.start, ln.end)
            close("heading")
            done, prev_kind = True, "text"
            continue
        at = 0
        for cut in _cuts(body):
            add(ln.start + at, ln.start + cut)
            close("footnote" if ln.kind == "footnote" else None)
            at = cut
        add(ln.start + at, ln.end)
        if ln.kind == "footnote":
            current.kind = "footnote"
        done = _ends_sentence(body)
        prev_kind = ln.kind
    close()
    _mark_references(sentences)
    return Segmentation(sentences, artefacts)


def _mark_references(sentences: list[Sentence]) -> None:
    """Everything after a heading "References" (or "Bibliography") is the reference list."""
    at = next((i for i, s in enumerate(sentences) if s.kind == "heading"
               and s.text.casefold() in _REFERENCE_HEADINGS), None)
    if at is not None:
        for s in sentences[at + 1:]:
            s.kind = "reference"
