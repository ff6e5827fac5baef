"""Shared fixtures: real files, real builds, real server processes on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kg.core.settings import Settings
from kg.release.build import build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("MGKG_SEEDS_DIR") or ROOT.parent / "shared" / "seeds").resolve()
FIXTURES = ROOT / "tests" / "fixtures"
MINI_DATA = FIXTURES / "mini" / "data"


def fold_ws(text: str) -> str:
    """Whitespace folded, the one liberty ../shared/GUIDE.md allows a quote. Written here,
    not taken from kg.input.sources, so the tests check the build's quote matching rather than
    repeat it."""
    return " ".join(text.split())


def make_project(dest: Path, data: Path | None = MINI_DATA, shapes: bool = True) -> Settings:
    """A throwaway project: the real ontology (and shapes) plus the given data files."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "ontology", dest / "ontology", dirs_exist_ok=True)
    if not shapes:
        for p in (dest / "ontology").glob("shapes*.ttl"):
            p.unlink()
    (dest / "data").mkdir(exist_ok=True)
    if data is not None:
        for f in sorted(Path(data).glob("*.ttl")):
            shutil.copy(f, dest / "data" / f.name)
    return Settings(root=dest, seeds_dir=SEEDS)


@pytest.fixture(scope="session")
def mini_settings(tmp_path_factory) -> Settings:
    """A small valid project, built once: fast tests of the pipeline and the server."""
    settings = make_project(tmp_path_factory.mktemp("mini"))
    build(settings)
    return settings


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    """The real curated graph, built once into a temporary dist/."""
    settings = Settings(root=ROOT, seeds_dir=SEEDS,
                        dist_dir=tmp_path_factory.mktemp("real") / "dist")
    build(settings)
    return settings


@pytest.fixture(scope="session")
def store(real_settings):
    """The real release in the serving store (read-only), shared by the data, evidence
    and competency-question tests."""
    from kg.store.store import load_store

    return load_store(real_settings)


def seed_text(stem: str) -> str:
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A running `kg serve`: its base URL, process, and everything it has printed.

    The output is read continuously by a thread: a server that logs every request would
    otherwise block once the pipe's buffer is full."""

    def __init__(self, base: str, proc: subprocess.Popen):
        self.base = base
        self.proc = proc
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace"))

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, needle: str, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.output():
                return True
            time.sleep(0.02)
        return False


@contextmanager
def serving(settings: Settings, *extra: str, env: dict | None = None,
            ready_timeout: float = 60.0) -> Iterator[ServerProcess]:
    """`kg serve` as a real process on 127.0.0.1; yields it once /healthz answers."""
    port = free_port()
    cmd = [sys.executable, "-m", "kg.cli", "--root", str(settings.root),
           "--seeds", str(settings.seeds_dir), "serve", "--host", "127.0.0.1",
           "--port", str(port), "--dist", str(settings.dist_dir), *extra]
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = ServerProcess(f"http://127.0.0.1:{port}", proc)
    deadline = time.monotonic() + ready_timeout
    try:
        while True:
            if proc.poll() is not None:
                server._reader.join(timeout=5)
                raise RuntimeError(f"kg serve exited with {proc.returncode}:\n{server.output()}")
            try:
                with urllib.request.urlopen(server.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("kg serve did not become ready")
            time.sleep(0.05)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        server._reader.join(timeout=5)
        if proc.stdout:
            proc.stdout.close()


@contextmanager
def running_server(settings: Settings, *extra: str, env: dict | None = None,
                   ready_timeout: float = 60.0) -> Iterator[str]:
    """`kg serve` as a real process on 127.0.0.1; yields its base URL."""
    with serving(settings, *extra, env=env, ready_timeout=ready_timeout) as server:
        yield server.base


@pytest.fixture(scope="session")
def mini_server(mini_settings) -> Iterator[str]:
    with running_server(mini_settings) as base:
        yield base


@pytest.fixture(scope="session")
def real_server(real_settings) -> Iterator[str]:
    with running_server(real_settings) as base:
        yield base


class HttpResult:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def type(self) -> str:
        """The media type, without parameters."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def json(self):
        import json

        return json.loads(self.body)


def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None,
         timeout: float = 30) -> HttpResult:
    """One real HTTP request; error statuses are returned, not raised."""
    import urllib.error

    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return HttpResult(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return HttpResult(e.code, e.headers, e.read())


def select_rows(base: str, query: str) -> list[dict]:
    """A SELECT's rows from a real server's /sparql, each as {variable: value}: what the
    web tests compare pages with (expected values read from the endpoint, not written)."""
    from urllib.parse import quote

    r = http("GET", base + "/sparql?query=" + quote(query),
             headers={"Accept": "application/sparql-results+json"})
    assert r.status == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]
