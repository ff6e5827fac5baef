"""Input limits, headers on every response, and a log no client can forge (issue 18)."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from kg.app import clean

from ..conftest import http, serving
from .netclient import request, sparql_path

LIGHT = "ASK { mgr:iom a mg:IntergovernmentalOrganization }"


@pytest.fixture(scope="module")
def hard(mini_settings):
    with serving(mini_settings) as s:
        yield s


# ------------------------------------------------------------------ the log


@pytest.mark.parametrize("raw, shown", [
    ("a\nb", "a\\x0ab"), ("a\rb", "a\\x0db"), ("\x1b[31mred", "\\x1b[31mred"),
    ("nul\x00", "nul\\x00"), ('say "hi"', "say \\x22hi\\x22"), ("back\\slash", "back\\\\slash"),
    ("\u202eevil", "\\u202eevil"), ("plain/path-ok", "plain/path-ok"),
])
def test_clean_escapes_what_could_forge_or_colour_a_line(raw, shown):
    assert clean(raw) == shown


def test_a_url_cannot_forge_an_access_log_line(hard):
    forged = "FORGED 127.0.0.1 \"GET /admin\" 200"
    path = ("/doc/x%0a" + urllib.parse.quote(forged) + "%0d%1b[2J%00")
    http("GET", hard.base + path)
    query = LIGHT + "\n" + forged + "\x1b[31m\x00"
    assert http("GET", hard.base + sparql_path(query)).status in (200, 400)
    assert hard.wait_for_output("\\x1b[2J")
    assert hard.wait_for_output("\\x1b[31m")
    lines = hard.output().splitlines()
    assert not any(line.startswith("FORGED") for line in lines)
    assert "\x1b" not in hard.output() and "\x00" not in hard.output()
    logged = [ln for ln in lines if "kg.access" in ln and "FORGED" in ln]
    assert len(logged) == 2  # one line each, the forged text inside it
    assert all(re.search(r" [0-9a-f]{16} \"GET ", ln) for ln in logged)  # request ids


# ------------------------------------------------------------------ input


def test_deep_nesting_is_a_400_before_any_worker_crashes(hard):
    health = http("GET", hard.base + "/healthz").json()
    for query in ("SELECT * WHERE " + "{" * 10000 + "}" * 10000,
                  "SELECT * WHERE { FILTER(" + "+".join(["1"] * 8000) + ") }"):
        r = http("POST", hard.base + "/sparql", query.encode(),
                 {"Content-Type": "application/sparql-query"})
        assert r.status == 400, r.text[:200]
        assert "nests brackets" in r.text or "chains more than" in r.text
    after = http("GET", hard.base + "/healthz").json()
    assert after["crashes"] == health["crashes"]


def test_brackets_inside_strings_iris_and_comments_do_not_count(hard):
    query = ('SELECT ?x WHERE { BIND("' + "{" * 200 + '" AS ?x) } # ' + "(" * 200 + "\n")
    assert http("GET", hard.base + sparql_path(query)).status in (200, 400)


def test_invalid_utf8_is_400_by_get_and_by_post(hard):
    assert http("GET", hard.base + "/sparql?query=ASK%20%7B%7D%FF").status == 400
    r = http("POST", hard.base + "/sparql", b"query=ASK%20%7B%7D%FF",
             {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400
    r = http("POST", hard.base + "/sparql", b"ASK {}\xff",
             {"Content-Type": "application/sparql-query"})
    assert r.status == 400


def test_a_malformed_q_value_is_ignored_not_406(hard):
    r = http("GET", hard.base + sparql_path(LIGHT),
             headers={"Accept": "application/sparql-results+json;q=abc"})
    assert r.status == 200


def test_head_answers_without_evaluating(hard):
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    r = request(hard.port, sparql_path(endless), method="HEAD", timeout=5)
    assert r.status == 200 and r.seconds < 1
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert request(hard.port, sparql_path("CONSTRUCT WHERE { ?s ?p ?o }"), method="HEAD",
                   headers={"Accept": "text/csv"}).status == 406


# ------------------------------------------------------------------ headers


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/sparql", "/healthz",
                                  "/no/such/page", "/ontology", "/metrics",
                                  "/sparql?query=SELEC"])
def test_every_response_has_nosniff_csp_and_its_release(hard, path):
    r = http("GET", hard.base + path, headers={"Accept": "text/plain"})
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors" in r.headers["Content-Security-Policy"]
    assert re.fullmatch(r"[0-9a-f]{16}", r.headers["X-MGKG-Release"])
    assert re.fullmatch(r"[0-9a-f]{16}", r.headers["X-Request-Id"])


def test_the_host_header_does_not_decide_the_published_endpoint(hard):
    r = request(hard.port, "/sparql", headers={"Host": "evil.example", "Accept": "text/turtle"})
    assert r.status == 200
    assert b"evil.example" not in r.body
    assert f"127.0.0.1:{hard.port}/sparql".encode() in r.body


def test_the_client_address_comes_from_x_forwarded_for_only_behind_the_trusted_proxy(
        mini_settings):
    with serving(mini_settings, "--trusted-proxy", "127.0.0.1") as s:
        port = int(s.base.rsplit(":", 1)[1])
        request(port, "/healthz?via=proxy", "127.0.0.1",
                headers={"X-Forwarded-For": "203.0.113.9"})
        request(port, "/healthz?via=other", "127.0.0.2",
                headers={"X-Forwarded-For": "198.51.100.7"})
        assert s.wait_for_output("via=other")
        lines = [ln for ln in s.output().splitlines() if "via=" in ln]
        assert any("203.0.113.9 " in ln and "via=proxy" in ln for ln in lines), lines
        assert any("127.0.0.2 " in ln and "via=other" in ln for ln in lines), lines
        assert not any("198.51.100.7" in ln for ln in lines)
