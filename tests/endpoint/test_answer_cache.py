"""Exact HTTP caching of SPARQL answers, over real HTTP to a real `kg serve`: ETags and
304s, the answer cache (bounded, keyed by release, never for non-deterministic queries),
the event-loop fast path answering as the application does, and the time limit still
stopping a runaway query while cached and uncached light queries are answered."""

from __future__ import annotations

import http.client as httpclient
import os
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from kg.endpoint.answercache import AnswerCache, Entry, key

from ..conftest import http, make_project, serving
from .netclient import request, sparql_path

LABEL = "SELECT ?label WHERE { mgr:iom rdfs:label ?label }"
ASK = "ASK { mgr:iom a mg:IntergovernmentalOrganization }"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = {"Accept": "application/sparql-results+json"}
# Headers that differ between two answers of the same query by design.
VOLATILE = {"date", "x-request-id", "server-timing", "x-mgkg-cache"}


@pytest.fixture(scope="module")
def server(mini_settings):
    with serving(mini_settings, "--timeout", "1", "--workers", "2") as s:
        yield s


def keep_alive(server, path: str, headers: dict | None = None, method: str = "GET",
               body: bytes | None = None) -> tuple[int, dict, bytes]:
    """One request on a keep-alive connection (no `Connection: close`), the way a
    looping client sends it: the shape the event loop answers itself."""
    conn = httpclient.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_a_repeated_query_is_a_hit_with_the_same_body_headers_and_etag(server):
    path = sparql_path(LABEL + " # repeated")
    s1, h1, b1 = keep_alive(server, path, JSON)
    s2, h2, b2 = keep_alive(server, path, JSON)
    assert (s1, s2) == (200, 200)
    assert h1["x-mgkg-cache"] == "miss" and h2["x-mgkg-cache"] == "hit"
    assert b1 == b2
    assert h1["etag"] == h2["etag"] and h1["etag"].startswith(f'"{h1["x-mgkg-release"]}-')
    assert h1["cache-control"] == "public, no-cache"
    assert h2["server-timing"].startswith("query;dur=") and "cache;desc=hit" in h2["server-timing"]
    # The fast path sends what the application sends, header for header.
    same = {k: v for k, v in h1.items() if k not in VOLATILE}
    assert same == {k: v for k, v in h2.items() if k not in VOLATILE}
    # ... and so does the application for a hit (urllib sends Connection: close).
    via_app = http("GET", server.base + path, headers=JSON)
    assert via_app.headers["X-MGKG-Cache"] == "hit" and via_app.body == b1
    assert via_app.headers["ETag"] == h1["etag"]


def test_if_none_match_is_a_304_without_a_body_and_the_tag_follows_the_type(server):
    path = sparql_path(ASK + " # tags")
    _, h, _ = keep_alive(server, path, JSON)
    tag = h["etag"]
    for headers in ({**JSON, "If-None-Match": tag}, {**JSON, "If-None-Match": f"W/{tag}"},
                    {**JSON, "If-None-Match": f'"other", {tag}'}):
        status, h304, body = keep_alive(server, path, headers)
        assert status == 304 and body == b"", headers
        assert h304["etag"] == tag and h304["x-mgkg-release"] == h["x-mgkg-release"]
    app304 = http("GET", server.base + path, headers={**JSON, "If-None-Match": tag})
    assert app304.status == 304 and app304.body == b""
    status, _, body = keep_alive(server, path, {**JSON, "If-None-Match": '"stale"'})
    assert status == 200 and b"true" in body
    # Another negotiated type is another representation: another tag, no 304.
    status, hx, _ = keep_alive(server, path, {"Accept": "text/csv", "If-None-Match": tag})
    assert status == 200 and hx["etag"] != tag
    # The same query by POST (either body) has the same tag: the tag is the answer's.
    form = urllib.parse.urlencode({"query": ASK + " # tags"}).encode()
    status, hp, _ = keep_alive(server, "/sparql", {
        **JSON, "Content-Type": "application/x-www-form-urlencoded"}, "POST", form)
    assert status == 200 and hp["etag"] == tag
    status, hq, _ = keep_alive(server, "/sparql", {
        **JSON, "Content-Type": "application/sparql-query", "If-None-Match": tag}, "POST",
        (ASK + " # tags").encode())
    assert status == 304 and hq["etag"] == tag
    head = http("HEAD", server.base + path, headers=JSON)
    assert head.status == 200 and head.headers["ETag"] == tag


