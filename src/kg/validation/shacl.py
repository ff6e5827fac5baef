"""SHACL validation against ontology/shapes*.ttl, fast enough to run on every build.

Core SHACL (cardinalities, datatypes, classes, closed shapes) is run by pyshacl. The
SHACL-SPARQL shapes (evidence present, disjoint classes...) are run here, in Oxigraph:
pyshacl runs each query once per focus node through rdflib's SPARQL engine, about 20 s
for the evidence rule alone on the real graph.

A query whose every solution binds $this through a mandatory triple pattern (no
subquery, no grouping) gives, for each focus node, exactly the solutions of the whole
query that have that node as $this; such a query runs once over the whole graph and its
solutions are kept for the shape's focus nodes. Any other query runs once per focus node
with $this substituted (SEP-0007, which is SHACL's pre-binding). A test compares the
results with pyshacl's on the fixtures.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef, Variable
from rdflib.namespace import RDF, XSD
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from ..core.errors import KgError
from ..core.namespaces import bind_all
from ..input.rdfio import TurtleSyntaxError, parse_turtle
from .diagnostics import ERROR, INFO, WARNING, Diagnostic, DiagnosticMaker

SH = Namespace("http://www.w3.org/ns/shacl#")
MGSH = Namespace("https://w3id.org/mgkg/shapes#")
_SEVERITY = {SH.Violation: ERROR, SH.Warning: WARNING, SH.Info: INFO}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_TEMPLATE = re.compile(r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}")
# Parameters of the core constraint components: a SPARQL shape must have none of them,
# since it is taken out of the graph pyshacl sees.
_CORE_PARAMETERS = {SH[name] for name in (
    "class datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive "
    "maxInclusive minLength maxLength pattern languageIn uniqueLang equals disjoint "
    "lessThan lessThanOrEquals not and or xone node property qualifiedValueShape closed "
    "hasValue in").split()}


@dataclass(frozen=True)
class ShapeResult:
    """One validation result, whichever engine produced it."""

    focus: Node
    path: URIRef | None
    value: Node | None
    shape: Node  # sh:sourceShape
    constraint: Node | None  # the SPARQL constraint, or the core constraint component
    severity: str
    message: str


@dataclass
class SparqlConstraint:
    node: Node
    query: str
    message: str | None
    severity: URIRef | None
    whole_graph: bool = False  # may run once over the graph instead of once per focus node


@dataclass
class SparqlShape:
    node: Node
    targets: list[tuple[URIRef, Node | str]] = field(default_factory=list)
    constraints: list[SparqlConstraint] = field(default_factory=list)


@dataclass
class Shapes:
    """The shapes graph, split into what pyshacl runs and what runs set-at-a-time."""

    graph: Graph
    core: Graph
    sparql: list[SparqlShape]
    files: list[Path]

    @classmethod
    def load(cls, paths: Iterable[Path]) -> Shapes | None:
        paths = list(paths)
        if not paths:
            return None
        graph = Graph()
        bind_all(graph)
        graph.bind("sh", str(SH))
        graph.bind("mgsh", str(MGSH))
        for path in paths:
            try:
                graph += parse_turtle(path)
            except TurtleSyntaxError as exc:
                raise KgError(f"the shapes cannot be read: {exc}") from exc
        sparql_nodes = set(graph.subjects(SH.sparql, None)) | set(graph.subjects(SH.target, None))
        sparql = [_sparql_shape(graph, node) for node in sorted(sparql_nodes, key=str)]
        core = Graph()
        for triple in graph:
            if triple[0] not in sparql_nodes:
                core.add(triple)
        return cls(graph, core, sparql, paths)

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
        text = self.graph.value(shape, SH.message)
        return str(text) if text is not None else None


def _local(term) -> str:
    text = str(term)
    return re.split(r"[#/]", text)[-1] or text


def _prefixes(graph: Graph, node: Node) -> str:
    lines = []
    for ontology in graph.objects(node, SH.prefixes):
        for decl in graph.objects(ontology, SH.declare):
            prefix = graph.value(decl, SH.prefix)
            namespace = graph.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _sparql_shape(graph: Graph, node: Node) -> SparqlShape:
    clash = {p for p in graph.predicates(node) if p in _CORE_PARAMETERS}
    if clash:
        raise KgError(f"shape {node} mixes SHACL-SPARQL with core constraints "
                      f"({', '.join(sorted(map(str, clash)))}); give those their own shape")
    shape = SparqlShape(node)
    for kind in _TARGETS:
        for value in graph.objects(node, kind):
            shape.targets.append((kind, value))
    for target in graph.objects(node, SH.target):
        select = graph.value(target, SH.select)
        if select is None:
            raise KgError(f"shape {node}: only SPARQL-based targets (sh:select) are supported")
        shape.targets.append((SH.target, _prefixes(graph, target) + str(select)))
    for constraint in graph.objects(node, SH.sparql):
        if graph.value(constraint, SH.deactivated) == Literal(True):
            continue
        select = graph.value(constraint, SH.select)
        if select is None:
            raise KgError(f"shape {node}: SPARQL constraint without sh:select")
        message = graph.value(constraint, SH.message) or graph.value(node, SH.message)
        query = _prefixes(graph, constraint) + str(select)
        shape.constraints.append(SparqlConstraint(
            constraint, query, str(message) if message is not None else None,
            graph.value(constraint, SH.severity) or graph.value(node, SH.severity),
            whole_graph=_binds_this(query)))
    return shape


_PER_FOCUS = {"ToMultiSet", "Group", "AggregateJoin", "Graph", "ServiceGraphPattern", "values"}


def _binds_this(query: str) -> bool:
    """Whether every solution of the query binds $this through a mandatory triple pattern,
    with no subquery or grouping that would see $this differently when it is free."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 - Oxigraph will report the syntax error itself
        return False
    if _mentions(algebra, _PER_FOCUS):
        return False
    return _bound_in(algebra, Variable("this"))


