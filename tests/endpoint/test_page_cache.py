"""Pages are cached per release and representation, and bounded (issue 18)."""

from __future__ import annotations

import statistics
import threading
import time

import pytest

from ..conftest import serving
from .netclient import request, sparql_path

LIGHT = "ASK { mgr:iom a mg:IntergovernmentalOrganization }"
PAGE = "/doc/source/001_4f7e06674fa94512"


@pytest.fixture(scope="module")
def paged(mini_settings):
    with serving(mini_settings) as s:
        yield s


def _counter(port: int, outcome: str) -> float:
    text = request(port, "/metrics").body.decode()
    for line in text.splitlines():
        if line.startswith(f'mgkg_page_cache_total{{outcome="{outcome}"}}'):
            return float(line.split()[-1])
    return 0.0


def test_a_page_is_rendered_once_and_then_served_from_the_cache(paged):
    first = request(paged.port, PAGE)
    assert first.status == 200
    hits = _counter(paged.port, "hit")
    again = request(paged.port, PAGE)
    assert again.body == first.body
    assert again.headers["etag"] == first.headers["etag"]
    assert first.headers["x-mgkg-release"] in first.headers["etag"]
    assert _counter(paged.port, "hit") == hits + 1
    r = request(paged.port, PAGE, headers={"If-None-Match": first.headers["etag"]})
    assert r.status == 304 and r.body == b""


def test_representations_are_cached_apart(paged):
    html = request(paged.port, "/ontology", headers={"Accept": "text/html"})
    ttl = request(paged.port, "/ontology", headers={"Accept": "text/turtle"})
    again = request(paged.port, "/ontology", headers={"Accept": "text/turtle;q=0.9"})
    assert html.headers["content-type"].startswith("text/html")
    assert ttl.headers["content-type"].startswith("text/turtle")
    assert again.headers["content-type"].startswith("text/turtle")
    assert html.headers["etag"] != ttl.headers["etag"]
    assert "text/html" in html.headers["content-type"] and b"@prefix" in ttl.body


def test_a_post_is_answered_from_its_body_never_from_the_cache(paged):
    """The workbench's POST APIs answer from the body, which the cache key does not hold."""
    json_type = {"Content-Type": "application/json"}
    iom = request(paged.port, "/api/labels", method="POST", headers=json_type,
                  body=b'{"iris": ["https://w3id.org/mgkg/id/iom"]}')
    bad = request(paged.port, "/api/labels", method="POST", headers=json_type, body=b"not json")
    assert iom.status == 200 and b"International Organization for Migration" in iom.body
    assert bad.status == 400


def _loop_pages(port: int, source: str, until: float, bust: bool, out: list) -> None:
    i = 0
    while time.monotonic() < until:
        i += 1
        path = PAGE + (f"?n={source}-{i}" if bust else "")
        out.append(request(port, path, source, timeout=30).status)


@pytest.mark.parametrize("bust", [False, True], ids=["same-page", "every-url-new"])
def test_sixteen_clients_looping_a_page_do_not_slow_sparql(paged, bust):
    """Cached (same page) or never cached (a new query string each time, so every
    request renders): page work is bounded, and light SPARQL stays fast."""
    hits_before = _counter(paged.port, "hit")
    until = time.monotonic() + 6
    statuses: list = []
    threads = [threading.Thread(target=_loop_pages,
                                args=(paged.port, f"127.0.4.{i + 1}", until, bust, statuses))
               for i in range(16)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    light = []
    while time.monotonic() < until - 0.5:
        r = request(paged.port, sparql_path(LIGHT), "127.0.0.3", timeout=30)
        assert r.status == 200
        light.append(r.seconds)
        time.sleep(0.05)
    for t in threads:
        t.join(timeout=60)
    assert statuses and set(statuses) <= {200, 503}
    if bust:  # every request wanted a rendering: most were turned away, not queued
        assert statuses.count(503) > statuses.count(200), statuses.count(200)
    else:  # all but the first few came from the cache
        assert _counter(paged.port, "hit") - hits_before >= 0.9 * len(statuses)
    # Before: a 2.2 s median under this load. Generous bounds for a shared machine.
    assert statistics.median(light) < 0.4, sorted(light)
