"""One settings object for every command: defaults < environment (MGKG_*) < CLI flags.

Passing the object explicitly (never a module global) keeps tests able to run several
configurations side by side in one process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


def find_project_root(start: Path | None = None) -> Path:
    """The nearest directory upwards holding ontology/mgkg.ttl, else the start directory."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "ontology" / "mgkg.ttl").is_file():
            return candidate
    return here


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=find_project_root)
    ontology_dir: Path | None = None
    data_dir: Path | None = None
    dist_dir: Path | None = None
    seeds_dir: Path | None = None
    cache_dir: Path | None = None  # answers kept between builds (kg.core.cache); not dist/
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 24  # HTTP threads; a waiting request holds one (heavy lane, pages)
    workers: int = 0  # query worker processes; 0 = one per CPU (at least 2, at most threads)
    query_memory_mb: int = 2048  # memory a query worker may add before its query is stopped
    query_timeout: float = 10.0  # seconds a query may run before it is stopped (503)
    max_rows: int = 10000  # rows a SELECT returns before the result is cut (and flagged)
    max_response_bytes: int = 50 * 1024 * 1024
    max_request_bytes: int = 1024 * 1024
    base_iri: str = "https://w3id.org/mgkg/"
    public_url: str | None = None  # where the server is reached, if not http://host:port
    # Fairness (kg.endpoint.admission): what one client (address) may hold. 0 = no limit.
    client_queries: int = 16  # queries of one client in the server at once (429 beyond)
    client_heavy: int = 2  # heavy queries of one client running or queued (429 beyond)
    client_query_seconds: float = 30.0  # heavy query-seconds per client per minute (429)
    light_seconds: float = 0.25  # a query running longer than this is heavy
    heavy_queue: int = 4  # heavy queries waiting for a heavy slot, all clients (429 beyond)
    max_nesting: int = 64  # brackets a query may nest ({ and ( together) before a 400
    trusted_proxy: str | None = None  # address of a proxy whose X-Forwarded-For is believed
    # Connections (kg.endpoint.connections): deadlines a slow sender cannot reset.
    max_connections: int = 4096  # open connections in all; the server stops accepting at it
    client_connections: int = 64  # open connections of one address (closed at once beyond)
    header_timeout: float = 10.0  # seconds from a request's first byte to its last header
    body_timeout: float = 30.0  # seconds from a request's first byte to its last body byte
    idle_timeout: float = 15.0  # seconds a kept-alive connection may wait for a request
    request_timeout: float = 120.0  # seconds from a request's first byte to its response sent
    # Pages (kg.web.pagecache): rendered once per release and representation.
    page_renders: int = 1  # pages rendered at once (the rest wait, bounded); they share
    # one interpreter lock, so a second renderer adds no throughput, only contention
    page_cache_mb: int = 64  # memory the cache of rendered pages may use
    # SPARQL answers (kg.endpoint.answercache): kept per release, LRU; 0 = none.
    answer_cache_mb: int = 64
    # Releases (kg.endpoint.live): how often dist is checked for a new release; 0 = never.
    reload_interval: float = 1.0

    def __post_init__(self) -> None:
        root = Path(self.root).resolve()
        object.__setattr__(self, "root", root)
        defaults = {
            "ontology_dir": root / "ontology",
            "data_dir": root / "data",
            "dist_dir": root / "dist",
            "seeds_dir": root.parent / "shared" / "seeds",
            "cache_dir": root / ".cache",
        }
        for name, default in defaults.items():
            value = getattr(self, name)
            # Absolute but not resolved: dist is a link a build switches, and a server
            # watching it must keep the link's name, not the folder it named at start.
            object.__setattr__(self, name, Path(os.path.abspath(value)) if value else default)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Read MGKG_<FIELD> variables, then apply explicit (CLI) overrides that are not None."""
        env = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            raw = env.get("MGKG_" + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _coerce(f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)


def _coerce(type_name: str | type, raw: str):
    t = str(type_name)
    if t.startswith("int"):
        return int(raw)
    if t.startswith("float"):
        return float(raw)
    if "Path" in t:
        return Path(raw)
    return raw
