"""The benchmark report: Markdown for people, JSON for machines, and the README's table.

Written from three modules with one job each: report_targets.py judges issue 17's
targets (and the peer ratios), report_tables.py draws the Markdown report and the
README table, and this one writes the files, with no absolute path of this machine in
them. Its names are the ones run.py and the tests use.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_tables import graph_section, markdown, oxigraph_section, readme_table  # noqa: E402
from report_targets import (  # noqa: E402
    LOADED,
    MODES,
    TARGETS,
    disturbed,
    endpoint_targets,
    geomean,
    http_overheads,
    in_process_ms,
    light_rps,
    peer_ratios,
    targets,
)

# ------------------------------------------------------------------ writing

def to_json(results: dict) -> dict:
    return {**results, "targets": targets(results)}


def _places(results: dict, out_dir: Path) -> list[tuple[str, str]]:
    """Absolute paths of this machine and run, longest first, with what stands for them
    in the results: the files are committed and compared across machines, so no scratch
    or home path may appear in them."""
    import sys
    import tempfile

    settings = results.get("settings") or {}
    named = [(settings.get("tmp"), "<tmp>"), (str(out_dir), "<out>"),
             (settings.get("out"), "<out>"), (settings.get("seeds"), "<seeds>"),
             (settings.get("project"), "<project>"),
             (str(Path(__file__).resolve().parents[1]), "<project>"),
             (str(Path(sys.executable).parent), "<python>"), (sys.prefix, "<python>"),
             (tempfile.gettempdir(), "<tmpdir>"), (str(Path.home()), "~")]
    out: dict[str, str] = {}
    for path, token in named:
        if path and len(str(path)) > 1:
            for form in {str(path), str(Path(path).resolve())}:
                out.setdefault(form.rstrip("/"), token)
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


def scrub(value, places: list[tuple[str, str]]):
    """A copy of the results with every absolute path of `places` replaced."""
    if isinstance(value, str):
        for path, token in places:
            if path in value:
                value = value.replace(path, token)
        return value
    if isinstance(value, dict):
        return {k: scrub(v, places) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, places) for v in value]
    return value


def write(results: dict, out_dir: Path) -> None:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = scrub(results, _places(results, out_dir))
    (out_dir / "report.json").write_text(json.dumps(to_json(results), indent=1) + "\n",
                                         encoding="utf-8")
    (out_dir / "report.md").write_text(markdown(results), encoding="utf-8")
    (out_dir / "README-table.md").write_text(readme_table(results), encoding="utf-8")


__all__ = ["LOADED", "MODES", "TARGETS", "disturbed", "endpoint_targets", "geomean",
           "graph_section", "http_overheads", "in_process_ms", "light_rps", "markdown",
           "oxigraph_section", "peer_ratios", "readme_table", "scrub", "targets", "to_json",
           "write"]
