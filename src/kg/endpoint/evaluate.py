"""What one query costs and answers: its limits, the job a request sends, the answer a
worker returns, and the evaluation itself (parse, run, serialise within the limits).

Kept apart from the pool (executor.py) because it is the part that runs in a worker and
the part benchmarks and tests call directly, without processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..core.namespaces import PREFIXES
from ..core.settings import Settings
from ..store.query import run
from .negotiate import GRAPH_FORMATS, RESULT_FORMATS, Format, UnknownFormat, by_name, choose
from .negotiate import names as format_names
from .results import solution_rows, write_boolean, write_graph, write_select


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_bytes: int
    base_iri: str | None

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.max_rows, settings.max_response_bytes, settings.base_iri)


@dataclass(frozen=True)
class Job:
    """One query as the protocol delivered it."""

    query: str
    accept: str | None = None
    format: str | None = None  # the `format` parameter; wins over Accept
    # The protocol's dataset (default-graph-uri / named-graph-uri). None for both means
    # the protocol named no dataset: the query's FROM clauses, or the union default graph.
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    kind: str | None = None  # "results", "boolean" or "graph"
    count: int | None = None  # rows or triples sent
    truncated: str | None = None  # "rows" or "bytes"
    limit: int | None = None
    seconds: float = 0.0  # time spent evaluating and writing, in the worker
    headers: dict[str, str] = field(default_factory=dict)
    release: str | None = None  # the release the worker answered from

    @classmethod
    def error(cls, status: int, message: str, **headers: str) -> Answer:
        return cls(status, (message.rstrip() + "\n").encode(), headers=dict(headers))


class Refused(Exception):
    """A request the endpoint will not answer, with the HTTP status that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def pick_format(kind: str, accept: str | None, fmt: str | None) -> Format:
    """The response format for a kind of result; Refused(400/406) when there is none."""
    offers = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
    what = "CONSTRUCT and DESCRIBE" if kind == "graph" else "SELECT and ASK"
    if fmt:
        try:
            chosen = by_name(fmt, offers)
        except UnknownFormat:
            raise Refused(400, f"unknown format {fmt!r}; {what} results can be sent as "
                               f"{format_names(offers)}") from None
        if chosen is None:
            raise Refused(406, f"format {fmt!r} is not available for {what} results; "
                               f"choose one of {format_names(offers)}")
        return chosen
    chosen = choose(accept, offers)
    if chosen is None:
        raise Refused(406, f"none of the media types in Accept ({accept}) is available for "
                           f"{what} results; this endpoint sends {format_names(offers)}")
    return chosen


def evaluate(store: ox.Store, job: Job, limits: Limits) -> Answer:
    """Run one query and write its response. Runs inside a worker; never raises."""
    start = time.perf_counter()
    try:
        # The same evaluation as `kg query` and the pages (kg.store.query.run).
        result = run(store, job.query, base_iri=limits.base_iri,
                     default_graphs=job.default_graphs, named_graphs=job.named_graphs)
        if isinstance(result, ox.QueryBoolean):
            kind, fmt = "boolean", pick_format("results", job.accept, job.format)
            body = write_boolean(fmt, bool(result))
        elif isinstance(result, ox.QuerySolutions):
            kind, fmt = "results", pick_format("results", job.accept, job.format)
            body = write_select(fmt, [v.value for v in result.variables], solution_rows(result),
                                limits.max_rows, limits.max_bytes)
        else:
            kind, fmt = "graph", pick_format("graph", job.accept, job.format)
            body = write_graph(fmt, result, limits.max_rows, limits.max_bytes, PREFIXES)
    except Refused as exc:
        return Answer.error(exc.status, exc.message)
    except SyntaxError as exc:
        return Answer.error(400, f"SPARQL syntax error: {exc}")
    except MemoryError:
        return Answer.error(503, "the query was stopped: it needed more memory than a query "
                                 "may use on this server")
    except Exception as exc:  # an evaluation error the query caused (bad IRI, SERVICE, ...)
        message = str(exc) or type(exc).__name__
        if "SERVICE" in job.query.upper() and isinstance(exc, OSError):
            return Answer.error(400, "SERVICE (federated query) is disabled on this endpoint")
        return Answer.error(400, f"query evaluation failed: {message}")
    limit = None
    if body.truncated:
        limit = limits.max_rows if body.truncated == "rows" else limits.max_bytes
    return Answer(200, body.data, fmt.content_type, kind, body.count, body.truncated, limit,
                  time.perf_counter() - start)


