"""The query page and a resource page in a real browser: Debian's Chromium, headless,
driven by Playwright, against a real `kg serve` process.

A person opens /, picks an example question, sees its answer as a table, downloads it,
follows a result to the resource page and reads the evidence quote there; the editor is a
real SPARQL editor (highlighting, keyboard shortcut); and nothing is fetched from any
other host on the way.

Chromium is found as MGKG_CHROMIUM, else `chromium` / `chromium-browser` on PATH (CI
installs Debian's `chromium` package). Without it the test is skipped, saying so.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from kg.release.build import build

from ..conftest import ROOT, make_project, running_server
from .conftest import CHROMIUM, NO_CHROMIUM

pytestmark = pytest.mark.skipif(not CHROMIUM, reason=NO_CHROMIUM)

QUESTION = "Which institutions do the sources place outside the United Nations system?"
IOM_QUOTE = ("The International Organization for Migration (IOM), outside the UN system, was "
             "held to a fairly narrow portfolio of service-provision by its member states.")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    settings = make_project(tmp_path_factory.mktemp("browser"))
    # Its own example query, so the test depends on the page, not on how queries/ evolves.
    shutil.copytree(ROOT / "tests" / "fixtures" / "browser" / "queries",
                    settings.root / "queries")
    build(settings)
    with running_server(settings) as base:
        yield base


def test_example_query_results_and_evidence(site, browser, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    hosts: set[str] = set()
    errors: list[str] = []
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc)
            if urlsplit(r.url).scheme in ("http", "https") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(site + "/")
    # The editor is YASQE (CodeMirror), with SPARQL syntax highlighting.
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.locator(".CodeMirror .cm-keyword", has_text="SELECT").count() >= 1

    # One click on an example question (in the examples dialog) runs it.
    page.get_by_role("button", name="Examples…").click()
    page.get_by_role("link", name=QUESTION).click()
    row = page.locator("#result-table tbody tr")
    row.first.wait_for()
    assert row.count() == 1
    assert [t.strip(" ↕") for t in page.locator("#result-table thead th").all_inner_texts()] \
        == ["Why?", "institution", "label"]
    cells = row.first.locator("td").all_inner_texts()
    # The IRI shows its label, with its prefixed name under it.
    assert cells == ["why?", "International Organization for Migration\nmgr:iom",
                     "International Organization for Migration"]
    assert "1 result" in page.locator("#status").inner_text()

    # Results download as CSV and as SPARQL JSON.
    with page.expect_download() as done:
        page.get_by_role("button", name="Download CSV").click()
    csv_path = tmp_path / "results.csv"
    done.value.save_as(csv_path)
    assert csv_path.read_text("utf-8").splitlines() == [
        "institution,label",
        "https://w3id.org/mgkg/id/iom,International Organization for Migration"]
    with page.expect_download() as done:
        page.get_by_role("button", name="Download JSON").click()
    json_path = tmp_path / "results.json"
    done.value.save_as(json_path)
    assert '"https://w3id.org/mgkg/id/iom"' in json_path.read_text("utf-8")

    # The result's IRI is a link to the resource page, which shows the evidence.
    page.locator("#result-table td a", has_text="International Organization").click()
    page.wait_for_url("**/doc/id/iom")
    assert page.locator("h1").inner_text() == "International Organization for Migration"
    quote = page.locator("details.ev q.quote", has_text=IOM_QUOTE).first
    assert quote.is_visible()
    quote.click()
    page.locator("details.ev[open]").get_by_role("link", name="full citation").first.click()
    citation = page.locator("ol.sources li:target cite")
    assert "The governance of international migration" in citation.inner_text()

    assert hosts == {urlsplit(site).netloc}, f"requests left the server: {hosts}"
    assert not errors, errors
    context.close()


def test_editor_runs_a_typed_query_with_ctrl_enter(site, browser):
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + "/")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("PREFIX mg: <https://w3id.org/mgkg/ontology#>\n"
                       "SELECT ?figure ?value WHERE { ?figure mg:value ?value }")
    page.keyboard.press("Control+Enter")
    page.locator("#result-table tbody tr").first.wait_for()
    cells = page.locator("#result-table tbody tr").first.locator("td").all_inner_texts()
    assert cells[1].endswith("mgr:migrant-workers-convention-1990-ratifications-2003")
    assert cells[2].startswith("20")

    # A query the endpoint refuses shows its message, not a broken table.
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELEC nonsense")
    page.get_by_role("button", name="Run query").click()
    status = page.locator("#status")
    status.filter(has_text="The endpoint answered 400").wait_for()
    page.locator("#error-box .fix").wait_for()
    assert "SELECT" in page.locator("#error-box .fix").inner_text()
    assert page.locator("#result-table table").count() == 0
    page.close()


def test_pages_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + "/")
    assert page.locator("textarea#query").is_visible()
    page.get_by_role("link", name=QUESTION).click()
    page.wait_for_url("**/?example=01-institutions-outside-un*")
    assert "mg:inUNSystem false" in page.locator("textarea#query").input_value()
    page.goto(site + "/id/iom")
    assert page.locator("details.ev q.quote", has_text=IOM_QUOTE).first.is_visible()
    context.close()


def test_source_page_shows_coverage_at_a_glance(site, browser):
    """One coloured mark per sentence; a mark leads to its sentence in the list."""
    page = browser.new_page()
    page.goto(site + "/doc/source/001_4f7e06674fa94512")
    marks = page.locator("p.coverage-bar a.mark")
    n = marks.count()
    assert n == page.locator("ol.sentences > li").count() > 100
    colours = {status: page.locator(f"p.coverage-bar a.mark.{status}").first.evaluate(
        "e => getComputedStyle(e).backgroundColor") for status in ("covered", "uncovered")}
    assert colours["covered"] != colours["uncovered"]
    box = marks.first.bounding_box()
    assert box and box["width"] > 3 and box["height"] > 10, "the marks are visible"
    page.locator("p.coverage-bar a.mark.covered").first.click()
    target = page.evaluate("location.hash")
    assert page.locator(f"ol.sentences > li{target}").get_attribute("class") == "covered"
    page.close()
