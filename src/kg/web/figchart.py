"""Figures of one measure as a chart: value over date, one colour per source, so a
reader sees at a glance how a number moved and where sources disagree.

Drawn on the server as plain SVG coordinates (the template writes the elements): the
chart is there without JavaScript, in the cached page, and costs a few arithmetic steps.
Only dated numbers are placed on the time axis; a figure of the measure without a date
or without a number is listed under the chart, never put at a made-up place.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from .figures import Figure

W, H = 640, 230
LEFT, RIGHT, TOP, BOTTOM = 78, 24, 14, 36
COLOURS = ["#3b73b9", "#b5651d", "#2e8b57", "#8e44ad", "#c0392b", "#16a085"]


@dataclass
class Point:
    x: float
    y: float
    y_low: float | None  # a range's ends, drawn as a bar through the point
    y_high: float | None
    colour: str
    title: str
    anchor: str


@dataclass
class Chart:
    measure: str
    unit: str
    points: list[Point]
    path: str  # the line through the points in date order
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    legend: list[tuple[str, str]]  # (source's short name, colour)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (anchor, text)
    width: int = W
    height: int = H
    plot: tuple[int, int, int, int] = (LEFT, TOP, W - RIGHT, H - BOTTOM)


def year_of(date: str | None) -> float | None:
    m = re.match(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date or "")
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else 1
    day = int(m.group(3)) if m.group(3) else 1
    return year + (month - 1) / 12 + (day - 1) / 365


def figure_anchor(f: Figure) -> str:
    return "fig-" + (f.node.iri or f.node.text).rsplit("/", 1)[-1]


def _placed(f: Figure) -> bool:
    return year_of(f.date) is not None and (f.number is not None or f.low is not None
                                            or f.high is not None)


def _tick(v: float) -> str:
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.1f} M".replace(".0 M", " M")
    return f"{v:,.0f}" if abs(v) >= 10 or v == int(v) else f"{v:,.2f}"


def charts(figures: list[Figure], shorts: dict[str, str]) -> list[Chart]:
    """One chart per (measure, unit) that has two figures or more, at least one of them
    a dated number."""
    groups: dict[tuple[str, str], list[Figure]] = defaultdict(list)
    for f in figures:
        groups[(f.measure, f.unit)].append(f)
    out = []
    for (measure, unit), figs in sorted(groups.items(), key=lambda kv: kv[0][0].casefold()):
        if len(figs) < 2 or not any(_placed(f) for f in figs):
            continue
        out.append(_chart(measure, unit, figs, shorts))
    return out


def _source_of(f: Figure, shorts: dict[str, str]) -> str:
    for ev in f.evidence:
        if ev.source and ev.source.iri:
            return shorts.get(ev.source.iri) or ev.source.text
    return "no source"


def _chart(measure: str, unit: str, figs: list[Figure], shorts: dict[str, str]) -> Chart:
    placed = sorted((f for f in figs if _placed(f)), key=lambda f: year_of(f.date) or 0)
    unplaced = [(figure_anchor(f), f"{f.value or 'no value'} {f.unit}".strip() + ", "
                 + (f.date or "undated")) for f in figs if not _placed(f)]
    xs = [year_of(f.date) or 0.0 for f in placed]
    x0, x1 = float(math.floor(min(xs))), float(math.ceil(max(xs) + 0.01))
    if x1 - x0 < 2:
        x0, x1 = x0 - 1, x1 + 1
    tops = [max(v for v in (f.number, f.low, f.high) if v is not None) for f in placed]
    y1 = max(tops) * 1.1 if max(tops) > 0 else 1.0
    y0 = min(0.0, min(v for f in placed for v in (f.number, f.low, f.high) if v is not None))

    def px(x: float) -> float:
        return round(LEFT + (W - LEFT - RIGHT) * (x - x0) / (x1 - x0), 1)

    def py(y: float) -> float:
        return round(H - BOTTOM - (H - TOP - BOTTOM) * (y - y0) / (y1 - y0), 1)

    sources: list[str] = []
    points = []
    for f in placed:
        src = _source_of(f, shorts)
        if src not in sources:
            sources.append(src)
        colour = COLOURS[sources.index(src) % len(COLOURS)]
        mid = f.number if f.number is not None else (
            ((f.low or 0) + (f.high or 0)) / 2 if f.low is not None and f.high is not None
            else f.low if f.low is not None else f.high)
        title = f"{f.value} {unit}".strip() + f", {f.date} — {src}"
        points.append(Point(px(year_of(f.date) or 0), py(mid or 0),
                            py(f.low) if f.low is not None and f.high is not None else None,
                            py(f.high) if f.low is not None and f.high is not None else None,
                            colour, title, figure_anchor(f)))
    path = " ".join(("M" if i == 0 else "L") + f"{p.x},{p.y}" for i, p in enumerate(points))
    span = x1 - x0
    step = max(1, round(span / 6))
    x_ticks = [(px(y), str(y)) for y in range(int(x0), int(x1) + 1, step)]
    y_ticks = [(py(y0 + (y1 - y0) * k / 4), _tick(y0 + (y1 - y0) * k / 4)) for k in range(5)]
    legend = [(s, COLOURS[i % len(COLOURS)]) for i, s in enumerate(sources)]
    return Chart(measure, unit, points, path, x_ticks, y_ticks, legend, unplaced)
