"""From SHACL results to diagnostics a curator can act on: the shape's sh:message when it
has one, else a sentence built from the constraint that failed and the values involved;
located at the file and line of the offending triple."""

from __future__ import annotations

import time
from dataclasses import replace

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF

from .diagnostics import Diagnostic, DiagnosticMaker
from .shacl import SH, Outcome, ShapeResult, Shapes, _local, path_text, run


class ResultReporter:
    """Words and places for SHACL results: the shape's sh:message when it has one, else a
    sentence built from the constraint that failed and the values involved."""

    def __init__(self, shapes: Shapes, maker: DiagnosticMaker, report: Graph | None = None):
        self.shapes = shapes
        self.make = maker
        self.g = maker.g
        self.report = report if report is not None else shapes.graph

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
        if isinstance(path, BNode):  # a complex SHACL path: at the focus node
            return _with_value(self.make.at_subject(r.severity, code, message, focus), value,
                               self.make)
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
        p = (path_text(self.report, path) if isinstance(path, BNode) else n3(path)
             if path is not None else "it")
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
    outcome = run(shapes, data)
    timings["shacl"] = time.perf_counter() - start
    return diagnostics(shapes, outcome, maker, skip_properties, skip_ill_typed=True)


def diagnostics(shapes: Shapes, outcome: Outcome, maker: DiagnosticMaker,
                skip_properties: set | None = None,
                skip_ill_typed: bool = False) -> list[Diagnostic]:
    """One diagnostic per result; in the project's validation, results about undeclared
    properties and ill-typed literals are left to the checks that already reported them."""
    skip = skip_properties or set()
    reporter = ResultReporter(shapes, maker, outcome.report)
    return [reporter.diagnostic(r) for r in outcome.results
            if r.path not in skip
            and not (skip_ill_typed and isinstance(r.value, Literal) and r.value.ill_typed)]




def report_turtle(result) -> str:
    """The engine's sh:ValidationReport as Turtle: sh:conforms and, per sh:result, focus
    node, path (a complex one as SHACL path nodes), value, severity as declared, source
    shape, component and constraint, and message. Prefixes from the shapes and data."""
    report = Graph()
    report += result.outcome.report
    for graph in (result.shapes.graph, result.data):
        for prefix, namespace in graph.namespaces():
            report.bind(prefix, namespace, override=False)
    report.bind("sh", str(SH))
    return report.serialize(format="turtle")
