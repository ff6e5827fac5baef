"""The query page as a researcher uses it, in a real Chromium against the real release
(every example question of queries/), served by a real `kg serve` on 127.0.0.1.

What is asserted is what a person sees: the answer in the viewport after "Run", labels
with the IRIs, numbers and dates formatted with the datatype on hover, sorting, pages,
the chart and timeline views, a shared link that restores the query, downloads equal to
what /sparql answers, code snippets that really run, and syntax errors that say what is
wrong and how to fix it. Expected values are read from the endpoint (or the store), not
written here, so the tests follow the data as curation changes it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from ..conftest import ROOT, http
from .conftest import CHROMIUM, NO_CHROMIUM, watch

pytestmark = pytest.mark.skipif(not CHROMIUM, reason=NO_CHROMIUM)
EXAMPLES = sorted((ROOT / "queries").glob("*.rq"))
DONE = re.compile(r"(results?|Done|Graph result.*) in [0-9.]+ s")


def sparql(base: str, query: str, accept: str = "application/sparql-results+json"):
    return http("GET", base + "/sparql?query=" + quote(query), headers={"Accept": accept})


def example_text(name: str) -> str:
    return (ROOT / "queries" / f"{name}.rq").read_text("utf-8")


def open_page(browser, base: str, path: str = "/", width: int = 1400, **kw):
    context = browser.new_context(viewport={"width": width, "height": 900}, **kw)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = watch(page)
    page.goto(base + path)
    page.wait_for_selector(".yasqe .CodeMirror")
    return context, page, errors


def run_example(page, name: str) -> None:
    page.get_by_role("button", name="Examples…").click()
    page.fill("#example-search", name)
    page.locator(f'a.example[data-example="{name}"]').click()
    page.locator("#status").filter(has_text=DONE).wait_for()


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                    return r.top >= -1 && r.top < innerHeight && r.height > 0; }""", selector)


def test_every_example_answers_in_view(real_server, browser, shoot):
    """Each of the example questions, picked from the dialog, shows its answer in the
    viewport (never 13,000 px below a list) with no script error and no error box."""
    context, page, errors = open_page(browser, real_server)
    assert len(EXAMPLES) >= 50
    for path in EXAMPLES:
        run_example(page, path.stem)
        status = page.locator("#status").inner_text()
        assert "result" in status or "Done" in status, (path.stem, status)
        assert page.locator("#error-box").is_hidden(), path.stem
        assert in_viewport(page, "#results"), f"{path.stem}: results not in view"
        expected = len(sparql(real_server, path.read_text("utf-8")).json()["results"]["bindings"])
        assert status.startswith(f"{expected} result"), (path.stem, status, expected)
        if path.stem.startswith("01-"):
            shoot(page, "query-page-1400")
    assert not errors, errors
    context.close()


def test_labels_formatting_sorting_paging(real_server, browser):
    context, page, errors = open_page(browser, real_server)
    run_example(page, "03-figures-with-dates")
    data = sparql(real_server, example_text("03-figures-with-dates")).json()
    rows = data["results"]["bindings"]
    assert len(rows) > 50, "the example needs more than one page"
    first_iri = next(r["figure"]["value"] for r in rows)
    labels = http("POST", real_server + "/api/labels", json.dumps({"iris": [first_iri]}).encode(),
                  {"Content-Type": "application/json"}).json()["labels"]
    # Labels with every IRI, looked up in one request for the whole result.
    cell = page.locator("#result-table tbody tr").first.locator("td").nth(1)  # after why?
    assert cell.locator("a").inner_text() == labels[first_iri]
    assert cell.locator("small.pname").inner_text().startswith("mgr:")
    # Numbers formatted, the datatype on hover.
    big = next(r for r in rows if "value" in r and len(r["value"]["value"].split(".")[0]) >= 5)
    shown = f"{int(float(big['value']['value'])):,}"
    literal = page.locator("#result-table td.num .literal", has_text=shown).first
    assert literal.get_attribute("title").startswith("xsd:")
    assert "xsd:integer" not in page.locator("#result-table").inner_text()
    # Paging: 50 a page, the second page starts at row 51.
    assert "rows 1–50" in page.locator("#result-table caption").inner_text()
    page.get_by_role("button", name="Next →").click()
    assert "rows 51–100" in page.locator("#result-table caption").inner_text()
    # Sorting by a numeric column: ascending, then descending, numerically.
    page.locator("#result-table th button", has_text="value").click()
    page.get_by_role("combobox", name="Rows per page").select_option("500")

    def values() -> list[float]:
        texts = page.locator("#result-table tbody tr td:nth-child(5)").all_inner_texts()
        return [float(t.replace(",", "")) for t in texts if t.strip()]
    up = values()
    assert up == sorted(up) and len(up) > 10
    page.locator("#result-table th button", has_text="value").click()
    assert values() == sorted(up, reverse=True)
    assert page.locator("#result-table th[aria-sort=descending]").count() == 1
    assert not errors, errors
    context.close()


