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

from .shapelint import declarations

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
_EXPRESSIONS = ("Builtin_", "Conditional", "Relational", "Unary", "Additive",
                "Multiplicative", "Function")
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
    blank node, or a shapes graph with a class in it (a shape that is a class targets
    its instances implicitly) or constraint components of its own, gives {}: nothing is
    known, all re-run."""
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    if any(True for c in (SH.ConstraintComponent, RDFS.Class, OWL.Class)
           for _ in graph.subjects(RDF.type, c)):
        return {}  # own components, or a class in the shapes graph: an implicit target
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
        self.value_preds: set[str] = set()
        self.closed: dict | None = None
        self.mentions: dict | None = None

    def result(self) -> dict:
        try:
            self.shape(self.top, set())
        except Everything as why:
            return {"all": True, "why": str(why)}
        if self.classes:
            self.preds.add(str(RDFS.subClassOf))
        return {"all": False, "preds": sorted(self.preds), "prefixes": sorted(self.prefixes),
                "classes": sorted(self.classes), "types": sorted(self.types),
                "closed": self.closed, "mentions": self.mentions,
                "value_preds": sorted(self.value_preds)}

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
                self.query(o, SH.select, target=True)
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
    def query(self, node, prop, target: bool = False) -> None:
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
        mentions = _mentions(algebra) if target else None
        if mentions is not None:
            self.mentions = mentions
            return
        self.walk(algebra, {})

    def declared(self, node) -> dict[str, str]:
        """sh:prefixes/owl:imports*/sh:declare (SHACL 5.2.3), as the engine reads them."""
        return dict(declarations(self.g, node))

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
            triples = _get(node, "triples") or []
            inner = {**_bound(triples), **held}
            for triple in triples:
                self.triple(triple, inner)
            return
        if name == "Filter":
            # EXISTS inside: its own FILTERs, and what the pattern it filters binds
            inner = _get(node, "p")
            self.walk(_get(node, "expr"), _bound(_get(inner, "triples") or [])
                      if isinstance(inner, CompValue) and inner.name == "BGP" else {})
            self.walk(inner, {**held, **_holds(_get(node, "expr"))})
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
        if name.startswith(_EXPRESSIONS):  # an EXISTS in it sees what held holds
            for value in dict.values(node):
                self.walk(value, held)
            return
        passing = name in ("Join", "LeftJoin", "Union", "Extend", "Project", "Distinct",
                           "Reduced", "SelectQuery", "AskQuery", "OptionalGraphPattern",
                           "GroupOrUnionGraphPattern", "Query")
        for key, value in dict.items(node):
            # an expression's EXISTS (BIND, OPTIONAL's FILTER): its own FILTERs only
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
            iris, prefixes, values = (*allowed, ()) if len(allowed) == 2 else allowed
            self.preds |= iris
            self.prefixes |= prefixes
            self.value_preds |= set(values)
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


def _bound(triples) -> dict:
    """Variables that a basic graph pattern binds as the object of a constant
    predicate P: in every solution, a value of P in the graph. As the predicate of a
    triple pattern of that BGP (or of an EXISTS filtering its solutions), such a variable
    reads only predicates that are values of P; P itself is in the footprint, so those
    values are the same before and after a change that the shape does not re-run for."""
    out: dict = {}
    for triple in triples:
        if len(triple) == 3 and isinstance(triple[1], URIRef) and isinstance(triple[2], Variable):
            out[triple[2]] = (set(), set(), (str(triple[1]),))
    return out


def _mentions(algebra) -> dict | None:
    """A SPARQL target selecting the nodes the graph mentions as subject or object
    (`{ ?this ?p ?o } UNION { ?s ?p ?this }`), filtered by the node alone: it depends
    only on which nodes are mentioned. {"iri": isIRI required, "prefixes": STRSTARTS}"""
    node = _get(algebra, "p") if isinstance(algebra, CompValue) else None
    while isinstance(node, CompValue) and node.name in ("Distinct", "Reduced", "Project"):
        if node.name == "Project" and list(_get(node, "PV") or []) != [Variable("this")]:
            return None
        node = _get(node, "p")
    if not (isinstance(node, CompValue) and node.name == "Filter"):
        return None
    union, expr, this = _get(node, "p"), _get(node, "expr"), Variable("this")
    if not (isinstance(union, CompValue) and union.name == "Union"):
        return None
    shapes = []
    for side in (_get(union, "p1"), _get(union, "p2")):
        if not (isinstance(side, CompValue) and side.name == "BGP"):
            return None
        triples = _get(side, "triples") or []
        if len(triples) != 1 or not all(isinstance(t, Variable) for t in triples[0]):
            return None
        s, p, o = triples[0]
        if p == this or len({s, p, o}) != 3:
            return None
        shapes.append("s" if s == this else "o" if o == this else "")
    if sorted(shapes) != ["o", "s"] or _reads_more(expr, this):
        return None
    conjuncts = ([_get(expr, "expr"), *(_get(expr, "other") or [])]
                 if isinstance(expr, CompValue) and expr.name == "ConditionalAndExpression"
                 else [expr])
    iri = any(isinstance(c, CompValue) and c.name == "Builtin_isIRI"
              and _get(c, "arg") == this for c in conjuncts)
    prefixes = sorted(prefix for c in conjuncts for var, (_, prefix_set) in _holds(c).items()
                      if var == this for prefix in prefix_set)
    return {"iri": iri, "prefixes": prefixes[:1]}


def _reads_more(expr, this) -> bool:
    """Whether a FILTER expression reads the graph (EXISTS) or any variable but this."""
    if isinstance(expr, Variable):
        return expr != this
    if isinstance(expr, CompValue):
        if "EXISTS" in expr.name:
            return True
        return any(_reads_more(v, this) for k, v in dict.items(expr) if k != "_vars")
    if isinstance(expr, (list, tuple)):
        return any(_reads_more(v, this) for v in expr)
    return False


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
