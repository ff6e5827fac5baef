"""The `kg` command line, run as a real process: exit codes, messages, outputs."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import SEEDS, make_project


def kg(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_bad_turtle_names_file_and_line_and_exits_1(tmp_path):
    settings = make_project(tmp_path)
    (settings.data_dir / "003_01818dc8ef868302.ttl").write_text(
        '@prefix mgr: <https://w3id.org/mgkg/id/> .\n\nmgr:a mgr:b "open string .\n', "utf-8")
    done = kg("--root", str(settings.root), "--seeds", str(SEEDS), "build")
    assert done.returncode == 1
    assert "data/003_01818dc8ef868302.ttl:3:" in done.stderr
    assert not settings.dist_dir.exists()


def test_query_formats(mini_settings):
    base = ["--root", str(mini_settings.root), "--seeds", str(SEEDS), "query"]
    q = "SELECT ?label WHERE { mgr:iom rdfs:label ?label }"
    table = kg(*base, q)
    assert table.returncode == 0, table.stderr
    assert "International Organization for Migration" in table.stdout
    assert "(1 row)" in table.stdout
    as_json = json.loads(kg(*base, q, "--format", "json").stdout)
    assert as_json["results"]["bindings"][0]["label"]["value"].startswith("International")
    as_csv = kg(*base, q, "--format", "csv").stdout.splitlines()
    assert as_csv == ["label", "International Organization for Migration"]


def test_query_from_file_and_union_default_graph(mini_settings, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("# Question: how many evidence axioms?\n"
                  "SELECT (COUNT(?a) AS ?n) WHERE { ?a a owl:Axiom }\n", "utf-8")
    done = kg("--root", str(mini_settings.root), "--seeds", str(SEEDS), "query", str(rq),
              "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["n", "5"]


def test_query_syntax_error_is_clear(mini_settings):
    done = kg("--root", str(mini_settings.root), "--seeds", str(SEEDS), "query",
              "SELEC ?x WHERE { ?x ?y ?z }")
    assert done.returncode == 1
    assert "SPARQL syntax error" in done.stderr


def test_diagram_dot_is_generated_from_the_ontology(tmp_path):
    settings = make_project(tmp_path)
    out = tmp_path / "model.dot"
    done = kg("--root", str(settings.root), "diagram", "--dot", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert '"GovernanceFunction"' in text and 'label="performsFunction"' in text


def test_long_inline_query_is_a_query_not_a_file_name(mini_settings):
    """Longer than a file name may be (255 bytes): it must still run as a query."""
    query = ("SELECT ?label WHERE { mgr:iom rdfs:label ?label . "
             + " ".join(f"OPTIONAL {{ mgr:iom rdfs:comment ?c{i} }}" for i in range(12))
             + " }")
    assert len(query) > 300
    done = kg("--root", str(mini_settings.root), "--seeds", str(SEEDS), "query", query,
              "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == "International Organization for Migration"


def test_global_options_also_after_the_subcommand(mini_settings, tmp_path):
    """`kg serve --root .` as a newcomer types it: --root and --seeds work on either
    side of the subcommand, and one given before is not undone by its absence after."""
    q = "ASK { mgr:iom a ?t }"
    after = kg("query", q, "--root", str(mini_settings.root), "--seeds", str(SEEDS),
               cwd=tmp_path)
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip() == "true"
    before = kg("--root", str(mini_settings.root), "query", q, cwd=tmp_path)
    assert before.returncode == 0 and before.stdout.strip() == "true", before.stderr
    wrong = kg("query", q, "--root", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert wrong.returncode != 0


def test_output_into_a_closed_pipe_ends_quietly_with_exit_0(mini_settings):
    """`kg query ... | head -1`: the reader leaves early; no traceback, exit 0."""
    cmd = [sys.executable, "-m", "kg.cli", "--root", str(mini_settings.root), "--seeds",
           str(SEEDS), "query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does once it has its line
    _, err = proc.communicate(timeout=120)
    assert first.startswith(b"| s")
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"BrokenPipe" not in err