def test_why_shows_the_quotes_behind_a_row(real_server, browser, shoot):
    """The first row of "which institutions are outside the UN": one click shows the
    quotes of the fact (institution, in UN system, false), with source and offsets."""
    context, page, errors = open_page(browser, real_server)
    run_example(page, "01-institutions-outside-un")
    first = sparql(real_server, example_text("01-institutions-outside-un")).json()
    iri = first["results"]["bindings"][0]["institution"]["value"]
    quotes = sparql(real_server, f"""PREFIX mg: <https://w3id.org/mgkg/ontology#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?q ?s ?e {{ ?a owl:annotatedSource <{iri}> ;
          owl:annotatedProperty mg:inUNSystem ; owl:annotatedTarget false ;
          mg:quote ?q ; mg:quoteStart ?s ; mg:quoteEnd ?e }}""").json()["results"]["bindings"]
    assert quotes
    page.locator("#result-table tbody tr").first.get_by_role("button", name="why?").click()
    panel = page.locator("tr.why-row")
    panel.locator("ul.why-facts").wait_for()
    fact = panel.locator("li.why-fact", has_text="in UN system")
    for q in quotes:
        evidence = fact.locator("figure.why-evidence", has_text=q["q"]["value"])
        caption = evidence.locator("figcaption a").first.inner_text()
        assert f"characters {q['s']['value']}–{q['e']['value']}" in caption
    shoot(page, "query-why-1400")
    # Each quote behind the answer is citable from where it is shown.
    q = quotes[0]
    fact.locator("figure.why-evidence", has_text=q["q"]["value"]).locator("a.cite").first.click()
    dialog = page.locator("dialog.cite-dialog")
    dialog.locator("pre.cite-text", has_text=q["q"]["value"][:40]).wait_for()
    text = dialog.inner_text()
    assert q["q"]["value"][:40] in text and q["s"]["value"] in text and q["e"]["value"] in text
    page.keyboard.press("Escape")
    page.locator("#result-table tbody tr").first.get_by_role("button", name="why?").click()
    assert page.locator("tr.why-row").count() == 0
    assert not errors, errors
    context.close()


def test_share_link_restores_the_query_and_copies(real_server, browser):
    context, page, errors = open_page(browser, real_server,
                                      permissions=["clipboard-read", "clipboard-write"])
    run_example(page, "16-timeline-1919-2006")
    url = page.url
    assert parse_qs(urlsplit(url).query)["query"][0] == example_text("16-timeline-1919-2006")
    page.get_by_role("button", name="Copy link").click()
    page.get_by_role("button", name="Link copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#share-link").input_value()
    assert parse_qs(urlsplit(copied).query)["query"][0] == example_text("16-timeline-1919-2006")
    # The link, opened afresh, has the query in the editor and its answer on screen.
    other = context.new_page()
    other.goto(copied)
    other.locator("#status").filter(has_text=DONE).wait_for()
    editor_text = other.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert editor_text == example_text("16-timeline-1919-2006")
    assert other.locator("#result-view svg, #result-table table").count() == 1
    assert not errors, errors
    context.close()


