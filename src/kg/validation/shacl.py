"""SHACL validation, core and SHACL-SPARQL together, by one engine: pyshacl-turbo.

Why this engine (docs/decisions/0001-shacl-engine.md): it passes the W3C SHACL test suite
as far as any engine we measured (tests/validation/test_w3c_suite.py runs it on every
change) and validates the real release in a few seconds, where pySHACL needs minutes
because it runs rdflib's SPARQL engine once per focus node. No runner of our own: the
one that used to run the SHACL-SPARQL half here passed 10 of the 22 SPARQL tests.

The shapes are refused before anything runs when they ask for what the engine would not
run as the specification says (kg.validation.shapelint); so is anything the engine
itself declines. A refusal is a ShapesRefused (exit 2) naming the shape, the construct
and the shapes file:line: never a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..input.rdfio import Locator, TurtleSyntaxError, parse_turtle
from .diagnostics import ERROR, INFO, WARNING, relative
from .shapelint import Problem, ShapesRefused, lint

SH = Namespace("http://www.w3.org/ns/shacl#")
MGSH = Namespace("https://w3id.org/mgkg/shapes#")
SEVERITY = {SH.Violation: ERROR, SH.Warning: WARNING, SH.Info: INFO}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Parameters of the core constraint components, for the names of rules (codes()).
_CORE_PARAMETERS = {SH[name] for name in (
    "class datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive "
    "maxInclusive minLength maxLength pattern languageIn uniqueLang equals disjoint "
    "lessThan lessThanOrEquals not and or xone node property qualifiedValueShape closed "
    "hasValue in").split()}


@contextmanager
def lexical_literals():
    """Parse literals as written. rdflib otherwise rewrites an ill-typed literal to a
    valid one ("none"^^xsd:boolean becomes "false"), which sh:datatype must reject."""
    import rdflib

    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


@dataclass(frozen=True)
class ShapeResult:
    """One sh:result of the validation report."""

    focus: Node
    path: Node | None  # an IRI, or the blank node of a complex SHACL path in `report`
    value: Node | None
    shape: Node  # sh:sourceShape
    constraint: Node | None  # sh:sourceConstraint if any, else the constraint component
    severity: str  # error, warning or info (a custom severity counts as an error)
    message: str  # the shape's sh:message, filled in; "" when the shape declares none
    component: Node | None = None  # sh:sourceConstraintComponent
    declared_severity: Node | None = None  # sh:resultSeverity as the shape declares it


@dataclass
class Outcome:
    """What the engine said: sh:conforms, the results, and the standard report graph."""

    conforms: bool
    results: list[ShapeResult]
    report: Graph


@dataclass
class Shapes:
    """A shapes graph that passed the checks of kg.validation.shapelint."""

    graph: Graph
    files: list[Path]
    locator: Locator
    root: Path

    @classmethod
    def load(cls, paths: Iterable[Path], root: Path | None = None) -> Shapes | None:
        """Parse and check the shapes files; None when there are none. Unreadable or
        refused shapes raise ShapesRefused (exit 2)."""
        paths = [Path(p) for p in paths]
        if not paths:
            return None
        root = Path(root or Path.cwd()).resolve()
        graphs = {}
        for path in paths:
            try:
                with lexical_literals():
                    graphs[path] = parse_turtle(path)
            except TurtleSyntaxError as exc:
                file = relative(exc.path, root)
                raise ShapesRefused([Problem(file, exc.line, "-", "shapes file",
                                             exc.message)]) from exc
        graph = Graph()
        for g in graphs.values():
            for prefix, namespace in g.namespaces():
                graph.bind(prefix, namespace, override=False)
            graph += g
        shapes = cls(graph, paths, Locator(graphs), root)
        problems = lint(graph, shapes.locator, shapes.relative)
        if problems:
            raise ShapesRefused(problems)
        shapes.compiled  # noqa: B018 - the engine's own refusals surface here, at load
        return shapes

    def relative(self, path) -> str | None:
        return relative(path, self.root)

    @cached_property
    def compiled(self):
        """The shapes compiled by the engine once (SHACL-AF targets need advanced=True).

        It gets the triples without the files' @prefix bindings: SPARQL prefixes come
        from sh:prefixes only, as SHACL says (shapelint has checked every query)."""
        import pyshacl_turbo
        from pyshacl_turbo.rdf import Input

        bare = Graph(bind_namespaces="none")
        for triple in self.graph:
            bare.add(triple)
        # As N-Triples, not as an rdflib Graph: given a Graph the engine reads "1" as
        # true for boolean parameters, as pySHACL does; SHACL says only true is
        # (W3C test core/property/uniqueLang-002). The blank nodes keep their identity.
        nodes = {str(n): n for n in bare.all_nodes() if isinstance(n, BNode)}
        source = Input(bare.serialize(format="nt"), "nt", None, nodes, {}, preserve_ids=True)
        try:
            return pyshacl_turbo.compile_shapes(source, advanced=True)
        except (NotImplementedError, RuntimeError) as exc:
            raise self.refusal(exc) from exc

    def refusal(self, exc: Exception) -> ShapesRefused:
        """The engine's own refusal, placed at the shape and term its message names."""
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        iri = re.search(r"<([^>\s]+)>", text)
        term = re.search(r"\bsh:(\w+)", text)
        node = URIRef(iri.group(1)) if iri else None
        where: tuple = (None, None)
        if node is not None and term is not None:
            value = self.graph.value(node, SH[term.group(1)])
            where = self.locator.triple(node, SH[term.group(1)], value)
        if where[0] is None and node is not None:
            where = self.locator.subject(node)
        shape = node.n3(self.graph.namespace_manager) if node is not None else "-"
        construct = f"sh:{term.group(1)}" if term else "shapes"
        file = self.relative(where[0]) if where[0] else ", ".join(
            str(self.relative(p)) for p in self.files)
        return ShapesRefused([Problem(file, where[1], shape, construct,
                                      f"the engine does not run this ({text})")])

    # -- naming results ------------------------------------------------------------
    def code(self, shape: Node, constraint: Node | None = None) -> str:
        """The rule's name in reports: the local name of the shape (or named SPARQL
        constraint) in shapes.ttl. An anonymous property shape is named after its node
        shape and path; in the per-property shapes (sh:targetSubjectsOf P), a constraint
        on the subject is `P-domain` and one on P's values is `P-range`."""
        if isinstance(constraint, URIRef) and str(constraint).startswith(str(MGSH)):
            return _local(constraint)
        if isinstance(shape, URIRef):
            core = isinstance(constraint, URIRef) and str(constraint).startswith(str(SH))
            if core and self.graph.value(shape, SH.targetSubjectsOf) is not None:
                return _local(shape) + "-domain"
            return _local(shape)
        parent = self.graph.value(None, SH.property, shape)
        if parent is None:
            return "shape"
        name = self.code(parent)
        path = self.graph.value(shape, SH.path)
        if path is not None and path == self.graph.value(parent, SH.targetSubjectsOf):
            return name + "-range"
        return f"{name}-{_local(path)}" if isinstance(path, URIRef) else name

    def codes(self) -> set[str]:
        """Every code a result of these shapes can carry (for coverage tests and docs)."""
        g = self.graph
        out: set[str] = set()
        targeted = {s for kind in (*_TARGETS, SH.target) for s in g.subjects(kind, None)}
        for shape in targeted:
            node_level = {p for p in g.predicates(shape) if p in _CORE_PARAMETERS} - {SH.property}
            if node_level:
                out.add(self.code(shape, SH.NodeConstraintComponent))
            for prop in g.objects(shape, SH.property):
                if any(p in _CORE_PARAMETERS for p in g.predicates(prop)):
                    out.add(self.code(prop))
            for constraint in g.objects(shape, SH.sparql):
                out.add(self.code(shape, constraint))
        return out

    def message(self, shape: Node) -> str | None:
        text = _preferred(self.graph.objects(shape, SH.message))
        return str(text) if text is not None else None


