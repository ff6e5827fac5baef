"""Turtle with lines: rdflib's own parser with two hooks on its (private) notation3
classes, and, if those change under us, a fallback through rdflib's public API that
keeps every triple and finds lines by searching the text instead."""

from __future__ import annotations

import pytest

from kg.input import rdfio
from kg.input.rdfio import LineIndex, TurtleSyntaxError, parse_turtle, triple_lines

TEXT = """@prefix mgr: <https://w3id.org/mgkg/id/> .
@prefix mg: <https://w3id.org/mgkg/ontology#> .

mgr:a mg:relatedTo mgr:b .
mgr:a mg:statement "two",
          "three" .
"""


def test_lines_of_each_triple(tmp_path):
    path = tmp_path / "x.ttl"
    path.write_text(TEXT, encoding="utf-8")
    graph = parse_turtle(path)
    lines = triple_lines(graph)
    assert len(graph) == 3 and lines is not None
    by_object = {str(o): ls for (_, _, o), ls in lines.items()}
    assert by_object == {"https://w3id.org/mgkg/id/b": [4], "two": [5], "three": [6]}


def test_fallback_when_the_private_parser_hooks_fail(tmp_path, monkeypatch):
    """rdflib changes its private parser classes: the graph is still read whole, only
    the per-triple lines are gone, and a line is still found by searching the text."""
    path = tmp_path / "x.ttl"
    path.write_text(TEXT, encoding="utf-8")

    def broken(text, public_id):
        raise AttributeError("SinkParser has no attribute 'object'")

    monkeypatch.setattr(rdfio, "_parse_locating", broken)
    graph = parse_turtle(path)
    assert len(graph) == 3
    assert triple_lines(graph) is None
    index = LineIndex(path)
    (s, p, o) = next(t for t in graph if str(t[2]) == "three")
    assert index.line_of_triple(s, p, o) in (5, 6)


def test_fallback_still_names_the_line_of_a_syntax_error(tmp_path, monkeypatch):
    path = tmp_path / "bad.ttl"
    path.write_text(TEXT + 'mgr:c mg:statement "open .\n', encoding="utf-8")
    monkeypatch.setattr(rdfio, "_parse_locating", lambda text, public_id: 1 / 0)
    with pytest.raises(TurtleSyntaxError) as caught:
        parse_turtle(path)
    assert f"{path}:7: syntax error" in str(caught.value)