def test_views_bar_chart_and_timeline(real_server, browser, shoot):
    context, page, errors = open_page(browser, real_server)
    run_example(page, "16-timeline-1919-2006")
    answer = sparql(real_server, example_text("16-timeline-1919-2006")).json()
    n = len(answer["results"]["bindings"])
    # A date column first and few columns: the timeline is chosen by itself.
    assert page.locator("#views button[aria-pressed=true]").inner_text() == "Timeline"
    assert page.locator("#result-view svg.timeline g.point").count() == n
    assert in_viewport(page, "#result-view svg")
    shoot(page, "query-timeline-1400")
    page.get_by_role("button", name="Table").click()
    assert page.locator("#result-table tbody tr").count() == n
    assert "view" not in parse_qs(urlsplit(page.url).query)

    run_example(page, "47-institutions-described-by-more-than-one-source")
    rows = sparql(real_server, example_text(
        "47-institutions-described-by-more-than-one-source")).json()["results"]["bindings"]
    assert page.locator("#views button[aria-pressed=true]").inner_text() == "Bar chart"
    bars = page.locator("#result-view svg.bar rect.bar")
    assert bars.count() == len(rows)
    widths = [float(w) for w in bars.evaluate_all("bs => bs.map(b => b.getAttribute('width'))")]
    counts = [int(r["sources"]["value"]) for r in rows]
    # Bar lengths are proportional to the numbers.
    assert widths.index(max(widths)) == counts.index(max(counts))
    assert abs(widths[-1] / max(widths) - counts[-1] / max(counts)) < 0.01
    shoot(page, "query-chart-1400")
    assert "view" not in parse_qs(urlsplit(page.url).query), "chosen again on opening"

    # Prosecutions over time: the timeline of a figures query with numbers.
    run_example(page, "45-trafficking-prosecutions-convictions-and-victims-assisted")
    page.get_by_role("button", name="Timeline").click()
    assert page.locator("#result-view svg.timeline g.point").count() >= 2
    # A view chosen by hand is part of the link.
    assert parse_qs(urlsplit(page.url).query)["view"] == ["timeline"]
    assert not errors, errors
    context.close()


def test_downloads_are_the_current_result(real_server, browser, tmp_path):
    context, page, errors = open_page(browser, real_server, accept_downloads=True)
    run_example(page, "01-institutions-outside-un")
    query = example_text("01-institutions-outside-un")
    got = {}
    for kind in ("CSV", "TSV", "JSON"):
        with page.expect_download() as done:
            page.get_by_role("button", name=f"Download {kind}").click()
        path = tmp_path / f"r.{kind.lower()}"
        done.value.save_as(path)
        got[kind] = path.read_text("utf-8")
    server_csv = sparql(real_server, query, "text/csv").text
    assert list(csv.reader(io.StringIO(got["CSV"]))) == list(csv.reader(io.StringIO(server_csv)))
    server_tsv = sparql(real_server, query, "text/tab-separated-values")
    if server_tsv.status == 200:
        assert got["TSV"].splitlines() == server_tsv.text.splitlines()
    assert got["TSV"].splitlines()[0].startswith("?institution\t")
    assert json.loads(got["JSON"]) == sparql(real_server, query).json()
    assert not errors, errors
    context.close()


def test_code_snippets_run(real_server, browser, tmp_path):
    """The curl and Python snippets, run as shown, answer what the page shows."""
    context, page, errors = open_page(browser, real_server)
    run_example(page, "01-institutions-outside-un")
    page.get_by_text("Code for this query").click()
    curl = page.locator("#snippet-curl").inner_text()
    python = page.locator("#snippet-python").inner_text()
    r_code = page.locator("#snippet-r").inner_text()
    expected = sparql(real_server, example_text("01-institutions-outside-un"), "text/csv").text
    out = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.replace("\r\n", "\n") == expected.replace("\r\n", "\n")
    script = tmp_path / "snippet.py"
    script.write_text(python, "utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    n = len(list(csv.reader(io.StringIO(expected)))) - 1
    assert len(out.stdout.strip().splitlines()) == n
    assert "library(httr)" in r_code and real_server + "/sparql" in r_code
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("query, what, fix", [
    ("SELECT ?s WHERE { ?s mq:inUNSystem false }", "prefix “mq:”", "Did you mean mg: ?"),
    ("PREFIX mg: <https://w3id.org/mgkg/ontology#>\nSELECT ?s WHERE {\n"
     "  ?s a mg:Institution\n  ?s mg:inUNSystem false\n}", "“.” is missing",
     "Put a “.” after mg:Institution (line 3"),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMT 5", "“LIMT”", "LIMIT"),
])
def test_syntax_errors_are_explained(real_server, browser, query, what, fix):
    context, page, errors = open_page(browser, real_server, "/?query=" + quote(query))
    box = page.locator("#error-box")
    box.locator(".fix").wait_for()
    assert what in box.locator(".what").inner_text()
    assert fix in box.locator(".fix").inner_text()
    # The engine's grammar dump is one click away, not in the reader's face.
    assert box.locator("details pre").is_hidden()
    assert len(box.inner_text()) < 600
    assert page.locator("#results").is_hidden()
    context.close()


def test_query_page_fits_a_phone(real_server, browser, shoot):
    context, page, errors = open_page(browser, real_server, width=390)
    run_example(page, "01-institutions-outside-un")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390"
    assert in_viewport(page, "#results")
    shoot(page, "query-page-390")
    assert not errors, errors
    context.close()
