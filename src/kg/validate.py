"""Everything that decides whether a release may be built: checks, then SHACL."""

from __future__ import annotations

from .checks import run_checks
from .corpus import Corpus
from .diagnostics import Report
from .settings import Settings
from .shacl import shacl_diagnostics
from .sources import SourceLibrary


def validate_corpus(corpus: Corpus, sources: SourceLibrary) -> Report:
    report = Report(run_checks(corpus, sources))
    if not corpus.syntax_errors:  # SHACL over a partial graph would only add noise
        report.extend(shacl_diagnostics(corpus, corpus.merged))
    return report


def validate(settings: Settings) -> tuple[Corpus, Report]:
    corpus = Corpus.load(settings)
    return corpus, validate_corpus(corpus, SourceLibrary(settings.seeds_dir))
