"""Which shapes must run again: the triples that changed since the last graph that
conformed, against each shape's footprint (kg.validation.footprint).

What is kept (kg.core.cache, every key also over the code's version):

* per input file (its path and the SHA-256 of its bytes): its triples as the SHACL engine
  is given them, blank nodes relabelled by what they say (a hash of their outgoing
  triples, recursively; duplicates numbered), so that an edit elsewhere in the file does
  not relabel them: `file_triples`;
* per shapes and project: the baseline, i.e. which version (digest) of every file the
  last graph that conformed to every shape was made of: `Baseline`;
* the footprints, per shapes.

Why this is exact. The engine's verdict does not depend on blank node labels, and the
files' blank nodes are their own, so the graph of the baseline and today's graph are
(up to that relabelling) the unchanged files plus the old and the new version of each
changed file: today's graph is the baseline's with the triples of the difference
removed or added (a triple also in another file only makes the difference larger than
it is). A shape whose footprint meets none of those triples reads the same triples in
both graphs, so it gives the same verdict: it conformed then (the baseline conformed to
every shape), it conforms now. Only the others run. A class's subclasses are read from
today's graph, which is right because rdfs:subClassOf is in every such footprint: if a
subclass triple changed, those shapes run anyway.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..core.cache import Cache, key

_TYPE, _SUBCLASS = str(RDF.type), str(RDFS.subClassOf)


def _text(term, memo: dict) -> str:
    """A term as N-Triples writes it (blank nodes: their parse label, relabelled later)."""
    found = memo.get(term)
    if found is None:
        if isinstance(term, URIRef):
            found = f"<{term}>"
        elif isinstance(term, BNode):
            found = f"_:{term}"
        elif isinstance(term, Literal):
            found = term.n3()
        else:
            raise TypeError(f"not an RDF term: {term!r}")
        memo[term] = found
    return found


def canonical_triples(graph) -> tuple[list[tuple[str, str, str]], dict[str, object]]:
    """One file's triples as text, blank nodes labelled by content, and the blank node of
    the parse each such label stands for."""
    memo: dict = {}
    rows = [(_text(s, memo), _text(p, memo), _text(o, memo), s, o) for s, p, o in graph]
    out: dict[str, list[str]] = defaultdict(list)
    nodes: dict[str, object] = {}
    for s, p, o, rs, ro in rows:
        if s.startswith("_:"):
            out[s].append((p, o))
            nodes[s] = rs
        if o.startswith("_:"):
            nodes[o] = ro
    digests: dict[str, str] = {}
    visiting: set[str] = set()

    def digest(node: str) -> str:
        found = digests.get(node)
        if found is not None:
            return found
        if node in visiting:  # a cycle: its parse label, unique but not stable
            return "cycle" + node
        visiting.add(node)
        parts = sorted(p + " " + ("_:" + digest(o) if o.startswith("_:") else o)
                       for p, o in out.get(node, ()))
        visiting.discard(node)
        digests[node] = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:24]
        return digests[node]

    labels: dict[str, str] = {}
    count: dict[str, int] = defaultdict(int)
    for node in nodes:  # in the file's order: duplicates numbered as they come
        d = digest(node)
        labels[node] = f"_:h{d}n{count[d]}"
        count[d] += 1
    triples = [(labels.get(s, s), p, labels.get(o, o)) for s, p, o, _, _ in rows]
    return triples, {labels[n]: nodes[n] for n in nodes}


def _record_key(path: Path, digest: str) -> str:
    """The path's part first, so that a file's older versions can be found and dropped."""
    return f"{_path_key(path)}-{key('file-triples', digest)[:40]}"


def _path_key(path: Path) -> str:
    return key("file-triples", str(Path(path).resolve()))[:40]


def remember_file(cache: Cache, path: Path, digest: str, graph) -> None:
    if not cache.has("file-triples", _record_key(path, digest)):
        triples, _ = canonical_triples(graph)
        cache.put("file-triples", _record_key(path, digest), sorted(triples))


@dataclass
class Diff:
    """Triples removed and added since the baseline (labels as canonical_triples), and
    for today's blank nodes, the parse's node of each label."""

    triples: set[tuple[str, str, str]]
    nodes: dict[str, object]
    files: list[str]
    added: set[tuple[str, str, str]]

    @cached_property
    def summary(self) -> Summary:
        return Summary(self)


def diff(cache: Cache, baseline: dict[str, str], current: dict[Path, str],
         graphs: dict) -> Diff | None:
    """The difference between the baseline's files and today's; None when a version of
    the baseline is no longer known (then everything runs)."""
    changed: set = set()
    added: set = set()
    nodes: dict[str, object] = {}
    files = []
    now = {str(Path(p).resolve()): (p, d) for p, d in current.items()}
    for name in sorted(set(baseline) | set(now)):
        old_digest = baseline.get(name)
        path, new_digest = now.get(name, (Path(name), None))
        if old_digest == new_digest:
            continue
        files.append(name)
        old: set = set()
        if old_digest is not None:
            found = cache.get("file-triples", _record_key(Path(name), old_digest))
            if found is None:
                return None
            old = {tuple(t) for t in found}
        new: set = set()
        if new_digest is not None:
            triples, labelled = canonical_triples(graphs[path])
            triples, labelled = match_blank_nodes(old, triples, labelled)
            cache.put("file-triples", _record_key(path, new_digest), sorted(triples))
            new = set(triples)
            nodes.update({f"{name}|{k}": v for k, v in labelled.items()})
        changed |= {(_scoped(name, s), p, _scoped(name, o)) for s, p, o in old ^ new}
        added |= {(_scoped(name, s), p, _scoped(name, o)) for s, p, o in new - old}
    return Diff(changed, nodes, files, added)


MATCH_MAX = 500  # blank nodes on either side past which no pairing is tried


def match_blank_nodes(old: set, triples: list, labelled: dict) -> tuple[list, dict]:
    """Today's version relabelled so that a blank node that changed (a comment added to
    an evidence axiom changes its hash) takes the label of the baseline's node it says
    most in common with: the difference is then the triples that changed, not every
    triple of the node. Any one-to-one relabelling keeps the graph what it is, so this
    changes only how small the difference is, never the verdict."""
    def blank(t: str) -> bool:
        return t.startswith("_:")

    old_nodes = {t for s, _, o in old for t in (s, o) if blank(t)}
    new_nodes = {t for s, _, o in triples for t in (s, o) if blank(t)}
    lost, fresh = old_nodes - new_nodes, new_nodes - old_nodes
    if not lost or not fresh or len(lost) > MATCH_MAX or len(fresh) > MATCH_MAX:
        return triples, labelled
    index: dict = defaultdict(set)
    for s, p, o in old:
        if s in lost:
            index[(p, o)].add(s)
    said: dict = defaultdict(set)
    for s, p, o in triples:
        if s in fresh:
            said[s].add((p, o))
    mapping: dict[str, str] = {}
    for node in sorted(fresh):
        common: dict[str, int] = defaultdict(int)
        for pair in said.get(node, ()):
            for candidate in index.get(pair, ()):
                common[candidate] += 1
        taken = set(mapping.values())
        best = max((c for c in common if c not in taken), default=None,
                   key=lambda c: (common[c], c))
        if best is not None:
            mapping[node] = best  # best is not a label of today's: one to one
    relabelled = [(mapping.get(s, s), p, mapping.get(o, o)) for s, p, o in triples]
    return relabelled, {mapping.get(k, k): v for k, v in labelled.items()}


def _scoped(name: str, term: str) -> str:
    """A blank node's label is its file's: scope it, so two files' never meet."""
    return f"_:{name}|{term}" if term.startswith("_:") else term


