"""The curated input: ontology files and data files, parsed once, kept per file and merged."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph

from .namespaces import bind_all, graph_iri
from .rdfio import LineIndex, TurtleSyntaxError, parse_turtle
from .settings import Settings

SHAPES_PREFIX = "shapes"


def ontology_files(settings: Settings) -> list[Path]:
    """Ontology Turtle files; SHACL shapes files (shapes*.ttl) are not part of the ontology."""
    return sorted(
        p for p in settings.ontology_dir.glob("*.ttl") if not p.name.startswith(SHAPES_PREFIX)
    )


def shapes_files(settings: Settings) -> list[Path]:
    return sorted(settings.ontology_dir.glob(f"{SHAPES_PREFIX}*.ttl"))


def data_files(settings: Settings) -> list[Path]:
    return sorted(settings.data_dir.glob("*.ttl"))


@dataclass
class Corpus:
    settings: Settings
    graphs: dict[Path, Graph] = field(default_factory=dict)
    ontology_paths: list[Path] = field(default_factory=list)
    data_paths: list[Path] = field(default_factory=list)
    syntax_errors: list[TurtleSyntaxError] = field(default_factory=list)

    @classmethod
    def load(cls, settings: Settings, only: list[Path] | None = None) -> Corpus:
        """Parse every file, collecting (not raising) syntax errors so all are reported."""
        corpus = cls(settings)
        corpus.ontology_paths = ontology_files(settings)
        corpus.data_paths = data_files(settings)
        for extra in only or []:
            extra = Path(extra).resolve()
            if extra not in corpus.data_paths and extra not in corpus.ontology_paths:
                corpus.data_paths.append(extra)
        for path in corpus.ontology_paths + corpus.data_paths:
            try:
                corpus.graphs[path] = parse_turtle(path)
            except TurtleSyntaxError as exc:
                corpus.syntax_errors.append(exc)
        return corpus

    def _merge(self, paths) -> Graph:
        merged = Graph()
        bind_all(merged)
        for path in paths:
            if path in self.graphs:
                merged += self.graphs[path]
        return merged

    @cached_property
    def ontology(self) -> Graph:
        return self._merge(self.ontology_paths)

    @cached_property
    def data(self) -> Graph:
        return self._merge(self.data_paths)

    @cached_property
    def merged(self) -> Graph:
        return self._merge(self.ontology_paths + self.data_paths)

    def named_graph(self, path: Path):
        return graph_iri(path.stem)

    @cached_property
    def line_indexes(self) -> dict[Path, LineIndex]:
        return {path: LineIndex(path) for path in self.graphs}

    def files_with_subject(self, subject) -> list[Path]:
        return [p for p, g in self.graphs.items() if (subject, None, None) in g]

    def locate(self, s, p=None, o=None) -> tuple[Path | None, int | None]:
        """The data (or ontology) file and line where a triple, or else its subject, was written."""
        candidates = [
            path for path, g in self.graphs.items()
            if p is not None and (s, p, o) in g
        ] or self.files_with_subject(s)
        if not candidates:
            return None, None
        path = candidates[0]
        index = self.line_indexes[path]
        line = index.line_of_triple(s, p, o) if p is not None else index.line_of(s)
        return path, line
