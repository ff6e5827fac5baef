"""A bounded attack suite against a real `kg serve` on 127.0.0.1 (issue 18).

For each attack, a light client (127.0.0.3) sends one light ASK at a time, 20 ms apart,
and records its latency and failures, while attackers (their own processes, their own
loopback addresses: 127.0.0.0/8 is this machine) do their worst:

  baseline       nothing
  heavy-4        4 clients each looping the worst query (a three-way cross product)
  idle+slow-1    1,000 idle and 1,000 slow-header connections from 2 addresses
  idle+slow-200  the same spread over 200 addresses (10 each, under the share)
  page-16        16 clients looping the largest page (the cache's case)
  page-16-new    16 clients looping it with a new query string each time (every
                 request renders: the bound's case)
  reload         `kg build` of a changed release while the server answers; every
                 response is checked against the release it names

Every loop is bounded in time (--seconds per attack) and traffic goes only to
127.0.0.1. Writes benchmarks/results/attack.md and attack.json; prints the table.

    python benchmarks/attack.py                # the real graph, 20 s per attack
    python benchmarks/attack.py --seconds 8 --only heavy-4,page-16
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "endpoint"))
from netclient import request, sparql_path  # noqa: E402

WORST = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
LIGHT = "ASK { mgr:iom a mg:IntergovernmentalOrganization }"
V2 = 'ASK { mgr:iom skos:altLabel "IOM (v2)"@en }'
ATTACKS = ["baseline", "heavy-4", "idle+slow-1", "idle+slow-200", "page-16", "page-16-new",
           "reload"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ attackers (processes)


def heavy_loop(port: int, source: str, until: float, out) -> None:
    counts: dict = {}
    while time.monotonic() < until:
        try:
            status = request(port, sparql_path(WORST), source, timeout=30).status
        except OSError:
            status = "error"
        counts[status] = counts.get(status, 0) + 1
    out.put(counts)


def page_loop(port: int, source: str, page: str, until: float, bust: bool, out) -> None:
    counts: dict = {}
    i = 0
    while time.monotonic() < until:
        i += 1
        path = page + (f"?n={source}-{i}" if bust else "")
        try:
            status = request(port, path, source, timeout=30).status
        except OSError:
            status = "error"
        counts[status] = counts.get(status, 0) + 1
    out.put(counts)


def hold_loop(port: int, sources: list[str], per: int, slow: bool, until: float, out) -> None:
    """`per` connections from each source, idle or sending a header byte every second;
    reconnect what the server closes, until the end."""
    socks: list = []
    counts = {"opened": 0, "closed_by_server": 0, "refused": 0}

    def connect(src: str):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2, source_address=(src, 0))
        except OSError:
            counts["refused"] += 1
            return None
        counts["opened"] += 1
        if slow:
            s.sendall(b"GET / HTTP/1.1\r\n")
        s.setblocking(False)
        return (src, s)

    for src in sources:
        for _ in range(per):
            pair = connect(src)
            if pair:
                socks.append(pair)
    while time.monotonic() < until:
        time.sleep(1)
        alive = []
        for src, s in socks:
            try:
                if s.recv(1024) == b"":
                    raise OSError
                raise OSError  # the server answered (a 429/timeout): it is done with it
            except BlockingIOError:
                if slow:
                    try:
                        s.send(b"X")
                    except OSError:
                        s.close()
                        counts["closed_by_server"] += 1
                        continue
                alive.append((src, s))
            except OSError:
                s.close()
                counts["closed_by_server"] += 1
                if time.monotonic() < until - 1:
                    pair = connect(src)
                    if pair:
                        alive.append(pair)
        socks = alive
    for _, s in socks:
        s.close()
    out.put(counts)


# ------------------------------------------------------------------ the light client


def light_client(port: int, until: float, check_release=None, more=None) -> dict:
    """One light query at a time until `until` (and while `more()` says so)."""
    lat, failures, mixed, n = [], 0, 0, 0
    while time.monotonic() < until or (more is not None and more()):
        n += 1
        try:
            r = request(port, sparql_path(V2 if check_release else LIGHT), "127.0.0.3",
                        headers={"Accept": "application/json"}, timeout=30)
            if r.status != 200:
                failures += 1
            else:
                lat.append(r.seconds)
                if check_release and not check_release(r):
                    mixed += 1
        except OSError:
            failures += 1
        time.sleep(0.02)
    lat.sort()
    return {"n": n, "failures": failures, "mixed": mixed,
            "p50_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1)
            if lat else None}


# ------------------------------------------------------------------ the run


def serve(project: Path, seeds: Path, port: int, extra: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "--root", str(project),
                             "--seeds", str(seeds), "serve", "--port", str(port), *extra],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if request(port, "/healthz", timeout=2).status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("kg serve did not start")


def largest_page(port: int) -> str:
    """The largest source page of the release (by bytes)."""
    listing = request(port, "/source/").body.decode()
    import re

    stems = sorted(set(re.findall(r'href="/(?:doc/)?source/([A-Za-z0-9_]+)"', listing)))
    sizes = {s: len(request(port, f"/doc/source/{s}").body) for s in stems[:40]}
    stem = max(sizes, key=sizes.get)
    return f"/doc/source/{stem}"


def run_attack(name: str, port: int, seconds: float, project: Path, seeds: Path,
               page: str) -> dict:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    if name == "heavy-4":  # long enough for the per-minute budget to bite (30 s)
        seconds = max(seconds, 45)
    until = time.monotonic() + seconds
    procs = []
    if name == "heavy-4":
        procs = [ctx.Process(target=heavy_loop, args=(port, f"127.0.0.{10 + i}", until, out))
                 for i in range(4)]
    elif name == "idle+slow-1":
        procs = [ctx.Process(target=hold_loop,
                             args=(port, [src], 1000, slow, until, out))
                 for src, slow in (("127.0.0.20", False), ("127.0.0.21", True))]
    elif name == "idle+slow-200":
        idle = [f"127.0.5.{i}" for i in range(1, 101)]
        slow = [f"127.0.6.{i}" for i in range(1, 101)]
        procs = [ctx.Process(target=hold_loop, args=(port, idle, 10, False, until, out)),
                 ctx.Process(target=hold_loop, args=(port, slow, 10, True, until, out))]
    elif name in ("page-16", "page-16-new"):
        procs = [ctx.Process(target=page_loop, args=(port, f"127.0.4.{i + 1}", page, until,
                                                     name == "page-16-new", out))
                 for i in range(16)]
    for p in procs:
        p.start()
    time.sleep(min(2.0, seconds / 4))  # the attack is in full swing
    check = more = None
    builder = None
    if name == "reload":
        old = request(port, "/healthz").headers["x-mgkg-release"]
        state = {"old": old}

        def check(r) -> bool:  # True iff the answer fits the release it names
            release = r.headers.get("x-mgkg-release")
            state.setdefault("seen", set()).add(release)
            v2 = json.loads(r.body)["boolean"]
            return v2 == (release != old)

        data = project / "data"
        for f in data.glob("*.ttl"):
            text = f.read_text(encoding="utf-8")
            if 'skos:altLabel "IOM"@en' in text:
                f.write_text(text.replace('skos:altLabel "IOM"@en', 'skos:altLabel "IOM (v2)"@en'),
                             encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        builder = subprocess.Popen([sys.executable, "-m", "kg.cli", "--root", str(project),
                                    "--seeds", str(seeds), "build"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        limit = time.monotonic() + 900

        def more() -> bool:  # until the build is done and its release served for 3 s
            if time.monotonic() > limit:
                return False
            if builder.poll() is None:
                return True
            now = time.monotonic()
            state.setdefault("built", now)
            if "served" not in state and len(state.get("seen", ())) > 1:
                state["served"] = now
            return now < state.get("served", state["built"] + 30) + 3
    result = light_client(port, until, check, more)
    attackers: dict = {}
    for _ in procs:
        for k, v in out.get(timeout=seconds + 60).items():
            attackers[str(k)] = attackers.get(str(k), 0) + v
    for p in procs:
        p.join(timeout=30)
    if builder is not None:
        result["build_exit"] = builder.wait(timeout=600)
        result["releases_seen"] = sorted(state.get("seen", ()))
        result["swapped"] = request(port, "/healthz").headers["x-mgkg-release"] != state["old"]
    result["attackers"] = attackers
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--only", help="comma-separated attacks (default all)")
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else ATTACKS
    (HERE / "results" / "tmp").mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="attack-", dir=HERE / "results" / "tmp"))
    project = scratch / "project"
    for sub in ("ontology", "data", "queries"):
        if (ROOT / sub).is_dir():
            shutil.copytree(ROOT / sub, project / sub)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "kg.cli", "--root", str(project), "--seeds",
                    str(args.seeds), "build"], env=env, check=True, capture_output=True)
    port = free_port()
    proc = serve(project, args.seeds, port, ["--reload-interval", "0.5"])
    results = {}
    try:
        page = largest_page(port)
        for name in names:
            results[name] = run_attack(name, port, args.seconds, project, args.seeds, page)
            print(name, json.dumps(results[name]), flush=True)
            time.sleep(2)  # let deadlines clear what the attack left
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    write(results, args, page)


def write(results: dict, args, page: str) -> None:
    rows = ["| attack | light p50 ms | light p99 ms | light failures / sent | mixed releases "
            "| attackers' answers |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        att = ", ".join(f"{k}: {v}" for k, v in sorted(r["attackers"].items())) or "-"
        if name == "reload":
            att = (f"build exit {r.get('build_exit')}, swapped {r.get('swapped')}, "
                   f"releases seen {len(r.get('releases_seen', []))}")
        rows.append(f"| {name} | {r['p50_ms']} | {r['p99_ms']} | {r['failures']} / {r['n']} "
                    f"| {r['mixed']} | {att} |")
    load = os.getloadavg()[0]
    text = (f"# Attack suite (issue 18)\n\n`python benchmarks/attack.py --seconds "
            f"{args.seconds:g}` on {os.cpu_count()} CPUs, load average {load:.1f} at the end; "
            f"largest page {page.rsplit('/', 1)[-1]}; server defaults.\n\n" + "\n".join(rows)
            + "\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "attack.md").write_text(text, encoding="utf-8")
    (args.out / "attack.json").write_text(json.dumps(results, indent=1, default=list),
                                          encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