def _local(term) -> str:
    text = str(term)
    return re.split(r"[#/]", text)[-1] or text


def _preferred(literals) -> Literal | None:
    """English (or untagged) first, since the reports are in English."""
    ranked = sorted(literals, key=lambda t: (getattr(t, "language", None) not in ("en", None),
                                             str(t)))
    return ranked[0] if ranked else None


def run(shapes: Shapes, data: Graph) -> Outcome:
    """Validate data against the shapes. sh:conforms is SHACL's: false on any result,
    warnings and infos included (the project's own pass/fail counts errors only)."""
    from pyshacl_turbo import ValidationFailure

    try:
        conforms, report, _ = shapes.compiled.validate(
            data, inference="none", allow_warnings=False, allow_infos=False)
    except (ValidationFailure, NotImplementedError) as exc:
        raise shapes.refusal(exc) from exc
    return Outcome(bool(conforms), _results(shapes, report), report)


def _results(shapes: Shapes, report: Graph) -> list[ShapeResult]:
    out = []
    for root in report.subjects(RDF.type, SH.ValidationReport):
        for result in report.objects(root, SH.result):
            shape = report.value(result, SH.sourceShape)
            component = report.value(result, SH.sourceConstraintComponent)
            constraint = report.value(result, SH.sourceConstraint)
            declared = report.value(result, SH.resultSeverity)
            has_message = any(shapes.graph.value(n, SH.message) is not None
                              for n in (shape, constraint) if n is not None)
            message = _preferred(report.objects(result, SH.resultMessage)) if has_message else None
            out.append(ShapeResult(
                focus=report.value(result, SH.focusNode),
                path=report.value(result, SH.resultPath),
                value=report.value(result, SH.value),
                shape=shape,
                constraint=constraint if constraint is not None else component,
                severity=SEVERITY.get(declared, ERROR),
                message=str(message) if message is not None else "",
                component=component,
                declared_severity=declared,
            ))
    return out


def path_text(graph: Graph, path: Node | None) -> str:
    """A SHACL path in SPARQL property path syntax (for messages about complex paths)."""
    if path is None:
        return "?"
    if isinstance(path, URIRef):
        return path.n3(graph.namespace_manager)
    if isinstance(path, BNode) and (path, RDF.first, None) in graph:
        return "/".join(path_text(graph, p) for p in graph.items(path))
    for prop, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                      (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(path, prop)
        if inner is not None:
            return fmt.format(path_text(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, p) for p in graph.items(alternatives)) + ")"
    return "[]"
