"""The figures chart's rules, on figures made here (the real graph has no measure with an
undated figure yet): one chart per measure and unit with two figures or more, dated
numbers placed by date and value, a range drawn as a bar, undated or non-numeric figures
listed and never placed, one colour per source."""

from __future__ import annotations

from kg.web.figchart import LEFT, RIGHT, W, charts, year_of
from kg.web.figures import Figure
from kg.web.view import Evidence, Node

A, B = "https://w3id.org/mgkg/source/a", "https://w3id.org/mgkg/source/b"


def fig(slug: str, measure: str, date: str | None, value: float | None = None,
        low: float | None = None, high: float | None = None, source: str = A,
        unit: str = "persons") -> Figure:
    ev = Evidence(source=Node("src", "iri", iri=source), citation="c", quote="q")
    text = f"{value:,.0f}" if value is not None else (f"{low}–{high}" if low else "")
    return Figure(node=Node(slug, "iri", iri="https://w3id.org/mgkg/id/" + slug),
                  measure=measure, value=text, unit=unit,
                  as_of=Node(date, "literal") if date else None, counts=[], comments=[],
                  evidence=[ev], number=value, low=low, high=high, date=date)


def test_dated_numbers_are_placed_and_the_rest_listed():
    figures = [fig("f1", "stock", "2000", 100), fig("f2", "stock", "2005-07", 300, source=B),
               fig("f3", "stock", None, 250), fig("f4", "stock", "2003", low=120, high=180),
               fig("f5", "other", "2001", 5)]
    out = charts(figures, {A: "GCIM 2005", B: "GFMD 2008"})
    assert [c.measure for c in out] == ["stock"]  # "other" has one figure: no chart
    chart = out[0]
    assert len(chart.points) == 3
    assert chart.unplaced == [("fig-f3", "250 persons, undated")]
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and xs[0] >= LEFT and xs[-1] <= W - RIGHT
    by_anchor = {p.anchor: p for p in chart.points}
    assert by_anchor["fig-f2"].y < by_anchor["fig-f1"].y  # larger value, higher up
    ranged = by_anchor["fig-f4"]
    assert ranged.y_low is not None and ranged.y_high < ranged.y < ranged.y_low
    assert [name for name, _ in chart.legend] == ["GCIM 2005", "GFMD 2008"]
    assert by_anchor["fig-f1"].colour != by_anchor["fig-f2"].colour
    assert "GFMD 2008" in by_anchor["fig-f2"].title and "2005-07" in by_anchor["fig-f2"].title


def test_units_are_charted_apart_and_undated_alone_is_no_chart():
    figures = [fig("a", "m", "2000", 1), fig("b", "m", "2001", 2, unit="percent"),
               fig("c", "n", None, 1), fig("d", "n", None, 2)]
    assert charts(figures, {}) == []
    assert year_of("2005-07-01") == 2005 + 6 / 12 and year_of("around 2005") is None
