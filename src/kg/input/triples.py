"""Triples without an rdflib store: files parsed by pyoxigraph, held in plain indexes.

rdflib's parser and its Memory store were most of a build's time (issue 17: parsing with
positions, merging into one graph, copying into a Dataset and back). A build that finds
nothing wrong needs no positions, so the files are parsed by pyoxigraph (a hundred times
faster), their terms converted once to rdflib's (so every check and writer compares the
same terms as before, literals normalised as rdflib's parser normalises them), and held
in `TripleIndex`, which answers the read-only part of rdflib's Graph API the checks and
writers use. When anything is found, the build parses again the slow way, with the
positions every diagnostic's file:line needs (kg.validation.validate).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager

from ..core.namespaces import bind_all

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Terms:
    """pyoxigraph terms to rdflib terms, each distinct term converted once.

    Blank nodes keep pyoxigraph's labels, so one Terms shared by every file of a build
    keeps the files' blank nodes apart (the parser makes each label unique)."""

    def __init__(self) -> None:
        self._memo: dict = {}

    def __call__(self, term):
        found = self._memo.get(term)
        if found is None:
            found = self._memo[term] = _convert(term)
        return found

    def triples(self, statements: Iterable) -> TripleList:
        conv = self
        return TripleList((conv(t.subject), conv(t.predicate), conv(t.object))
                          for t in statements)


class _Literal(Literal):
    """An rdflib Literal that keeps its hash: Literal.__hash__ is Python code, and the
    indexes hash each literal several times per build. Equal to, and hashed as, the
    plain Literal of the same value."""

    __slots__ = ("_hash",)

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            self._hash = Literal.__hash__(self)
            return self._hash

    __eq__ = Literal.__eq__


def _convert(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return _Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _LANG_STRING):
            return _Literal(term.value)
        return _Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an RDF term: {term!r}")


def parse_file(path: Path) -> list:
    """The statements of one Turtle file, as pyoxigraph parses it (base: the file's URI).
    Blank node labels are a file's own, as in rdflib: `_:x` in two files is two nodes,
    so the labels written are replaced by fresh ones. Raises on bad syntax
    (SyntaxError) or bad text (UnicodeDecodeError, OSError)."""
    path = Path(path)
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE,
                         base_iri=path.resolve().as_uri(), rename_blank_nodes=True))


_NAMESPACES: NamespaceManager | None = None


def namespace_manager() -> NamespaceManager:
    """The project's prefixes, as every Graph the project makes binds them (bind_all)."""
    global _NAMESPACES
    if _NAMESPACES is None:
        graph = Graph()
        bind_all(graph)
        _NAMESPACES = graph.namespace_manager
    return _NAMESPACES


class TripleList(list):
    """One file's triples, as parsed: iterated by the checks and the assembly, asked
    only for its subjects (kg.validation.published); no index is built for it."""

    def subjects(self, predicate=None, object=None, unique=False) -> Iterator:  # noqa: A002
        return (s for s, p, o in self if (predicate is None or p == predicate)
                and (object is None or o == object))

    def triples(self, pattern) -> Iterator[tuple]:
        s0, p0, o0 = pattern
        return (t for t in self if (s0 is None or t[0] == s0) and (p0 is None or t[1] == p0)
                and (o0 is None or t[2] == o0))

    def __contains__(self, triple) -> bool:
        return any(True for _ in self.triples(triple))


