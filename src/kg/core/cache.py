"""A content-addressed cache for the build: answers already computed, kept between runs.

Every entry is keyed by the SHA-256 of everything its answer depends on, the code that
computes it included (CODE_VERSION: the package's version and the bytes of its input,
validation and release modules). An entry can therefore never be stale: change a byte of
a data file, an ontology or shapes file, a seed text or the code and the key changes, so
the entry is not found and the answer is computed again. Entries are small JSON files
under the cache folder (Settings.cache_dir, `.cache/` of the project by default, never
dist/), each written to a temporary name and renamed, so a killed build leaves whole
entries or none. A missing or unreadable cache only makes a build slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]
_CODE_DIRS = ("core", "input", "validation", "release")


@cache
def code_version() -> str:
    """SHA-256 over the package version and every module that decides a build's answers."""
    from .. import __version__

    digest = hashlib.sha256(__version__.encode())
    for folder in _CODE_DIRS:
        for path in sorted((_PACKAGE / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(*parts: str | bytes) -> str:
    """The SHA-256 of the parts (each length-prefixed, so parts cannot run together)."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class Cache:
    """Entries of one kind ("shapes", "quotes", ...) in cache_dir/<kind>/<key>.json."""

    def __init__(self, root: Path | None):
        self.root = Path(root) if root is not None else None

    def _path(self, kind: str, entry: str) -> Path | None:
        return None if self.root is None else self.root / kind / f"{entry}.json"

    def get(self, kind: str, entry: str):
        path = self._path(kind, entry)
        if path is None:
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def has(self, kind: str, entry: str) -> bool:
        """Whether an entry is there (without reading it: some are large)."""
        path = self._path(kind, entry)
        return path is not None and path.is_file()

    def prune(self, kind: str, prefix: str, keep: set[str]) -> None:
        """Remove the entries of a kind whose key starts with prefix, but those kept."""
        if self.root is None:
            return
        for path in (self.root / kind).glob(f"{prefix}*.json"):
            if path.stem not in keep:
                with contextlib.suppress(OSError):  # gone already: as good
                    path.unlink()

    def put(self, kind: str, entry: str, value) -> None:
        path = self._path(kind, entry)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full disk only costs the next build its time


__all__ = ["Cache", "code_version", "file_digest", "key"]
