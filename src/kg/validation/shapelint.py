"""What the shapes may ask for: every construct the engine would not run as the SHACL
specification says is refused before validation starts, with the shape, the construct and
the shapes file:line.

A shape that silently never fires is the worst failure a validator can have, so this
module looks for the cases the spec itself calls errors (SHACL 5.3.1 and 6.3: a query
that must project $this and does not, MINUS, VALUES, SERVICE, `AS ?prebound`, a
sub-SELECT that drops $this, an ill-formed prefix declaration) and for two that the
engine would otherwise handle in its own, non-standard way: a prefix the query uses but
the shapes graph does not declare through sh:prefixes (pyshacl-turbo would quietly take
it from the Turtle file's @prefix lines, which no other processor does), and SHACL rules
(sh:rule), which validation does not run. Anything else the engine cannot run it
refuses itself (kg.validation.engine turns that into the same kind of message).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyparsing import ParseResults
from rdflib import BNode, Graph, URIRef, Variable
from rdflib.namespace import OWL, SH
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from ..core.errors import KgError
from ..input.rdfio import Locator

THIS = Variable("this")
# Variables the processor binds before the query runs (SHACL 5.2.1); a component's
# parameters are added per validator.
PREBOUND = {THIS, Variable("shapesGraph"), Variable("currentShape")}
_FORBIDDEN = {
    "MinusGraphPattern": ("MINUS", r"\bMINUS\b"),
    "InlineData": ("VALUES", r"\bVALUES\b"),
    "ValuesClause": ("VALUES", r"\bVALUES\b"),
    "ServiceGraphPattern": ("SERVICE", r"\bSERVICE\b"),
}
_VALIDATORS = (SH.validator, SH.nodeValidator, SH.propertyValidator)


@dataclass(frozen=True)
class Problem:
    """One reason to refuse the shapes: which shape, what construct, where."""

    file: str | None
    line: int | None
    shape: str
    construct: str
    why: str

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file or "<shapes>"
        return f"{where}: shape {self.shape}: {self.construct}: {self.why}"


class ShapesRefused(KgError):
    """The shapes ask for something that would not be run as SHACL says: exit 2."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("the shapes are refused (nothing was validated):\n"
                         + "\n".join("  " + p.format() for p in problems))


def lint(graph: Graph, locator: Locator, relative) -> list[Problem]:
    """Every problem of the shapes graph, in file order."""
    linter = _Linter(graph, locator, relative)
    linter.run()
    return sorted(set(linter.problems), key=lambda p: (p.file or "", p.line or 0, p.construct))


