"""Search over names and quotes, against the real release: as JSON, as a page, and in a
real Chromium ("what does the GFMD paper say about Thailand", one search away)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from ..conftest import http, running_server
from .conftest import CHROMIUM, NO_CHROMIUM, watch

GFMD = "https://w3id.org/mgkg/source/002_ff707b0e55ac8f9a"
QUOTES = """PREFIX mg: <https://w3id.org/mgkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?quote ?start WHERE { GRAPH ?g { ?e mg:quote ?quote ; dcterms:source <GFMD> ;
  mg:quoteStart ?start } FILTER(CONTAINS(?quote, "Thailand") && STRLEN(?quote) > 80) }
ORDER BY ?start LIMIT 1""".replace("GFMD", GFMD)


def find(base: str, **params) -> dict:
    qs = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
    r = http("GET", f"{base}/search?{qs}", headers={"Accept": "application/json"})
    assert r.status == 200 and r.type == "application/json", r.text[:300]
    return r.json()


@pytest.fixture(scope="module")
def gfmd_quote(real_server) -> tuple[str, int]:
    r = http("GET", real_server + "/sparql?query=" + quote(QUOTES),
             headers={"Accept": "application/sparql-results+json"})
    row = r.json()["results"]["bindings"][0]
    return row["quote"]["value"], int(row["start"]["value"])


def test_a_phrase_finds_its_quote_and_its_place(real_server, gfmd_quote):
    text, start = gfmd_quote
    words = re.findall(r"\w+", text)
    phrase = " ".join(words[2:8])
    body = find(real_server, q=phrase)
    hit = next(h for h in body["results"] if h["text"] == text)
    assert hit["kind"] == "quote"
    assert hit["source"]["iri"] == GFMD and hit["source"]["name"] == "GFMD 2008"
    assert hit["start"] == start
    assert hit["quote_href"] == f"/source/002_ff707b0e55ac8f9a#q-{start}"
    assert "<mark>" in hit["snippet"] and "<script" not in hit["snippet"]


def test_every_quote_hit_can_be_cited(real_server, gfmd_quote):
    """A quote found by search cites the evidence it is: /cite?fact=<key> of that
    source's quote at that offset, its citation quoting the same words."""
    body = find(real_server, q="Thailand", kind="quote")
    assert body["results"]
    for hit in body["results"]:
        assert hit["cite_href"] and hit["cite_href"].startswith("/cite?fact="), hit
        r = http("GET", real_server + hit["cite_href"] + "&format=csl")
        assert r.status == 200, r.text[:300]
        assert json.dumps(hit["text"], ensure_ascii=False)[1:-1] in r.text, (r.text, hit)
        assert hit["source"]["iri"] in r.text or hit["source"]["name"] in r.text
    page = http("GET", real_server + "/search?q=Thailand&kind=quote").text
    assert page.count('data-cite href="/cite?fact=') == len(body["results"])


def test_source_filter(real_server):
    everywhere = find(real_server, q="Thailand")
    in_gfmd = find(real_server, q="Thailand", source="002_ff707b0e55ac8f9a")
    assert 0 < in_gfmd["total"] < everywhere["total"]
    assert all(h["source"]["iri"] == GFMD for h in in_gfmd["results"])
    quotes = find(real_server, q="Thailand", source=GFMD, kind="quote")
    assert quotes["total"] == in_gfmd["total"]  # labels carry no source
    assert {h["kind"] for h in find(real_server, q="Thailand", kind="label")["results"]} \
        == {"label"}


def test_names_come_first(real_server):
    body = find(real_server, q="International Organization for Migration")
    first = body["results"][0]
    assert first["kind"] in ("label", "altLabel")
    assert first["thing"]["iri"] == "https://w3id.org/mgkg/id/iom" or \
        "International Organization for Migration" in first["text"]


@pytest.mark.parametrize("q", ['"unclosed', "AND OR NOT (", "NEAR(a b", "*", "é"])
def test_search_syntax_is_text(real_server, q):
    body = find(real_server, q=q)
    assert body["total"] >= 0


def test_paging(real_server):
    one = find(real_server, q="migration")
    two = find(real_server, q="migration", offset=50)
    assert one["total"] > 50
    assert not {(h["text"], h["start"]) for h in one["results"]} & \
        {(h["text"], h["start"]) for h in two["results"]}


