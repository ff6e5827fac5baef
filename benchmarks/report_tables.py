"""The benchmark report for people: the README's table and the Markdown report, drawn
from the results and from the targets report_targets.py judges.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_targets import (  # noqa: E402 - the benchmarks directory is not a package
    _cache_note,
    _f,
    _median_of,
    disturbed,
    http_overheads,
    in_process_ms,
    peer_ratios,
    targets,
)

# ------------------------------------------------------------------ README table

def readme_table(results: dict) -> str:
    """The README's table: each graph against its peers measured in the same run, then
    issue 17's targets, each met or missed with its figure."""
    lines = ["| graph | triples | build s wall (peak RSS MB) | slowest query median ms | "
             "HTTP / `oxigraph serve` (geomean, c=1) | HTTP / pyoxigraph in-process | "
             "rdflib / pyoxigraph | light req/s c=1 / 4 / 16: mgkg answer cache / cache off vs "
             "`oxigraph serve` | CPU ms per light request (c=16): mgkg cache / off vs oxigraph "
             "| serving RSS MB: mgkg cache / off vs oxigraph "
             "| serving PSS MB: mgkg cache / off vs oxigraph |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for g in results["graphs"]:
        b, q = g.get("build", {}), g.get("queries", {})
        slow = [(in_process_ms(e), e["name"]) for e in q.get("queries", []) if not e.get("light")]
        slow = [x for x in slow if x[0] is not None]
        worst = max(slow) if slow else None
        r = peer_ratios(g)
        rps = r["light_rps"]

        def pair(c: str, rps: dict = rps) -> str:
            x = rps.get(c) or {}
            return (f"{_f(x.get('mgkg'), 0)} / {_f(x.get('mgkg-nocache'), 0)} vs "
                    f"{_f(x.get('oxigraph_serve'), 0)}")

        cpu = r["cpu_ms_per_light_request"]
        rss, pss = r["rss_mb"], r["pss_mb"]
        lines.append(
            f"| {g['name']} | {b.get('triples', '–')} | {_stage_s(b)} "
            f"({_f(b.get('max_rss_mb'), 0)}) | "
            f"{_f(worst[0]) + ' (' + worst[1][:2] + ')' if worst else '–'} | "
            f"{_ratio(r['http_vs_oxigraph_serve'])} | {_ratio(r['http_vs_in_process'])} | "
            f"{_ratio(r['rdflib_vs_pyoxigraph'])} | "
            + " / ".join(pair(c) for c in ("1", "4", "16")) + " | "
            f"{_f(cpu['mgkg'].get('16'), 2)} / {_f(cpu['mgkg-nocache'].get('16'), 2)} vs "
            f"{_f(cpu['oxigraph_serve'].get('16'), 2)} | "
            f"{_f(rss.get('mgkg'), 0)} / {_f(rss.get('mgkg-nocache'), 0)} vs "
            f"{_f(rss.get('oxigraph_serve'), 0)} | "
            f"{_f(pss.get('mgkg'), 0)} / {_f(pss.get('mgkg-nocache'), 0)} vs "
            f"{_f(pss.get('oxigraph_serve'), 0)} |")
    lines += ["", "| target (issue 17) | graph | measured | limit | met |",
              "|---|---|---:|---:|:-:|"]
    for t in targets(results):
        met = {True: "met", False: "**missed**", None: "not run"}[t["met"]]
        measured = "–" if t["measured"] is None else f"{_f(t['measured'])} {t['unit']}"
        lines.append(f"| {_what(t)} | {t['graph']} | {measured} | {_f(t['limit'])} "
                     f"{t['unit']} | {met} |")
    cond = "quick run (few repetitions); " if results.get("quick") else ""
    loaded, why = disturbed(results)
    if loaded:
        cond += f"machine under load ({why}); "
    m = results["machine"]
    sizes = ", ".join(g["name"] for g in results["graphs"])
    lines.append("")
    command = f"`{results.get('command', 'python benchmarks/run.py')}`"
    if results.get("appended_to"):
        command = f"`{results['appended_to']}`, then {command}"
    lines.append(f"*Graphs in this run: {sizes}. {cond}{m.get('cpus')} CPUs ({m.get('cpu')}), "
                 f"{m.get('memory_gb')} GB; {command}"
                 "; details in [benchmarks/results/report.md](benchmarks/results/report.md).*")
    return "\n".join(lines) + "\n"


def _what(t: dict) -> str:
    """A target's text, with its reading for the endpoint targets."""
    return t["what"] + (f" — {t['mode_label']}" if t.get("mode_label") else "")


def _ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}x" if x < 10 else f"{x:.0f}x"


