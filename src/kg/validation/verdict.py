"""Is the project valid? The quick answer, for a corpus parsed without positions.

A build of a valid project needs only the verdict, not the report: so the checks run
until their first finding, and the shapes run in the SHACL engine on N-Triples text,
with sh:conforms as SHACL defines it (false on any result, warnings and infos too).
Anything found makes the answer "not known to be valid", and kg.validation.validate
then validates the slow way, whose report (file:line for every finding) is the one
shown. What is cached (kg.core.cache), by the SHA-256 of everything it depends on:

* the shapes' lint verdict (shapelint parses every SPARQL query with rdflib's parser,
  the dearest part of loading the shapes): shapes that passed are compiled straight
  from pyoxigraph's parse, no rdflib graph;
* the engine's verdict on the whole graph, keyed by every input file's digest and the
  shapes': a rebuild of unchanged input does not validate again. One changed byte
  anywhere runs the shapes on the whole graph again, as cross-file rules need.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
from rdflib import BNode, URIRef

from ..core.cache import Cache, file_digest, key
from ..input.corpus import Corpus, shapes_files
from ..input.sources import SourceLibrary
from ..input.triples import parse_file
from .checks import Checker
from .diagnostics import DiagnosticMaker
from .shacl import Shapes


def _shapes_key(corpus: Corpus) -> str:
    return key("shapes", *(f"{p.name}:{file_digest(p)}" for p in shapes_files(corpus.settings)))


def compiled_shapes(corpus: Corpus, cache: Cache):
    """The engine's compiled shapes (None when there are none). Shapes not yet known to
    pass the lint are loaded, linted and compiled as Shapes.load does (a refusal raises
    ShapesRefused, as it would there); known ones are compiled from pyoxigraph's parse."""
    import pyshacl_turbo
    from pyshacl_turbo.rdf import Input

    paths = shapes_files(corpus.settings)
    if not paths:
        return None
    entry = _shapes_key(corpus)
    if cache.get("shapes", entry) is None:
        shapes = Shapes.load(paths, root=corpus.settings.root)
        cache.put("shapes", entry, {"lint": "passed"})
        return shapes.compiled
    statements = [t for p in paths for t in parse_file(p)]  # labels kept apart per file
    text = ox.serialize(statements, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return pyshacl_turbo.compile_shapes(Input(text, "nt", None, {}, {}, preserve_ids=True),
                                        advanced=True)


def ntriples(graph) -> str:
    """A graph of rdflib terms as N-Triples, blank nodes keeping their labels (the
    literals as the checks saw them, i.e. normalised as rdflib's parser normalises)."""
    memo: dict = {}

    def term(t):
        found = memo.get(t)
        if found is None:
            found = memo[t] = _ox(t)
        return found

    return ox.serialize([ox.Triple(term(s), term(p), term(o)) for s, p, o in graph],
                        format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def checks_pass(corpus: Corpus, sources: SourceLibrary, timings: dict[str, float]) -> bool:
    """True when the checks (kg.validation.checks) find nothing at all."""
    start = time.perf_counter()
    checker = Checker(corpus, sources, DiagnosticMaker.for_corpus(corpus))
    found = next(iter(checker.run()), None)
    timings["checks"] = time.perf_counter() - start
    return found is None


def conforms(corpus: Corpus, cache: Cache, timings: dict[str, float]) -> bool:
    """True when the graph conforms to the shapes (no result of any severity). Shapes
    the lint refuses raise ShapesRefused, as in Shapes.load."""
    from pyshacl_turbo import ValidationFailure
    from pyshacl_turbo.rdf import Input

    start = time.perf_counter()
    compiled = compiled_shapes(corpus, cache)
    timings["shapes_load"] = time.perf_counter() - start
    if compiled is None:
        return True
    inputs = key("graph", _shapes_key(corpus),
                 *(f"{p}:{file_digest(p)}" for p in corpus.ontology_paths + corpus.data_paths))
    if cache.get("shacl", inputs) is not None:
        timings["shacl"] = 0.0
        return True
    start = time.perf_counter()
    data = Input(ntriples(corpus.merged), "nt", None, {}, {}, preserve_ids=True)
    try:
        ok, _, _ = compiled.validate(data, inference="none", allow_warnings=False,
                                     allow_infos=False)
    except (ValidationFailure, NotImplementedError):
        return False  # the slow way turns this into the refusal it is
    timings["shacl"] = time.perf_counter() - start
    if ok:
        cache.put("shacl", inputs, {"conforms": True})
    return bool(ok)


def valid(corpus: Corpus, sources: SourceLibrary, cache: Cache,
          timings: dict[str, float]) -> bool:
    """True when the checks find nothing and the graph conforms to the shapes."""
    return checks_pass(corpus, sources, timings) and conforms(corpus, cache, timings)


__all__ = ["valid", "checks_pass", "conforms", "compiled_shapes", "ntriples"]