def _mentions(node, names: set) -> bool:
    if isinstance(node, CompValue):
        return node.name in names or any(_mentions(v, names) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_mentions(v, names) for v in node)
    return False


def _bound_in(node, var: Variable) -> bool:
    if not isinstance(node, CompValue):
        return False
    name = node.name
    if name == "BGP":
        return any(var in triple for triple in node["triples"])
    if name == "Join":
        return _bound_in(node["p1"], var) or _bound_in(node["p2"], var)
    if name in ("LeftJoin", "Minus"):
        return _bound_in(node["p1"], var)
    if name == "Union":
        return _bound_in(node["p1"], var) and _bound_in(node["p2"], var)
    if name in ("SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy",
                "Filter", "Extend"):
        return _bound_in(node["p"], var)
    return False


# -- core SHACL, by pyshacl ----------------------------------------------------------

def run_core(shapes: Shapes, data: Graph) -> list[ShapeResult]:
    """pyshacl over the core shapes. No inference (the data graph holds the ontology, so
    sh:class follows rdfs:subClassOf without it) and no copy of the data graph."""
    from pyshacl import validate

    _, results, _ = validate(
        data, shacl_graph=shapes.core, ont_graph=None, inference="none",
        advanced=False, inplace=True, allow_warnings=True, allow_infos=True,
    )
    out = []
    nested = set(results.objects(None, SH.detail))  # the why of another result, not a result
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if result in nested:
            continue
        shape = results.value(result, SH.sourceShape)
        out.append(ShapeResult(
            focus=results.value(result, SH.focusNode),
            path=_uri(results.value(result, SH.resultPath)),
            value=results.value(result, SH.value),
            shape=shape,
            constraint=results.value(result, SH.sourceConstraintComponent),
            severity=_SEVERITY.get(results.value(result, SH.resultSeverity), ERROR),
            message=shapes.message(shape) or "",
        ))
    return out


def _uri(term) -> URIRef | None:
    return term if isinstance(term, URIRef) else None


# -- SHACL-SPARQL, set-at-a-time in Oxigraph ----------------------------------------

class OxigraphView:
    """The data graph copied into an in-memory Oxigraph store, with term conversion both
    ways (blank nodes keep their identity through a table)."""

    def __init__(self, data: Graph):
        import pyoxigraph as ox

        self.ox = ox
        self._to: dict = {}
        self._back: dict = {}
        self.store = ox.Store()
        self.store.bulk_extend(
            ox.Quad(self.term(s), self.term(p), self.term(o), ox.DefaultGraph())
            for s, p, o in data)

    def term(self, t):
        found = self._to.get(t)
        if found is not None:
            return found
        ox = self.ox
        if isinstance(t, URIRef):
            out = ox.NamedNode(str(t))
        elif isinstance(t, BNode):
            out = ox.BlankNode()
            self._back[out] = t
        elif t.language:
            out = ox.Literal(str(t), language=t.language)
        else:
            out = ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD.string)))
        self._to[t] = out
        return out

    def back(self, t) -> Node | None:
        ox = self.ox
        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return self._back.get(t) or BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        datatype = t.datatype.value
        return Literal(t.value, datatype=None if datatype == str(XSD.string) else datatype)

    def select(self, query: str, substitutions: dict | None = None) -> tuple[list[str], list]:
        try:
            solutions = self.store.query(query, substitutions=substitutions)
        except (SyntaxError, ValueError, OSError) as exc:
            raise KgError(f"a SPARQL query of the shapes failed: {exc}\n{query}") from exc
        names = [v.value for v in solutions.variables]
        return names, list(solutions)