class Baseline:
    """The files (path: digest) of the last graph that conformed, per shapes."""

    def __init__(self, cache: Cache, shapes_key: str, root: Path):
        self.cache, self.entry = cache, key("baseline", shapes_key, str(Path(root).resolve()))

    def get(self) -> dict[str, str] | None:
        found = self.cache.get("shacl-baseline", self.entry)
        return found.get("files") if isinstance(found, dict) else None

    def put(self, current: dict[Path, str], graphs: dict) -> None:
        files = {str(Path(p).resolve()): d for p, d in current.items()}
        if self.get() == files:
            return
        for path, digest in current.items():
            remember_file(self.cache, path, digest, graphs[path])
        self.cache.put("shacl-baseline", self.entry, {"files": files})
        for path, digest in current.items():  # older versions: megabytes each, unused
            self.cache.prune("file-triples", _path_key(path) + "-",
                             keep={_record_key(path, digest)})


def subclasses(graph, classes) -> set[str]:
    """The classes and everything under them (rdfs:subClassOf*) in the data graph."""
    out, todo = set(), [URIRef(c) for c in classes]
    while todo:
        c = todo.pop()
        if str(c) in out:
            continue
        out.add(str(c))
        todo.extend(s for s in graph.subjects(RDFS.subClassOf, c) if isinstance(s, URIRef))
    return out


