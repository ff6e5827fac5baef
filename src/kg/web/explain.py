"""Syntax errors a person can act on: what is wrong, where, and the likely fix.

The engine's parser reports "error at 1:28: expected one of ..." followed by hundreds of
characters of grammar (character classes, every keyword that could come next), and its
position is often a token or more past the real mistake. The common mistakes are few and
can be recognised from the query text itself: a prefix used but never declared (the
endpoint declares the project's own, mg: rdfs: and the rest, for every query), a
missing "." between two triple patterns, a misspelt keyword, an unclosed bracket or
string. Each is looked for here, in that order, and the first found is reported; the
engine's position is kept as a fallback and its message stays available as "details".
Nothing here decides whether a query is valid: it only runs after the engine said no.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass

from ..core.namespaces import PREFIXES

_LEX = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<str>'''(?:'{0,2}(?:[^'\\]|\\.))*(?:''')?|\"\"\"(?:"{0,2}(?:[^"\\]|\\.))*(?:\"\"\")?
           |'(?:[^'\\\n\r]|\\.)*'?|"(?:[^"\\\n\r]|\\.)*"?)
  | (?P<var>[?$]\w+)
  | (?P<bnode>_:[\w.\-]*)
  | (?P<num>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w:%\-]|\\.|\.(?=[\w:%\-\\]))*)
  | (?P<word>[^\W\d_][\w\-]*)
  | (?P<other>\^\^|\|\||&&|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)

KEYWORDS = frozenset("""
BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED FROM NAMED WHERE ORDER BY ASC
DESC LIMIT OFFSET GROUP HAVING VALUES UNDEF OPTIONAL UNION MINUS GRAPH SERVICE SILENT
FILTER BIND AS NOT EXISTS IN COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG
LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE
LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS
MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF
STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRUE
FALSE A INSERT DELETE DATA LOAD CLEAR CREATE DROP COPY MOVE ADD WITH INTO TO DEFAULT ALL
USING LATERAL TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE VERSION
""".split())
# Words that end a triple pattern's run of terms inside a group.
_GROUP_WORDS = frozenset("OPTIONAL UNION MINUS GRAPH SERVICE FILTER BIND VALUES".split())
_TERMS = frozenset({"iri", "str", "var", "bnode", "num", "pname"})
# Words after which variables are a projection or a list, not a triple pattern.
_CLAUSE_WORDS = frozenset("SELECT GROUP ORDER HAVING LIMIT OFFSET BY DISTINCT".split())
_ENGINE_POS = re.compile(r"error at (\d+):(\d+)")


@dataclass
class Explanation:
    what: str
    line: int
    column: int
    fix: str
    excerpt: str  # the line, and a caret under the column

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Tok:
    kind: str
    text: str
    pos: int


def tokens(text: str) -> list[_Tok]:
    """The query's tokens, without white space and comments."""
    return [_Tok(m.lastgroup or "other", m.group(), m.start()) for m in _LEX.finditer(text)
            if m.lastgroup != "ws"]


def _where(text: str, pos: int) -> tuple[int, int, str]:
    line = text.count("\n", 0, pos) + 1
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    row = text[start: end if end >= 0 else len(text)]
    col = pos - start + 1
    return line, col, row + "\n" + " " * (col - 1) + "^"


def _at(text: str, pos: int, what: str, fix: str) -> Explanation:
    line, col, excerpt = _where(text, pos)
    return Explanation(what, line, col, fix, excerpt)


def _unknown_prefix(text: str, toks: list[_Tok]) -> Explanation | None:
    declared = set(PREFIXES)  # the endpoint declares these for every query
    for i, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() == "PREFIX" and i + 1 < len(toks):
            declared.add(toks[i + 1].text.split(":", 1)[0])
    for i, t in enumerate(toks):
        if t.kind != "pname":
            continue
        if i > 0 and toks[i - 1].kind == "word" and toks[i - 1].text.upper() == "PREFIX":
            continue
        prefix = t.text.split(":", 1)[0]
        if prefix in declared:
            continue
        close = difflib.get_close_matches(prefix, sorted(declared), n=1, cutoff=0.5)
        fix = (f"Did you mean {close[0]}: ? Otherwise declare it at the top: "
               f"PREFIX {prefix}: <…>" if close else
               f"Declare it at the top of the query: PREFIX {prefix}: <…>")
        return _at(text, t.pos, f"The prefix “{prefix}:” (in {t.text}) is not declared.", fix)
    return None