class _Linter:
    def __init__(self, graph: Graph, locator: Locator, relative):
        self.g = graph
        self.locator = locator
        self.relative = relative
        self.problems: list[Problem] = []

    # -- naming and placing ---------------------------------------------------------
    def name(self, node: Node | None) -> str:
        if node is None:
            return "?"
        if isinstance(node, BNode):
            file, line = self.where_subject(node)
            return f"[] (a blank node at {file}:{line})" if file else "[]"
        return node.n3(self.g.namespace_manager)

    def where_subject(self, node) -> tuple[str | None, int | None]:
        path, line = self.locator.subject(node)
        return self.relative(path), line

    def where(self, s, p, o) -> tuple[str | None, int | None]:
        path, line = self.locator.triple(s, p, o)
        if path is None:
            path, line = self.locator.subject(s)
        return self.relative(path), line

    def refuse(self, where, owner, construct: str, why: str) -> None:
        self.problems.append(Problem(where[0], where[1], self.name(owner), construct, why))

    def owner(self, node) -> Node:
        """The shape (or constraint component) a SPARQL node belongs to, for messages."""
        for prop in (SH.sparql, SH.target, *_VALIDATORS):
            for shape in self.g.subjects(prop, node):
                return shape
        return node

    # -- the checks -----------------------------------------------------------------
    def run(self) -> None:
        for s, _, o in self.g.triples((None, SH.rule, None)):
            self.refuse(self.where(s, SH.rule, o), s, "sh:rule",
                        "SHACL rules are not run by validation, so this rule would never "
                        "take effect; remove it or run the rules yourself beforehand")
        for constraint in set(self.g.objects(None, SH.sparql)):
            selects = list(self.g.objects(constraint, SH.select))
            if len(selects) != 1:
                self.refuse(self.where_subject(constraint), self.owner(constraint), "sh:sparql",
                            f"a SPARQL-based constraint needs exactly one sh:select, "
                            f"this one has {len(selects)}")
                continue
            self.query(constraint, SH.select, PREBOUND, must_project=True)
        for target in set(self.g.objects(None, SH.target)):
            if (target, SH.select, None) in self.g:
                self.query(target, SH.select, set(), must_project=True)
        for prop in _VALIDATORS:
            for component, validator in set(self.g.subject_objects(prop)):
                params = {Variable(_local(self.g.value(p, SH.path)))
                          for p in self.g.objects(component, SH.parameter)
                          if isinstance(self.g.value(p, SH.path), URIRef)}
                if (validator, SH.select, None) in self.g:
                    self.query(validator, SH.select, PREBOUND | params, must_project=True)
                elif (validator, SH.ask, None) in self.g:
                    self.query(validator, SH.ask, PREBOUND | params | {Variable("value")},
                               must_project=False)

    def prefixes(self, node) -> tuple[dict[str, str], list[str]]:
        """sh:prefixes/owl:imports*/sh:declare of a SPARQL node (SHACL 5.2.3)."""
        found: dict[str, str] = {}
        clashes = []
        for prefix, namespace in declarations(self.g, node):
            if found.get(prefix, namespace) != namespace:
                clashes.append(prefix)
            found[prefix] = namespace
        return found, clashes

    def query(self, node, prop, prebound: set, must_project: bool) -> None:
        """One query: its prefixes, its syntax, and the limits of pre-binding (6.3)."""
        from rdflib.plugins.sparql.parser import parseQuery

        owner = self.owner(node)
        text_node = self.g.value(node, prop)
        where = self.where(node, prop, text_node)
        construct = f"sh:{_local(prop)}"
        text = str(text_node)
        declared, clashes = self.prefixes(node)
        for prefix in clashes:
            self.refuse(where, owner, "sh:declare",
                        f"the prefix {prefix}: is declared with two namespaces")
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declared.items()))
        try:
            tree = parseQuery(head + text)
        except Exception as exc:  # noqa: BLE001 - pyparsing and rdflib raise assorted errors
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            self.refuse(where, owner, construct, f"not a valid SPARQL query: {message}")
            return
        query = tree[1]
        for prefix in sorted({_get(n, "prefix") or "" for n in _all(tree, "pname")}
                             - set(declared)):
            self.refuse(self.at(where, text, rf"(?<![\w.-]){re.escape(prefix)}:"), owner,
                        construct, f"the prefix {prefix}: is not declared for this query "
                        f"(SHACL takes prefixes only from sh:prefixes/owl:imports*/"
                        f"sh:declare, not from the file's @prefix lines)")
        kind = "SelectQuery" if prop == SH.select else "AskQuery"
        if query.name != kind:
            self.refuse(where, owner, construct, f"must be a {kind[:-5].upper()} query")
            return
        variables = set(_variables(query))
        if must_project and THIS not in variables:
            self.refuse(where, owner, construct, "the query does not use $this, so it cannot "
                        "say which focus node a result is about")
            return
        for name, (keyword, pattern) in _FORBIDDEN.items():
            if prebound and _find(query, name):
                self.refuse(self.at(where, text, pattern), owner, keyword,
                            f"SHACL does not allow {keyword} in a SPARQL query with pre-bound "
                            f"variables ($this would not be bound inside it)")
        for var in sorted(_assigned(query) & prebound, key=str):
            self.refuse(self.at(where, text, rf"AS\s*[?$]{var}\b"), owner, f"AS ?{var}",
                        f"${var} is pre-bound and must not be assigned by the query")
        if must_project and THIS not in _projected(query):
            self.refuse(where, owner, "SELECT",
                        "the query does not project $this in its SELECT clause")
        for sub in _all(query, "SubSelect"):
            if THIS in prebound and THIS not in _projected(sub):
                self.refuse(self.at(where, text, r"\{\s*SELECT\b"), owner, "sub-SELECT",
                            "a sub-SELECT must return every pre-bound variable: add $this "
                            "to its SELECT clause")

    @staticmethod
    def at(where, text: str, pattern: str):
        """The line of the first match of pattern inside the query literal."""
        file, line = where
        match = re.search(pattern, text, re.I)
        if match is None or line is None:
            return where
        return file, line + text[: match.start()].count("\n")


def _local(term) -> str:
    return re.split(r"[#/]", str(term))[-1] if term is not None else ""


def _get(node: CompValue, key: str):
    """A part of a parse tree node, or None (CompValue.get returns the key itself)."""
    return dict.get(node, key)


def _children(node):
    if isinstance(node, CompValue):
        yield from node.values()
    elif isinstance(node, list | tuple | ParseResults):
        yield from node


def _all(node, name: str):
    if isinstance(node, CompValue) and node.name == name:
        yield node
    for child in _children(node):
        yield from _all(child, name)


def _find(node, name: str) -> bool:
    return next(_all(node, name), None) is not None


def _variables(node):
    if isinstance(node, Variable):
        yield node
    for child in _children(node):
        yield from _variables(child)


def _assigned(node) -> set:
    """Variables a query assigns with `AS ?var` (BIND or a SELECT expression)."""
    out = set()
    for bind in _all(node, "Bind"):
        out.add(_get(bind, "var"))
    for query in (*_all(node, "SelectQuery"), *_all(node, "SubSelect")):
        for item in _get(query, "projection") or []:
            if _get(item, "evar") is not None:
                out.add(item["evar"])
    return out


def _projected(select) -> set:
    """The variables a SELECT returns: its projection, or for SELECT * the variables in
    scope in its WHERE clause (not those only inside FILTER, EXISTS or MINUS)."""
    projection = _get(select, "projection")
    if projection:
        return {_get(item, "var") or _get(item, "evar") for item in projection}
    return set(_in_scope(_get(select, "where")))


def _in_scope(node):
    if isinstance(node, CompValue):
        if node.name in ("Filter", "MinusGraphPattern") or node.name.startswith("Builtin_"):
            return
        if node.name == "SubSelect":
            yield from _projected(node)
            return
    if isinstance(node, Variable):
        yield node
    for child in _children(node):
        yield from _in_scope(child)


def declarations(g: Graph, node) -> Iterator[tuple[str, str]]:
    """Each (prefix, namespace) that sh:prefixes/owl:imports*/sh:declare gives a SPARQL
    node (SHACL 5.2.3), in the order met: the lint checks them for clashes, the
    footprints (kg.validation.footprint) read the queries with them."""
    seen, todo = set(), list(g.objects(node, SH.prefixes))
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(g.objects(current, OWL.imports))
        for decl in g.objects(current, SH.declare):
            prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                yield str(prefix), str(namespace)

