"""What each shape can read: its footprint, for re-validating only the shapes a change meets.

A targeted shape's verdict depends only on the data triples its constraints and targets
can match. If none of the triples that changed since the last successful validation can
be matched by a shape, that shape's verdict is the one it had then: it conformed, and it
still does (kg.validation.incremental). This module says, per targeted shape, which
triples those are, read from the shapes graph alone, closed over everything the shape
refers to (sh:property, sh:node, sh:and/or/xone/not, sh:qualifiedValueShape,
sh:sparql, SPARQL targets):

* `preds`: predicates it reads (paths, sh:equals/disjoint/lessThan..., targetSubjectsOf
  and targetObjectsOf, the predicates of its SPARQL queries, the IRIs in their paths);
* `prefixes`: predicate IRIs by prefix, where a query's variable predicate is held by a
  FILTER to `STRSTARTS(STR(?p), "...")`;
* `classes`: sh:class and sh:targetClass: rdf:type triples whose class is a subclass
  (rdfs:subClassOf*, in the data graph) of one of them; rdfs:subClassOf joins `preds`;
* `types`: classes a query names in `?x rdf:type <C>` (no subclass reasoning in SPARQL);
* `closed`: a closed shape reads every triple of its focus nodes: the targets that say
  which nodes those are (targetClass, targetNode, targetSubjectsOf, targetObjectsOf);
* `all`: the shape can read anything (a variable predicate no FILTER holds, a closed
  shape nested in another, sh:target that is not a SPARQL SELECT, a negated path,
  GRAPH or SERVICE, a construct this module does not know): it re-runs on any change.

Soundness before precision: whatever is not understood makes the footprint `all`.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.paths import Path as RPath
from rdflib.plugins.sparql.parserutils import CompValue

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
            SH.target)
# Parameters that constrain the value nodes themselves (or name things the shapes graph
# holds): they read no data triple beyond the path that gave the value nodes.
_VALUE_ONLY = {SH[n] for n in (
    "datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive "
    "maxInclusive minLength maxLength pattern flags languageIn uniqueLang in hasValue "
    "qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint ignoredProperties "
    "message severity name description order group deactivated defaultValue").split()}
_IGNORED_NS = (str(RDF), str(RDFS), str(OWL))
_SHAPE_REFS = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
_PRED_PARAMS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals,
                SH.targetSubjectsOf, SH.targetObjectsOf)


class Everything(Exception):
    """The shape can read anything: the reason, for the report."""


def targeted_shapes(graph: Graph) -> list:
    """Every shape with a target, as the engine starts from (sorted)."""
    return sorted({s for t in _TARGETS for s in graph.subjects(t, None)}, key=str)


def footprints(paths: list[Path]) -> dict[str, dict]:
    """Each targeted shape's footprint (JSON-ready), keyed by its IRI. A shape that is a
    blank node, or a shapes graph with implicit class targets (a shape that is a class)
    or constraint components of its own, gives {} : nothing is known, all re-run."""
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    if any(True for _ in graph.subjects(RDF.type, SH.ConstraintComponent)) or any(
            (s, RDF.type, c) in graph for s in graph.subjects(RDF.type, SH.NodeShape)
            for c in (RDFS.Class, OWL.Class)):
        return {}
    out = {}
    for shape in targeted_shapes(graph):
        if isinstance(shape, BNode):
            return {}
        out[str(shape)] = _Walk(graph, shape).result()
    return out


class _Walk:
    def __init__(self, graph: Graph, top):
        self.g, self.top = graph, top
        self.preds: set[str] = set()
        self.prefixes: set[str] = set()
        self.classes: set[str] = set()
        self.types: set[str] = set()
        self.closed: dict | None = None

    def result(self) -> dict:
        try:
            self.shape(self.top, set())
        except Everything as why:
            return {"all": True, "why": str(why)}
        if self.classes:
            self.preds.add(str(RDFS.subClassOf))
        return {"all": False, "preds": sorted(self.preds), "prefixes": sorted(self.prefixes),
                "classes": sorted(self.classes), "types": sorted(self.types),
                "closed": self.closed}

    def shape(self, node, seen: set) -> None:
        if node in seen:
            return
        seen.add(node)
        for p, o in self.g.predicate_objects(node):
            if p in _VALUE_ONLY or p == RDF.type or (
                    str(p).startswith(_IGNORED_NS) and p not in (OWL.imports,)):
                continue
            if p == SH.path:
                self.path(o)
            elif p in (SH["class"], SH.targetClass):
                self.classes.add(str(o))
            elif p in _PRED_PARAMS:
                self.preds.add(str(o))
            elif p == SH.targetNode:
                pass  # a constant: reads nothing
            elif p in _SHAPE_REFS:
                self.shape(o, seen)
            elif p in _SHAPE_LISTS:
                for member in Collection(self.g, o):
                    self.shape(member, seen)
            elif p == SH.sparql:
                self.query(o, SH.select if (o, SH.select, None) in self.g else SH.ask)
            elif p == SH.target:
                if (o, SH.select, None) not in self.g:
                    raise Everything("sh:target that is not a SPARQL SELECT target")
                self.query(o, SH.select)
            elif p == SH.closed:
                if o != Literal(True):
                    continue
                if node != self.top:
                    raise Everything("a closed shape reached from another shape")
                self.closed = self.focus()
            else:
                raise Everything(f"unanalysed construct {p.n3(self.g.namespace_manager)}")

    def focus(self) -> dict:
        """The targets of a closed top shape, which say whose triples it reads."""
        g, top = self.g, self.top
        if (top, SH.target, None) in g:
            raise Everything("a closed shape with a SPARQL target")
        return {"classes": sorted(str(c) for c in g.objects(top, SH.targetClass)),
                "nodes": sorted(str(n) for n in g.objects(top, SH.targetNode)),
                "subjects_of": sorted(str(p) for p in g.objects(top, SH.targetSubjectsOf)),
                "objects_of": sorted(str(p) for p in g.objects(top, SH.targetObjectsOf))}

    def path(self, node) -> None:
        if isinstance(node, URIRef):
            self.preds.add(str(node))
            return
        if (node, RDF.first, None) in self.g:
            for step in Collection(self.g, node):
                self.path(step)
            return
        parts = list(self.g.predicate_objects(node))
        known = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath,
                 SH.zeroOrOnePath)
        if not parts or any(p not in known for p, _ in parts):
            raise Everything("a SHACL path this module does not read")
        for p, o in parts:
            if p == SH.alternativePath:
                for step in Collection(self.g, o):
                    self.path(step)
            else:
                self.path(o)

    # -- SPARQL -------------------------------------------------------------------------
    def query(self, node, prop) -> None:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        text = self.g.value(node, prop)
        if text is None:
            raise Everything("a SPARQL constraint without a query")
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self.declared(node).items()))
        try:
            algebra = translateQuery(parseQuery(head + str(text))).algebra
        except Exception as exc:  # noqa: BLE001 - pyparsing and rdflib raise assorted errors
            raise Everything(f"a query rdflib cannot read ({exc.__class__.__name__})") from None
        self.walk(algebra, {})

    def declared(self, node) -> dict[str, str]:
        """sh:prefixes/owl:imports*/sh:declare (SHACL 5.2.3), as the engine reads them."""
        found, seen, todo = {}, set(), list(self.g.objects(node, SH.prefixes))
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.g.objects(current, OWL.imports))
            for decl in self.g.objects(current, SH.declare):
                prefix, ns = self.g.value(decl, SH.prefix), self.g.value(decl, SH.namespace)
                if prefix is not None and ns is not None:
                    found[str(prefix)] = str(ns)
        return found

    def walk(self, node, held: dict) -> None:
        """Every triple pattern under node; `held` maps a variable to what the FILTERs
        around it allow it to be (a set of IRIs and prefixes)."""
        if isinstance(node, (list, tuple)):
            for child in node:
                self.walk(child, held)
            return
        if not isinstance(node, CompValue):
            return
        name = node.name
        if name in ("Graph", "GraphGraphPattern", "ServiceGraphPattern", "Service"):
            raise Everything(f"SPARQL {name}")
        if name in ("BGP", "TriplesBlock"):
            for triple in _get(node, "triples") or []:
                self.triple(triple, held)
            return
        if name == "Filter":
            self.walk(_get(node, "expr"), {})  # EXISTS inside: its own FILTERs only
            self.walk(_get(node, "p"), {**held, **_holds(_get(node, "expr"))})
            return
        if name == "GroupGraphPatternSub":  # inside EXISTS: the group's FILTERs
            parts = _get(node, "part") or []
            inner = dict(held)
            for part in parts:
                if isinstance(part, CompValue) and part.name == "Filter":
                    inner.update(_holds(_get(part, "expr")))
            for part in parts:
                self.walk(part, {} if (isinstance(part, CompValue)
                                       and part.name == "Filter") else inner)
            return
        passing = name in ("Join", "LeftJoin", "Union", "Extend", "Project", "Distinct",
                           "Reduced", "SelectQuery", "AskQuery", "OptionalGraphPattern",
                           "GroupOrUnionGraphPattern", "Query")
        for key, value in dict.items(node):
            # an expression's EXISTS: its own FILTERs only
            self.walk(value, {} if key == "expr" or not passing else held)

    def triple(self, triple, held: dict) -> None:
        if len(triple) != 3:
            raise Everything("a SPARQL triple pattern this module does not read")
        _, p, o = triple
        if isinstance(p, URIRef):
            if p == RDF.type and isinstance(o, URIRef):
                self.types.add(str(o))
            else:
                self.preds.add(str(p))
        elif isinstance(p, Variable):
            allowed = held.get(p)
            if allowed is None:
                raise Everything(f"a variable predicate ?{p} that no FILTER holds")
            iris, prefixes = allowed
            self.preds |= iris
            self.prefixes |= prefixes
        elif isinstance(p, RPath):
            self.sparql_path(p)
        else:
            raise Everything("a SPARQL predicate this module does not read")

    def sparql_path(self, path) -> None:
        if isinstance(path, URIRef):
            self.preds.add(str(path))
        elif isinstance(path, (SequencePath, AlternativePath)):
            for arg in path.args:
                self.sparql_path(arg)
        elif isinstance(path, (InvPath, MulPath)):
            self.sparql_path(path.arg if isinstance(path, InvPath) else path.path)
        elif isinstance(path, NegatedPath):
            raise Everything("a negated property path")
        else:
            raise Everything("a SPARQL path this module does not read")


def _get(node: CompValue, key: str):
    """A part of a parse tree node, or None (CompValue.get returns the key itself)."""
    return dict.get(node, key)


def _holds(expr) -> dict:
    """What a FILTER expression requires of its variables when it is true: for each
    variable it holds, (IRIs, prefixes) it must be or start with."""
    if not isinstance(expr, CompValue):
        return {}
    name = expr.name
    if name == "ConditionalAndExpression":
        out: dict = {}
        for part in [_get(expr, "expr"), *(_get(expr, "other") or [])]:
            for var, allowed in _holds(part).items():
                out.setdefault(var, allowed)  # any one conjunct is enough
        return out
    if name == "ConditionalOrExpression":
        parts = [_holds(p) for p in [_get(expr, "expr"), *(_get(expr, "other") or [])]]
        common = set.intersection(*(set(p) for p in parts)) if parts else set()
        return {v: (set().union(*(p[v][0] for p in parts)),
                    set().union(*(p[v][1] for p in parts))) for v in common}
    if name == "RelationalExpression" and isinstance(_get(expr, "expr"), Variable):
        other, op = _get(expr, "other"), _get(expr, "op")
        values = other if op == "IN" else [other] if op == "=" else None
        if values is not None and all(isinstance(v, URIRef) for v in values):
            return {_get(expr, "expr"): ({str(v) for v in values}, set())}
        return {}
    if name == "Builtin_STRSTARTS":
        arg, start = _get(expr, "arg1"), _get(expr, "arg2")
        if (isinstance(arg, CompValue) and arg.name == "Builtin_STR"
                and isinstance(_get(arg, "arg"), Variable) and isinstance(start, Literal)):
            return {_get(arg, "arg"): (set(), {str(start)})}
    return {}


__all__ = ["footprints", "targeted_shapes", "Everything"]
