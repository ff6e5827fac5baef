"""The summary graph of a release (dist/summary.ttl, served as the named graph
https://w3id.org/mgkg/graph/summary): counts the build computes once so that questions
about the whole graph need not recompute them on every request.

Why: "how many facts does each source give" and "which things do several sources
describe" aggregate over every evidence node. On the real graph that is a few
milliseconds; on the 1M synthetic graph it took 1.3 s and 3.8 s per request (issue 17),
and the answer can only change when the release does. So the build counts, and the
competency questions 24 and 47 read the counts.

What it holds, in its own small vocabulary (terms under the graph's IRI + "#", listed in
docs/LINKED_DATA.md; records are typed sum:SourceCounts, sum:ClassCounts, sum:Described,
sum:ClaimRank):

- per source document: `sum:facts` (distinct `owl:Axiom`s citing it with
  `dcterms:source`), `sum:figures` (distinct `mg:Figure`s citing it), `sum:quotes`
  (distinct quote texts of the nodes citing it) and `sum:things` (things it describes);
- per class: `sum:entities` (distinct instances typed with it) and
  `sum:entitiesWithSubclasses` (instances of it or of any subclass, as a class browser
  counts);
- per thing described by at least one source document: `sum:sourceCount` and one
  `sum:describedBy` per source. A source *describes* a thing when a node citing the
  source (`dcterms:source`) has the thing as `owl:annotatedSource` or
  `owl:annotatedTarget` (a fact about or pointing at it), or when an `mg:Figure` citing
  the source is `mg:figureOf` it;
- per claim (an IRI typed with a proper subclass of `mg:Claim`, as question 54 finds
  them): `sum:rank`, its place (1, 2, ...) among the claims in IRI order (code point
  order, as SPARQL's ORDER BY compares IRIs). Why: at a million triples the engine spent
  more time sorting question 54's rows by claim IRI (each comparison looks both IRIs up)
  than finding them; sorting by this number first gives the same order for a fraction.

Every count is over the union of the release's named graphs (mgkg.trig) as a set of
triples, as the endpoint's default graph answers, so a direct COUNT over those graphs gives
the same figure
(tests/release/test_summary.py checks them on the real release). Records use blank
nodes (nothing links to them from outside) and the file is written in a fixed order, so
two builds of the same release write the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ..core.namespaces import MG, MGG, PREFIXES

FILE = "summary.ttl"
GRAPH = MGG + "summary"
NS = GRAPH + "#"

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_AXIOM = "http://www.w3.org/2002/07/owl#Axiom"
_ANNOTATED = ("http://www.w3.org/2002/07/owl#annotatedSource",
              "http://www.w3.org/2002/07/owl#annotatedTarget")
_SOURCE = "http://purl.org/dc/terms/source"
_DOCUMENT, _FIGURE = MG + "SourceDocument", MG + "Figure"
_FIGURE_OF, _QUOTE = MG + "figureOf", MG + "quote"
_CLAIM = MG + "Claim"

class _Counts:
    """One pass over the union's triples, keeping only what the counts need."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self.types: dict[object, set[str]] = defaultdict(set)
        self.cites: dict[object, set[str]] = defaultdict(set)  # node -> sources (IRIs)
        self.annotated: dict[object, set[ox.NamedNode]] = defaultdict(set)
        self.figure_of: dict[object, set[ox.NamedNode]] = defaultdict(set)
        self.quotes: dict[object, set[str]] = defaultdict(set)
        self.parents: dict[str, set[str]] = defaultdict(set)
        # Terms compared as pyoxigraph terms (no string per triple): most triples are
        # skipped by one comparison, which keeps the pass fast on a million triples.
        rdf_type, subclass, source = (ox.NamedNode(_RDF_TYPE), ox.NamedNode(_SUBCLASS),
                                      ox.NamedNode(_SOURCE))
        annotated = {ox.NamedNode(a) for a in _ANNOTATED}
        figure_of, quote = ox.NamedNode(_FIGURE_OF), ox.NamedNode(_QUOTE)
        wanted = {rdf_type, subclass, source, figure_of, quote, *annotated}
        for t in triples:
            p = t.predicate
            if p not in wanted:
                continue
            o = t.object
            if p == rdf_type:
                if isinstance(o, ox.NamedNode):
                    self.types[t.subject].add(o.value)
            elif p == source:
                if isinstance(o, ox.NamedNode):
                    self.cites[t.subject].add(o.value)
            elif p in annotated:
                if isinstance(o, ox.NamedNode):
                    self.annotated[t.subject].add(o)
            elif p == figure_of:
                if isinstance(o, ox.NamedNode):
                    self.figure_of[t.subject].add(o)
            elif p == quote:
                if isinstance(o, ox.Literal):
                    self.quotes[t.subject].add(o.value)
            elif isinstance(o, ox.NamedNode) and isinstance(t.subject, ox.NamedNode):
                self.parents[t.subject.value].add(o.value)

    def documents(self) -> set[str]:
        return {s.value for s, kinds in self.types.items()
                if _DOCUMENT in kinds and isinstance(s, ox.NamedNode)}

    def described(self, documents: set[str]) -> dict[ox.NamedNode, set[str]]:
        """thing -> the source documents that describe it."""
        out: dict[ox.NamedNode, set[str]] = defaultdict(set)
        for node, sources in self.cites.items():
            sources = sources & documents
            if not sources:
                continue
            things = set(self.annotated.get(node, ()))
            if _FIGURE in self.types.get(node, ()):
                things |= self.figure_of.get(node, set())
            for thing in things:
                out[thing] |= sources
        return out

    def claims(self) -> list[str]:
        """The IRIs typed with a proper subclass of mg:Claim, in code point order."""
        kinds = {cls for types in self.types.values() for cls in types}
        claim_kinds = {k for k in kinds if k != _CLAIM and _CLAIM in self.ancestors(k)}
        return sorted(s.value for s, types in self.types.items()
                      if isinstance(s, ox.NamedNode) and types & claim_kinds)

    def ancestors(self, cls: str) -> set[str]:
        """The class and every superclass of it (rdfs:subClassOf*)."""
        seen, todo = {cls}, [cls]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


