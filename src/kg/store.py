"""The serving store: the release in dist/ loaded into an embedded Oxigraph store.

Oxigraph is chosen over rdflib's own SPARQL engine because it is compiled and answers
competency queries one to two orders of magnitude faster (see benchmarks/). The store
only ever reads a complete release; it never sees the curated source files.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import KgError
from .namespaces import MGG
from .settings import Settings

RELEASE_DATASET = "mgkg.trig"
VOID_FILE = "void.ttl"
VOID_GRAPH = ox.NamedNode(str(MGG["void"]))


def release_path(settings: Settings) -> Path:
    return settings.dist_dir / RELEASE_DATASET


def ensure_release(settings: Settings) -> Path:
    """The release dataset, building it first if dist/ has none."""
    path = release_path(settings)
    if not path.is_file():
        from .build import build  # only when no release exists yet

        build(settings)
    if not path.is_file():
        raise KgError(f"no release at {path}; run `kg build`")
    return path


def load_store(settings: Settings, path: Path | None = None) -> ox.Store:
    """An in-memory store holding every named graph of the release (and extra *.trig/*.ttl
    descriptions the release ships, such as the VoID description)."""
    path = path or ensure_release(settings)
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    void = path.parent / VOID_FILE
    if void.is_file():
        store.bulk_load(path=str(void), format=ox.RdfFormat.TURTLE, to_graph=VOID_GRAPH)
    return store
