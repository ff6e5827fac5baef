"""`kg build`: validate the curated files and write a release to dist/, atomically.

The release is written into a temporary sibling directory and swapped into place only
when every file is complete, so a failed build never leaves dist/ half-written.

The steps are timed (BuildResult.timings, `kg build --timings`). The files are written
by WRITERS, one entry per release file or family of files, in order: a new release file
is one more (name, function) pair whose function takes the staging folder and the
Release and writes its file(s) there. SHA256SUMS comes last, over whatever they wrote.
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL

from ..core.cache import Cache
from ..core.errors import KgError
from ..core.forked import Forked
from ..core.forked import available as forked_available
from ..core.namespaces import ONTOLOGY_IRI
from ..core.settings import Settings
from ..input.corpus import Corpus
from ..input.sources import SourceLibrary
from ..validation.coverage import SourceCoverage, compute_corpus
from ..validation.coverage import to_json as coverage_json
from ..validation.diagnostics import Report
from ..validation.pending import Pending
from ..validation.pending import available as pending_available
from ..validation.validate import validate_slow
from ..validation.verdict import checks_pass, conforms
from . import dumps, searchindex
from . import summary as summary_graph
from .annotations import collections, file_name
from .assemble import Release, assemble_release
from .dumps import graph_triples, merge_sorted, sorted_ntriples
from .files import RELEASE_FILES, release_files
from .jsonld import CONTEXT_FILE, context_document
from .jsonld_writer import write_jsonld
from .owl import CATALOG, catalog, owl_additions
from .report import report_markdown, summarize
from .swap import publish, staging_dir
from .void import describe


class BuildFailed(KgError):
    def __init__(self, report: Report):
        self.report = report
        super().__init__("build refused, the graph is not valid:\n" + report.to_text())


@dataclass
class BuildResult:
    dist: Path
    summary: dict
    report: Report
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Context:
    """What the writers read: the release graph and what was computed beside it."""

    release: Release
    summary: dict
    sources: SourceLibrary
    coverage: dict[str, SourceCoverage]


def _write_annotations(target: Path, c: Context) -> None:
    graphs = c.release.indexes({DCTERMS.source, DCTERMS.title})
    for stem, text in collections(graphs, c.sources).items():
        (target / file_name(stem)).write_text(text, encoding="utf-8")


def _write_rdf_dumps(target: Path, c: Context) -> None:
    """The whole graph as N-Triples, Turtle, TriG and RDF/XML, by pyoxigraph from one
    sorted list of quads (kg.release.dumps)."""
    triples, whole = c.release.triples, c.release.whole
    (target / "mgkg.nt").write_text(sorted_ntriples(triples), encoding="utf-8")
    dumps.write(target / "mgkg.ttl", triples, ox.RdfFormat.TURTLE)
    onto = ox.NamedNode(ONTOLOGY_IRI)  # its header belongs to ontology.owl
    owl_triples = merge_sorted([(k, t) for k, t in c.release.keyed if t.subject != onto],
                               graph_triples(owl_additions(whole, c.summary["version"])))
    dumps.write(target / "mgkg.owl", owl_triples, ox.RdfFormat.RDF_XML)
    dumps.write(target / "mgkg.trig", c.release.quads, ox.RdfFormat.TRIG)
    write_jsonld(target / "mgkg.jsonld", triples)


def _write_ontology(target: Path, c: Context) -> None:
    ontology = c.release.ontology()
    (target / CONTEXT_FILE).write_text(context_document(), encoding="utf-8")
    (target / CATALOG).write_text(
        catalog(c.summary["version"], ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI)),
        encoding="utf-8")
    ontology.serialize(target / "ontology.ttl", format="turtle", encoding="utf-8")
    dumps.write(target / "ontology.owl", graph_triples(ontology), ox.RdfFormat.RDF_XML)


def _write_void(target: Path, c: Context) -> None:
    # After the dumps, so the description can give each one's size.
    describe(c.summary, c.release.whole, target).serialize(
        target / "void.ttl", format="turtle", encoding="utf-8")


def _write_reports(target: Path, c: Context) -> None:
    (target / "build-report.json").write_text(
        json.dumps(c.summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (target / "build-report.md").write_text(report_markdown(c.summary), encoding="utf-8")
    # Every sentence of every source with its state, for the source pages and for anyone
    # who wants to see what the graph leaves out (`kg coverage --format json` per source).
    (target / "coverage.json").write_text(
        json.dumps(coverage_json(c.coverage, sentences="all"), indent=1,
                   ensure_ascii=False) + "\n", encoding="utf-8")


def _write_searchindex(target: Path, c: Context) -> None:
    searchindex.write(target / searchindex.FILE, c.release.quads)  # full-text search, kg serve


def write_sums(target: Path) -> None:
    sums = []
    for name in sorted(p.name for p in target.iterdir() if p.is_file()):
        digest = hashlib.sha256((target / name).read_bytes()).hexdigest()
        sums.append(f"{digest}  {name}")
    (target / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


Writer = Callable[[Path, Context], None]
# Every file of the release, in the order written (void.ttl after the dumps it sizes).
def _write_summary(target: Path, c: Context) -> None:
    """The counts the whole-graph questions read (kg.release.summary, dist/summary.ttl)."""
    summary_graph.write(target, c.release.triples)


WRITERS: list[tuple[str, Writer]] = [
    ("annotations", _write_annotations),
    ("rdf_dumps", _write_rdf_dumps),
    ("ontology", _write_ontology),
    ("void", _write_void),
    ("reports", _write_reports),
    ("searchindex", _write_searchindex),
    ("summary", _write_summary),
]


# Written by a forked child beside the others when the release is small enough to fork
# (on the real graph these take about half of the writers' 1.0-1.4 s; measured, a
# rebuild after a label edit went from 2.65-2.88 s to 2.42-2.59 s wall); void.ttl sizes
# the dumps, so the parent writes it once the child has answered.
FORKED_WRITERS = ("rdf_dumps", "ontology", "reports")
_AFTER_FORKED = ("void",)


def write_release(target: Path, context: Context, timings: dict | None = None,
                  parallel: bool = False) -> None:
    """Every file of the release into target, then SHA256SUMS over them. With
    `parallel`, FORKED_WRITERS run in a forked child (kg.core.forked) on the second core
    while this process writes the rest; a child that fails fails the build, as the
    writer would have in line."""
    timings = {} if timings is None else timings
    child = None
    if parallel and forked_available():
        with suppress(OSError):  # no fork to be had: every writer in line
            child = Forked(lambda: _write(target, context, FORKED_WRITERS, {}))
    try:
        mine = [n for n, _ in WRITERS if child is None or n not in FORKED_WRITERS]
        _write(target, context, [n for n in mine if child is None or n not in _AFTER_FORKED],
               timings)
        if child is not None:
            whole, answer = child.wait()
            if not whole:
                raise KgError(f"writing {', '.join(FORKED_WRITERS)} failed: {child.failure}")
            timings.update(answer)
            _write(target, context, [n for n in mine if n in _AFTER_FORKED], timings)
    finally:
        if child is not None:
            child.cancel()
    write_sums(target)


def _write(target: Path, context: Context, names, timings: dict) -> dict:
    """The writers named, in WRITERS' order, each timed."""
    for name, writer in WRITERS:
        if name in names:
            start = time.perf_counter()
            writer(target, context)
            timings[f"write_{name}"] = time.perf_counter() - start
    return timings


