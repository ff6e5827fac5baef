"""Reading Turtle files: `file:line: message` on bad syntax, and the line of every triple.

A curator fixes what a report points at, so every diagnostic must name the line where the
offending triple was written. Searching the text for a term's name finds the wrong line
as soon as a subject is described in several statements, and cannot find blank nodes
(evidence axioms) at all. So the Turtle parser itself records, for each triple it
produces, the offset where the triple's object starts; the graph carries those lines and
the blank nodes in them are the very ones in the graph.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..core.errors import KgError
from ..core.namespaces import PREFIXES, bind_all

_WHY = re.compile(r"Bad syntax \((.*?)\) at \^", re.S)
_SPACE = re.compile(r"(?:[ \t\r\n]|#[^\r\n]*)*")
_POSITIONS = "_mgkg_lines"  # attribute under which a parsed Graph keeps its triple lines

Triple = tuple
TripleLines = dict[Triple, list[int]]


class TurtleSyntaxError(KgError):
    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = Path(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file; any syntax error becomes a TurtleSyntaxError naming file:line.

    The graph remembers the line of each of its triples (see `triple_lines`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TurtleSyntaxError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise TurtleSyntaxError(path, None, f"cannot read file ({exc.strerror})") from exc
    public_id = path.resolve().as_uri()
    try:
        graph, lines = _parse_locating(text, public_id)
    except Exception:  # noqa: BLE001 - rdflib is the authority on syntax: ask it below
        graph, lines = None, None
    if graph is None:
        graph = Graph()
        bind_all(graph)
        try:
            graph.parse(data=text, format="turtle", publicID=public_id)
        except Exception as exc:  # rdflib raises BadSyntax and assorted ValueErrors
            line = _error_line(exc, text)
            match = _WHY.search(str(exc))
            message = match.group(1) if match else str(exc).strip().splitlines()[-1]
            raise TurtleSyntaxError(path, line, f"syntax error: {message}") from exc
    setattr(graph, _POSITIONS, lines)
    return graph


def triple_lines(graph: Graph) -> TripleLines | None:
    """The 1-based lines where each triple of a parsed file was written (None if unknown)."""
    return getattr(graph, _POSITIONS, None)


def _parse_locating(text: str, public_id: str) -> tuple[Graph, TripleLines]:
    """rdflib's own Turtle parser, with two hooks that note where each object starts."""
    from rdflib.plugins.parsers.notation3 import RDFSink, SinkParser

    class Sink(RDFSink):
        where = 0
        offsets: dict[Triple, list[int]]

        def makeStatement(self, quadruple, why=None) -> None:  # noqa: N802 - rdflib's name
            super().makeStatement(quadruple, why)
            f, p, s, o = quadruple
            key = (self.normalise(f, s), self.normalise(f, p), self.normalise(f, o))
            self.offsets.setdefault(key, []).append(self.where)

    class Parser(SinkParser):
        def object(self, argstr, i, res):  # noqa: A003 - rdflib's name
            start = _SPACE.match(argstr, i).end()
            j = super().object(argstr, i, res)
            if j >= 0 and res:
                self._mgkg_starts[id(res[-1])] = start
            return j

        def makeStatement(self, quadruple) -> None:  # noqa: N802 - rdflib's name
            self._store.where = self._mgkg_starts.get(id(quadruple[3]), self._store.where)
            super().makeStatement(quadruple)

    graph = Graph()
    bind_all(graph)
    sink = Sink(graph)
    sink.offsets = {}
    parser = Parser(sink, baseURI=graph.absolutize(public_id), turtle=True)
    parser._mgkg_starts = {}
    parser.loadBuf(text)
    for prefix, namespace in parser._bindings.items():
        graph.bind(prefix, namespace)
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    lines = {
        key: sorted({bisect.bisect_right(newlines, offset - 1) + 1 for offset in offsets})
        for key, offsets in sink.offsets.items()
    }
    return graph, lines


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
    """Where terms are written in a Turtle file, by searching its text.

    The fallback for graphs parsed without line information; `Locator` prefers the
    lines the parser recorded."""

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


