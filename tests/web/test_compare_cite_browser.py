"""Search by a phrase, Compare sources and Cite this in a real Chromium against the real
release, at 1,400 and 390 px, with screenshots (tests/web/conftest.py): what a user sees,
with the expected quotes and columns read from /sparql and from the pages themselves."""

from __future__ import annotations

import re

import pytest

from .conftest import CHROMIUM, NO_CHROMIUM, watch
from .test_compare_cite import sources_of, sparql

pytestmark = pytest.mark.skipif(not CHROMIUM, reason=NO_CHROMIUM)
IOM = "https://w3id.org/mgkg/id/iom"
WIDTHS = (1400, 390)


def new_page(browser, width: int, base: str | None = None):
    context = browser.new_context(viewport={"width": width, "height": 900})
    if base:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page, watch(page)


def no_overflow(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture(scope="module")
def a_quote(real_server) -> str:
    rows = sparql(real_server, """SELECT ?q WHERE { ?e mg:quote ?q ;
      dcterms:source <https://w3id.org/mgkg/source/001_4f7e06674fa94512> ; mg:quoteStart ?s
      FILTER(STRLEN(?q) > 120) } ORDER BY ?s LIMIT 1 OFFSET 20""")
    return rows[0]["q"]


@pytest.mark.parametrize("width", WIDTHS)
def test_search_finds_a_quote_by_a_phrase_from_it(real_server, browser, shoot, a_quote, width):
    words = re.findall(r"\w+", a_quote)
    phrase = " ".join(words[3:9])
    context, page, errors = new_page(browser, width)
    page.goto(real_server + "/search")
    page.get_by_label("Words").fill(phrase)
    page.get_by_role("button", name="Search").click()
    page.locator("#search-status").wait_for()
    hit = page.locator("li.hit.quote", has_text=a_quote[:50]).first
    hit.wait_for()
    marked = {m.lower() for m in hit.locator("mark").all_inner_texts()}
    assert {w.lower() for w in words[3:9]} & marked
    assert hit.locator("a[title='the quote in its source']").get_attribute("href") \
        .startswith("/source/001_4f7e06674fa94512#q-")
    no_overflow(page, width)
    shoot(page, f"search-phrase-{width}")
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_view_has_one_column_per_source(real_server, browser, shoot, width):
    context, page, errors = new_page(browser, width)
    page.goto(real_server + "/id/iom")
    page.locator("h1").wait_for()
    listed = page.locator("ol.sources > li").count()
    page.get_by_role("link", name="Compare sources").click()
    page.locator("table.compare-table").wait_for()
    heads = page.locator("table.compare-table thead th.col")
    keys = [heads.nth(i).get_attribute("data-column") for i in range(heads.count())]
    sources = [k for k in keys if k != "none"]
    assert len(sources) == listed == len(sources_of(real_server, IOM))
    assert set(sources) == sources_of(real_server, IOM)
    # A quote is one click away in its source's column.
    cell = page.locator(f"td[data-column='{sources[0]}'] details.ev").first
    cell.locator("summary").click()
    assert cell.locator(".ev-meta").is_visible()
    assert "characters" in cell.locator(".ev-meta").inner_text()
    no_overflow(page, width)
    shoot(page, f"compare-iom-{width}")
    assert not errors, errors
    context.close()


def test_compare_two_things_one_column_each(real_server, browser, shoot):
    context, page, errors = new_page(browser, 1400)
    page.goto(real_server + "/compare?iri=iom")
    page.get_by_label("Compare with").fill("unhcr")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url("**/compare?iri=*unhcr*")
    heads = page.locator("table.compare-table thead th.col")
    assert heads.all_inner_texts()[0].startswith("International Organization for Migration")
    assert heads.count() == 2 and "UNHCR" in heads.nth(1).inner_text() or \
        "Refugees" in heads.nth(1).inner_text()
    assert page.locator("tr.type td .cmp-item").count() >= 2
    shoot(page, "compare-iom-unhcr-1400")
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_citation_dialog_has_the_quote_and_offsets_and_copies(real_server, browser, shoot,
                                                             width):
    from playwright.sync_api import expect  # with the browser: the test extra

    context, page, errors = new_page(browser, width, base=real_server)
    page.goto(real_server + "/id/iom")
    ev = page.locator("details.ev", has=page.locator("a.cite")).first
    ev.locator("summary").click()
    quote_text = ev.locator("q.quote").inner_text()
    offsets = re.search(r"characters (\d+)–(\d+)", ev.locator(".ev-meta").inner_text())
    assert offsets
    ev.locator("a.cite").click()
    dialog = page.locator("dialog#cite-dialog")
    dialog.wait_for()
    text = dialog.locator("pre.cite-text")
    expect(text).not_to_have_text(re.compile(r"^Loading"))
    shown = text.inner_text()
    assert " ".join(quote_text.split()) in " ".join(shown.split())
    assert f"characters {offsets.group(1)}–{offsets.group(2)}" in shown
    assert re.search(r"SHA-256 [0-9a-f]{64}", shown) and "https://w3id.org/mgkg/kg/" in shown
    no_overflow(page, width)
    shoot(page, f"cite-dialog-{width}")
    dialog.get_by_role("button", name="Copy").click()
    expect(dialog.locator("button.copy")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == text.text_content()
    dialog.get_by_role("button", name="BibTeX").click()
    assert text.inner_text().startswith("@")
    assert f"characters {offsets.group(1)}–{offsets.group(2)}" in text.inner_text()
    dialog.get_by_role("button", name="Close").click()
    assert not dialog.is_visible()
    assert not errors, errors
    context.close()
