"""The seed texts: reading them, hashing them, and finding quotes in them.

Quotes are matched with whitespace folded (any run of whitespace reads as one space) and
nothing else forgiven, so a quote in the graph is always the source's own words.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..core.errors import KgError

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


def fold(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass
class SourceText:
    stem: str
    path: Path

    @cached_property
    def raw(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @cached_property
    def _folded(self) -> tuple[str, list[int]]:
        """The folded text and, for each of its characters, the offset in the raw text:
        each run of non-space characters as it is, each run of whitespace after one as a
        single space at the run's first offset (leading whitespace dropped)."""
        raw = self.raw
        parts: list[str] = []
        offsets: list[int] = []
        for match in _WORD.finditer(raw):
            start, end = match.span()
            parts.append(match.group())
            offsets.extend(range(start, end))
            if end < len(raw):
                parts.append(" ")
                offsets.append(end)
        return "".join(parts), offsets

    @cached_property
    def _located(self) -> dict[str, tuple[int, int] | None]:
        return {}  # the checks, the offsets and the coverage each locate every quote

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Raw-text offsets [start, end) of the quote's first occurrence, or None."""
        if quote in self._located:
            return self._located[quote]
        needle = fold(quote)
        found = None
        if needle:
            folded, offsets = self._folded
            at = folded.find(needle)
            if at >= 0:
                found = offsets[at], offsets[at + len(needle) - 1] + 1
        self._located[quote] = found
        return found

    def contains(self, quote: str) -> bool:
        return self.locate(quote) is not None


class SourceLibrary:
    """The seed directory, read lazily; one SourceText per *.txt file."""

    def __init__(self, seeds_dir: Path):
        self.seeds_dir = Path(seeds_dir)
        self._texts: dict[str, SourceText] | None = None

    @property
    def texts(self) -> dict[str, SourceText]:
        if self._texts is None:
            if not self.seeds_dir.is_dir():
                raise KgError(
                    f"source texts not found: {self.seeds_dir} does not exist. "
                    "Quotes cannot be checked without them; set MGKG_SEEDS_DIR or "
                    "--seeds to the folder holding the seed .txt files."
                )
            self._texts = {
                p.stem: SourceText(p.stem, p) for p in sorted(self.seeds_dir.glob("*.txt"))
            }
        return self._texts

    def get(self, stem: str) -> SourceText | None:
        return self.texts.get(stem)

    def by_sha256(self, digest: str) -> SourceText | None:
        return next((t for t in self.texts.values() if t.sha256 == digest), None)
