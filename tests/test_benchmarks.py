"""A smoke run of the benchmark harness (benchmarks/run.py) on its smallest graph.

It checks that the harness works end to end through the real build, validation, store
and `kg serve`, and that the report has every section with sane numbers. It asserts no
speed: the numbers of a test run on a shared machine mean nothing. The measurement
itself is `python benchmarks/run.py` (see benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
MAX_QUERIES = 3
CONCURRENCY = ("1", "4", "16")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("bench")
    cmd = [sys.executable, str(BENCH / "run.py"), "--sizes", "10k", "--no-real", "--quick",
           "--max-queries", str(MAX_QUERIES), "--rdflib-total", "5", "--loadgen", "python",
           "--seconds", "0.5", "--heavy-seconds", "1",
           "--out", str(out), "--tmp", str(out / "tmp")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "report.json").read_text()), out


def test_every_stage_measured_something(smoke):
    report, _ = smoke
    assert report["quick"] is True
    assert report["machine"]["cpus"] >= 1 and report["machine"]["versions"]["pyoxigraph"]
    (g,) = report["graphs"]
    assert g["name"] == "10k" and g["kind"] == "synthetic"

    build = g["build"]
    assert build["status"] == "ok", build
    assert 7000 <= build["triples"] <= 13000  # about the target, whatever the data holds now
    assert build["diagnostics"]["error"] == 0
    assert build["wall_s"] > 0 and build["max_rss_mb"] > 10
    for step in ("validate_parse", "validate_total", "assemble", "write_rdf_dumps"):
        assert build["steps"][step] > 0, step
    assert {"checks", "shacl"} <= set(build["validation"])

    validate = g["validate"]
    assert validate["status"] == "ok" and validate["ok"] is True
    assert validate["timings"]["total"] > 0

    q = g["queries"]
    assert q["status"] == "ok", q
    assert q["store"]["quads"] > 0 and q["store"]["union_triples"] > 0
    assert q["store"]["load_s"] > 0
    names = [e["name"] for e in q["queries"]]
    competency = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))[:MAX_QUERIES]
    assert names == ["light-1", "light-2", "light-3", *competency]
    for e in q["queries"]:
        assert 0 < e["oxigraph"]["median_ms"] <= e["oxigraph"]["max_ms"], e
        assert e["oxigraph"]["min_ms"] <= e["oxigraph"]["median_ms"]
        assert e["evaluate"]["median_ms"] > 0, e
        assert "median_ms" in e["rdflib"] or e["rdflib"]["status"] in ("skipped", "timeout")
    assert any("median_ms" in e["rdflib"] for e in q["queries"])
    for mix in ("light", "competency"):
        for c in CONCURRENCY:
            assert q["in_process"][mix][c]["requests"] > 0


def test_endpoint_was_served_and_loaded(smoke):
    report, _ = smoke
    ep = report["graphs"][0]["endpoint"]
    assert ep["startup"][0]["spawn_to_healthy_s"] > 0
    assert ep["exit_code"] == 0  # the server stopped cleanly on SIGTERM
    for name, stat in ep["per_query"].items():
        assert set(stat["statuses"]) == {"200"}, (name, stat)
        assert stat["median_ms"] > 0
    for c in CONCURRENCY:  # the light mix is the comparison's (endpoint.measure)
        run = ep["load"]["competency"][c]
        assert run["requests"] > 0 and run["errors"] == 0, (c, run)
        assert 0 < run["p50_ms"] <= run["p99_ms"]


def test_report_has_every_section(smoke):
    report, out = smoke
    md = (out / "report.md").read_text()
    for heading in ("## Machine", "## Reproduce", "## Targets", "## Summary",
                    "## Graph: 10k", "### Build and validation",
                    "### Store and competency queries", "### Endpoint",
                    "## Duration of each stage", "Quick smoke run"):
        assert heading in md, heading
    targets = {t["target"]: t for t in report["targets"]}
    assert set(targets) == {
        "build_real", "rebuild_real", "build_1m", "build_1m_rss", "queries_1m",
        "throughput_c1", "throughput_c4", "throughput_c16", "throughput_rising",
        "p99_under_heavy", "rss_vs_oxigraph", "pss_vs_oxigraph"}
    # Measured in this run (against the oxigraph serve peer), each met or missed, and each
    # read both ways: answer cache (repeated texts) and every request evaluated.
    for key in ("throughput_c1", "throughput_c16", "rss_vs_oxigraph", "pss_vs_oxigraph",
                "p99_under_heavy"):
        rows = [t for t in report["targets"] if t["target"] == key]
        assert {t["mode"] for t in rows} == {"repeated", "evaluated"}, key
        for t in rows:
            assert t["met"] in (True, False) and t["measured"] > 0, (key, t)
    md = (out / "report.md").read_text()
    assert "answer cache" in md and "every request evaluated" in md
    # Not run (no real graph, no 1M graph): said so, not guessed.
    for key in ("build_real", "rebuild_real", "build_1m", "queries_1m"):
        assert targets[key]["met"] is None and targets[key]["measured"] is None, key
    table = (out / "README-table.md").read_text()
    assert table.startswith("| graph |") and "\n| 10k |" in table
    assert "| target (issue 17) |" in table and " vs " in table
    assert report["estimate"]["lines"]  # how long the sizes not run would take


def test_oxigraph_serve_was_measured_beside_kg_serve(smoke):
    report, _ = smoke
    g = report["graphs"][0]
    peer = g["oxigraph_serve"]
    assert peer["version"].startswith("oxigraph") and peer["exit_code"] is not None
    assert set(peer["per_query"]) == set(g["endpoint"]["per_query"])
    for name, stat in peer["per_query"].items():
        assert set(stat["statuses"]) == {"200"}, (name, stat)
    for c in CONCURRENCY:
        run = peer["load"]["competency"][c]
        assert run["requests"] > 0 and run["errors"] == 0, (c, run)
        assert run["cpu_ms_per_request"]["http_server"] > 0
    # The three servers taking turns (endpoint.measure), the light mix's one measurement:
    compare = g["compare"]
    assert compare["schema"] == 2 and set(compare["servers"]) == {
        "mgkg", "mgkg-nocache", "oxigraph"}
    for name, server in compare["servers"].items():
        assert server["memory"]["rss_mb"] > 5, name
        # PSS and USS beside RSS: shared pages once, private pages only
        mem = server["memory"]
        assert 0 < mem["uss_mb"] <= mem["pss_mb"] <= mem["rss_mb"], (name, mem)
        for c in CONCURRENCY:
            run = server["light"][c]
            assert run["requests"] > 0 and run["errors"] == 0, (name, c, run)
            assert run["cpu_ms_per_request"] > 0, (name, c, run)
        for mode, repeat in (("repeated", True), ("evaluated", False)):
            luh = server["under_heavy"][mode]
            assert luh["repeat"] is repeat and luh["requests"] > 0, (name, mode, luh)


def test_results_carry_no_absolute_paths(smoke):
    """The results are committed: nothing of this machine's scratch space in them."""
    _, out = smoke
    for name in ("report.json", "report.md", "README-table.md"):
        text = (out / name).read_text()
        for path in (str(out), str(out.parent), str(ROOT), sys.prefix, "/tmp/"):
            assert path not in text, (name, path)