class TripleIndex:
    """A set of triples with the read-only questions of rdflib's Graph: pattern matching,
    subjects/objects/predicates, value, `in`, len and iteration. Built in one pass of
    plain dicts, it costs a fraction of a Graph's store (no contexts, no events)."""

    def __init__(self, triples: Iterable[tuple] = ()) -> None:
        self._spo: dict = {}
        self._pos: dict = {}
        self._by_object: dict | None = None  # built on the first question by object alone
        self._n = 0
        self.add_all(triples)

    @property
    def _osp(self) -> dict:
        """object -> subject -> predicates; few questions need it, so it is made when one
        is first asked (a third less memory and time for the indexes that never do)."""
        if self._by_object is None:
            osp: dict = {}
            for p, by_o in self._pos.items():
                for o, subjects in by_o.items():
                    by_s = osp.get(o)
                    if by_s is None:
                        by_s = osp[o] = {}
                    for s in subjects:
                        predicates = by_s.get(s)
                        if predicates is None:
                            by_s[s] = {p}
                        else:
                            predicates.add(p)
            self._by_object = osp
        return self._by_object

    def add_all(self, triples: Iterable[tuple]) -> None:
        if self._by_object is not None:
            self._by_object = None  # rebuilt from the other two when next asked
        spo, pos = self._spo, self._pos
        n = self._n
        for s, p, o in triples:
            by_p = spo.get(s)
            if by_p is None:
                by_p = spo[s] = {}
            objects = by_p.get(p)
            if objects is None:
                objects = by_p[p] = set()
            elif o in objects:
                continue
            objects.add(o)
            by_o = pos.get(p)
            if by_o is None:
                by_o = pos[p] = {}
            subjects = by_o.get(o)
            if subjects is None:
                by_o[o] = {s}
            else:
                subjects.add(s)
            n += 1
        self._n = n

    def add(self, triple: tuple) -> None:
        self.add_all((triple,))

    # -- the Graph API the checks and writers use -------------------------------------
    @property
    def namespace_manager(self) -> NamespaceManager:
        return namespace_manager()

    def qname(self, iri) -> str:
        return self.namespace_manager.qname(iri)

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[tuple]:
        for s, by_p in self._spo.items():
            for p, objects in by_p.items():
                for o in objects:
                    yield s, p, o

    def __contains__(self, triple) -> bool:
        return any(True for _ in self.triples(triple))

    def triples(self, pattern) -> Iterator[tuple]:
        s, p, o = pattern
        if s is not None:
            by_p = self._spo.get(s)
            if not by_p:
                return
            if p is not None:
                objects = by_p.get(p, ())
                if o is not None:
                    if o in objects:
                        yield s, p, o
                    return
                for x in objects:
                    yield s, p, x
                return
            for q, objects in by_p.items():
                if o is None:
                    for x in objects:
                        yield s, q, x
                elif o in objects:
                    yield s, q, o
            return
        if p is not None:
            by_o = self._pos.get(p)
            if not by_o:
                return
            if o is not None:
                for x in by_o.get(o, ()):
                    yield x, p, o
                return
            for y, subjects in by_o.items():
                for x in subjects:
                    yield x, p, y
            return
        if o is not None:
            for x, predicates in self._osp.get(o, {}).items():
                for q in predicates:
                    yield x, q, o
            return
        yield from self

    # As in rdflib, subjects/objects/predicates yield one term per matching triple
    # (repeats included) unless unique=True; counts made from them stay the same.
    def subjects(self, predicate=None, object=None, unique=False) -> Iterator:  # noqa: A002
        if predicate is None and object is None and unique:
            yield from self._spo
            return
        if predicate is not None and object is not None:
            yield from self._pos.get(predicate, {}).get(object, ())
            return
        yield from _pick(self.triples((None, predicate, object)), 0, unique)

    def objects(self, subject=None, predicate=None, unique=False) -> Iterator:
        if subject is None and predicate is None and unique:
            seen: set = set()
            for by_o in self._pos.values():
                for o in by_o:
                    if o not in seen:
                        seen.add(o)
                        yield o
            return
        if subject is not None and predicate is not None:
            yield from self._spo.get(subject, {}).get(predicate, ())
            return
        yield from _pick(self.triples((subject, predicate, None)), 2, unique)

    def predicates(self, subject=None, object=None, unique=False) -> Iterator:  # noqa: A002
        if subject is None and object is None and unique:
            yield from self._pos
            return
        yield from _pick(self.triples((subject, None, object)), 1, unique)

    def subject_objects(self, predicate=None, unique=False) -> Iterator[tuple]:
        for s, _, o in self.triples((None, predicate, None)):
            yield s, o

    def predicate_objects(self, subject=None, unique=False) -> Iterator[tuple]:
        for _, p, o in self.triples((subject, None, None)):
            yield p, o

    def subject_predicates(self, object=None, unique=False) -> Iterator[tuple]:  # noqa: A002
        for s, p, _ in self.triples((None, None, object)):
            yield s, p

    def value(self, subject=None, predicate=None, object=None, default=None,  # noqa: A002
              any=True):  # noqa: A002 - rdflib's names
        """One value, as rdflib's Graph.value with any=True; the smallest, so that the
        answer does not depend on the order triples were added in."""
        if subject is not None and predicate is not None:
            found = self._spo.get(subject, {}).get(predicate)
        elif predicate is not None and object is not None:
            found = self._pos.get(predicate, {}).get(object)
        elif subject is not None and object is not None:
            found = self._osp.get(object, {}).get(subject)
        else:
            return default
        return min(found) if found else default

    def all_nodes(self) -> set:
        return set(self._spo) | set(self._osp)

    def namespaces(self):
        return self.namespace_manager.namespaces()


def _pick(triples: Iterator[tuple], position: int, unique: bool) -> Iterator:
    if not unique:
        for triple in triples:
            yield triple[position]
        return
    seen = set()
    for triple in triples:
        term = triple[position]
        if term not in seen:
            seen.add(term)
            yield term


__all__ = ["Terms", "TripleIndex", "TripleList", "parse_file", "namespace_manager"]