def _term(label: str, nodes: dict):
    """Today's rdflib term for a subject of the difference; None if it is not in today's
    graph (a blank node of the baseline only)."""
    if label.startswith("_:"):
        return nodes.get(label[2:])
    return URIRef(label[1:-1]) if label.startswith("<") else None


def _is_focus(graph, subject, closed: dict, types_memo: dict) -> bool:
    if subject is None:
        return False
    if str(subject) in closed["nodes"]:
        return True
    if any((subject, URIRef(p), None) in graph for p in closed["subjects_of"]):
        return True
    if any((None, URIRef(p), subject) in graph for p in closed["objects_of"]):
        return True
    classes = types_memo.setdefault("closed" + "|".join(closed["classes"]),
                                    subclasses(graph, closed["classes"]))
    return any(str(t) in classes for t in graph.objects(subject, RDF.type))


def meets(footprint: dict, changed: Diff, graph, memo: dict) -> bool:
    """Can the shape read one of the changed triples (in today's graph or the baseline's)?"""
    if footprint.get("all"):
        return True
    summary = changed.summary
    preds, prefixes = set(footprint["preds"]), tuple(footprint["prefixes"])
    for value_pred in footprint.get("value_preds", ()):
        if value_pred not in memo:
            memo[value_pred] = {str(o) for o in graph.objects(None, URIRef(value_pred))}
        preds |= memo[value_pred]
    if not preds.isdisjoint(summary.preds) or (
            prefixes and any(p.startswith(prefixes) for p in summary.preds)):
        return True
    types = set(footprint["types"])
    if footprint["classes"]:
        classes = "|".join(footprint["classes"])
        if classes not in memo:
            memo[classes] = subclasses(graph, footprint["classes"])
        types |= memo[classes]
    if not types.isdisjoint(summary.types):
        return True
    mentions = footprint.get("mentions")
    if mentions is not None and _mentions_changed(mentions, summary, graph):
        return True
    closed = footprint.get("closed")
    return closed is not None and any(
        _is_focus(graph, _term(s, changed.nodes), closed, memo) for s in summary.subjects)


class Summary:
    """What the footprints are matched against, gathered once per difference: its
    predicates, the classes of its rdf:type triples, its subjects, and how many removed
    and added triples mention each IRI."""

    def __init__(self, changed: Diff):
        self.preds = {p[1:-1] for _, p, _ in changed.triples}
        self.types = {o[1:-1] for _, p, o in changed.triples
                      if p[1:-1] == _TYPE and o.startswith("<")}
        self.subjects = {s for s, _, _ in changed.triples}
        self.removed: dict[str, int] = defaultdict(int)
        self.added: dict[str, int] = defaultdict(int)
        self.other_terms = False  # a blank node or literal as subject or object
        for triple in changed.triples:
            counts = self.added if triple in changed.added else self.removed
            s, _, o = triple
            for term in {s, o}:
                if term.startswith("<"):
                    counts[term] += 1
                else:
                    self.other_terms = True


def _mentions_changed(mentions: dict, summary: Summary, graph) -> bool:
    """Whether a node of the difference (one the target's filter can keep) is mentioned
    in today's graph and not in the baseline's, or the other way round. It was mentioned
    then if a removed triple mentions it, or a triple of today's that was not added; it
    is mentioned now if today's graph has a triple with it (every added one does)."""
    if summary.other_terms and not mentions["iri"]:
        return True  # a blank node or literal: not followed here, so re-run
    prefixes = tuple(mentions["prefixes"])
    for term in set(summary.removed) | set(summary.added):
        if prefixes and not term[1:-1].startswith(prefixes):
            continue
        node = URIRef(term[1:-1])
        now = set(graph.triples((node, None, None))) | set(graph.triples((None, None, node)))
        if term in summary.removed:
            if not now:
                return True  # mentioned then, not now
            continue  # mentioned then and now
        if len(now) <= summary.added[term]:
            return True  # perhaps only mentioned by what was added: new to the target
    return False


__all__ = ["Baseline", "Diff", "canonical_triples", "diff", "meets", "remember_file",
           "subclasses"]
