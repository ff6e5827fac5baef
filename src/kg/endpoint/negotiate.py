"""Choosing a response format: HTTP Accept with q-values, or an explicit `format` parameter.

Negotiation is separate from serialization so the same rules answer query results,
the service description, and any later caller, and so they can be tested on their own.
The server's own order of preference breaks ties, which is why each list starts with the
format a client that says nothing (or `*/*`) should get.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # what the `format` parameter calls it
    media_type: str  # the Content-Type sent
    aliases: tuple[str, ...] = ()  # other media types a client may ask for it by
    text: bool = True  # send "; charset=utf-8"

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# SELECT and ASK.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("application/json",), text=False),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"),
           text=False),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)

# CONSTRUCT, DESCRIBE and the service description. TriG and N-Quads are dataset formats:
# a graph result is written as their default graph.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("application/x-turtle", "text/n3")),  # Turtle is N3
    Format("ntriples", "application/n-triples"),
    Format("jsonld", "application/ld+json", ("application/json",), text=False),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), text=False),
    Format("trig", "application/trig"),
    Format("nquads", "application/n-quads"),
)

# Names a browser user may type for `format`, beyond each format's own name.
_FORMAT_ALIASES = {
    "srj": "json", "srx": "xml", "ttl": "turtle", "n3": "turtle", "nt": "ntriples",
    "n-triples": "ntriples",
    "json-ld": "jsonld", "rdf": "rdfxml", "rdf+xml": "rdfxml", "owl": "rdfxml",
    "nq": "nquads", "n-quads": "nquads", "text": "tsv",
}
# A name that means a different format for graphs than for results.
_GRAPH_NAMES = {"json": "jsonld", "xml": "rdfxml"}


class UnknownFormat(ValueError):
    """The `format` parameter names no format this endpoint knows."""


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 if the range does not cover media_type, else how precisely it does."""
        t, _, s = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != t:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == s else -1


def parse_accept(header: str) -> list[_Range]:
    """Media ranges with their q-values; malformed parts are skipped, not fatal."""
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        t, _, s = media.partition("/")
        if not t or not s:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:  # a malformed q is ignored (RFC 9110 12.4.2 grammar), not a refusal
                    parsed = float(value.strip())
                    if parsed == parsed:  # not NaN
                        q = min(max(parsed, 0.0), 1.0)
                except ValueError:
                    pass
        ranges.append(_Range(t, s, q))
    return ranges


def quality(media_type: str, ranges: list[_Range]) -> float:
    """The q-value of the most specific range that covers media_type (RFC 9110 12.5.1)."""
    best_spec, best_q = -1, 0.0
    for r in ranges:
        spec = r.specificity(media_type)
        if spec > best_spec or (spec == best_spec and spec >= 0 and r.q > best_q):
            best_spec, best_q = spec, r.q
    return best_q if best_spec >= 0 else 0.0


def choose(accept: str | None, offers: tuple[Format, ...]) -> Format | None:
    """The offer the client prefers most; None when it accepts none of them (406)."""
    if accept is None or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(offer.media_type, ranges)
        for alias in offer.aliases:  # an alias counts only when named exactly, so that
            t, _, s = alias.partition("/")  # text/* does not pick XML through text/xml
            for r in ranges:
                if (r.type, r.subtype) == (t, s):
                    q = max(q, r.q)
        if q > best_q:
            best, best_q = offer, q
    return best


def by_name(name: str, offers: tuple[Format, ...]) -> Format | None:
    """The offer a `format` parameter names (short name or media type).

    Raises UnknownFormat for a name no list knows; returns None for a known format that
    does not fit this kind of result (CSV for CONSTRUCT), which is a 406.
    """
    key = name.strip().lower()
    key = _FORMAT_ALIASES.get(key, key)
    if offers is GRAPH_FORMATS:
        key = _GRAPH_NAMES.get(key, key)
    for offer in offers:
        if key == offer.name or key in offer.media_types():
            return offer
    known = {f.name for f in RESULT_FORMATS + GRAPH_FORMATS}
    known |= {m for f in RESULT_FORMATS + GRAPH_FORMATS for m in f.media_types()}
    if key not in known and key not in _FORMAT_ALIASES.values():
        raise UnknownFormat(name)
    return None


def names(offers: tuple[Format, ...]) -> str:
    return ", ".join(f"{f.name} ({f.media_type})" for f in offers)