def run_sparql(shapes: Shapes, data: Graph, view: OxigraphView | None = None) -> list[ShapeResult]:
    view = view or OxigraphView(data)
    out: list[ShapeResult] = []
    for shape in shapes.sparql:
        targets = _focus_nodes(view, shape)
        if not targets:
            continue
        for constraint in shape.constraints:
            for focus, bindings in _solutions(view, constraint, targets):
                path = view.back(bindings.get("path"))
                out.append(ShapeResult(
                    focus=view.back(focus),
                    path=_uri(path) or _uri(shapes.graph.value(shape.node, SH.path)),
                    # SHACL: without a ?value binding, a node shape's value is the focus node
                    value=view.back(bindings.get("value", focus)),
                    shape=shape.node,
                    constraint=constraint.node,
                    severity=_SEVERITY.get(constraint.severity, ERROR),
                    message=_fill(constraint.message or "", bindings, view, data),
                ))
    return out


def _solutions(view: OxigraphView, constraint: SparqlConstraint, targets: set):
    """(focus node, bindings) for each solution of the constraint's query."""
    if constraint.whole_graph:
        names, rows = view.select(constraint.query)
        for row in rows:
            if row["this"] in targets:
                yield row["this"], {n: row[n] for n in names if row[n] is not None}
        return
    this = view.ox.Variable("this")
    for focus in sorted(targets, key=str):
        names, rows = view.select(constraint.query, {this: focus})
        for row in rows:
            yield focus, {n: row[n] for n in names if row[n] is not None}


def _focus_nodes(view: OxigraphView, shape: SparqlShape) -> set:
    found: set = set()
    for kind, value in shape.targets:
        if kind == SH.targetNode:
            found.add(view.term(value))
            continue
        query = {
            SH.targetClass: f"SELECT DISTINCT ?this WHERE {{ ?this "
                            f"<{RDF.type}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
                            f"<{value}> }}",
            SH.targetSubjectsOf: f"SELECT DISTINCT ?this WHERE {{ ?this <{value}> ?o }}",
            SH.targetObjectsOf: f"SELECT DISTINCT ?this WHERE {{ ?s <{value}> ?this }}",
        }.get(kind, value)
        _, rows = view.select(str(query))
        found.update(row["this"] for row in rows if row["this"] is not None)
    return found


def _fill(template: str, bindings: dict, view: OxigraphView, data: Graph) -> str:
    def value(match: re.Match) -> str:
        term = view.back(bindings.get(match.group(1)))
        if term is None:
            return "?"
        return term.n3(data.namespace_manager) if not isinstance(term, BNode) else "[]"
    return _TEMPLATE.sub(value, template)


# -- from results to diagnostics ------------------------------------------------------