Where = tuple[Path | None, int | None]


class Locator:
    """Answers "which file, which line?" for triples, subjects and mentions of a term.

    Built from the parsed files (in the order given, which decides which file is named
    when several hold the same triple)."""

    def __init__(self, graphs: Mapping[Path, Graph]):
        self.graphs = dict(graphs)
        self._text_indexes: dict[Path, LineIndex] = {}

    @cached_property
    def _index(self) -> tuple[dict, dict, dict, dict]:
        """Per term: where its triples are, where it is typed, where it is first an object."""
        triples: dict[Triple, list[tuple[Path, int]]] = {}
        subject_first: dict = {}
        typed_at: dict = {}
        object_first: dict = {}
        for path, graph in self.graphs.items():
            lines = triple_lines(graph)
            if lines is None:
                continue
            for (s, p, o), at in lines.items():
                here = (path, at[0])
                triples.setdefault((s, p, o), []).extend((path, n) for n in at)
                _keep_first(subject_first, s, here)
                _keep_first(object_first, o, here)
                if p == RDF.type:
                    _keep_first(typed_at, s, here)
        return triples, subject_first, typed_at, object_first

    def _text(self, path: Path) -> LineIndex:
        if path not in self._text_indexes:
            self._text_indexes[path] = LineIndex(path)
        return self._text_indexes[path]

    def _unindexed(self) -> Iterable[Path]:
        return (p for p, g in self.graphs.items() if triple_lines(g) is None)

    def triple(self, s, p, o) -> Where:
        """Where the triple was written (the first place, if it was written several times)."""
        hits = self._index[0].get((s, p, o))
        if hits:
            return hits[0]
        for path in self._unindexed():
            if (s, p, o) in self.graphs[path]:
                return path, self._text(path).line_of_triple(s, p, o)
        return None, None

    def triples(self, s, p, o) -> list[tuple[Path, int]]:
        """Every place the triple was written (for "also written at ..." messages)."""
        return list(self._index[0].get((s, p, o), []))

    def property(self, s, p) -> Where:
        """Where the subject's first value of the property was written."""
        best: Where = (None, None)
        for o in self._objects(s, p):
            here = self.triple(s, p, o)
            if here[0] is not None and (best[0] is None or _before(here, best, self.graphs)):
                best = here
        return best if best[0] is not None else self.subject(s)

    def subject(self, s) -> Where:
        """Where the thing is described: its rdf:type, else its first triple, else a mention."""
        _, subject_first, typed_at, object_first = self._index
        for table in (typed_at, subject_first):
            if s in table:
                return table[s]
        for path in self._unindexed():
            if (s, None, None) in self.graphs[path]:
                return path, self._text(path).line_of(s)
        return self.mention(s)

    def mention(self, term) -> Where:
        """Where the term is first used as an object (for things never described)."""
        _, _, _, object_first = self._index
        if term in object_first:
            return object_first[term]
        for path in self._unindexed():
            if (None, None, term) in self.graphs[path]:
                return path, self._text(path).line_of(term)
        return None, None

    def _objects(self, s, p):
        seen = set()
        for graph in self.graphs.values():
            for o in graph.objects(s, p):
                if o not in seen:
                    seen.add(o)
                    yield o


def _keep_first(table: dict, key, here: tuple[Path, int]) -> None:
    """Keep the earliest place: first file in order, then lowest line."""
    old = table.get(key)
    if old is None or (old[0] == here[0] and here[1] < old[1]):
        table[key] = here


def _before(a: Where, b: Where, order: Mapping[Path, Graph]) -> bool:
    paths = list(order)
    ia, ib = paths.index(a[0]), paths.index(b[0])
    return (ia, a[1] or 0) < (ib, b[1] or 0)
