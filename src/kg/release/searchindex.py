"""The release's full-text search index (dist/search.sqlite): SQLite FTS5, from Python's
standard library, over the names, alternative names and definitions of every described
thing and every verbatim quote, each row with the thing it is about, its source and the
quote's offsets.

Built by `kg build` from the same sorted quads the dumps are written from, so `kg serve`
opens a finished index instead of building one in memory on the first search (0.96 s on
the real graph), and a live release switch brings its own index with it. Each quote is
indexed together with the names of the things it is evidence about, so "Thailand" finds
the quotes behind facts about Thailand where the sentence says "the Thai government".

Deterministic: rows are inserted in one sorted order into a fresh file, the FTS5 segments
merged into one (`optimize`) and the file vacuumed, so two builds with the same SQLite
library give byte-identical files (tests/release/test_searchindex.py).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..core.namespaces import MG, MGR, PREFIXES
from .files import SEARCH_INDEX

FILE = SEARCH_INDEX
SCHEMA = "1"  # the columns kg.web.search reads; raised when they change
BASE = str(MGR).rsplit("id/", 1)[0]

_RDFS, _SKOS, _DCT, _OWL = (PREFIXES[p] for p in ("rdfs", "skos", "dcterms", "owl"))
LABEL, PREF, ALT, DEFINITION = (_RDFS + "label", _SKOS + "prefLabel", _SKOS + "altLabel",
                                _SKOS + "definition")
TITLE, SOURCE = _DCT + "title", _DCT + "source"
QUOTE, START, END = MG + "quote", MG + "quoteStart", MG + "quoteEnd"
# What a piece of evidence is about, in the order a page names it: an axiom's subject and
# object, a figure's thing, a claim's topics, a negative assertion's two individuals.
ABOUT = (_OWL + "annotatedSource", _OWL + "annotatedTarget", MG + "figureOf",
         MG + "concerns", _OWL + "sourceIndividual", _OWL + "targetIndividual")
PROPERTY = (_OWL + "annotatedProperty", _OWL + "assertionProperty")
NAMES = (("label", LABEL), ("altLabel", ALT), ("label", PREF), ("definition", DEFINITION))

CREATE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE doc USING fts5(
  text, about, kind UNINDEXED, thing UNINDEXED, source UNINDEXED, "start" UNINDEXED,
  "end" UNINDEXED, property UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
"""


def _label(labels: dict, node: ox.NamedNode) -> str:
    """As a page names a thing (kg.web.view.View.label): an English or untagged label,
    preferred label or title, else any, else the IRI's last part."""
    found = labels.get(node, {})
    for prop in (LABEL, PREF, TITLE):
        lits = found.get(prop, ())
        for o in lits:
            if o.language in (None, "en") or o.language.startswith("en-"):
                return o.value
        if lits:
            return lits[0].value
    return node.value.rsplit("/", 1)[-1]


def _about(props: dict, node) -> list[ox.NamedNode]:
    out = [o for key in ABOUT for o in props.get(key, ()) if isinstance(o, ox.NamedNode)]
    if isinstance(node, ox.NamedNode) and node.value.startswith(str(MGR)):
        out.insert(0, node)  # a claim or figure with its own IRI is itself the thing
    return list(dict.fromkeys(o for o in out if o.value.startswith(BASE)))


def _int(terms: list) -> int | None:
    return int(terms[0].value) if terms else None


def rows(quads: Iterable[ox.Quad]) -> list[tuple]:
    """Every row of the index, sorted: (text, about, kind, thing, source, start, end,
    property). One pass over the quads keeps only the predicates the index reads (a
    triple held by two graphs comes twice; the rows are a set, so that costs nothing)."""
    kinds = {prop: kind for kind, prop in NAMES}
    evidence_props = {SOURCE, QUOTE, START, END, *ABOUT, *PROPERTY}
    out: set[tuple] = set()
    labels: dict = defaultdict(lambda: defaultdict(list))
    evidence: dict = defaultdict(list)
    for q in quads:
        p = q.predicate.value
        if p in kinds or p == TITLE:
            s, o = q.subject, q.object
            if isinstance(o, ox.Literal):
                labels[s][p].append(o)
                if p in kinds and isinstance(s, ox.NamedNode) and s.value.startswith(BASE):
                    out.add((o.value, "", kinds[p], s.value, None, None, None, None))
        elif p in evidence_props:
            evidence[q.subject].append(q)
    for subject, qs in evidence.items():
        props: dict[str, list] = defaultdict(list)
        for q in qs:
            props[q.predicate.value].append(q.object)
        for quote in props.get(QUOTE, ()):
            if not isinstance(quote, ox.Literal):
                continue
            about = _about(props, subject)
            src = next((s.value for s in props.get(SOURCE, ()) if isinstance(s, ox.NamedNode)),
                       None)
            prop = next((x.value for key in PROPERTY for x in props.get(key, ())
                         if isinstance(x, ox.NamedNode)), None)
            out.add((quote.value, " ".join(_label(labels, a) for a in about), "quote",
                     about[0].value if about else None, src, _int(props.get(START, [])),
                     _int(props.get(END, [])), prop))
    # One row per (text, thing, source, offsets): the same sentence quoted for several
    # facts about one thing is one hit, named with the property of the first.
    best: dict[tuple, tuple] = {}
    for row in sorted(out, key=_key):
        best.setdefault((row[0], row[2], row[3], row[4], row[5]), row)
    return sorted(best.values(), key=_key)


def _key(row: tuple) -> tuple:
    return tuple("" if x is None else str(x) for x in (row[2], row[3], row[4], row[5], row[0],
                                                         row[7], row[1]))


def write(path: Path, quads: Iterable[ox.Quad]) -> int:
    """Write the index to `path` (a new file); returns the number of rows."""
    data = rows(quads)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.executescript(CREATE)
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [("schema", SCHEMA), ("version", __version__), ("rows", str(len(data)))])
        db.executemany("INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?, ?)", data)
        db.execute("INSERT INTO doc(doc) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
    return len(data)


__all__ = ["FILE", "SCHEMA", "rows", "write"]
