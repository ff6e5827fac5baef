"""The files a release holds, with their media types: one list for the build, which
writes and checksums them, and for the download pages, which serve them.

Kept apart from build.py so the serving processes can read the list without importing
the build (and rdflib with it)."""

from __future__ import annotations

from pathlib import Path

SEARCH_INDEX = "search.sqlite"  # kg.release.searchindex.FILE

RELEASE_FILES = {
    "mgkg.ttl": "text/turtle",
    "mgkg.owl": "application/rdf+xml",
    "catalog-v001.xml": "application/xml",
    "context.jsonld": "application/ld+json",
    "mgkg.nt": "application/n-triples",
    "mgkg.jsonld": "application/ld+json",
    "mgkg.trig": "application/trig",
    "void.ttl": "text/turtle",
    "summary.ttl": "text/turtle",
    "ontology.ttl": "text/turtle",
    "ontology.owl": "application/rdf+xml",
    "build-report.json": "application/json",
    "build-report.md": "text/markdown",
    "coverage.json": "application/json",
    SEARCH_INDEX: "application/vnd.sqlite3",
    "SHA256SUMS": "text/plain",
}


def annotations_file(stem: str) -> str:
    """The evidence annotations of one source (kg.release.annotations writes them)."""
    return f"annotations-{stem}.jsonld"


def release_files(dist: Path | None = None) -> dict[str, str]:
    """Every file a release holds, with its media type: the fixed ones, and the evidence
    annotations, one file per source (annotations-<stem>.jsonld) found in dist."""
    files = dict(RELEASE_FILES)
    if dist is not None and dist.is_dir():
        for path in sorted(dist.glob(annotations_file("*"))):
            files[path.name] = "application/ld+json"
    return files


__all__ = ["RELEASE_FILES", "SEARCH_INDEX", "annotations_file", "release_files"]
