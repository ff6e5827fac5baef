"""Everything that decides whether a release may be built: the checks, then the shapes.

`validate(settings)` validates a project (what `kg validate` and `kg build` run);
`validate_graph(graph, shapes_dir)` runs only the shapes on a graph in memory, without
files or source texts, for benchmarks of synthetic graphs. Both record how long each
stage took in `Report.timings`.
"""

from __future__ import annotations

import time
from pathlib import Path

from rdflib import Graph

from ..core.settings import Settings
from ..input.corpus import Corpus, shapes_files
from ..input.rdfio import Locator
from ..input.sources import SourceLibrary
from .checks import Checker
from .diagnostics import INFO, Diagnostic, DiagnosticMaker, Report
from .shacl import Shapes, shacl_diagnostics


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
    shapes = Shapes.load(shapes_files(corpus.settings))
    report.timings["shapes_load"] = time.perf_counter() - start
    report.extend(shacl_diagnostics(shapes, corpus.merged, maker,
                                    skip_properties=set(checker.undeclared),
                                    timings=report.timings))
    return report


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
    shapes = Shapes.load(sorted(Path(shapes_dir).glob("shapes*.ttl")))
    report = Report(timings={"shapes_load": time.perf_counter() - start})
    maker = DiagnosticMaker(graph, Locator({}), Path(shapes_dir))
    report.extend(shacl_diagnostics(shapes, graph, maker, timings=report.timings))
    report.timings["total"] = time.perf_counter() - start
    return report
