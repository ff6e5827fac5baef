"""HTTP from a chosen loopback address: the whole of 127.0.0.0/8 is this machine on Linux,
so tests (and benchmarks/attack.py) can be several clients while every packet goes to
the server on 127.0.0.1."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.parse
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes
    seconds: float


def request(port: int, path: str, source: str = "127.0.0.1", method: str = "GET",
            body: bytes | None = None, headers: dict | None = None,
            timeout: float = 30) -> Reply:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data,
                     time.monotonic() - started)
    finally:
        conn.close()


def sparql_path(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def slow_socket(port: int, source: str, first: bytes = b"GET / HTTP/1.1\r\n") -> socket.socket:
    """A connection that has sent the start of a request and no more (a slowloris)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    if first:
        s.sendall(first)
    return s


def closed_by_peer(sock: socket.socket, wait: float = 0.0) -> bool:
    """True if the server has closed this connection (EOF or reset)."""
    sock.settimeout(wait)
    try:
        data = sock.recv(65536)
    except (BlockingIOError, TimeoutError):
        return False
    except OSError:
        return True
    if not data:
        return True
    return closed_by_peer(sock, wait)  # an answer (429/408) came first; read on
