"""Answering SPARQL from the release, for `kg query` and for tests."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import KgError
from ..core.namespaces import PREFIXES


@dataclass
class Table:
    variables: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]


def _names_a_file(arg: str) -> bool:
    """Whether an argument is an existing file. An inline query longer than the system's
    file-name limit makes the check itself fail (OSError), which means: not a file."""
    try:
        return "\n" not in arg and Path(arg).is_file()
    except (OSError, ValueError):
        return False


def read_query(arg: str) -> str:
    """A query given inline, or the path of a .rq file."""
    if arg.endswith(".rq") or _names_a_file(arg):
        path = Path(arg)
        if not path.is_file():
            raise KgError(f"{arg}: no such query file")
        return path.read_text(encoding="utf-8")
    return arg


def query_header(text: str) -> dict[str, str]:
    """The `# Key: value` comments that open a competency question (`# Question:`,
    `# Source:` ...), keys lower-cased, continuation lines folded in. The query page, the
    README generator and the tests all read the questions through this one function."""
    fields: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if not s.startswith("#"):
            break
        body = s.lstrip("#").strip()
        m = re.match(r"^([A-Za-z][A-Za-z ]*):\s*(.*)$", body)
        if m:
            current = m.group(1).strip().lower()
            fields.setdefault(current, []).append(m.group(2).strip())
        elif current and body:
            fields[current].append(body)
    return {key: " ".join(parts) for key, parts in fields.items()}


def run(store: ox.Store, text: str, *, base_iri: str | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None):
    """The one evaluation of a SPARQL query on the serving store, for every reader: the
    endpoint's workers (kg.endpoint.evaluate), `kg query`, the pages and the tests. One
    function, so that they cannot drift apart again (issue 17: `kg query` once used the
    store's bag union and printed 9 rows where /sparql answered 4).

    The store is one from `load_store`: its default graph is the union of the named
    graphs, each triple once. Every known prefix is declared; `base_iri` resolves
    relative IRIs; `default_graphs` / `named_graphs` are the protocol's dataset
    (default-graph-uri / named-graph-uri): None for both means the query's own FROM
    clauses, or the union. Raises what pyoxigraph raises (SyntaxError, OSError, ...)."""
    options: dict = {}
    if default_graphs is not None or named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
    return store.query(text, prefixes=PREFIXES, base_iri=base_iri, **options)


def execute(store: ox.Store, text: str, **options):
    """`run`, with the engine's errors as KgError (what the CLI prints)."""
    try:
        return run(store, text, **options)
    except SyntaxError as exc:
        raise KgError(f"SPARQL syntax error: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise KgError(f"query failed: {exc}") from exc


def select_table(store: ox.Store, text: str) -> Table:
    result = execute(store, text)
    if not isinstance(result, ox.QuerySolutions):
        raise KgError("expected a SELECT query")
    variables = [v.value for v in result.variables]
    rows = [[solution[v] for v in variables] for solution in result]
    return Table(variables, rows)


def term_text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode | ox.BlankNode):
        return term.value
    return str(term)


def term_json(term) -> dict | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def format_result(result, fmt: str) -> str:
    """table | json | csv for SELECT and ASK; Turtle for CONSTRUCT/DESCRIBE."""
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result)})
        return "true" if result else "false"
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode()
    variables = [v.value for v in result.variables]
    rows = [[solution[v] for v in variables] for solution in result]
    if fmt == "json":
        return json.dumps({
            "head": {"vars": variables},
            "results": {"bindings": [
                {v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]},
        }, indent=2, ensure_ascii=False)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([[term_text(t) for t in row] for row in rows])
        return buf.getvalue()
    return render_table(variables, [[short(t) for t in row] for row in rows])


def short(term) -> str:
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    return term_text(term)


def render_table(variables: list[str], rows: list[list[str]]) -> str:
    widths = [len(v) for v in variables]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
    sep = "|-" + "-|-".join("-" * w for w in widths) + "-|"
    body = [line(variables), sep] + [line(r) for r in rows]
    body.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(body)
