"""A small SPARQL lexer: enough to see a query's keywords without parsing it.

pyoxigraph exposes no parser, and the endpoint must decide some things before (or
instead of) evaluating a query: is this an update (refused), does it ask for SERVICE
(refused), does it name its own dataset with FROM (then the union default graph must not
override it). Matching keywords in the raw text would be fooled by strings, IRIs,
comments, variables and prefixed names that merely contain the word, so the text is cut
into tokens the way the SPARQL grammar does and only bare keyword tokens are looked at.
An unterminated string runs to the end of its line (or, for a long string, of the text)
instead of failing, so that every character is scanned once: a hostile megabyte of
quotes costs milliseconds, not minutes, before the engine rejects it anyway.
The lexer is a guard in front of the engine, not a validator: a query it mis-reads still
meets the engine's parser, and the query workers' sandbox (see executor.py) makes the
no-network rule hold even if this guard were fooled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n\r]*)
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<str>'''(?:'{0,2}(?:[^'\\]|\\.))*(?:''')?
           |\"\"\"(?:"{0,2}(?:[^"\\]|\\.))*(?:\"\"\")?
           |'(?:[^'\\\n\r]|\\.)*'?
           |"(?:[^"\\\n\r]|\\.)*"?)
  | (?P<var>[?$]\w+)
  | (?P<bnode>_:[\w.\-]*)
  | (?P<pname>(?:[^\W\d_][\w.\-]*+)?:(?:[\w:%\-]|\\.|\.(?=[\w:%\-\\]))*)
  | (?P<word>[^\W\d_][\w.\-]*+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})


@dataclass(frozen=True)
class Shape:
    """What the endpoint needs to know about a query before running it."""

    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, an update keyword, or None
    is_update: bool
    uses_service: bool
    has_dataset: bool  # FROM / FROM NAMED in the query itself


def keywords(text: str, stop_at_first: bool = False) -> list[str]:
    """The bare keyword tokens of a query, upper-cased, in order.

    Name-like runs are taken whole (possessively), so a run that is not followed by ":"
    is one token and not re-scanned from each of its characters."""
    out = []
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word":
            word = m.group("word")
            if word.isalpha():  # "a.b" or "x-y" is a name fragment, never a keyword
                out.append(word.upper())
                if stop_at_first and out[-1] not in ("PREFIX", "BASE"):
                    break
    return out


def shape(text: str) -> Shape:
    lower = text.lower()
    # Only a query that contains the letters anywhere needs a full scan for them.
    full = "service" in lower or "from" in lower
    words = keywords(text, stop_at_first=not full)
    form = next((w for w in words if w not in ("PREFIX", "BASE")), None)
    return Shape(
        form=form,
        is_update=form in UPDATE_KEYWORDS,
        uses_service="SERVICE" in words,
        has_dataset="FROM" in words,
    )


def one_line(text: str, limit: int = 200) -> str:
    """The query folded onto one line, for the access log."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"