def _iri(value: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = value[len(ns):]
        if value.startswith(ns) and local and all(c.isalnum() or c in "-_" for c in local) \
                and local[0].isalpha():
            return f"{prefix}:{local}"
    return "<" + value.replace("\\", "\\u005C").replace(">", "\\u003E") + ">"


def _int(n: int) -> str:
    return str(int(n))  # a bare integer in Turtle is an xsd:integer, as COUNT gives


def turtle(triples: Iterable[ox.Triple]) -> str:
    """The summary of a release's union triples, as Turtle (deterministic)."""
    c = _Counts(triples)
    documents = c.documents()
    described = c.described(documents)
    by_source: dict[str, dict[str, set]] = {d: defaultdict(set) for d in documents}
    for node, sources in c.cites.items():
        kinds = c.types.get(node, set())
        for src in sources & documents:
            counts = by_source[src]
            if _AXIOM in kinds:
                counts["facts"].add(node)
            if _FIGURE in kinds:
                counts["figures"].add(node)
            counts["quotes"] |= c.quotes.get(node, set())
    for thing, sources in described.items():
        for src in sources:
            by_source[src]["things"].add(thing)
    direct: dict[str, set] = defaultdict(set)
    closure: dict[str, set] = defaultdict(set)
    for subject, kinds in c.types.items():
        for cls in kinds:
            direct[cls].add(subject)
            for up in c.ancestors(cls):
                closure[up].add(subject)

    lines = [f"@prefix sum: <{NS}> ."]
    lines += [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]
    lines.append("")
    for src in sorted(documents):
        n = by_source[src]
        lines.append(f"[] a sum:SourceCounts ; sum:source {_iri(src)} ; "
                     f"sum:facts {_int(len(n['facts']))} ; sum:figures {_int(len(n['figures']))}"
                     f" ; sum:quotes {_int(len(n['quotes']))} ; "
                     f"sum:things {_int(len(n['things']))} .")
    lines.append("")
    for cls in sorted(set(direct) | set(closure)):
        lines.append(f"[] a sum:ClassCounts ; sum:class {_iri(cls)} ; "
                     f"sum:entities {_int(len(direct.get(cls, ())))} ; "
                     f"sum:entitiesWithSubclasses {_int(len(closure[cls]))} .")
    lines.append("")
    for thing in sorted(described, key=lambda t: t.value):
        sources = sorted(described[thing])
        lines.append(f"[] a sum:Described ; sum:thing {_iri(thing.value)} ; "
                     f"sum:sourceCount {_int(len(sources))} ;\n  sum:describedBy "
                     + ", ".join(_iri(s) for s in sources) + " .")
    lines.append("")
    for rank, claim in enumerate(c.claims(), start=1):
        lines.append(f"[] a sum:ClaimRank ; sum:claim {_iri(claim)} ; sum:rank {_int(rank)} .")
    return "\n".join(lines) + "\n"


def write(target: Path, triples: Iterable[ox.Triple]) -> Path:
    """Write the summary of the release's union triples into the release directory."""
    path = target / FILE
    path.write_text(turtle(triples), encoding="utf-8")
    return path


__all__ = ["FILE", "GRAPH", "NS", "turtle", "write"]
