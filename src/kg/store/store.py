"""The serving store: the release in dist/ loaded into an embedded Oxigraph store.

Oxigraph is chosen over rdflib's own SPARQL engine because it is compiled and answers
competency queries one to two orders of magnitude faster (numbers in docs/ENDPOINT.md,
from benchmarks/store_choice.py). The store
only ever reads a complete release; it never sees the curated source files.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import KgError
from ..core.namespaces import MGG
from ..core.settings import Settings
from ..release.summary import FILE as SUMMARY_FILE
from ..release.summary import GRAPH as SUMMARY_IRI

log = logging.getLogger("kg.store")

RELEASE_DATASET = "mgkg.trig"
VOID_FILE = "void.ttl"
VOID_GRAPH = ox.NamedNode(MGG + "void")
SUMMARY_GRAPH = ox.NamedNode(SUMMARY_IRI)


def release_path(settings: Settings) -> Path:
    return settings.dist_dir / RELEASE_DATASET


def ensure_release(settings: Settings) -> Path:
    """The release dataset, building it first if dist/ has none."""
    path = release_path(settings)
    if not path.is_file():
        from ..release.build import build  # only when no release exists yet

        # A first `kg serve` spends some seconds here: say so, or it looks hung.
        log.info("no release in %s yet: building it from data/ first (kg build) ...",
                 settings.dist_dir)
        started = time.perf_counter()
        build(settings)
        log.info("built %s in %.1f s", settings.dist_dir, time.perf_counter() - started)
    if not path.is_file():
        raise KgError(f"no release at {path}; run `kg build`")
    return path


def load_store(settings: Settings, path: Path | None = None) -> ox.Store:
    """An in-memory store holding every named graph of the release (and the VoID
    description and the summary counts the release ships, each as its own named
    graph), with their union as the default graph.

    Every reader of the store (the endpoint's workers, `kg query`, the pages, the tests)
    thus asks the same question the same way: the default graph is the union as a set,
    and a query's own FROM clauses are honoured."""
    # Resolved first: dist is a link that a build may switch while this reads, and the
    # dataset and its description must come from the same release.
    path = (path or ensure_release(settings)).resolve()
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    void = path.parent / VOID_FILE
    if void.is_file():
        store.bulk_load(path=str(void), format=ox.RdfFormat.TURTLE, to_graph=VOID_GRAPH)
    summary = path.parent / SUMMARY_FILE
    if summary.is_file():
        store.bulk_load(path=str(summary), format=ox.RdfFormat.TURTLE, to_graph=SUMMARY_GRAPH)
    materialize_union(store)
    return store


def materialize_union(store: ox.Store) -> int:
    """Copy the triples of every named graph into the store's default graph.

    The endpoint's default graph is the union of the named graphs. pyoxigraph's
    `use_default_graph_as_union` gives that view, but it repeats a triple once per graph
    that holds it (an RDF graph is a set) and it overrides a query's own FROM clauses.
    A real default graph holding the merge has neither problem, and GRAPH ?g still sees
    only the named graphs. Readers of quads that want the named graphs only skip the
    default graph (kg.web.view does); returns the number of triples it then holds.
    """
    # Done inside the engine: several times faster than copying quads through Python.
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(next(iter(count))[0].value)
