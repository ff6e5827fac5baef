"""The release's search index (dist/search.sqlite): written by `kg build`, listed in
SHA256SUMS, byte-identical across builds, and holding every quote with its source, its
offsets and what it is about."""

from __future__ import annotations

import hashlib
import sqlite3

import pyoxigraph as ox

from kg.core.namespaces import MG
from kg.release import searchindex
from kg.release.build import RELEASE_FILES, build

from ..conftest import make_project


def test_the_index_is_a_release_file_with_its_checksum(mini_settings):
    dist = mini_settings.dist_dir
    path = dist / searchindex.FILE
    assert searchindex.FILE in RELEASE_FILES
    sums = dict(line.split("  ")[::-1] for line in
                (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert sums[searchindex.FILE] == hashlib.sha256(path.read_bytes()).hexdigest()
    db = sqlite3.connect(path)
    assert dict(db.execute("SELECT key, value FROM meta"))["schema"] == searchindex.SCHEMA


def test_two_builds_write_the_same_bytes(tmp_path):
    first, second = make_project(tmp_path / "a"), make_project(tmp_path / "b")
    build(first)
    build(second)
    a = (first.dist_dir / searchindex.FILE).read_bytes()
    assert a and a == (second.dist_dir / searchindex.FILE).read_bytes()


def test_every_located_quote_is_indexed_with_its_offsets_and_source(mini_settings):
    dist = mini_settings.dist_dir
    quads = [q for q in ox.parse(path=str(dist / "mgkg.trig"), format=ox.RdfFormat.TRIG)]
    expected = set()
    by_node: dict = {}
    for q in quads:
        by_node.setdefault(q.subject, {}).setdefault(q.predicate.value, q.object)
    for props in by_node.values():
        if str(MG.quote) in props and str(MG.quoteStart) in props:
            expected.add((props[str(MG.quote)].value, props["http://purl.org/dc/terms/source"]
                          .value, int(props[str(MG.quoteStart)].value),
                          int(props[str(MG.quoteEnd)].value)))
    db = sqlite3.connect(dist / searchindex.FILE)
    got = set(db.execute('SELECT text, source, "start", "end" FROM doc WHERE kind = '
                         "'quote'"))
    assert expected and expected <= got
    # A phrase from a quote finds it through the FTS index, with the thing it is about.
    text, source, start, _ = sorted(expected)[0]
    words = " ".join(f'"{w}"' for w in text.split()[1:5] if w.isalnum())
    rows = db.execute("SELECT text, thing, source, \"start\" FROM doc WHERE doc MATCH ?",
                      [words]).fetchall()
    assert any(r[0] == text and r[2] == source and r[3] == start and r[1] for r in rows)


def test_names_and_definitions_are_indexed(mini_settings):
    db = sqlite3.connect(mini_settings.dist_dir / searchindex.FILE)
    kinds = dict(db.execute("SELECT kind, count(*) FROM doc GROUP BY kind"))
    assert kinds.get("label", 0) > 0 and kinds.get("quote", 0) > 0
    row = db.execute("SELECT thing FROM doc WHERE doc MATCH 'IOM' AND kind IN "
                     "('label', 'altLabel')").fetchone()
    assert row and row[0].startswith("https://w3id.org/mgkg/")
