"""Reading Turtle files: `file:line: message` on bad syntax, and lines of terms for reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from .errors import KgError
from .namespaces import PREFIXES, bind_all

_WHY = re.compile(r"Bad syntax \((.*?)\) at \^", re.S)


class TurtleSyntaxError(KgError):
    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = Path(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file; any syntax error becomes a TurtleSyntaxError naming file:line."""
    path = Path(path)
    graph = Graph()
    bind_all(graph)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TurtleSyntaxError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise TurtleSyntaxError(path, None, f"cannot read file ({exc.strerror})") from exc
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises BadSyntax and assorted ValueErrors
        line = _error_line(exc, text)
        match = _WHY.search(str(exc))
        message = match.group(1) if match else str(exc).strip().splitlines()[-1]
        raise TurtleSyntaxError(path, line, f"syntax error: {message}") from exc
    return graph


def _error_line(exc: Exception, text: str) -> int | None:
    """The 1-based line of a parser error, from its character offset where rdflib gives one
    (its own line counter runs past the end of the file on errors at EOF)."""
    argstr, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if isinstance(argstr, bytes | str) and isinstance(offset, int):
        head = argstr[:offset]
        newline = b"\n" if isinstance(head, bytes) else "\n"
        before = head.rstrip(b" \t\r\n" if isinstance(head, bytes) else " \t\r\n")
        return before.count(newline) + 1
    line = getattr(exc, "lines", None)
    if isinstance(line, int):
        return min(line + 1, max(1, text.count("\n") + 1))
    return None


@dataclass
class LineIndex:
    """Where terms are written in a Turtle file, to point a curator at the right line."""

    path: Path
    _lines: list[str] = field(default_factory=list)

    @cached_property
    def lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []

    @staticmethod
    def _forms(term) -> list[str]:
        if isinstance(term, URIRef):
            iri = str(term)
            forms = [f"<{iri}>"]
            for prefix, ns in PREFIXES.items():
                if iri.startswith(ns) and len(iri) > len(ns):
                    forms.append(f"{prefix}:{iri[len(ns):]}")
            return forms
        if isinstance(term, Literal):
            return [str(term)[:60]]
        return []

    def _find(self, term, start: int = 0, at_line_start: bool = False) -> int | None:
        forms = self._forms(term)
        if not forms:
            return None
        pattern = re.compile(
            r"(?:^\s*)" + "(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w\-.]*\w)"
            if at_line_start
            else "(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w\-]*\w)"
        )
        for number in range(start, len(self.lines)):
            if pattern.search(self.lines[number]):
                return number + 1
        return None

    def line_of(self, term) -> int | None:
        """The first line where the term starts a statement, else where it first appears."""
        return self._find(term, at_line_start=True) or self._find(term)

    def line_of_triple(self, s, p, o=None) -> int | None:
        """Best guess at the line of a triple: the predicate (or object) after its subject."""
        start = self.line_of(s) if not isinstance(s, BNode) else None
        if start is None:
            return self._find(o) if o is not None else None
        for term in (o, p):
            if term is None:
                continue
            hit = self._find(term, start - 1)
            if hit is not None:
                return hit
        return start
