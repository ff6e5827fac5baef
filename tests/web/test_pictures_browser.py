"""The workbench's pictures in a real Chromium against the real release, asserting what a
person sees: the graph view of a query whose columns link things to things, a resource
page's neighbourhood (a click on a node opens that thing's page), the chart of a
measure's figures, the browse tree's counts, the ontology page's model picture and class
tree, and none of them wider than a 390 px phone. Expected values come from /sparql and
the JSON services, not from this file. Screenshots at 1400 and 390 px are artefacts."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from ..conftest import ROOT, http
from .conftest import CHROMIUM, NO_CHROMIUM, watch
from .test_pictures import ID, MG, dated_figures, subclass_count

pytestmark = pytest.mark.skipif(not CHROMIUM, reason=NO_CHROMIUM)
GRAPH_EXAMPLE = "40-philippine-measures-categories-and-functions"


def open_page(browser, url: str, width: int = 1400):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = watch(page)
    page.goto(url)
    return context, page, errors


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", [1400, 390])
def test_graph_view_of_things_linked_to_things(real_server, browser, shoot, width):
    """Example 40 binds only IRIs (measure, part of, category, function): the graph view
    is chosen by itself and draws one node per distinct thing of the answer."""
    query = (ROOT / "queries" / f"{GRAPH_EXAMPLE}.rq").read_text("utf-8")
    answer = http("GET", real_server + "/sparql?query=" + quote(query),
                  headers={"Accept": "application/sparql-results+json"}).json()
    things = {t["value"] for b in answer["results"]["bindings"] for t in b.values()
              if t["type"] == "uri"}
    context, page, errors = open_page(browser, real_server + "/?query=" + quote(query), width)
    page.locator("#result-view svg.graph a.node").first.wait_for()
    assert page.locator("#views button[aria-pressed=true]").inner_text() == "Graph"
    nodes = page.locator("#result-view svg.graph .node")
    assert nodes.count() == min(150, len(things))
    assert set(nodes.evaluate_all("ns => ns.map(n => n.dataset.id)")) <= things
    assert page.locator("#result-view svg.graph .edge line").count() > 0
    # Labels, not IRIs, and the switcher brings the table back.
    assert "mgr:" not in page.locator("#result-view svg.graph").text_content()
    assert page_width(page) <= width
    shoot(page, f"query-graph-{width}")
    page.get_by_role("button", name="Table").click()
    assert page.locator("#result-table tbody tr").count() == min(
        50, len(answer["results"]["bindings"]))
    assert not errors, errors
    context.close()


def test_line_chart_of_numbers_over_dates(real_server, browser):
    name = "45-trafficking-prosecutions-convictions-and-victims-assisted"
    query = (ROOT / "queries" / f"{name}.rq").read_text("utf-8")
    rows = http("GET", real_server + "/sparql?query=" + quote(query),
                headers={"Accept": "application/sparql-results+json"}).json()
    dated = [b for b in rows["results"]["bindings"] if "asOf" in b and "value" in b]
    context, page, errors = open_page(browser, real_server + "/?query=" + quote(query))
    page.locator("#result-view svg.line").wait_for()
    assert page.locator("#views button[aria-pressed=true]").inner_text() == "Line chart"
    assert page.locator("#result-view svg.line g.point").count() == len(dated)
    assert page.locator("#result-view svg.line g.series").count() >= 2
    assert not errors, errors
    context.close()


def test_neighbourhood_picture_and_a_click_on_a_node(real_server, browser, shoot):
    data = http("GET", real_server + "/api/neighbourhood?iri=" + quote(ID + "iom")).json()
    context, page, errors = open_page(browser, real_server + "/id/iom")
    picture = page.locator(".neighbourhood svg.graph")
    picture.locator("a.node").first.wait_for()
    assert picture.locator(".node").count() == len(data["nodes"])
    assert picture.locator(".node.centre").count() == 1
    assert picture.locator(".edge").count() == len(data["edges"])
    picture.scroll_into_view_if_needed()
    shoot(page, "resource-neighbourhood-1400")
    # Zoom changes the view, not the nodes.
    before = picture.get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").click()
    assert picture.get_attribute("viewBox") != before
    page.get_by_role("button", name="Reset the view").click()
    assert picture.get_attribute("viewBox") == before
    target = next(n for n in data["nodes"] if not n["centre"] and n["href"])
    picture.locator(f'a.node[data-id="{target["id"]}"]').click()
    page.wait_for_url("**" + target["href"])
    assert page.locator("h1").inner_text() == target["label"]
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_figures_chart_for_a_measure(real_server, browser, shoot, width):
    expected = dated_figures(real_server, "iom-ctm")
    context, page, errors = open_page(browser, real_server + "/id/iom-ctm", width)
    charts = page.locator("figure.figure-chart")
    assert charts.count() == len(expected)
    for i in range(charts.count()):
        chart = charts.nth(i)
        measure = chart.get_attribute("data-measure")
        assert chart.locator("svg a.point circle").count() == expected[measure]
        assert chart.locator("svg").bounding_box()["width"] > 200
        assert "GFMD 2008" in chart.locator("figcaption").inner_text()
    charts.first.scroll_into_view_if_needed()
    assert page_width(page) <= width
    shoot(page, f"resource-figures-{width}")
    # A point leads to its figure's row, with the quote behind it.
    charts.first.locator("svg a.point").first.click()
    assert page.evaluate("location.hash").startswith("#fig-")
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_browse_tree_counts(real_server, browser, shoot, width):
    context, page, errors = open_page(browser, real_server + "/id/", width)
    actor = page.locator(f'li[data-class="{MG}Actor"]')
    institution = page.locator(f'li[data-class="{MG}Institution"]')
    assert institution.is_hidden()
    actor.locator("summary").first.click()
    assert institution.is_visible()
    shown = int(institution.locator(".count").first.inner_text())
    assert shown == subclass_count(real_server, MG + "Institution")
    institution.locator("summary").first.click()
    kids = institution.locator(":scope > details > ul.class-tree > li")
    counts = [int(c) for c in kids.evaluate_all(
        "ls => ls.map(l => l.querySelector('.count').textContent)")]
    assert len(counts) >= 5 and shown >= sum(counts)
    assert page_width(page) <= width
    shoot(page, f"browse-tree-{width}")
    # The filter still works, and opens the tree where something matches.
    page.fill("#q", "refugee")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/id/?q=refugee")
    assert page.get_by_role("link", name="refugee", exact=True).first.is_visible()
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_ontology_page_picture_and_class_tree(real_server, browser, shoot, width):
    context, page, errors = open_page(browser, real_server + "/ontology", width)
    img = page.locator("img.model")
    img.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('img.model').complete")
    assert img.evaluate("i => i.naturalWidth") > 500
    assert img.bounding_box()["width"] <= width
    shoot(page, f"ontology-model-{width}")
    tree = page.locator("nav.class-tree-nav")
    institution = tree.locator(f'li[data-class="{MG}Institution"]')
    assert institution.is_visible()
    assert int(institution.locator(".count").first.inner_text()) == subclass_count(
        real_server, MG + "Institution")
    tree.scroll_into_view_if_needed()
    shoot(page, f"ontology-tree-{width}")
    assert page_width(page) <= width
    assert not errors, errors
    context.close()


def test_neighbourhood_fits_a_phone(real_server, browser, shoot):
    context, page, errors = open_page(browser, real_server + "/id/iom", 390)
    picture = page.locator(".neighbourhood svg.graph")
    picture.locator("a.node").first.wait_for()
    box = picture.bounding_box()
    assert box["width"] <= 390 and box["height"] > 200
    assert page_width(page) <= 390
    picture.scroll_into_view_if_needed()
    shoot(page, "resource-neighbourhood-390")
    assert not errors, errors
    context.close()
