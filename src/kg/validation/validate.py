"""Everything that decides whether a release may be built: the checks, then the shapes.

`validate(settings)` validates a project (what `kg validate` and `kg build` run);
`validate_files(files, shapes)` validates exactly the union of some Turtle files against
some shapes (what `kg validate FILE...` runs, e.g. a publisher's data beside our release);
`validate_graph(graph, shapes_dir)` runs only the shapes on a graph in memory, without
files or source texts, for benchmarks of synthetic graphs. All record how long each
stage took in `Report.timings`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..core.cache import Cache
from ..core.errors import KgError
from ..core.settings import Settings
from ..input.corpus import Corpus, shapes_files
from ..input.rdfio import Locator, TurtleSyntaxError, parse_turtle
from ..input.sources import SourceLibrary
from .checks import Checker
from .diagnostics import INFO, Diagnostic, DiagnosticMaker, Report, relative
from .explain import diagnostics, shacl_diagnostics
from .shacl import Outcome, Shapes, lexical_literals, run
from .verdict import valid


def validate_corpus(corpus: Corpus, sources: SourceLibrary,
                    partial: bool = False) -> Report:
    """Checks first, then SHACL over the ontology plus all data.

    A syntax error leaves the graph incomplete, and SHACL over a partial graph reports
    things that are not wrong (a label "missing" because the file giving it did not
    parse); so by default SHACL waits until the syntax is fixed. `partial=True` runs it
    anyway, for `kg check`, which only shows the findings in the files it was given."""
    report = Report()
    start = time.perf_counter()
    maker = DiagnosticMaker.for_corpus(corpus)
    checker = Checker(corpus, sources, maker)
    report.extend(checker.run())
    report.timings["checks"] = time.perf_counter() - start
    if corpus.syntax_errors and not partial:
        report.add(Diagnostic(INFO, "shacl-skipped",
                              "SHACL validation runs once the syntax errors are fixed"))
        return report
    start = time.perf_counter()
    shapes = Shapes.load(shapes_files(corpus.settings), root=corpus.settings.root)
    report.timings["shapes_load"] = time.perf_counter() - start
    report.extend(shacl_diagnostics(shapes, corpus.merged, maker,
                                    skip_properties=set(checker.undeclared),
                                    timings=report.timings))
    return report


def validate_project(settings: Settings, sources: SourceLibrary) -> tuple[Corpus, Report]:
    """What `kg build` validates, the fast way when it can be.

    The files are first parsed by pyoxigraph, without positions (Corpus.load_fast), and
    every check and shape runs on that (kg.validation.verdict). Only positions are
    missing there, and findings need them (file:line); so when pyoxigraph refuses a
    file, or anything at all is found, the project is parsed and validated again
    exactly as before (rdflib's parser
    noting every triple's line), and that report is the one returned. A valid project
    is thus judged by the same checks on the same triples, and an invalid one gets the
    same messages at the same lines as ever."""
    start = time.perf_counter()
    corpus = Corpus.load_fast(settings)
    timings = {"parse": time.perf_counter() - start}
    if corpus is not None and valid(corpus, sources, Cache(settings.cache_dir), timings):
        return corpus, Report(timings={**timings, "total": time.perf_counter() - start})
    return validate_slow(settings, sources)


def validate_slow(settings: Settings, sources: SourceLibrary) -> tuple[Corpus, Report]:
    """The project parsed by rdflib with every triple's line, checks then shapes: the
    report whose every finding names its file and line."""
    start = time.perf_counter()
    corpus = Corpus.load(settings)
    parsed = time.perf_counter() - start
    report = validate_corpus(corpus, sources)
    report.timings = {"parse_with_lines": parsed, **report.timings,
                      "total": time.perf_counter() - start}
    return corpus, report


def validate(settings: Settings) -> tuple[Corpus, Report]:
    start = time.perf_counter()
    corpus = Corpus.load(settings)
    corpus.merged  # noqa: B018 - built here so its time counts as parsing
    parsed = time.perf_counter() - start
    report = validate_corpus(corpus, SourceLibrary(settings.seeds_dir))
    report.timings = {"parse": parsed, **report.timings,
                      "total": time.perf_counter() - start}
    return corpus, report


def validate_graph(graph: Graph, shapes_dir: Path) -> Report:
    """SHACL alone over a graph in memory (ontology and data already merged into it).

    No quote or SHA-256 checks (they need the seed texts) and no lines (the graph has no
    files); the shapes are those of shapes_dir/shapes*.ttl."""
    start = time.perf_counter()
    shapes = Shapes.load(sorted(Path(shapes_dir).glob("shapes*.ttl")), root=Path(shapes_dir))
    report = Report(timings={"shapes_load": time.perf_counter() - start})
    maker = DiagnosticMaker(graph, Locator({}), Path(shapes_dir))
    report.extend(shacl_diagnostics(shapes, graph, maker, timings=report.timings))
    report.timings["total"] = time.perf_counter() - start
    return report


class UnreadableInput(KgError):
    """A data file given to `kg validate` cannot be read or parsed: exit 2."""

    exit_code = 2


@dataclass
class FilesValidation:
    outcome: Outcome
    report: Report  # the results as diagnostics at file:line, for text and JSON
    shapes: Shapes
    data: Graph


def validate_files(files: list[Path], shapes_paths: list[Path],
                   root: Path | None = None) -> FilesValidation:
    """SHACL over exactly the union of the given Turtle files, nothing merged in.

    Literals are kept as written, so that an ill-typed one is reported by sh:datatype
    rather than repaired by the parser. Raises UnreadableInput or ShapesRefused (exit 2)."""
    root = Path(root or Path.cwd()).resolve()
    start = time.perf_counter()
    shapes = Shapes.load(shapes_paths, root=root)
    if shapes is None:
        raise UnreadableInput("no shapes files given")
    timings = {"shapes_load": time.perf_counter() - start}
    start = time.perf_counter()
    graphs: dict[Path, Graph] = {}
    for path in files:
        try:
            with lexical_literals():
                graphs[Path(path)] = parse_turtle(path)
        except TurtleSyntaxError as exc:
            where = relative(exc.path, root) + (f":{exc.line}" if exc.line else "")
            raise UnreadableInput(f"{where}: {exc.message}") from exc
    data = Graph()
    for graph in graphs.values():
        for prefix, namespace in graph.namespaces():
            data.bind(prefix, namespace, override=False)
        data += graph
    timings["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    outcome = run(shapes, data)
    timings["shacl"] = time.perf_counter() - start
    maker = DiagnosticMaker(data, Locator(graphs), root)
    report = Report(diagnostics(shapes, outcome, maker), timings=timings)
    return FilesValidation(outcome, report, shapes, data)