# Up to this size the shapes run beside the rest of the build (a forked child on the
# second core, kg.validation.pending; the pages it writes to are copied, up to one
# graph's worth of memory more); above it one after the other: at 1M triples the
# overlap raised the peak RSS from 4.4 to 5.8 GB and, on a loaded machine, gained no time.
PARALLEL_MAX_TRIPLES = 200_000


class _NotValid(Exception):
    """The quick verdict came back negative: the slow way must say why."""


# Allocations between two young-generation collections of the cyclic garbage collector
# during a build (Python's default: 700). The build makes millions of small tuples and
# terms, nearly none of them in cycles, and at 700 the collector cost a fifth of the
# parent's CPU on the real graph (2.87 s -> 2.28 s at 30,000). Higher gained no more
# and cost memory: at 100,000 the 100k synthetic graph (built in line) peaked at 647 MB
# against 548 MB at 30,000 and 550 MB at 700.
GC_YOUNG_THRESHOLD = 30_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The collector's young threshold raised for the duration of a build (a forked
    verdict child inherits it), then put back as it was."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_YOUNG_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def build(settings: Settings) -> BuildResult:
    """Validate, then write and publish the release (kg.release.build._build), with
    fewer garbage collections meanwhile."""
    with _fewer_collections():
        return _build(settings)