def _stage_s(stage: dict) -> str:
    if not stage:
        return "–"
    if stage.get("status") != "ok":
        return f"> {stage.get('bound_s', 0):.0f} ({stage.get('status')})"
    runs = stage.get("runs") or {}
    text = _f(runs.get("wall_median_s", stage.get("wall_s")))
    if runs.get("cpu_median_s") is not None:
        text += f" ({_f(runs['cpu_median_s'])} CPU)"
    return text


# ------------------------------------------------------------------ Markdown

def markdown(results: dict) -> str:
    m = results["machine"]
    loaded, why = disturbed(results)
    out = ["# mgkg benchmark report", ""]
    if results.get("quick"):
        out += ["> **Quick smoke run** (`--quick`): tiny repetition counts; the numbers only "
                "show that the harness works.", ""]
    if loaded:
        out += [f"> **Machine under load** while this ran ({why}): numbers are disturbed "
                "by other work; re-run on a quiet machine before quoting them.", ""]
    if results.get("note"):
        out += [f"> {results['note']}", ""]
    out += ["## Machine", "",
            f"- CPU: {m.get('cpu')} ({m.get('cpus')} available), memory {m.get('memory_gb')} GB",
            f"- OS: {m.get('os')}; Python {m.get('python')}",
            "- versions: " + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()),
            f"- load generator: {m.get('wrk') or 'Python client (wrk not installed)'}",
            f"- commit: {m.get('commit')}; load average at start {m.get('loadavg_at_start')}, "
            f"at end {m.get('loadavg_at_end')}",
            f"- total time: {_f(results.get('total_s', 0) / 60)} min", "",
            "## Reproduce", "", "```", results.get("command", "python benchmarks/run.py"), "```",
            "", "Settings: " + ", ".join(
                f"{k}={v}" for k, v in results.get("settings", {}).items()
                if k not in ("out", "tmp", "sizes")), "",
            "## Targets", "", "| target | graph | measured | limit | met | by how much / what "
            "bounds it |", "|---|---|---:|---:|:-:|---|"]
    for t in targets(results):
        met = {True: "yes", False: "**no**", None: "–"}[t["met"]]
        extra = ""
        if t.get("missed_by") is not None:
            extra = f"missed by {_f(t['missed_by'])} {t['unit']}. "
        out.append(f"| {_what(t)} | {t['graph']} | {_f(t['measured'])} {t['unit']} | "
                   f"{_f(t['limit'])} {t['unit']} | {met} | {extra}{t['bound']} |")
    out += ["", "## Summary", "", readme_table(results)]
    for g in results["graphs"]:
        out += graph_section(g)
    est = results.get("estimate") or {}
    out += ["## Duration of each stage", "", "| graph | " + " | ".join(
        ("generate", "build", "validate", "queries", "endpoint")) + " | total |",
        "|---|---:|---:|---:|---:|---:|---:|"]
    for g in results["graphs"]:
        st = g.get("stages_s", {})
        out.append(f"| {g['name']} | " + " | ".join(
            _f(st.get(k)) for k in ("generate", "build", "validate", "queries", "endpoint"))
            + f" | {_f(sum(st.values()))} |")
    out += [""] + [f"- {line}" for line in est.get("lines", [])] + [""]
    return "\n".join(out) + "\n"


