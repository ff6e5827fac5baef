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
  shapes': a rebuild of unchanged input does not validate again;
* what a rebuild after a change needs to run only the shapes that change can affect
  (kg.validation.incremental: each file's triples, the files of the last graph that
  conformed, each shape's footprint). Only "conforms" is ever kept: a graph that does
  not conform is validated again in full, the slow way.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
from rdflib import BNode, URIRef

from ..core.cache import Cache, file_digest, key
from ..input.corpus import Corpus, shapes_files
from ..input.sources import SourceLibrary
from ..input.triples import parse_file
from . import incremental
from .checks import Checker
from .diagnostics import DiagnosticMaker
from .incremental import Baseline
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
    if entry in _COMPILED:  # immutable, keyed by the shapes' bytes: one per process
        return _COMPILED[entry]
    if cache.get("shapes", entry) is None:
        shapes = Shapes.load(paths, root=corpus.settings.root)
        cache.put("shapes", entry, {"lint": "passed"})
        compiled = shapes.compiled
    else:
        statements = [t for p in paths for t in parse_file(p)]  # labels apart per file
        text = ox.serialize(statements, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        compiled = pyshacl_turbo.compile_shapes(
            Input(text, "nt", None, {}, {}, preserve_ids=True), advanced=True)
    _COMPILED.clear()
    _COMPILED[entry] = compiled
    return compiled


_COMPILED: dict = {}


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


# Up to this size a conforming graph's files are kept as triples (kg.validation.
# incremental), for the next build to run only the shapes a change meets. Above it the
# cost (about 0.16 s and 7 MB per 40k triples, in time and cache) is not paid, and a
# change runs every shape, as before.
INCREMENTAL_MAX_TRIPLES = 300_000


def conforms(corpus: Corpus, cache: Cache, timings: dict[str, float]) -> bool:
    """True when the graph conforms to the shapes (no result of any severity). Shapes
    the lint refuses raise ShapesRefused, as in Shapes.load.

    Only the shapes that can read a triple changed since the last graph that conformed
    run (kg.validation.incremental); the others keep that graph's verdict, "conforms".
    timings gets "shapes_rerun" and "shapes_targeted", counts (ints, not seconds)."""
    from pyshacl_turbo import ValidationFailure
    from pyshacl_turbo.rdf import Input

    if not shapes_files(corpus.settings):
        return True
    paths = corpus.ontology_paths + corpus.data_paths
    digests = {p: file_digest(p) for p in paths}
    shapes_key = _shapes_key(corpus)
    inputs = key("graph", shapes_key, *(f"{p}:{d}" for p, d in digests.items()))
    small = len(corpus.merged) <= INCREMENTAL_MAX_TRIPLES
    baseline = Baseline(cache, shapes_key, corpus.settings.root) if small else None
    if cache.get("shacl", inputs) is not None:
        timings["shacl"] = 0.0
        timings["shapes_rerun"] = 0
        if baseline is not None:  # the next change is measured from here
            baseline.put(digests, corpus.graphs)
        return True
    start = time.perf_counter()
    try:
        plan = rerun_plan(corpus, cache, baseline, digests, shapes_key) if small else None
    except (OSError, ValueError, TypeError, KeyError):  # an unreadable entry, say:
        plan = None  # every shape runs, as without a baseline
    timings["shacl_diff"] = time.perf_counter() - start
    if plan is not None and not plan[0]:
        timings["shacl"] = 0.0
        timings["shapes_rerun"], timings["shapes_targeted"] = 0, plan[1]
        _passed(cache, inputs, baseline, digests, corpus, shapes_key)
        return True
    start = time.perf_counter()
    compiled = compiled_shapes(corpus, cache)
    timings["shapes_load"] = time.perf_counter() - start
    if compiled is None:
        return True
    start = time.perf_counter()
    data = Input(ntriples(corpus.merged), "nt", None, {}, {}, preserve_ids=True)
    try:
        ok, _, _ = compiled.validate(data, inference="none", allow_warnings=False,
                                     allow_infos=False,
                                     use_shapes=None if plan is None else plan[0])
    except (ValidationFailure, NotImplementedError):
        return False  # the slow way turns this into the refusal it is
    timings["shacl"] = time.perf_counter() - start
    if plan is not None:
        timings["shapes_rerun"], timings["shapes_targeted"] = len(plan[0]), plan[1]
    if ok:
        _passed(cache, inputs, baseline, digests, corpus, shapes_key)
    return bool(ok)


def rerun_plan(corpus: Corpus, cache: Cache, baseline: Baseline, digests: dict,
               shapes_key: str) -> tuple[list[str], int] | None:
    """The shapes to run (those whose footprint meets the change since the baseline) and
    how many targeted shapes there are; None when all must run (no baseline, a version
    of it forgotten, the footprints unknown, or every shape met)."""
    files = baseline.get()
    if files is None:
        return None
    changed = incremental.diff(cache, files, digests, corpus.graphs)
    if changed is None:
        return None
    if not changed.triples:
        return [], 0
    prints = shape_footprints(corpus, cache, shapes_key)
    if not prints:
        return None
    memo: dict = {}
    merged = corpus.merged
    rerun = [shape for shape, fp in prints.items()
             if incremental.meets(fp, changed, merged, memo)]
    return (None if len(rerun) == len(prints) else (rerun, len(prints)))


def shape_footprints(corpus: Corpus, cache: Cache, shapes_key: str) -> dict[str, dict]:
    """Each targeted shape's footprint (kg.validation.footprint), kept per shapes."""
    entry = key("footprints", shapes_key)
    prints = cache.get("footprints", entry)
    if prints is None:
        from .footprint import footprints  # rdflib's SPARQL parser: only when needed

        prints = footprints(shapes_files(corpus.settings))
        cache.put("footprints", entry, prints)
    return prints


def _passed(cache: Cache, inputs: str, baseline: Baseline | None, digests: dict,
            corpus: Corpus, shapes_key: str) -> None:
    """The graph conforms: its verdict, and it becomes the baseline of the next build.
    The footprints are worked out now (0.4 s of rdflib's SPARQL parser, once per
    shapes), not by the rebuild that needs them: measured, the rebuild's assembly then
    lost as much to the interpreter lock as its SHACL had saved."""
    cache.put("shacl", inputs, {"conforms": True})
    if baseline is not None:
        baseline.put(digests, corpus.graphs)
        shape_footprints(corpus, cache, shapes_key)


def valid(corpus: Corpus, sources: SourceLibrary, cache: Cache,
          timings: dict[str, float]) -> bool:
    """True when the checks find nothing and the graph conforms to the shapes."""
    return checks_pass(corpus, sources, timings) and conforms(corpus, cache, timings)


__all__ = ["valid", "checks_pass", "conforms", "compiled_shapes", "ntriples",
           "rerun_plan", "shape_footprints"]
