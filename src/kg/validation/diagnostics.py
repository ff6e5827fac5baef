"""Findings of validation, in a form both a curator (text) and a program (JSON) can use.

Every finding says what a curator needs to fix it without reading code: the file and line
where the offending triple was written, the entity (label and IRI), the property, and
what is wrong in words. Its code names the rule: a shape of ontology/shapes.ttl (its
local name, e.g. `Figure-asOf`) or a check of kg.checks (e.g. `quote-not-found`).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..input.rdfio import Locator

if TYPE_CHECKING:
    from ..input.corpus import Corpus

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    code: str  # short stable identifier of the rule, e.g. "quote-not-found", "Figure-asOf"
    message: str
    file: str | None = None
    line: int | None = None
    focus: str | None = None  # IRI of the entity concerned
    label: str | None = None
    path: str | None = None  # the property concerned
    value: str | None = None  # the offending value, in Turtle notation

    def where(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "<graph>"

    def format(self) -> str:
        """One line, `file:line: severity[code]: entity property: message`, so editors and
        grep can jump to it."""
        parts = []
        if self.focus:
            parts.append(f"{self.label} <{self.focus}>" if self.label else f"<{self.focus}>")
        if self.path:
            parts.append(self.path)
        subject = " ".join(parts)
        return (f"{self.where()}: {self.severity}[{self.code}]: "
                + (f"{subject}: " if subject else "") + self.message)


@dataclass
class Report:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per validation stage

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        c = Counter(d.severity for d in set(self.diagnostics))
        return {s: c.get(s, 0) for s in SEVERITIES}

    def counts_by_code(self) -> dict[str, dict[str, int]]:
        out: dict[str, Counter] = {}
        for d in set(self.diagnostics):
            out.setdefault(d.severity, Counter())[d.code] += 1
        return {s: dict(sorted(out[s].items())) for s in SEVERITIES if s in out}

    def sorted(self) -> list[Diagnostic]:
        return sorted(
            set(self.diagnostics),
            key=lambda d: (d.file is None, d.file or "", d.line or 0,
                           _ORDER.get(d.severity, 9), d.code, d.message),
        )

    def to_text(self) -> str:
        lines = [d.format() for d in self.sorted()]
        c = self.counts()
        files = {d.file for d in self.diagnostics if d.file}
        if lines:
            lines.append("")
        for severity, codes in self.counts_by_code().items():
            lines.append(f"{severity}s by rule: "
                         + ", ".join(f"{code} {n}" for code, n in codes.items()))
        lines.append(
            f"{_plural(c[ERROR], 'error')}, {_plural(c[WARNING], 'warning')}, "
            f"{_plural(c[INFO], 'info')}"
            + (f" in {_plural(len(files), 'file')}" if files else "")
            + ": " + ("valid" if self.ok else "NOT valid")
        )
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {
                "valid": self.ok,
                "counts": self.counts(),
                "counts_by_code": self.counts_by_code(),
                "diagnostics": [asdict(d) for d in self.sorted()],
                "timings": {k: round(v, 3) for k, v in self.timings.items()},
            },
            indent=2,
            ensure_ascii=False,
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 or word.endswith("info") else "s")


def relative(path: Path | str | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)


class DiagnosticMaker:
    """Turns a finding about graph terms into a Diagnostic a curator can act on: located at
    the line where the triple was written, naming the entity by label and IRI.

    An evidence axiom is a blank node nobody can name, so findings about one are reported
    against the fact it annotates (its subject, property and value)."""

    def __init__(self, graph: Graph, locator: Locator, root: Path):
        self.g = graph
        self.locator = locator
        self.root = root

    @classmethod
    def for_corpus(cls, corpus: Corpus) -> DiagnosticMaker:
        """Data files first: when the ontology and a data file hold the same triple, the
        data file is the one a curator can fix."""
        order = corpus.data_paths + corpus.ontology_paths
        graphs = {p: corpus.graphs[p] for p in order if p in corpus.graphs}
        return cls(corpus.merged, Locator(graphs), corpus.settings.root)

    # -- words for terms ------------------------------------------------------------
    def n3(self, term, limit: int = 80) -> str:
        if term is None:
            return "?"
        if isinstance(term, Literal):
            text = term.n3(self.g.namespace_manager)
            return text if len(text) <= limit else text[: limit - 1] + "…"
        if isinstance(term, BNode):
            return "[]"
        return term.n3(self.g.namespace_manager)

    @cached_property
    def _labels(self) -> dict:
        labels: dict = {}
        for s, o in self.g.subject_objects(RDFS.label):
            if isinstance(o, Literal) and o.language == "en":
                labels.setdefault(s, str(o))
        return labels

    def label(self, term) -> str | None:
        return self._labels.get(term)

    def annotated(self, node) -> tuple | None:
        """The (subject, property, value) an evidence axiom annotates, if node is one."""
        if isinstance(node, BNode) and (node, RDF.type, OWL.Axiom) in self.g:
            return (self.g.value(node, OWL.annotatedSource),
                    self.g.value(node, OWL.annotatedProperty),
                    self.g.value(node, OWL.annotatedTarget))
        return None

    # -- where --------------------------------------------------------------------
    def order_of_triple(self, triple) -> tuple:
        """A sort key putting triples in file order (for "the first use of ...")."""
        path, line = self.locator.triple(*triple)
        paths = list(self.locator.graphs)
        return (paths.index(path) if path in paths else len(paths), line or 0)

    def _diagnostic(self, severity, code, message, where, focus, path=None,
                    value=None) -> Diagnostic:
        file, line = where
        annotated = self.annotated(focus)
        if annotated is not None:
            s, p, o = annotated
            message = (f"evidence for {self.n3(p)} {self.n3(o)}: {message}"
                       if p is not None else f"evidence (owl:Axiom): {message}")
            focus, path, value = s, p, o
        return Diagnostic(
            severity=severity,
            code=code,
            message=message,
            file=relative(file, self.root),
            line=line,
            focus=str(focus) if isinstance(focus, URIRef) else None,
            label=self.label(focus) if isinstance(focus, URIRef) else None,
            path=self.n3(path) if isinstance(path, URIRef) else None,
            value=self.n3(value) if value is not None else None,
        )

    def at_triple(self, severity, code, message, s, p, o) -> Diagnostic:
        """About one triple: located where it was written."""
        where = self.locator.triple(s, p, o)
        if where[0] is None:
            where = self.locator.subject(s)
        return self._diagnostic(severity, code, message, where, s, p, o)

    def at_property(self, severity, code, message, s, p) -> Diagnostic:
        """About a property of a thing (missing, or too many values): located at its first
        value, else where the thing is described."""
        return self._diagnostic(severity, code, message, self.locator.property(s, p), s, p)

    def at_subject(self, severity, code, message, s) -> Diagnostic:
        """About a thing as a whole: located where it is typed (or first described, or
        first mentioned)."""
        return self._diagnostic(severity, code, message, self.locator.subject(s), s)

    def places(self, s, p, o) -> str:
        """`file:line` for every place a triple was written, for messages about clashes."""
        return ", ".join(f"{relative(path, self.root)}:{line}"
                         for path, line in self.locator.triples(s, p, o))
