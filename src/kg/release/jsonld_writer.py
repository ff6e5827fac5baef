"""dist/mgkg.jsonld: the whole graph as compacted JSON-LD, written directly from triples.

rdflib's JSON-LD serialiser took a quarter of a build (issue 17), and pyoxigraph writes
JSON-LD only expanded. The compacted form people read is simple to write: the project's
prefixes as the inline @context (the same table as dist/context.jsonld), one node per
subject sorted as the other dumps are (IRIs, then blank nodes by canonical label), keys
sorted with `@id` and `@type` first, one value as itself and several as a list, a plain
string as a JSON string, other literals with `@language` or `@type`, and an RDF list
that nothing else points into as `@list`. Nothing is left to a processor's choice, so
the bytes are the same on every build; tests/release/test_dumps.py checks that pyld
expands the file to the graph of mgkg.nt.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import orjson
import pyoxigraph as ox

from ..core.namespaces import PREFIXES

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_FIRST, _REST, _NIL, _TYPE = (_RDF + "first", _RDF + "rest", _RDF + "nil", _RDF + "type")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PREFIXES = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


@lru_cache(maxsize=1 << 16)
def _compact(iri: str) -> str:
    for prefix, ns in _PREFIXES:
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


class _Writer:
    def __init__(self, triples: list[ox.Triple]):
        self.by_subject: dict = {}
        used_as_object: Counter = Counter()
        for t in triples:
            self.by_subject.setdefault(t.subject, []).append(t)
            if isinstance(t.object, ox.BlankNode):
                used_as_object[t.object] += 1
        self.lists = {node for node in self.by_subject
                      if isinstance(node, ox.BlankNode) and self._list_node(node, used_as_object)}

    def _list_node(self, node, used: Counter) -> bool:
        """A blank node that is one cell of an RDF list (rdf:first and rdf:rest, nothing
        else) and is pointed to once, so it can be written inside its list."""
        props = [t.predicate.value for t in self.by_subject.get(node, ())]
        return sorted(props) == [_FIRST, _REST] and used[node] == 1

    def _items(self, node) -> list | None:
        """The members of the list starting at node, or None if it is not a whole list."""
        items = []
        seen = set()
        while not (isinstance(node, ox.NamedNode) and node.value == _NIL):
            if node not in self.lists or node in seen:
                return None
            seen.add(node)
            cells = {t.predicate.value: t.object for t in self.by_subject[node]}
            items.append(cells[_FIRST])
            node = cells[_REST]
        return items

    def value(self, term):
        if isinstance(term, ox.NamedNode):
            return {"@id": _compact(term.value)}
        if isinstance(term, ox.BlankNode):
            items = self._items(term) if term in self.lists else None
            if items is not None:
                return {"@list": [self.value(item) for item in items]}
            return {"@id": f"_:{term.value}"}
        if term.language:
            return {"@language": term.language, "@value": term.value}
        if term.datatype.value == _XSD_STRING:
            return term.value
        return {"@type": _compact(term.datatype.value), "@value": term.value}

    def node(self, subject, triples: list[ox.Triple]) -> dict:
        ident = (_compact(subject.value) if isinstance(subject, ox.NamedNode)
                 else f"_:{subject.value}")
        out: dict = {"@id": ident}
        for t in triples:
            if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode):
                key, value = "@type", _compact(t.object.value)
            else:
                key, value = _compact(t.predicate.value), self.value(t.object)
            if key in out:
                if not isinstance(out[key], list):
                    out[key] = [out[key]]
                out[key].append(value)
            else:
                out[key] = value
        return out

    def document(self) -> dict:
        heads = {node for node in self.lists if self._items(node) is not None}
        inside = set()
        for head in heads:  # every cell of a whole list is written inside its list
            node = head
            while node in self.lists:
                inside.add(node)
                node = next(t.object for t in self.by_subject[node] if t.predicate.value == _REST)
        return {
            "@context": {prefix: PREFIXES[prefix] for prefix in sorted(PREFIXES)},
            "@graph": [self.node(s, ts) for s, ts in self.by_subject.items() if s not in inside],
        }


def jsonld_text(triples: list[ox.Triple]) -> str:
    """The compacted JSON-LD of triples sorted as kg.release.dumps sorts them."""
    doc = _Writer(triples).document()
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"


def write_jsonld(path: Path, triples: list[ox.Triple]) -> None:
    Path(path).write_text(jsonld_text(triples), encoding="utf-8")


__all__ = ["jsonld_text", "write_jsonld"]
