"""Figures (numbers that change over time) as pages show them: value or range with its
qualifier and unit, date, what it counts, its evidence; shared by the resource page and
the source page."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .common import COMMENT, Subject, base_iri, iri_node
from .view import Evidence, Node, View, dedupe_evidence


@dataclass
class Figure:
    node: Node
    measure: str
    value: str
    unit: str
    as_of: Node | None
    counts: list[Node]
    comments: list[str]
    evidence: list[Evidence]
    # The numbers themselves, for charts: the value, or the range's ends (None if absent
    # or not a number), and the as-of date as written (2006, 2006-05, 2006-05-01).
    number: float | None = None
    low: float | None = None
    high: float | None = None
    date: str | None = None


def describe_figure(v: View, fig: Subject) -> Figure:
    mg = base_iri() + "ontology#"

    def lit(name: str) -> str:
        val = v.value(fig, iri_node(mg + name))
        return val.value if isinstance(val, ox.Literal) else ""

    value = lit("value")
    if not value and (lit("minValue") or lit("maxValue")):
        value = f"{_num(lit('minValue'))}–{_num(lit('maxValue'))}"
    else:
        value = _num(value)
    qualifier = lit("valueQualifier")
    if qualifier and value:
        value = f"{qualifier} {value}"
    as_of = v.value(fig, iri_node(mg + "asOf"))
    evidence = dedupe_evidence([v.evidence(fig)])
    shown = {c for ev in evidence for c in ev.comments}
    return Figure(
        node=v.node(fig),
        measure=lit("measure") or v.label(fig),
        value=value,
        unit=lit("unit"),
        as_of=v.node(as_of) if as_of is not None else None,
        counts=[v.node(o) for o in v.objects(fig, iri_node(mg + "countsCategory"))],
        comments=sorted(o.value for o in v.objects(fig, COMMENT)
                        if isinstance(o, ox.Literal) and o.value not in shown),
        evidence=evidence,
        number=_float(lit("value")),
        low=_float(lit("minValue")),
        high=_float(lit("maxValue")),
        date=as_of.value if isinstance(as_of, ox.Literal) else None,
    )


def _float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _num(text: str) -> str:
    """Thousands separators for people; the data keeps the number whole."""
    if re.fullmatch(r"-?\d+", text or ""):
        return f"{int(text):,}"
    return text or ""