def graph_section(g: dict) -> list[str]:
    out = ["", f"## Graph: {g['name']}", ""]
    if g.get("generated"):
        gen = g["generated"]
        out.append(f"Synthetic (seed {gen['seed']}): {gen['files']} data files, "
                   f"{gen['copies']} copies of the real files, target {g.get('target')} triples.")
        out.append("")
    b = g.get("build", {})
    out += ["### Build and validation", ""]
    if b.get("status") == "ok":
        runs = b.get("runs", {})
        out.append(f"- build: {b['triples']} triples, {b['entities']} entities, {b['facts']} "
                   f"facts from {b['sources']} sources; wall {_f(runs.get('wall_median_s'))} s "
                   f"(min–max {_f(runs.get('wall_min_s'))}–{_f(runs.get('wall_max_s'))}, "
                   f"{runs.get('n')} run(s){_cache_note(runs)}), "
                   f"CPU {_f(runs.get('cpu_median_s'))} s, "
                   f"peak RSS {_f(runs.get('max_rss_mb_max'), 0)} MB")
        steps = sorted(b.get("steps", {}).items(), key=lambda kv: -kv[1])
        out.append("- build steps (s, as the build times them; validate_total contains "
                   "the validate_* steps): "
                   + ", ".join(f"{k} {v:.2f}" for k, v in steps))
        val = b.get("validation", {})
        out.append("- validation inside the build (s): "
                   + ", ".join(f"{k} {v:.2f}" for k, v in val.items()))
    else:
        out.append(f"- build **{b.get('status')}** after {_f(b.get('wall_s'))} s (bound "
                   f"{_f(b.get('bound_s'))} s); steps completed: "
                   f"{', '.join(b.get('completed_steps', [])[-8:]) or 'none'}")
        if b.get("detail"):
            out.append(f"  - {b['detail'][-300:]!r}")
        return out + [""]
    v = g.get("validate", {})
    if v.get("status") == "ok":
        runs = v.get("runs", {})
        out.append(f"- `kg validate` alone: wall {_f(runs.get('wall_median_s'))} s "
                   f"(min–max {_f(runs.get('wall_min_s'))}–{_f(runs.get('wall_max_s'))}), "
                   f"CPU {_f(runs.get('cpu_median_s'))} s, "
                   f"peak RSS {_f(v.get('max_rss_mb'), 0)} MB; stages (s): "
                   + ", ".join(f"{k} {x:.2f}" for k, x in v.get("timings", {}).items())
                   + f"; valid: {v.get('ok')}")
    else:
        out.append(f"- `kg validate` alone **{v.get('status')}** (bound {_f(v.get('bound_s'))} "
                   "s): the validation stages inside the build above are the measurement")
    q = g.get("queries", {})
    if q.get("status") != "ok":
        out += ["", f"Query stage **{q.get('status')}** after {_f(q.get('wall_s'))} s: "
                f"{', '.join(q.get('completed_steps', [])[-5:])}", ""]
    else:
        st = q["store"]
        out += ["", "### Store and competency queries (in-process)", "",
                f"- serving store: `load_store` {_f(st['load_s'])} s ({st['quads']} quads, "
                f"RSS {_f(st.get('rss_mb_after_load'), 0)} MB; the load includes the union "
                f"default graph of {st['union_triples']} triples); "
                f"rdflib Dataset load {_f(q.get('rdflib_load_s'))} s (RSS "
                f"{_f(q.get('rdflib_rss_mb_after_load'), 0)} MB); stage peak RSS "
                f"{_f(q.get('max_rss_mb'), 0)} MB", "",
                "| query | rows | oxigraph median (p95, min–max) ms | evaluate() median "
                "(p95) ms | rdflib median (p95) ms | rdflib / oxigraph |",
                "|---|---:|---:|---:|---:|---:|"]
        for e in q["queries"]:
            ox, ev, rd = e.get("oxigraph", {}), e.get("evaluate", {}), e.get("rdflib", {})
            ratio = "–"
            if _median_of(ox) and _median_of(rd):
                x = rd["median_ms"] / ox["median_ms"]
                ratio = f"{x:.0f}x" if x >= 10 else f"{x:.2g}x"
            rows = e.get("rows", "–")
            if "rdflib_rows" in e and e["rdflib_rows"] != e.get("rows"):
                rows = f"{rows} (rdflib {e['rdflib_rows']})"
            out.append(f"| {e['name']} | {rows} | {_cell(ox, True)} | {_cell(ev)} | "
                       f"{_cell(rd)} | {ratio} |")
    ep = g.get("endpoint", {})
    if ep.get("status") == "failed":
        out += ["", f"Endpoint stage failed: {ep.get('detail', '')[-300:]}", ""]
        return out
    if ep.get("startup"):
        starts = ", ".join(f"{s['spawn_to_healthy_s']:.2f} s (server says ready in "
                           f"{_f(s['ready_in_s'])} s)" for s in ep["startup"])
        out += ["", "### Endpoint (`kg serve` on 127.0.0.1)", "",
                f"- `{ep.get('command')}`: spawn to first healthy /healthz: {starts}", "",
                "Each query alone at concurrency 1 (sequential, keep-alive) against the same "
                "query in-process (evaluate()):", "",
                "| query | HTTP median (p95) ms | in-process median ms | HTTP overhead ms | "
                "in the worker ms (Server-Timing) | statuses |", "|---|---:|---:|---:|---:|---|"]
        over = http_overheads(g)
        inproc = {e["name"]: e for e in q.get("queries", [])}
        for name, stat in ep.get("per_query", {}).items():
            local = _median_of(inproc.get(name, {}).get("evaluate"))
            out.append(f"| {name} | {_f(stat.get('median_ms'), 2)} ({_f(stat.get('p95_ms'), 2)}) "
                       f"| {_f(local, 2)} | {_f(over.get(name), 2)} | "
                       f"{_f(stat.get('worker_median_ms'), 2)} | "
                       f"{', '.join(f'{k}: {v}' for k, v in stat.get('statuses', {}).items())} |")
        out += ["", "Throughput (requests cycle through the mix):", "",
                "| mix | concurrency | HTTP req/s | HTTP p50 / p99 ms | errors | in-process "
                "req/s | in-process p50 / p99 ms | HTTP / in-process | CPU ms per request: "
                "server / workers / load generator |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for mix, per in ep.get("load", {}).items():
            for c, r in per.items():
                ip = q.get("in_process", {}).get(mix, {}).get(c, {})
                share = f"{r['rps'] / ip['rps'] * 100:.0f}%" if ip.get("rps") else "–"
                out.append(f"| {mix} | {c} | {_f(r['rps'], 0)} | {_f(r['p50_ms'], 2)} / "
                           f"{_f(r['p99_ms'], 2)} | {r['errors']} | {_f(ip.get('rps'), 0)} | "
                           f"{_f(ip.get('p50_ms'), 2)} / {_f(ip.get('p99_ms'), 2)} | {share} | "
                           + (" / ".join(f"{v:.2f}" for v in r["cpu_ms_per_request"].values())
                              if r.get("cpu_ms_per_request") else "–") + " |")
    return out + oxigraph_section(g) + [""]


def oxigraph_section(g: dict) -> list[str]:
    """The `oxigraph serve` peer on this graph, beside `kg serve`'s figures."""
    peer = g.get("oxigraph_serve") or {}
    if not peer:
        return []
    if peer.get("status") == "failed":
        return ["", f"`oxigraph serve` peer failed: {peer.get('detail', '')[-300:]}"]
    ep = g.get("endpoint") or {}
    out = ["", f"### Peer: {peer.get('version')} (`{peer.get('command')}`)", "",
           f"- store load (`oxigraph load` + union) {_f(peer.get('load_s'))} s; "
           f"serving after {_f(peer.get('startup_s'))} s"]
    compare = g.get("compare") or {}
    if compare.get("servers"):
        import endpoint  # the comparison's own Markdown: one rendering of it, not two

        out += ["", "### kg serve and oxigraph serve taking turns (benchmarks/endpoint.py)", "",
                "Light-query throughput, CPU per request, memory and light-under-heavy, read "
                "both ways: `mgkg` (answer cache on, repeated texts) and `mgkg-nocache` "
                "(`--answer-cache-mb 0`, unique texts: every request evaluated).", "",
                endpoint.render(compare)]
    elif compare:
        out += ["", f"Comparison (endpoint.measure) failed: {compare.get('detail', '')[-300:]}"]
    out += ["", "| query | kg serve median ms | oxigraph serve median ms | ratio |",
            "|---|---:|---:|---:|"]
    for name, stat in (peer.get("per_query") or {}).items():
        mine = (ep.get("per_query") or {}).get(name, {}).get("median_ms")
        theirs = stat.get("median_ms")
        out.append(f"| {name} | {_f(mine, 2)} | {_f(theirs, 2)} | "
                   f"{_ratio(mine / theirs) if mine and theirs else '–'} |")
    out += ["", "| mix | concurrency | kg serve req/s | oxigraph serve req/s | ratio | "
            "p99 ms kg / oxigraph | CPU ms per request kg (server + workers) / oxigraph |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for mix, per in (peer.get("load") or {}).items():
        for c, r in per.items():
            mine = ((ep.get("load") or {}).get(mix) or {}).get(c) or {}
            cpu = mine.get("cpu_ms_per_request") or {}
            cpu_kg = cpu.get("http_server", 0) + cpu.get("query_workers", 0) if cpu else None
            ratio = mine["rps"] / r["rps"] if mine.get("rps") and r.get("rps") else None
            out.append(f"| {mix} | {c} | {_f(mine.get('rps'), 0)} | {_f(r.get('rps'), 0)} | "
                       f"{_ratio(ratio)}"
                       f" | {_f(mine.get('p99_ms'), 2)} / {_f(r.get('p99_ms'), 2)} | "
                       f"{_f(cpu_kg, 2)} / "
                       f"{_f((r.get('cpu_ms_per_request') or {}).get('http_server'), 2)} |")
    return out


def _cell(stat: dict, minmax: bool = False) -> str:
    if not stat:
        return "–"
    if "median_ms" not in stat:
        if stat.get("status") == "timeout":
            return f"> {stat.get('bound_s', 0):.0f} s (killed)"
        return stat.get("status", "–") if stat.get("status") != "error" else \
            f"error: {str(stat.get('detail'))[:60]}"
    text = f"{_f(stat['median_ms'], 2)} ({_f(stat['p95_ms'], 2)}"
    if minmax:
        text += f", {_f(stat['min_ms'], 2)}–{_f(stat['max_ms'], 2)}"
    return text + f"; n={stat['n']})"
