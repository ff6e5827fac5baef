"""A public endpoint under hostile or careless use, over real HTTP: time limits that really
stop the work, caps on rows, bytes, request size and memory, read-only, and no network
or file access from a query (proved with a listener on 127.0.0.1)."""

from __future__ import annotations

import os
import platform
import socket
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kg.endpoint.evaluate import Job
from kg.endpoint.executor import QueryPool
from kg.endpoint.sandbox import deny_network_files_exec
from kg.store.store import load_store

from ..conftest import http, serving

# Three copies of every triple of the mini graph side by side: billions of rows, so this
# runs until it is stopped.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "ASK { mgr:iom a mg:IntergovernmentalOrganization }"
SANDBOX_OK = sys.platform.startswith("linux") and platform.machine() in ("x86_64", "aarch64")


def q(server, query: str, method: str = "GET", **params):
    params["query"] = query
    if method == "GET":
        return http("GET", server.base + "/sparql?" + urllib.parse.urlencode(params))
    return http("POST", server.base + "/sparql", urllib.parse.urlencode(params).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"})


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


# ------------------------------------------------------------------ time limit


@pytest.fixture(scope="module")
def limited(mini_settings):
    with serving(mini_settings, "--timeout", "1", "--max-rows", "5", "--workers", "2",
                 env={"MGKG_MAX_RESPONSE_BYTES": "3000",
                      "MGKG_MAX_REQUEST_BYTES": "2000"}) as s:
        yield s


def test_timeout_kills_the_worker_and_answers_503(limited):
    (zygote,) = children(limited.proc.pid)
    before = children(zygote)
    assert len(before) == 2
    started = time.monotonic()
    r = q(limited, ENDLESS)
    took = time.monotonic() - started
    assert r.status == 503
    assert "stopped after 1 s" in r.text
    assert 0.9 < took < 3
    time.sleep(0.2)
    after = children(zygote)
    assert len(after) == 2 and len(before - after) == 1  # one worker killed, one fresh
    for pid in before - after:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    assert q(limited, LIGHT).status == 200
    health = http("GET", limited.base + "/healthz").json()
    assert health["workers"] == 2 and health["timeouts"] >= 1


def test_other_queries_are_answered_while_runaways_are_stopped(limited):
    with ThreadPoolExecutor(4) as pool:
        runaway = pool.submit(q, limited, ENDLESS)
        time.sleep(0.2)
        started = time.monotonic()
        light = [q(limited, LIGHT) for _ in range(20)]
        light_time = time.monotonic() - started
        # both workers busy with runaways: a light query waits for a fresh worker
        second = pool.submit(q, limited, ENDLESS)
        time.sleep(0.2)
        queued = pool.submit(q, limited, LIGHT, "POST")
        assert runaway.result().status == 503 and second.result().status == 503
        assert queued.result().status == 200
    assert all(r.status == 200 for r in light) and light_time < 0.9


# ------------------------------------------------------------------ caps


def test_row_cap_is_flagged(limited):
    r = q(limited, "SELECT ?s WHERE { ?s a owl:Class }")
    assert r.status == 200
    doc = r.json()
    assert len(doc["results"]["bindings"]) == 5
    assert r.headers["X-MGKG-Truncated"] == "true"
    assert r.headers["X-MGKG-Limit"] == "rows=5" and r.headers["X-MGKG-Rows"] == "5"
    assert doc["truncated"] is True and doc["truncation"] == {"reason": "rows", "limit": 5}
    exact = q(limited, "SELECT ?s WHERE { ?s a owl:Class } LIMIT 5")
    assert exact.headers["X-MGKG-Truncated"] == "false" and "truncated" not in exact.json()
    graph = q(limited, "CONSTRUCT WHERE { ?s a owl:Class }", format="nt")
    assert graph.headers["X-MGKG-Truncated"] == "true"
    assert len([ln for ln in graph.text.splitlines() if ln and not ln.startswith("#")]) == 5


def test_response_size_cap_is_flagged(limited):
    r = q(limited, "SELECT (CONCAT(?q, ?q, ?q, ?q, ?q) AS ?long) WHERE { ?a mg:quote ?q }",
          format="xml")
    assert r.status == 200 and len(r.body) <= 3000
    assert r.headers["X-MGKG-Truncated"] == "true" and r.headers["X-MGKG-Limit"] == "bytes=3000"
    assert 0 < int(r.headers["X-MGKG-Rows"]) < 5
    assert r.text.rstrip().endswith("</sparql>")


def test_request_size_limit_is_413(limited):
    padding = "# " + "x" * 2500 + "\n"
    body = http("POST", limited.base + "/sparql", (padding + LIGHT).encode(),
                {"Content-Type": "application/sparql-query"})
    assert body.status == 413
    form = q(limited, padding + LIGHT, "POST")
    assert form.status == 413
    url = q(limited, padding + LIGHT)
    assert url.status == 413 and "2000 bytes" in url.text
    assert q(limited, LIGHT).status == 200


def test_memory_limit_stops_a_query_and_the_server_goes_on(mini_settings):
    with serving(mini_settings, "--timeout", "20", "--workers", "1",
                 env={"MGKG_QUERY_MEMORY_MB": "128"}) as s:
        r = q(s, "SELECT ?a ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?a")
        assert r.status == 503 and "memory" in r.text
        assert q(s, LIGHT).status == 200
        assert http("GET", s.base + "/healthz").json()["crashes"] == 1


# ------------------------------------------------------------------ read-only


@pytest.fixture(scope="module")
def server(mini_settings):
    with serving(mini_settings) as s:
        yield s


def test_updates_are_refused_with_a_clear_400(server):
    insert = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
    answers = [
        q(server, insert),
        q(server, "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }", "POST"),
        q(server, "CLEAR ALL"), q(server, "DROP GRAPH mgg:ontology"),
        http("POST", server.base + "/sparql", urllib.parse.urlencode({"update": insert}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded"}),
        http("GET", server.base + "/sparql?" + urllib.parse.urlencode({"update": insert})),
        http("POST", server.base + "/sparql", insert.encode(),
             {"Content-Type": "application/sparql-update"}),
    ]
    for r in answers:
        assert r.status == 400 and "read-only" in r.text, r.text
    assert q(server, "ASK { <http://example.org/a> ?p ?o }").json()["boolean"] is False
    assert q(server, "ASK { GRAPH mgg:ontology { ?s ?p ?o } }").json()["boolean"] is True


class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.connections.append(conn.recv(4096))
            except OSError:
                self.connections.append(b"")
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


def test_service_load_and_from_make_no_network_request(server, listener):
    url = f"http://127.0.0.1:{listener.port}/sparql"
    refused = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ ?s ?p ?o .service <{url}> {{ }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"LOAD <{url}>",
        f"LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>",
    ]
    for text in refused:
        r = q(server, text)
        assert r.status == 400, (text, r.text)
        assert "SERVICE" in r.text or "read-only" in r.text
    quiet = [
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{url}>",
        f"ASK {{ GRAPH <{url}> {{ ?s ?p ?o }} }}",
    ]
    for text in quiet:
        r = q(server, text)
        assert r.status == 200, (text, r.text)
    time.sleep(0.3)
    assert listener.connections == []


def test_no_file_is_read_through_a_query(server):
    secret = Path("/etc/hostname") if Path("/etc/hostname").is_file() else Path(__file__)
    content = secret.read_text().strip().splitlines()[0][:40]
    iri = secret.resolve().as_uri()
    for text in [f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}",
                 f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                 f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}",
                 f"DESCRIBE <{iri}>", f"LOAD <{iri}>",
                 f'SELECT ?x WHERE {{ BIND(STR(<{iri}>) AS ?x) }}']:
        r = q(server, text)
        assert r.status in (200, 400)
        assert content not in r.text.replace(iri, "")


# ------------------------------------------------------------------ the sandbox itself


@pytest.mark.skipif(not SANDBOX_OK, reason="seccomp sandbox is for Linux x86_64/aarch64")
def test_worker_sandbox_blocks_sockets_files_and_exec():
    """In a forked child, as in a worker: after the filter, no socket, no open, no exec."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            if not deny_network_files_exec():
                code = 10
            for attempt, bit in ((lambda: socket.socket(), 1),
                                 (lambda: Path("/etc/hostname").read_bytes(), 2),
                                 (lambda: os.open("/tmp", os.O_RDONLY), 4),
                                 (lambda: os.execv("/bin/true", ["true"]), 8)):
                try:
                    attempt()
                    code |= bit
                except PermissionError:
                    pass
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@pytest.mark.skipif(not SANDBOX_OK, reason="seccomp sandbox is for Linux x86_64/aarch64")
def test_service_reaching_a_worker_still_makes_no_request(mini_settings, listener):
    """The HTTP layer refuses SERVICE; here a query goes to the pool directly, as if that
    guard had been fooled, and the sandboxed worker still cannot connect."""
    pool = QueryPool(load_store(mini_settings), mini_settings.with_(workers=1)).start()
    try:
        assert pool.sandboxed
        url = f"http://127.0.0.1:{listener.port}/sparql"
        answer = pool.run(Job(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"), 10)
        assert answer.status == 400 and b"SERVICE" in answer.body
        silent = pool.run(Job(f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"), 10)
        assert silent.status == 200
        assert pool.run(Job("ASK { ?s ?p ?o }"), 10).status == 200
    finally:
        pool.close()
    time.sleep(0.3)
    assert listener.connections == []
