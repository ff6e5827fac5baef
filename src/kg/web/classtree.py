"""The ontology's classes as a tree with counts that include subclasses: the browse
index (/id/) and the ontology page show it.

A class's count is the number of distinct things under /id/ typed with it or with any of
its subclasses (rdfs:subClassOf*, as `?x a/rdfs:subClassOf* C` counts them), so a parent
never counts fewer than any child; a thing typed with two sibling classes counts once in
the parent. The tree is the ontology's own classes (mg:); a class with several parents
appears under each. Each thing is listed at its most specific classes only. Where the
things of a class are classes themselves (the punned migrant categories, instances of
mg:MigrantCategory and subclasses of each other), they are listed as their own hierarchy,
each with the number of categories it includes (itself and every subcategory).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .common import SUBCLASS, anchor, base_iri, iri_node, mg_ns
from .view import Entry, View, app_cache


@dataclass
class Member:
    """A thing in the tree; `children` and `count` only for things that are classes."""

    entry: Entry
    children: list[Member] = field(default_factory=list)
    count: int = 1


@dataclass
class ClassNode:
    iri: str
    label: str
    anchor: str
    count: int
    direct: int
    children: list[ClassNode]
    members: list[Member]


def class_links(v: View) -> tuple[dict[str, set[str]], set[str]]:
    """Direct named superclasses of every named class of ours (mg: and /id/), and the
    ontology's own classes, computed once per release."""
    cache = app_cache()
    if "class-links" not in cache:
        parents: dict[str, set[str]] = defaultdict(set)
        own: set[str] = set()
        base = base_iri()
        for t in v.triples(None, SUBCLASS, None):
            s, o = t.subject, t.object
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and s != o \
                    and s.value.startswith(base) and o.value.startswith(base):
                parents[s.value].add(o.value)
        owl_class = iri_node("http://www.w3.org/2002/07/owl#Class")
        for t in v.triples(None, iri_node("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                           owl_class):
            if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(mg_ns()):
                own.add(t.subject.value)
        cache["class-links"] = (dict(parents), own)
    return cache["class-links"]


def ancestors(iri: str, parents: dict[str, set[str]]) -> set[str]:
    """The class and every class above it (rdfs:subClassOf*)."""
    out, todo = set(), [iri]
    while todo:
        c = todo.pop()
        if c not in out:
            out.add(c)
            todo += parents.get(c, ())
    return out


def class_tree(v: View, pool: list[Entry], prune: bool = True,
               with_members: bool = True) -> list[ClassNode]:
    """The tree of the ontology's classes over the things in `pool`; `prune` drops
    classes that count nothing (the browse index), the ontology page keeps them."""
    parents, own = class_links(v)
    up: dict[str, frozenset[str]] = app_cache().setdefault("class-up", {})
    members_of: dict[str, set[str]] = defaultdict(set)  # class -> things, subclasses included
    listed: dict[str, list[Entry]] = defaultdict(list)  # class -> things listed directly
    for e in pool:
        closure: set[str] = set()
        for t in e.types:
            if t not in up:
                up[t] = frozenset(ancestors(t, parents) & own)
            closure |= up[t]
        for c in closure:
            members_of[c].add(e.iri)
        mine = [t for t in e.types if t in own]
        specific = [t for t in mine if not any(t != u and t in up[u] for u in mine)]
        for t in specific:
            listed[t].append(e)
    children: dict[str, list[str]] = defaultdict(list)
    roots = []
    for c in own:
        ps = [p for p in parents.get(c, ()) if p in own]
        for p in ps:
            children[p].append(c)
        if not ps:
            roots.append(c)

    def build(c: str, path: frozenset) -> ClassNode | None:
        count = len(members_of.get(c, ()))
        if prune and not count:
            return None
        kids = [n for k in children.get(c, ()) if k not in path
                for n in [build(k, path | {k})] if n is not None]
        kids.sort(key=lambda n: n.label.casefold())
        entries = sorted(listed.get(c, []), key=lambda e: (e.label.casefold(), e.slug))
        members = _nest(entries, parents) if with_members else []
        return ClassNode(c, v.label(iri_node(c)), anchor(c), count, len(entries), kids, members)

    tree = [n for r in roots for n in [build(r, frozenset({r}))] if n is not None]
    return sorted(tree, key=lambda n: n.label.casefold())


def _nest(entries: list[Entry], parents: dict[str, set[str]]) -> list[Member]:
    """Things of one class; those that are subclasses of each other (categories) nested."""
    by_iri = {e.iri: e for e in entries}
    inner = {e.iri: [p for p in parents.get(e.iri, ()) if p in by_iri] for e in entries}
    kids: dict[str, list[str]] = defaultdict(list)
    for c, ps in inner.items():
        for p in ps:
            kids[p].append(c)

    def build(iri: str, path: frozenset) -> Member:
        sub = [build(k, path | {k}) for k in kids.get(iri, ()) if k not in path]
        sub.sort(key=lambda m: m.entry.label.casefold())
        below: set[str] = {iri}
        todo = list(kids.get(iri, ()))
        while todo:
            k = todo.pop()
            if k not in below:
                below.add(k)
                todo += kids.get(k, ())
        return Member(by_iri[iri], sub, len(below))

    return [build(e.iri, frozenset({e.iri})) for e in entries if not inner[e.iri]]


def untyped(pool: list[Entry], v: View) -> list[tuple[str, list[Entry]]]:
    """Things with none of the ontology's classes, grouped by their first type."""
    _, own = class_links(v)
    groups: dict[str, list[Entry]] = defaultdict(list)
    for e in pool:
        if not any(t in own for t in e.types):
            groups[sorted(e.types)[0] if e.types else ""].append(e)
    return sorted(groups.items(), key=lambda kv: kv[0])