def _build(settings: Settings) -> BuildResult:
    """Validate, then write and publish the release.

    The quick way first (kg.validation.verdict): files parsed by pyoxigraph; then the
    shapes' verdict in a forked child (kg.validation.pending) while this process runs
    the checks, and, if they find nothing, assembles and writes the release to its
    staging folder, which is published only once the child has answered that the graph
    conforms. If anything is found (or the child gives no whole answer), that staging
    folder is dropped and the project is validated the slow way (every finding with its
    file:line), as `validate_slow` does."""
    start = time.perf_counter()
    timings: dict[str, float] = {}
    sources = SourceLibrary(settings.seeds_dir)
    corpus = Corpus.load_fast(settings)
    checked: dict[str, float] = {"parse": time.perf_counter() - start}
    if corpus is not None:
        cache = Cache(settings.cache_dir)
        # merged before the fork: the checks need it too, and the child shares its pages
        pending = None
        if len(corpus.merged) <= PARALLEL_MAX_TRIPLES and pending_available():
            with suppress(OSError):  # no fork to be had (processes, memory): in line
                pending = Pending(corpus, cache, checked)
        try:
            if checks_pass(corpus, sources, checked):
                if pending is None:  # one at a time: no safe fork here, or too big to copy
                    ok = conforms(corpus, cache, checked)
                    verdict = lambda: ok  # noqa: E731
                else:
                    verdict = pending.wait
                box, corpus = [corpus], None  # _release lets go of it once assembled
                try:
                    return _release(settings, box, sources, Report(timings=checked),
                                    timings, start, verdict,
                                    idle=pending.done if pending is not None else None)
                except _NotValid:
                    timings.clear()
        finally:
            if pending is not None:
                pending.cancel()  # a child still running is not needed any more
    corpus = None
    slow, report = validate_slow(settings, sources)
    if not report.ok:
        raise BuildFailed(report)
    box, slow = [slow], None
    return _release(settings, box, sources, report, timings, start, None)


def _release(settings: Settings, box: list[Corpus], sources: SourceLibrary, report: Report,
             timings: dict[str, float], start: float,
             verdict: Callable[[], bool] | None,
             idle: Callable[[], bool] | None = None) -> BuildResult:
    """Coverage, assembly, the files, publication; with a pending verdict, publish
    only if it is positive (else _NotValid: a finding explains any other failure too,
    as validation came before everything else). `idle` says whether the verdict's child
    has ended: only then do the writers take the second core (on a cold build the
    shapes still hold it, and a third process made the build slower: 3.6-4.1 s against
    3.5-4.0 s; on a rebuild, where few shapes run again, it is idle)."""
    corpus = box.pop()
    try:
        step = time.perf_counter()
        coverage = compute_corpus(corpus, sources)  # bad set-aside files stop the build here
        timings["coverage"] = time.perf_counter() - step
        step = time.perf_counter()
        release = assemble_release(corpus, sources)
        del corpus  # its graphs and merges: the release holds what the writers need
        timings["assemble"] = time.perf_counter() - step
        step = time.perf_counter()
        summary = summarize(release.per_graph, release.whole, report)
        timings["summarize"] = time.perf_counter() - step
        dist = settings.dist_dir
        dist.parent.mkdir(parents=True, exist_ok=True)
        staging = staging_dir(dist)
        try:
            write_release(staging, Context(release, summary, sources, coverage), timings,
                          parallel=len(release.keyed) <= PARALLEL_MAX_TRIPLES
                          and (idle is None or idle()))
            step = time.perf_counter()
            if verdict is not None and not verdict():
                raise _NotValid
            timings["wait_for_shacl"] = time.perf_counter() - step
            step = time.perf_counter()
            publish(staging, dist)
            timings["publish"] = time.perf_counter() - step
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except _NotValid:
        raise
    except Exception:  # not KeyboardInterrupt: an interrupted build stops, unexplained
        if verdict is not None and not verdict():
            raise _NotValid from None
        raise
    report.timings.setdefault("total", sum(v for v in report.timings.values()
                                           if isinstance(v, float)))  # ints are counts
    timings = {**{f"validate_{k}": v for k, v in report.timings.items()}, **timings,
               "total": time.perf_counter() - start}
    return BuildResult(dist, summary, report, timings)


__all__ = ["build", "BuildFailed", "BuildResult", "RELEASE_FILES", "release_files", "WRITERS"]