def test_a_non_deterministic_query_is_never_cached_nor_tagged(server):
    path = sparql_path("SELECT (STRUUID() AS ?u) WHERE {}")
    answers = [keep_alive(server, path, JSON) for _ in range(2)]
    for status, headers, _ in answers:
        assert status == 200 and "etag" not in headers and "x-mgkg-cache" not in headers
    # (The values are not compared: workers forked from one zygote start with the same
    # random state, so two workers' first STRUUID() may agree; that is the engine's.)


def test_errors_and_refusals_are_not_cached(server):
    for query, status in (("SELEC nothing", 400), ("INSERT DATA { <a:b> <a:b> <a:b> }", 400),
                          (ENDLESS + " # not cached", 503)):
        for _ in range(2):
            got, headers, _ = keep_alive(server, sparql_path(query), JSON)
            assert got == status and "etag" not in headers and "x-mgkg-cache" not in headers


def test_the_cache_is_bounded_in_bytes_and_least_recently_used_goes_first():
    cache = AnswerCache(8000)

    def entry(n: int) -> Entry:
        return Entry("r1", b"x" * n, "text/csv", '"t"', "SELECT", 1, None, None, 0.001)

    for i in range(20):
        cache.put(key("r1", f"Q{i}", None, None, None), entry(500))
        assert cache.size <= cache.max_bytes
    assert cache.get(key("r1", "Q0", None, None, None)) is None  # the oldest went first
    assert cache.get(key("r1", "Q19", None, None, None)) is not None
    cache.put(key("r1", "big", None, None, None), entry(2000))  # over an eighth: not kept
    assert cache.get(key("r1", "big", None, None, None)) is None
    cache.drop_other_releases("r2")
    assert len(cache) == 0 and cache.size == 0
    assert AnswerCache(0).get(key("r1", "Q19", None, None, None)) is None


def test_over_http_the_cache_stays_within_its_size(mini_settings):
    with serving(mini_settings, "--answer-cache-mb", "1") as s:
        # ~30 KB answers: two MB of them do not fit in one.
        query = "SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT 300 # {}"
        for i in range(70):
            status, headers, body = keep_alive(s, sparql_path(query.format(i)), JSON)
            assert status == 200 and headers["x-mgkg-cache"] == "miss"
        snap = http("GET", s.base + "/healthz").json()["answer_cache"]
        assert 0 < snap["bytes"] <= snap["max_bytes"] == 1024 * 1024
        assert len(body) * 70 > 2 * snap["max_bytes"]
        assert keep_alive(s, sparql_path(query.format(69)), JSON)[1]["x-mgkg-cache"] == "hit"
        assert keep_alive(s, sparql_path(query.format(0)), JSON)[1]["x-mgkg-cache"] == "miss"


def test_a_new_release_never_gets_an_old_answer_or_a_304_for_an_old_tag(tmp_path):
    from kg.release.build import build

    settings = make_project(tmp_path / "p")
    build(settings)
    data = next((settings.root / "data").glob("*.ttl"))
    ask = sparql_path('ASK { mgr:iom skos:altLabel "IOM (v4)"@en }')
    with serving(settings, "--reload-interval", "0.2") as s:
        first = [keep_alive(s, ask, JSON) for _ in range(2)]
        assert [h["x-mgkg-cache"] for _, h, _ in first] == ["miss", "hit"]
        assert b"false" in first[1][2]
        old_release, old_tag = first[0][1]["x-mgkg-release"], first[0][1]["etag"]
        data.write_text(data.read_text(encoding="utf-8").replace(
            'skos:altLabel "IOM"@en', 'skos:altLabel "IOM (v4)"@en'), encoding="utf-8")
        build(settings)
        deadline = time.monotonic() + 20
        while (http("GET", s.base + "/healthz").json()["release"] == old_release
               and time.monotonic() < deadline):
            time.sleep(0.1)
        status, h, body = keep_alive(s, ask, {**JSON, "If-None-Match": old_tag})
        assert status == 200 and b"true" in body
        assert h["x-mgkg-release"] != old_release and h["etag"] != old_tag
        assert h["x-mgkg-cache"] == "miss"
        assert http("GET", s.base + "/healthz").json()["answer_cache"]["entries"] == 1


def test_pipelined_requests_are_answered_in_order_hit_or_not(server):
    first = sparql_path(ASK + " # pipelined")
    keep_alive(server, first, JSON)  # cached now
    second = sparql_path(LABEL + f" # pipelined {time.time()}")  # a miss: the app answers
    raw = b"".join(f"GET {p} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json"
                   f"\r\n\r\n".encode() for p in (first, second, first))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(raw)
        data = b""
        while data.count(b"HTTP/1.1 200") < 3 or not data.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    bodies = [part for part in data.split(b"HTTP/1.1 200 OK")[1:]]
    assert len(bodies) == 3
    assert b'"boolean":true' in bodies[0] and b"International Organization" in bodies[1]
    assert b'"boolean":true' in bodies[2]


