"""Short names for source documents ("Betts 2010", "GCIM 2005", "GFMD 2008"): what a
page prints next to a quote, so the full bibliographic citation can be given once per
source instead of under every fact.

The sources carry no short name of their own, so one is made from what they do carry,
in the order a reader would recognise: the author's surname where the citation starts
with one ("Betts, Alexander (2010)"), an acronym in the title, the publisher's acronym,
the acronym of the body it was prepared for or by, the initials of the series it is part
of; always followed by the year. Two
sources that come out with the same short name get "a", "b" after the year.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .common import ALT, CITATION, ISSUED, TITLE, TYPE, iri_node, mg_ns
from .view import View, app_cache

_SURNAME = re.compile(r"^([A-Z][\w'’-]+), [A-Z]")
_ACRONYM = re.compile(r"\b([A-Z]{2,6})\b")
_PAREN_ACRONYM = re.compile(r"\(([A-Z]{2,6})\)")
_STOP = {"THE", "AND", "OF", "FOR", "IN", "ON", "RT", "A"}


def _lit(v: View, s: ox.NamedNode, p: ox.NamedNode) -> str:
    val = v.value(s, p)
    return val.value if isinstance(val, ox.Literal) else ""


def _acronym(text: str) -> str | None:
    for m in _PAREN_ACRONYM.finditer(text):
        return m.group(1)
    for m in _ACRONYM.finditer(text):
        if m.group(1) not in _STOP:
            return m.group(1)
    return None


def _body_acronym(v: View, source: ox.NamedNode) -> str | None:
    for prop in ("preparedFor", "preparedBy"):
        for body in v.objects(source, iri_node(mg_ns() + prop)):
            if not isinstance(body, ox.NamedNode):
                continue
            alts = [o.value for o in v.objects(body, ALT) if isinstance(o, ox.Literal)]
            short = [a for a in alts if re.fullmatch(r"[A-Z]{2,6}", a)]
            if short:
                return short[0]
            found = _acronym(v.label(body))
            if found:
                return found
    return None


def _initials(text: str) -> str | None:
    words = [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in ("the", "of", "and")]
    return "".join(w[0].upper() for w in words) if 2 <= len(words) <= 5 else None


def short_name(v: View, source: ox.NamedNode) -> str:
    return short_names(v).get(source.value) or v.citation(source)


def short_names(v: View) -> dict[str, str]:
    """IRI -> short name for every source document, computed once per app."""
    cache = app_cache()
    if "short_names" in cache:
        return cache["short_names"]
    kind = iri_node(mg_ns() + "SourceDocument")
    raw: dict[str, str] = {}
    for t in v.triples(None, TYPE, kind):
        s = t.subject
        if not isinstance(s, ox.NamedNode):
            continue
        citation, title = _lit(v, s, CITATION), _lit(v, s, TITLE)
        year = (re.match(r"\d{4}", _lit(v, s, ISSUED)) or [""])[0]
        m = _SURNAME.match(citation)
        name = (m.group(1) if m else None) or _acronym(title) \
            or _acronym(_lit(v, s, iri_node("http://purl.org/dc/terms/publisher"))) \
            or _body_acronym(v, s) \
            or _initials(_lit(v, s, iri_node("http://purl.org/dc/terms/isPartOf"))) \
            or " ".join(title.split()[:2]) or s.value.rsplit("/", 1)[-1]
        raw[s.value] = f"{name} {year}".strip()
    counts: dict[str, list[str]] = {}
    for iri, name in sorted(raw.items()):
        counts.setdefault(name, []).append(iri)
    out = {}
    for name, iris in counts.items():
        for i, iri in enumerate(iris):
            out[iri] = name if len(iris) == 1 else f"{name}{chr(ord('a') + i)}"
    cache["short_names"] = out
    return out
