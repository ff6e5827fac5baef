"""Query shapes that would crash the engine's parser, refused before any worker sees them.

Oxigraph parses and plans a query by recursion, so its depth is the stack's: measured
with pyoxigraph on this project's workers (8 MB main-thread stack), a query of 4,000
nested `{` or 7,000 chained `+`, `UNION` or `(` kills the process with a stack
overflow, which the client used to hear of as a worker that "ran out of memory". A
worker is replaced in milliseconds, but the client deserves a 400 that says what is
wrong, and nobody should be able to crash workers in a loop. The limits here are far
below the crash and far above any real query (the project's deepest nests 6 brackets
and chains fewer than 40 operators).

The scan is lexical: strings, IRIs and comments are skipped, so brackets and operators
inside them do not count; what remains is counted, never parsed.
"""

from __future__ import annotations

import re

MAX_OPERATORS = 1000  # operators and UNION/MINUS in one query

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*"
    r"|[{(\[]|[})\]]"
    r"|&&|\|\||[-+*/!|^]"
    r"|\b(?:UNION|MINUS)\b",
    re.S | re.I,
)


class TooComplex(ValueError):
    """The query nests or chains more than the endpoint accepts."""


def check(query: str, max_nesting: int) -> None:
    """Raise TooComplex with a message for the client if the query is too deep."""
    depth = deepest = operators = 0
    for match in _TOKENS.finditer(query):
        token = match.group()
        first = token[0]
        if first in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
                if max_nesting and deepest > max_nesting:
                    raise TooComplex(
                        f"the query nests brackets more than {max_nesting} deep (at "
                        f"character {match.start()}), the most this endpoint accepts; "
                        f"flatten it")
        elif first in "})]":
            depth = max(0, depth - 1)
        elif first in "\"'<#":
            continue
        else:
            operators += 1
            if operators > MAX_OPERATORS:
                raise TooComplex(
                    f"the query chains more than {MAX_OPERATORS} operators (+, &&, UNION, "
                    f"...), the most this endpoint accepts; use VALUES or IN for long "
                    f"lists")