def test_a_hit_is_logged_like_any_query(server):
    marker = f"cache-log-marker-{os.getpid()}"
    path = sparql_path(f'SELECT ("{marker}" AS ?m) WHERE {{}}')
    keep_alive(server, path, JSON)
    keep_alive(server, path, JSON)
    assert server.wait_for_output("cache=hit")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [ln for ln in server.output().splitlines() if marker in ln]
        if len(lines) >= 2:
            break
        time.sleep(0.05)
    assert any("cache=miss" in ln for ln in lines) and any("cache=hit" in ln for ln in lines)
    hit = next(ln for ln in lines if "cache=hit" in ln)
    assert '"GET /sparql" 200' in hit and "form=SELECT" in hit and "rows=1" in hit


def test_a_runaway_is_still_stopped_while_light_queries_are_answered(server):
    health = http("GET", server.base + "/healthz").json()
    cached = sparql_path(ASK + " # during the runaway")
    keep_alive(server, cached, JSON)
    result = {}
    runaway = threading.Thread(target=lambda: result.update(
        r=request(server.port, sparql_path(ENDLESS + " # runaway"), "127.0.0.7", timeout=20)))
    started = time.monotonic()
    runaway.start()
    time.sleep(0.2)
    light = []
    while runaway.is_alive() and time.monotonic() - started < 10:
        light.append(request(server.port, cached))  # a hit
        light.append(request(server.port, sparql_path(f"ASK {{ mgr:iom ?p ?o }} # {len(light)}")))
    runaway.join(timeout=20)
    assert result["r"].status == 503 and b"stopped after 1 s" in result["r"].body
    assert len(light) >= 4 and all(r.status == 200 for r in light)
    assert any(r.headers.get("x-mgkg-cache") == "hit" for r in light)
    assert any(r.headers.get("x-mgkg-cache") == "miss" for r in light)
    after = http("GET", server.base + "/healthz").json()
    assert after["timeouts"] > health["timeouts"] and after["workers"] == 2


def _nice(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[16])  # field 19 of proc(5), counted from the state (field 3)


def test_a_heavy_query_yields_the_cpu_and_its_worker_is_replaced(mini_settings):
    from .test_sparql_safety import children

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f } # lowered"
    with serving(mini_settings, "--timeout", "60", "--workers", "2") as s:
        (zygote,) = children(s.proc.pid)
        before = children(zygote)
        assert {_nice(p) for p in before} == {0}
        result = {}
        t = threading.Thread(target=lambda: result.update(
            r=request(s.port, sparql_path(slow), "127.0.0.8", timeout=90)))
        t.start()
        lowered, deadline = set(), time.monotonic() + 30
        while t.is_alive() and time.monotonic() < deadline and not lowered:
            lowered = {p for p in children(zygote) if _nice(p) == 5}
            time.sleep(0.05)
        # Light queries are answered by the other worker, at normal priority, meanwhile.
        assert request(s.port, sparql_path(ASK + " # beside it")).status == 200
        t.join(timeout=90)
        assert result["r"].status == 200 and lowered
        time.sleep(0.3)
        after = children(zygote)
        assert len(after) == 2 and not lowered & after  # replaced once it had answered
        assert {_nice(p) for p in after} == {0}


def test_a_cached_answer_the_client_does_not_read_is_cut_at_request_timeout(mini_settings):
    """A hit is written from the event loop with no thread waiting on it, so nothing but
    the deadline would end a connection whose client stops reading a large answer."""
    big = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 30000"
    with serving(mini_settings, "--max-rows", "30000", "--answer-cache-mb", "400",
                 "--request-timeout", "5", "--timeout", "60") as s:
        path = sparql_path(big)
        status, headers, body = keep_alive(s, path, JSON)
        assert status == 200 and headers["x-mgkg-cache"] == "miss"
        assert len(body) > 8_000_000  # far more than the sockets' buffers hold
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: "
                         f"application/sparql-results+json\r\n\r\n".encode())
            time.sleep(7)  # the deadline (5 s) and the next maintenance pass
            got = 0
            try:
                while True:
                    chunk = sock.recv(1 << 20)
                    if not chunk:
                        break
                    got += len(chunk)
            except (ConnectionResetError, TimeoutError):
                pass
        assert "cache=hit" in s.output()
        assert got < len(body), "the whole answer was sent to a client that did not read"
