"""Answers kept per release, and the validators that make HTTP caching exact.

A release is immutable and the store is never written, so the answer to a query is a
function of the release, the query text, the dataset the protocol names, the format
negotiated and the caps (rows, bytes) of the server. That makes two things exact:

- an `ETag` derived from exactly those inputs (the release id is the hash of the
  release's SHA256SUMS), computed *before* evaluation, so a client's `If-None-Match`
  is answered 304 without running the query;
- an answer cache keyed by the same inputs (with the client's Accept header as sent, so
  a lookup needs no negotiation and no parsing of the query), bounded in bytes (LRU),
  whose entries carry their release: a new release starts with none of the old one's
  answers, and a key always names its release, so an old answer can never be served
  for a new one.

Only deterministic answers are kept or given an ETag: a query that calls NOW(), RAND(),
UUID(), STRUUID() or BNODE() may answer differently each time, so it is always
evaluated. Only 200 answers are kept; a timeout, a refusal or an error is never cached.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from ..store.sparqltext import keywords

NONDETERMINISTIC = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})
OVERHEAD = 400  # bytes an entry costs beyond its body (key, headers, bookkeeping)
CACHE_CONTROL = "public, no-cache"  # a release may be swapped in at any time: revalidate


def deterministic(query: str) -> bool:
    """False when the query calls a function whose value changes between evaluations."""
    upper = query.upper()
    if not any(word in upper for word in NONDETERMINISTIC):  # the common case, no lexing
        return True
    return not NONDETERMINISTIC.intersection(keywords(query))


def key(release: str, query: str, fmt: str | None, accept: str | None,
        dataset: tuple | None) -> tuple:
    """What an answer depends on, as a request states it (Accept as sent)."""
    return (release, query.strip(), fmt, accept, dataset)


def etag(release: str, limits: tuple, query: str, media_type: str, dataset: tuple | None) -> str:
    """A strong validator for (release, caps, query, negotiated type, dataset)."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (release, repr(limits), query.strip(), media_type, repr(dataset)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return f'"{release}-{digest.hexdigest()}"'


def if_none_match(header: str | None, tag: str) -> bool:
    """Whether an If-None-Match header matches tag (RFC 9110 13.1.2: weak comparison)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = tag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == bare for part in header.split(","))


@dataclass(frozen=True)
class Entry:
    """One answer, with what its response and its access-log line need."""

    release: str
    body: bytes
    content_type: str
    etag: str
    form: str
    count: int | None
    truncated: str | None
    limit: int | None
    seconds: float  # evaluation time when it was computed

    def headers(self) -> list[tuple[str, str]]:
        """The answer's own headers (the server adds CORS, security and request ids)."""
        out = [("Vary", "Accept"), ("ETag", self.etag), ("Cache-Control", CACHE_CONTROL),
               ("X-MGKG-Truncated", "true" if self.truncated else "false")]
        if self.count is not None:
            out.append(("X-MGKG-Rows", str(self.count)))
        if self.truncated:
            out.append(("X-MGKG-Limit", f"{self.truncated}={self.limit}"))
        out.append(("Server-Timing", f"query;dur={self.seconds * 1000:.2f}, cache;desc=hit"))
        out.append(("X-MGKG-Cache", "hit"))
        return out


class AnswerCache:
    """An LRU of answers bounded in bytes; thread-safe; 0 bytes means no cache."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max(0, max_bytes)
        self.size = 0
        self.hits = self.misses = self.stored = 0
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, k: tuple) -> Entry | None:
        if not self.max_bytes:
            return None
        with self._lock:
            entry = self._entries.get(k)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(k)
            self.hits += 1
            return entry

    def put(self, k: tuple, entry: Entry) -> None:
        cost = len(entry.body) + OVERHEAD
        if cost > self.max_bytes // 8:  # one answer may not push out most of the others
            return
        with self._lock:
            old = self._entries.pop(k, None)
            if old is not None:
                self.size -= len(old.body) + OVERHEAD
            self._entries[k] = entry
            self.size += cost
            self.stored += 1
            while self.size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped.body) + OVERHEAD

    def drop_other_releases(self, release: str) -> None:
        """A new release is current: the old one's answers are never served again."""
        with self._lock:
            for k in [k for k, e in self._entries.items() if e.release != release]:
                self.size -= len(self._entries.pop(k).body) + OVERHEAD

    def snapshot(self) -> dict:
        with self._lock:
            return {"entries": len(self._entries), "bytes": self.size,
                    "max_bytes": self.max_bytes, "hits": self.hits, "misses": self.misses}