def _missing_dot(text: str, toks: list[_Tok]) -> Explanation | None:
    """A fourth term in a row inside a group (or a third after ";", a second after ","):
    the pattern before it was not ended with "."."""
    depth_paren = 0
    braces: list[str] = []  # "group" or "values"
    pending_values = False
    run = 0
    brackets = 0  # inside [ ... ]: a blank node, counted as one term when it closes
    for i, t in enumerate(toks):
        word = t.text.upper() if t.kind == "word" else None
        if word == "VALUES":
            pending_values = True
        if word in _CLAUSE_WORDS:
            run = -1000
            continue
        if t.text == "{":
            braces.append("values" if pending_values else "group")
            pending_values = False
            run = 0
            continue
        if t.text == "}":
            if braces:
                braces.pop()
            run = 0
            continue
        if t.text == "(":
            depth_paren += 1
            continue
        if t.text == ")":
            depth_paren = max(0, depth_paren - 1)
            if depth_paren == 0:
                run = 0
            continue
        if not braces or braces[-1] != "group" or depth_paren:
            continue
        if t.text == "[":
            brackets += 1
            continue
        if t.text == "]":
            brackets = max(0, brackets - 1)
            run += 1 if brackets == 0 else 0
            continue
        if brackets:
            continue
        if t.text in ("/", "|"):
            run -= 1  # a property path: the next name belongs to the same predicate
        elif t.text == ".":
            run = 0
        elif t.text == ";":
            run = 1
        elif t.text == ",":
            run = 2
        elif t.text == "^^":
            continue
        elif t.kind in _TERMS or word in ("A", "TRUE", "FALSE"):
            if i > 0 and toks[i - 1].text in ("^^",):
                continue  # a datatype IRI belongs to the literal before it
            run += 1
            if run == 4:
                prev = toks[i - 1]
                end = prev.pos + len(prev.text)
                return _at(text, t.pos,
                           "Two triple patterns run into each other: a “.” is missing "
                           "before this term.",
                           f"Put a “.” after {prev.text} (line {_where(text, end)[0]}, "
                           f"column {_where(text, end)[1] - 1}) to end the pattern there.")
        elif word in _GROUP_WORDS:
            run = 0
    return None


def _misspelt(text: str, toks: list[_Tok]) -> Explanation | None:
    for i, t in enumerate(toks):
        if t.kind != "word" or t.text.upper() in KEYWORDS:
            continue
        if i > 0 and toks[i - 1].text == "@":
            continue  # a language tag
        close = difflib.get_close_matches(t.text.upper(), KEYWORDS, n=1, cutoff=0.6)
        fix = (f"Did you mean {close[0]}?" if close else
               "Bare words are SPARQL keywords; a name needs a prefix (mg:…), a variable "
               "a “?”, a string quotes.")
        return _at(text, t.pos, f"“{t.text}” is not a SPARQL keyword.", fix)
    return None


def _unbalanced(text: str, toks: list[_Tok]) -> Explanation | None:
    pairs = {"}": "{", ")": "(", "]": "["}
    stack: list[_Tok] = []
    for t in toks:
        if t.kind == "str" and (len(t.text) < 2 or t.text[-1] != t.text[0]
                                or (len(t.text) >= 6 and t.text[:3] in ("'''", '"""')
                                    and not t.text.endswith(t.text[:3]))):
            return _at(text, t.pos, "A string is not closed.",
                       f"Close it with {t.text[0]} on the same line.")
        if t.text in ("{", "(", "["):
            stack.append(t)
        elif t.text in pairs:
            if not stack or stack[-1].text != pairs[t.text]:
                return _at(text, t.pos, f"“{t.text}” closes nothing that is open.",
                           f"Remove it, or open it with “{pairs[t.text]}” before.")
            stack.pop()
    if stack:
        t = stack[-1]
        closer = {v: k for k, v in pairs.items()}[t.text]
        return _at(text, t.pos, f"“{t.text}” is opened here and never closed.",
                   f"Add “{closer}” where it should end.")
    return None


def _from_engine(text: str, message: str) -> Explanation:
    m = _ENGINE_POS.search(message)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
    lines = text.split("\n")
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    expected = re.findall(r'"([^"]{1,12})"|\b([A-Z_]{2,})\b', message.split("expected", 1)[-1])
    words = [a or b for a, b in expected if (a or b) not in ("U", "VERSION")][:8]
    if "variable that is unbound" in message or "GROUP BY" in text.upper() and "unbound" in message:
        fix = ("With GROUP BY every selected variable must be grouped or aggregated: add it "
               "to GROUP BY or wrap it, e.g. (SAMPLE(?x) AS ?x1).")
        what = "A selected variable is neither grouped nor aggregated."
    else:
        what = "The query is not valid SPARQL here."
        fix = ("The parser could continue with: " + ", ".join(words) + "."
               if words else "Check the word at the caret and the one before it.")
    col = max(1, min(col, len(row) + 1))
    return Explanation(what, line, col, fix, row + "\n" + " " * (col - 1) + "^")


def explain(text: str, message: str) -> Explanation:
    """The most likely reading of a syntax error the engine reported for `text`."""
    toks = tokens(text)
    if "unbound" in message:
        return _from_engine(text, message)
    for finder in (_unbalanced, _unknown_prefix, _misspelt, _missing_dot):
        found = finder(text, toks)
        if found is not None:
            return found
    return _from_engine(text, message)