@pytest.mark.skipif(not CHROMIUM, reason=NO_CHROMIUM)
def test_what_the_gfmd_paper_says_about_thailand(real_server, browser, gfmd_quote, shoot):
    text, start = gfmd_quote
    for width in (1400, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors = watch(page)
        page.goto(real_server + "/")
        page.get_by_role("link", name="Search", exact=True).click()
        page.get_by_label("Words").fill("Thailand")
        page.get_by_label("in", exact=True).select_option(label="GFMD 2008")
        page.get_by_role("button", name="Search").click()
        page.locator("#search-status").wait_for()
        assert "in GFMD 2008" in page.locator("#search-status").inner_text()
        hit = page.locator("li.hit.quote", has_text=text[:60]).first
        assert hit.locator("mark").first.inner_text() == "Thailand"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, f"search-{width}")
        hit.locator("a[title='the quote in its source']").click()
        page.wait_for_url(f"**/source/002_ff707b0e55ac8f9a#q-{start}")
        assert text[:60] in page.locator(f"li#q-{start}").inner_text()
        assert not errors, errors
        context.close()


def _release_copy(mini_settings, dest):
    """A copy of the mini release to change and serve (the session's one stays)."""
    import shutil

    shutil.copytree(mini_settings.dist_dir.resolve(), dest)
    return mini_settings.with_(dist_dir=dest)


def test_search_answers_from_the_release_index(mini_settings, tmp_path):
    """The server searches the file the build wrote, not an index of its own: a row
    planted in a copy's search.sqlite is found, with its source and offsets."""
    import sqlite3

    from kg.release.searchindex import FILE

    settings = _release_copy(mini_settings, tmp_path / "dist")
    db = sqlite3.connect(settings.dist_dir / FILE)
    db.execute("INSERT INTO doc VALUES ('a planted zyxwvutsr sentence', '', 'quote', "
               "'https://w3id.org/mgkg/id/iom', "
               "'https://w3id.org/mgkg/source/001_4f7e06674fa94512', 7, 36, NULL)")
    db.commit()
    db.close()
    with running_server(settings) as base:
        body = find(base, q="zyxwvutsr")
        assert body["total"] == 1
        hit = body["results"][0]
        assert (hit["start"], hit["end"], hit["thing"]["iri"]) == \
            (7, 36, "https://w3id.org/mgkg/id/iom")
        assert hit["quote_href"] == "/source/001_4f7e06674fa94512#q-7"


def test_a_release_without_an_index_says_so(mini_settings, tmp_path):
    from kg.release.searchindex import FILE

    settings = _release_copy(mini_settings, tmp_path / "dist")
    (settings.dist_dir / FILE).unlink()
    with running_server(settings) as base:
        r = http("GET", base + "/search?q=IOM&format=json")
        assert r.status == 503 and r.type == "application/json"
        assert "no search index" in r.json()["error"] and "kg build" in r.json()["error"]
        page = http("GET", base + "/search?q=IOM", headers={"Accept": "text/html"})
        assert page.status == 503 and "Search is not available" in page.text
        assert "kg build" in page.text
        assert http("GET", base + "/doc/id/iom").status == 200  # the rest still serves


def test_a_release_swapped_in_live_is_searched_with_its_own_index(tmp_path):
    import time

    from kg.release.build import build

    from ..conftest import make_project, serving

    settings = make_project(tmp_path / "p")
    build(settings)
    data = next((settings.root / "data").glob("*.ttl"))
    with serving(settings, "--reload-interval", "0.3") as s:
        old = http("GET", s.base + "/healthz").json()["release"]
        assert find(s.base, q="Zqvmarker")["total"] == 0
        data.write_text(data.read_text(encoding="utf-8").replace(
            'skos:altLabel "IOM"@en', 'skos:altLabel "IOM Zqvmarker"@en'), encoding="utf-8")
        build(settings)
        deadline = time.monotonic() + 20
        while http("GET", s.base + "/healthz").json()["release"] == old:
            assert time.monotonic() < deadline, "the new release was not picked up"
            time.sleep(0.1)
        body = find(s.base, q="Zqvmarker")
        assert body["total"] == 1
        assert body["results"][0]["thing"]["iri"] == "https://w3id.org/mgkg/id/iom"