def test_committed_results_carry_no_absolute_paths():
    """What benchmarks/results/ commits (report, README table, attack and page results)
    names no path of the machine that measured it."""
    import re

    files = [p for p in (BENCH / "results").iterdir() if p.is_file()]
    assert any(p.name == "report.json" for p in files)
    for path in files:
        found = re.findall(r"(?:/work|/tmp|/home|/root|/usr)/[^\s\"']*", path.read_text())
        assert not found, (path.name, found[:3])


def test_generator_is_deterministic_by_seed(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        from generate import generate, load_templates
    finally:
        sys.path.remove(str(BENCH))
    from kg.core.settings import Settings

    templates = load_templates(Settings(root=ROOT))

    def digest(path: Path) -> str:
        h = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(f.relative_to(path)).encode() + b"\0" + f.read_bytes())
        return h.hexdigest()

    a = generate(tmp_path / "a", 60000, seed=7, templates=templates)
    b = generate(tmp_path / "b", 60000, seed=7, templates=templates)
    c = generate(tmp_path / "c", 60000, seed=8, templates=templates)
    assert a.copies >= 2  # renamed copies, not just the real files
    assert digest(a.root) == digest(b.root)
    assert digest(a.root) != digest(c.root)
    # every synthetic source has its synthetic text, whose hash its record carries
    for ttl in (a.root / "data").glob("*.ttl"):
        text = a.root / "seeds" / f"{ttl.stem}.txt"
        if text.is_file():
            assert hashlib.sha256(text.read_bytes()).hexdigest() in ttl.read_text()


WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:18731/sparql?query=ASK%20%7B%7D
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.37ms    8.17ms  42.38ms   83.62%
    Req/Sec   310.90    252.54   777.00     80.00%
  Latency Distribution
     50%  481.00us
     75%   12.44ms
     90%   21.36ms
     99%    1.20s
  315 requests in 1.04s, 123.35KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    303.37
Transfer/sec:    118.80KB
"""


def test_wrk_output_is_read_right():
    """wrk is optional (CI has none), so its parser is checked on a recorded output."""
    sys.path.insert(0, str(BENCH))
    try:
        from loadgen import parse_wrk
    finally:
        sys.path.remove(str(BENCH))
    r = parse_wrk(WRK_OUTPUT, 1.0)
    assert r["requests"] == 315 and r["errors"] == 4 + 3
    assert r["rps"] == 303.37
    assert abs(r["p50_ms"] - 0.481) < 1e-9 and r["p99_ms"] == 1200.0


def _run_module():
    sys.path.insert(0, str(BENCH))
    try:
        import run
    finally:
        sys.path.remove(str(BENCH))
    return run


def test_each_build_run_starts_from_an_empty_cache(tmp_path):
    """The build figure (build_real) is a build that validates: each run gets a new empty
    build cache, so no SHACL verdict of an earlier build (the project's own .cache/ here,
    warmed first) is reused; the caches are removed after the runs."""
    from kg.release.build import build

    from .conftest import make_project

    settings = make_project(tmp_path / "p")
    build(settings)  # warms the project's .cache/ with its lint and SHACL verdicts
    assert any(p.is_file() for p in settings.cache_dir.rglob("*"))
    run = _run_module()
    params = {"root": str(settings.root), "seeds": str(settings.seeds_dir),
              "dist": str(tmp_path / "dist")}
    warm = run.run_stage("build", params, 300)  # the project's cache: the verdict reused
    assert warm["status"] == "ok", warm
    assert warm["cache_entries_at_start"] > 0 and warm["validation"]["shacl"] == 0.0
    caches = tmp_path / "caches"
    cold = run.repeat_stage("build", params, 300, 2, fresh_cache=caches)
    assert cold["status"] == "ok", cold
    assert cold["runs"]["n"] == 2 and cold["runs"]["empty_cache"] is True
    assert cold["cache_entries_at_start"] == 0 and cold["validation"]["shacl"] > 0
    assert list(caches.iterdir()) == []
    report = sys.modules["report"]
    (row,) = [t for t in report.targets({"graphs": [{"name": "real", "kind": "real",
                                                     "build": cold}]})
              if t["target"] == "build_real"]
    assert "from an empty cache" in row["what"] and row["met"] in (True, False)
    (row,) = [t for t in report.targets({"graphs": [{"name": "real", "kind": "real",
                                                     "build": {**warm, "runs": {
                                                         "wall_median_s": 1.0}}}]})
              if t["target"] == "build_real"]
    assert row["met"] is None  # a build that reused a verdict is no reading of the target
