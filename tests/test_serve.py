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
