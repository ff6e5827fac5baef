"""`kg serve` as an operator sees it: starts in seconds (building the release if there is
none), reports health, stops cleanly on SIGTERM without dropping a query in flight, and
leaves no worker process behind."""

from __future__ import annotations

import signal
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .conftest import http, make_project, serving
from .endpoint.test_sparql_safety import children

# About a second or two of work on the mini graph: long enough to be in flight.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return " Z " not in stat.read_text()
    except OSError:
        return False


def test_builds_when_dist_is_missing_and_starts_fast(tmp_path):
    settings = make_project(tmp_path / "p")
    assert not settings.dist_dir.exists()
    started = time.monotonic()
    with serving(settings, "--threads", "4", "--workers", "3") as s:
        took = time.monotonic() - started
        assert (settings.dist_dir / "mgkg.trig").is_file()
        health = http("GET", s.base + "/healthz")
        assert health.status == 200
        assert health.json()["status"] == "ok" and health.json()["workers"] == 3
        assert "3 query workers" in s.output() and "4 threads" in s.output()
        # A first start builds; it says so before the wait, not only after it.
        out = s.output()
        assert "building it from data/ first" in out
        assert out.index("building it from data/ first") < out.index("built ")
    assert took < 15


def test_sigterm_finishes_the_query_in_flight_then_exits_cleanly(mini_settings):
    with serving(mini_settings) as s:
        (zygote,) = children(s.proc.pid)
        family = {zygote, *children(zygote)}
        assert len(family) >= 3
        url = s.base + "/sparql?" + urllib.parse.urlencode({"query": SLOW})
        with ThreadPoolExecutor(1) as pool:
            started = time.monotonic()
            in_flight = pool.submit(http, "GET", url)
            time.sleep(0.4)
            s.proc.send_signal(signal.SIGTERM)
            answer = in_flight.result(timeout=30)
        assert answer.status == 200, answer.body
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 10**6
        assert time.monotonic() - started > 0.4  # it really was in flight at SIGTERM
        assert s.proc.wait(timeout=20) == 0
        time.sleep(0.2)
        assert not any(alive(pid) for pid in family)
        assert "received SIGTERM" in s.output() and "stopped" in s.output()


def test_new_connections_are_refused_after_sigterm(mini_settings):
    with serving(mini_settings) as s:
        url = s.base + "/sparql?" + urllib.parse.urlencode({"query": SLOW})
        with ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(http, "GET", url)
            time.sleep(0.4)
            s.proc.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            try:
                late = http("GET", s.base + "/healthz", timeout=2).status
            except OSError:
                late = "refused"
            assert in_flight.result(timeout=30).status == 200
        assert late == "refused"
        assert s.proc.wait(timeout=20) == 0


def test_a_busy_port_is_a_clear_error(mini_settings):
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "kg.cli", "--root", str(mini_settings.root), "--seeds",
             str(mini_settings.seeds_dir), "serve", "--port", str(port), "--dist",
             str(mini_settings.dist_dir)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_a_new_release_is_served_live_and_no_response_mixes_two(tmp_path):
    """`kg build` while the server runs and answers: SPARQL, pages and downloads move to
    the new release together, without a restart, and each response is wholly from the
    release its X-MGKG-Release names."""
    import threading

    from kg.release.build import build

    settings = make_project(tmp_path / "p")
    build(settings)
    data = next((settings.root / "data").glob("*.ttl"))
    ask = ('ASK { mgr:iom skos:altLabel "IOM (v2)"@en }')
    url = "/sparql?" + urllib.parse.urlencode({"query": ask})
    with serving(settings, "--reload-interval", "0.3") as s:
        old = http("GET", s.base + "/healthz").json()["release"]
        seen: list[tuple[str, str, bool]] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                r = http("GET", s.base + url, headers={"Accept": "application/json"})
                seen.append(("sparql", r.headers["X-MGKG-Release"], r.json()["boolean"]))
                d = http("GET", s.base + "/download/mgkg.nt")
                seen.append(("download", d.headers["X-MGKG-Release"], b"IOM (v2)" in d.body))
                p = http("GET", s.base + "/doc/id/iom")
                seen.append(("page", p.headers["X-MGKG-Release"], b"IOM (v2)" in p.body))

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            time.sleep(0.5)
            data.write_text(data.read_text(encoding="utf-8").replace(
                'skos:altLabel "IOM"@en', 'skos:altLabel "IOM (v2)"@en'), encoding="utf-8")
            build(settings)
            deadline = time.monotonic() + 20
            new = old
            while new == old and time.monotonic() < deadline:
                time.sleep(0.1)
                new = http("GET", s.base + "/healthz").json()["release"]
            assert new != old, "the new release was not picked up"
            time.sleep(1.0)
        finally:
            stop.set()
            watcher.join(timeout=30)
        assert s.proc.poll() is None  # no restart
        kinds = {k for k, _, _ in seen}
        assert kinds == {"sparql", "download", "page"}
        for kind, release, has_v2 in seen:
            assert release in (old, new), (kind, release)
            assert has_v2 == (release == new), (kind, release, has_v2)
        after = [(k, r) for k, r, _ in seen[-6:]]
        assert all(r == new for _, r in after), after
        assert f"now serving release {new}" in s.output()


def test_a_query_in_flight_finishes_on_the_release_it_began_on(tmp_path):
    import os
    import threading

    from kg.release.build import build

    settings = make_project(tmp_path / "p")
    build(settings)
    data = next((settings.root / "data").glob("*.ttl"))
    data.write_text(data.read_text(encoding="utf-8").replace(
        'skos:altLabel "IOM"@en', 'skos:altLabel "IOM (v3)"@en'), encoding="utf-8")
    other = settings.with_(dist_dir=tmp_path / "other" / "dist")
    build(other)  # the next release, ready beside the served one
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . VALUES ?k { 1 2 } }"
    url = "/sparql?" + urllib.parse.urlencode({"query": slow})
    with serving(settings, "--reload-interval", "0.2", "--timeout", "60") as s:
        old = http("GET", s.base + "/healthz").json()["release"]
        answer = {}
        t = threading.Thread(target=lambda: answer.update(r=http("GET", s.base + url,
                                                                 timeout=90)))
        t.start()
        time.sleep(0.5)
        link = settings.dist_dir.with_name("dist.switch")
        os.symlink(other.dist_dir.resolve(), link)
        os.replace(link, settings.dist_dir)  # what kg build's last step does
        swapped_at = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if http("GET", s.base + "/healthz").json()["release"] != old:
                swapped_at = time.monotonic()
                in_flight = t.is_alive()
                break
            time.sleep(0.05)
        t.join(timeout=90)
        assert swapped_at is not None and in_flight  # it was running across the swap
        r = answer["r"]
        assert r.status == 200, r.body
        assert r.headers["X-MGKG-Release"] == old
        v3 = http("GET", s.base + "/sparql?" + urllib.parse.urlencode(
            {"query": 'ASK { mgr:iom skos:altLabel "IOM (v3)"@en }'}),
            headers={"Accept": "application/json"})
        assert v3.json()["boolean"] is True and v3.headers["X-MGKG-Release"] != old
