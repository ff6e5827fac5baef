"""How fast the workbench's pages render on the real graph: the resource page of the
most-described thing (issue 20 asks for under 300 ms) with the neighbourhood its picture
is drawn from, the browse tree, the ontology page, search, labels, Why?, the
comparison of its sources and the citation of it and of one of its facts.

    python benchmarks/pages.py [--dist DIST] [--runs 20]

Builds the real release into a temporary folder unless --dist names one, serves it
in-process (Flask's test client: the rendering, not the network) and prints, for each
page (rendered afresh each time: the page cache is off), the median, 95th percentile and
minimum over --runs requests after one warm-up request (which builds the per-release
caches: the entity index, the evidence keys of /cite; and opens the release's search
index). Writes
benchmarks/results/pages.md. Measured, not asserted: nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kg.app import create_app  # noqa: E402
from kg.core.settings import Settings  # noqa: E402
from kg.release.build import build  # noqa: E402

MOST_DESCRIBED = """SELECT ?s (COUNT(*) AS ?n) WHERE {
  { ?s ?p ?o } UNION { ?o ?p ?s } UNION { ?a <http://www.w3.org/2002/07/owl#annotatedSource> ?s }
  FILTER(STRSTARTS(STR(?s), "https://w3id.org/mgkg/id/"))
} GROUP BY ?s ORDER BY DESC(?n) LIMIT 1"""


def timed(client, method: str, path: str, runs: int, **kw) -> dict:
    getattr(client, method)(path, **kw)  # warm-up: per-app caches
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = getattr(client, method)(path, **kw)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    times.sort()
    return {"path": path, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "min_ms": round(times[0], 1), "bytes": len(r.data)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dist", type=Path)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    seeds = Path(os.environ.get("MGKG_SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
    with tempfile.TemporaryDirectory() as tmp:
        dist = args.dist or Path(tmp) / "dist"
        # No page cache: what is measured is the rendering, not a replay of its bytes.
        settings = Settings(root=ROOT, seeds_dir=seeds, dist_dir=dist, page_cache_mb=0)
        if not args.dist:
            build(settings)
        app = create_app(settings)
        client = app.test_client()
        store = app.extensions["mgkg"].store
        row = next(iter(store.query(MOST_DESCRIBED)))
        slug = row["s"].value.rsplit("/id/", 1)[1]
        iom = json.dumps({"row": {"x": {"type": "uri", "value": row["s"].value}},
                          "query": "SELECT ?x WHERE { ?x a ?t }"})
        page = client.get(f"/doc/id/{slug}").get_data(as_text=True)
        fact = page.split('href="/cite?fact=', 1)[1].split('"', 1)[0]
        results = [
            timed(client, "get", f"/doc/id/{slug}", args.runs),
            # The page's neighbourhood picture is drawn from this, fetched by the page.
            timed(client, "get", f"/api/neighbourhood?iri={quote(row['s'].value)}", args.runs),
            timed(client, "get", "/id/", args.runs),
            timed(client, "get", "/ontology", args.runs),
            timed(client, "get", f"/compare?iri={slug}", args.runs),
            timed(client, "get", f"/cite?iri={slug}&format=bibtex", args.runs),
            timed(client, "get", f"/cite?fact={fact}&format=json", args.runs),
            timed(client, "get", "/search?q=Thailand&format=json", args.runs),
            timed(client, "post", "/api/labels", args.runs,
                  data=json.dumps({"iris": [row["s"].value] * 1}),
                  content_type="application/json"),
            timed(client, "post", "/api/why", args.runs, data=iom,
                  content_type="application/json"),
        ]
    lines = [f"# Pages on the real graph ({args.runs} runs each, after one warm-up)", "",
             f"Most-described thing: `{slug}` ({row['n'].value} triples and annotations).", "",
             "| request | median ms | p95 ms | min ms | bytes |", "|---|---|---|---|---|"]
    lines += [f"| `{r['path']}` | {r['median_ms']} | {r['p95_ms']} | {r['min_ms']} | "
              f"{r['bytes']} |" for r in results]
    text = "\n".join(lines) + "\n"
    out = ROOT / "benchmarks" / "results" / "pages.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
