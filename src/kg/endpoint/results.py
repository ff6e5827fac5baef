"""Writing query results with caps on rows and bytes.

pyoxigraph's own result serializers consume the whole iterator, so they cannot stop
at a row limit or a byte budget and still close the document properly. These writers
emit the four standard result formats row by row, stop cleanly at either cap and say
so (in the body where the format has room for it, and always to the caller, which
sends a header). Graph results go through pyoxigraph's RDF serializers on a capped list.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..core.namespaces import PREFIXES
from .negotiate import Format

XSD_STRING = PREFIXES["xsd"] + "string"
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
_PLAIN = {XSD_STRING, RDF_LANG_STRING, RDF_DIR_LANG_STRING}
# Characters XML 1.0 cannot carry at all, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Body:
    data: bytes
    count: int  # rows, or triples, written
    truncated: str | None = None  # "rows" or "bytes" when a cap cut the result


# ------------------------------------------------------------------ terms


def term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": term_json(term.subject), "predicate": term_json(term.predicate),
            "object": term_json(term.object)}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if getattr(term, "direction", None) is not None:
            out["its:dir"] = str(term.direction).rsplit(".", 1)[-1].lower()
    elif term.datatype.value not in _PLAIN:
        out["datatype"] = term.datatype.value
    return out


def _xml_text(value: str) -> str:
    return escape(_XML_ILLEGAL.sub("\ufffd", value))


def term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{term_xml(term.subject)}</subject>"
                f"<predicate>{term_xml(term.predicate)}</predicate>"
                f"<object>{term_xml(term.object)}</object></triple>")
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype.value not in _PLAIN:
        attrs = f" datatype={quoteattr(term.datatype.value)}"
    return f"<literal{attrs}>{_xml_text(term.value)}</literal>"


def term_csv(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def term_tsv(term) -> str:
    """N-Triples syntax, which already escapes tabs and line breaks inside literals."""
    return "" if term is None else str(term)


# ------------------------------------------------------------------ SELECT writers


class _Writer:
    """A format as four pieces: the head, cut where a truncation flag may go (decided
    only once the rows are written), one row, and the end of the document."""

    def head(self, variables: list[str]) -> tuple[str, str]: ...
    def flag(self, truncated: str | None, limit: int) -> str:
        return ""
    def row(self, values: tuple, first: bool) -> str: ...
    def tail(self) -> str:
        return ""


class _Json(_Writer):
    """Each row is written as json.dumps would write its binding object, but from pieces:
    a variable's key once, and each distinct term's JSON once per response. The rows of a
    large answer repeat the same terms (a claim in every row about it, a handful of kinds
    and sources), and building and dumping a dict per cell was most of the writing time."""

    def __init__(self) -> None:
        self.variables: list[str] = []
        self.keys: list[str] = []
        self.terms: dict = {}  # term -> its JSON text; lives for one response

    def head(self, variables):
        self.variables = variables
        self.keys = [json.dumps(v, ensure_ascii=False) + ":" for v in variables]
        return '{"head":{"vars":' + json.dumps(variables) + "}", ',"results":{"bindings":['

    def flag(self, truncated, limit):
        # Before "results": strict streaming parsers reject members after the bindings.
        if not truncated:
            return ""
        return ',"truncated":true,"truncation":' + json.dumps(
            {"reason": truncated, "limit": limit}, separators=(",", ":"))

    def row(self, values, first):
        terms = self.terms
        cells = []
        for key, term in zip(self.keys, values, strict=True):
            if term is None:
                continue
            text = terms.get(term)
            if text is None:
                text = terms[term] = json.dumps(term_json(term), ensure_ascii=False,
                                                separators=(",", ":"))
            cells.append(key + text)
        return ("{" if first else ",{") + ",".join(cells) + "}"

    def tail(self):
        return "]}}"


class _Xml(_Writer):
    def __init__(self) -> None:
        self.variables: list[str] = []

    def head(self, variables):
        self.variables = variables
        heads = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head>{heads}</head>", "<results>")

    def flag(self, truncated, limit):
        return f"<!-- mgkg: result truncated ({truncated} limit {limit}) -->" if truncated else ""

    def row(self, values, first):
        cells = "".join(f"<binding name={quoteattr(v)}>{term_xml(t)}</binding>"
                        for v, t in zip(self.variables, values, strict=True) if t is not None)
        return f"<result>{cells}</result>"

    def tail(self):
        return "</results></sparql>\n"


class _Csv(_Writer):
    def _line(self, cells: list[str]) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(cells)
        return buf.getvalue()

    def head(self, variables):
        return self._line(variables), ""

    def row(self, values, first):
        return self._line([term_csv(t) for t in values])


class _Tsv(_Writer):
    def head(self, variables):
        return "\t".join("?" + v for v in variables) + "\n", ""

    def row(self, values, first):
        return "\t".join(term_tsv(t) for t in values) + "\n"


_WRITERS = {"json": _Json, "xml": _Xml, "csv": _Csv, "tsv": _Tsv}


def write_select(fmt: Format, variables: list[str], rows: Iterable[tuple],
                 max_rows: int, max_bytes: int) -> Body:
    """Stop at max_rows rows or before the body would pass max_bytes, whichever first."""
    writer = _WRITERS[fmt.name]()
    prefix, suffix = (part.encode() for part in writer.head(variables))
    tail = writer.tail().encode()
    size = len(prefix) + len(suffix) + len(tail) + len(writer.flag("bytes", max_bytes).encode())
    parts: list[bytes] = []
    truncated, limit = None, 0
    for values in rows:
        if len(parts) >= max_rows:
            truncated, limit = "rows", max_rows
            break
        chunk = writer.row(values, not parts).encode()
        if size + len(chunk) > max_bytes:
            truncated, limit = "bytes", max_bytes
            break
        parts.append(chunk)
        size += len(chunk)
    flag = writer.flag(truncated, limit).encode()
    return Body(b"".join([prefix, flag, suffix, *parts, tail]), len(parts), truncated)


def solution_rows(solutions: ox.QuerySolutions) -> Iterator[tuple]:
    for solution in solutions:
        yield tuple(solution)


def write_boolean(fmt: Format, value: bool) -> Body:
    word = "true" if value else "false"
    if fmt.name == "json":
        data = '{"head":{},"boolean":' + word + "}"
    elif fmt.name == "xml":
        data = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n")
    elif fmt.name == "csv":
        # SPARQL 1.1 CSV/TSV define no boolean form. A one-column table whose variable is
        # `_askResult` is what Jena writes and reads, and what any CSV/TSV reader (rdflib's
        # included) reads as a one-row SELECT result: a bare word is read by neither.
        data = "_askResult\r\n" + word + "\r\n"
    else:  # TSV: the header names the variable with its `?`, the value is a TSV term
        data = "?_askResult\n" + word + "\n"
    return Body(data.encode(), 1)


# ------------------------------------------------------------------ graph writers

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
}
_COMMENTS = {"turtle", "ntriples", "trig", "nquads"}  # formats where "# ..." is a comment


def serialize_graph(fmt: Format, triples: list, prefixes: dict[str, str]) -> bytes:
    return ox.serialize(triples, format=RDF_FORMATS[fmt.name], prefixes=prefixes)


def write_graph(fmt: Format, triples: Iterable, max_rows: int, max_bytes: int,
                prefixes: dict[str, str]) -> Body:
    """Cap the triples first, then shrink until the serialization fits the byte budget."""
    kept: list = []
    truncated, limit = None, 0
    for triple in triples:
        if len(kept) >= max_rows:
            truncated, limit = "rows", max_rows
            break
        kept.append(triple)
    data = serialize_graph(fmt, kept, prefixes)
    while len(data) > max_bytes and kept:
        keep = min(len(kept) - 1, int(len(kept) * max_bytes / len(data) * 0.95))
        kept = kept[:max(keep, 0)]
        truncated, limit = "bytes", max_bytes
        data = serialize_graph(fmt, kept, prefixes)
    if truncated and fmt.name in _COMMENTS:
        data += f"# mgkg: result truncated ({truncated} limit {limit})\n".encode()
    return Body(data, len(kept), truncated)