class ResultReporter:
    """Words and places for SHACL results: the shape's sh:message when it has one, else a
    sentence built from the constraint that failed and the values involved."""

    def __init__(self, shapes: Shapes, maker: DiagnosticMaker):
        self.shapes = shapes
        self.make = maker
        self.g = maker.g

    def diagnostic(self, r: ShapeResult) -> Diagnostic:
        code = self.shapes.code(r.shape, r.constraint)
        message = self.explain(r, code)
        focus, path, value = r.focus, r.path, r.value
        if value == focus:  # a result about the node itself, not about one of its values
            value = None
        if path is not None and value is not None and (focus, path, value) in self.g:
            return self.make.at_triple(r.severity, code, message, focus, path, value)
        if code.endswith("-domain"):
            prop = self.shapes.graph.value(r.shape, SH.targetSubjectsOf)
            return self.make.at_property(r.severity, code, message, focus, prop)
        if path is not None:
            d = self.make.at_property(r.severity, code, message, focus, path)
            return _with_value(d, value, self.make)
        return _with_value(self.make.at_subject(r.severity, code, message, focus), value,
                           self.make)

    def explain(self, r: ShapeResult, code: str) -> str:
        n3 = self.make.n3
        if r.message:
            annotated = self.make.annotated(r.focus) or ()
            shown = ("{" in r.message or r.value is None or r.value == r.focus
                     or r.value in annotated or n3(r.value) in r.message)
            return r.message if shown else f"{r.message} (found {n3(r.value)})"
        shape, value, path = r.shape, r.value, r.path
        param = self._param
        component = r.constraint
        p = n3(path) if path is not None else "it"
        if component == SH.MinCountConstraintComponent:
            n = int(param(shape, SH.minCount))
            return f"missing {p}" if n == 1 else f"needs at least {n} {p}"
        if component == SH.MaxCountConstraintComponent:
            n = int(param(shape, SH.maxCount))
            values = sorted(self.g.objects(r.focus, path), key=str) if path else []
            where = [f"{n3(v)} ({self.make.places(r.focus, path, v)})" for v in values]
            return (f"{p} must not be given here" if n == 0 else
                    f"has {len(values)} values of {p}, at most {n} allowed: " + "; ".join(where))
        if component == SH.ClassConstraintComponent:
            cls = n3(param(shape, SH["class"]))
            types = sorted(n3(t) for t in self.g.objects(value if value is not None
                                                         else r.focus, RDF.type))
            kind = f"is a {', '.join(types)}" if types else "has no rdf:type"
            if code.endswith("-domain"):
                prop = n3(self.shapes.graph.value(shape, SH.targetSubjectsOf))
                return (f"{prop} is only for a {cls} (its rdfs:domain); this subject {kind}")
            return f"{n3(value)} should be a {cls} (the range of {p}); it {kind}"
        if component == SH.DatatypeConstraintComponent:
            datatype = param(shape, SH.datatype)
            if datatype == RDF.langString:
                return f"{n3(value)} needs a language tag: \"...\"@en"
            return f"{n3(value)} should be an {n3(datatype)}"
        if component == SH.NodeKindConstraintComponent:
            return f"{n3(value)} should be an IRI: {p} links to a thing, not a text"
        if component == SH.LanguageInConstraintComponent:
            return f"{n3(value)} should be in English (@en)"
        if component == SH.UniqueLangConstraintComponent:
            values = sorted(self.g.objects(r.focus, path), key=str) if path else []
            return (f"has several {p} in one language: "
                    + "; ".join(f"{n3(v)} ({self.make.places(r.focus, path, v)})"
                                for v in values))
        if component == SH.PatternConstraintComponent:
            return f"{n3(value)} does not match the pattern {param(shape, SH.pattern)}"
        if component == SH.ClosedConstraintComponent:
            types = ", ".join(sorted(n3(t) for t in self.g.objects(r.focus, RDF.type)))
            return f"{p} is not a property of a {types or 'thing of this kind'}"
        if component == SH.InConstraintComponent:
            return f"{n3(value)} is not allowed here"
        if component in (SH.MinInclusiveConstraintComponent, SH.MinExclusiveConstraintComponent):
            bound = param(shape, SH.minInclusive) or param(shape, SH.minExclusive)
            return f"{n3(value)} is below the minimum {bound}"
        if component in (SH.LessThanConstraintComponent,
                         SH.LessThanOrEqualsConstraintComponent):
            other = param(shape, SH.lessThan) or param(shape, SH.lessThanOrEquals)
            return f"{p} {n3(value)} should be less than {n3(other)}"
        if component == SH.NodeConstraintComponent:
            inner = self.shapes.message(param(shape, SH.node))
            return f"{n3(value)}: {inner}" if inner else f"{n3(value)} is not valid here"
        return f"violates {_local(component) if component is not None else code}" + (
            f" (value {n3(value)})" if value is not None else "")

    def _param(self, shape, prop):
        return self.shapes.graph.value(shape, prop)


def _with_value(d: Diagnostic, value, make: DiagnosticMaker) -> Diagnostic:
    if value is None or d.value is not None:
        return d
    from dataclasses import replace

    return replace(d, value=make.n3(value))


def shacl_diagnostics(shapes: Shapes | None, data: Graph, maker: DiagnosticMaker,
                      skip_properties: set | None = None,
                      timings: dict | None = None) -> list[Diagnostic]:
    """Validate data against the shapes. Results about properties the ontology does not
    declare, and about values that are not even valid literals, are left out: those were
    reported (with their line) before SHACL ran."""
    if shapes is None:
        return []
    timings = {} if timings is None else timings
    start = time.perf_counter()
    results = run_core(shapes, data)
    timings["shacl_core"] = time.perf_counter() - start
    start = time.perf_counter()
    results += run_sparql(shapes, data)
    timings["shacl_sparql"] = time.perf_counter() - start
    skip = skip_properties or set()
    reporter = ResultReporter(shapes, maker)
    out = []
    for r in results:
        if r.path in skip or (isinstance(r.value, Literal) and r.value.ill_typed):
            continue
        out.append(reporter.diagnostic(r))
    return out
