"""Curators' set-aside decisions: the sentences of a source that are not evidence for
any fact on purpose, each with a reason from a small vocabulary.

They live in data/coverage/<stem>.tsv, versioned with the data they account for, one
decision a line: `reason<TAB>text[<TAB>note]`, where text is the set-aside passage
copied from the source (whitespace folded, like a quote; its first occurrence is meant)
or `@start-end`, raw character offsets for a passage that occurs more than once. Lines
starting with `#` and blank lines are ignored. Every problem is reported at its file and
line; any problem makes the input bad (`kg coverage` exits 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.settings import Settings
from ..input.sources import SourceLibrary, SourceText
from .diagnostics import ERROR, Diagnostic, relative

COVERAGE_DIR = "coverage"
# Why a sentence is not evidence for any fact. "rule" set-asides (made by the splitter's
# documented rules, not by a curator) use the same words.
REASONS = {
    "artefact": "an extraction artefact: running header, stray characters, a broken line",
    "duplicate-passage": "a passage the extraction repeats (e.g. the WTO section of 001)",
    "footnote": "footnote text the extraction interleaves with the body",
    "front-matter": "publisher's address, disclaimer, copyright, series information",
    "heading": "a heading or title, not a statement",
    "no-governance-content": "a sentence with nothing the graph models (rhetoric, signposting)",
    "reference-list": "an entry of the bibliography",
    "table-of-contents": "a line of the table of contents or of an outline",
}
_SPAN = re.compile(r"@(\d+)-(\d+)")


@dataclass(frozen=True)
class SetAside:
    stem: str
    reason: str
    start: int
    end: int
    file: str
    line: int
    note: str = ""


def coverage_dir(settings: Settings) -> Path:
    return settings.data_dir / COVERAGE_DIR


def setaside_files(settings: Settings) -> list[Path]:
    return sorted(coverage_dir(settings).glob("*.tsv"))


def read_setasides(settings: Settings, sources: SourceLibrary
                   ) -> tuple[list[SetAside], list[Diagnostic]]:
    """Every decision of every file, and what is wrong with any of them."""
    found: list[SetAside] = []
    problems: list[Diagnostic] = []
    for path in setaside_files(settings):
        name = relative(path, settings.root)
        text = sources.get(path.stem)
        if text is None:
            problems.append(Diagnostic(
                ERROR, "setaside-source-unknown",
                f"no source text {path.stem}.txt in {sources.seeds_dir}: name the file "
                "after the seed it is about", name, 1))
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            decision, problem = _parse(line, text, name, number)
            if problem:
                problems.append(problem)
            else:
                found.append(decision)
    return found, problems


def _parse(line: str, text: SourceText, name: str, number: int
           ) -> tuple[SetAside | None, Diagnostic | None]:
    def bad(code: str, message: str) -> tuple[None, Diagnostic]:
        return None, Diagnostic(ERROR, code, message, name, number)

    cells = line.split("\t")
    if len(cells) not in (2, 3):
        return bad("setaside-syntax", f"expected reason<TAB>text[<TAB>note], got "
                   f"{len(cells)} tab-separated field(s)")
    reason, passage = cells[0].strip(), cells[1].strip()
    note = cells[2].strip() if len(cells) == 3 else ""
    if reason not in REASONS:
        return bad("setaside-reason", f"unknown reason {reason!r}: use one of "
                   + ", ".join(sorted(REASONS)))
    span = _SPAN.fullmatch(passage)
    if span:
        start, end = int(span.group(1)), int(span.group(2))
        if not 0 <= start < end <= len(text.raw):
            return bad("setaside-span", f"span {passage} is not inside {text.path.name} "
                       f"({len(text.raw)} characters)")
    else:
        located = text.locate(passage)
        if located is None:
            clip = passage if len(passage) <= 80 else passage[:79] + "…"
            return bad("setaside-not-found",
                       f"set-aside text not found in {text.path.name}: \"{clip}\"")
        start, end = located
    return SetAside(text.stem, reason, start, end, name, number, note), None
