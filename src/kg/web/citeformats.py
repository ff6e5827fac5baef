"""A citation written out in the four forms reference managers read: BibTeX, RIS,
CSL-JSON (Zotero, Pandoc, citeproc) and plain text.

Pure functions of one `Citation` (built from the store by kg.web.citation), so each
format says the same things: what is cited, the quote with its character offsets, the
SHA-256 of the source text the offsets count in, and the release's version IRI, which
pins the answer to one release of the graph.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

FORMATS = {  # name: (media type, what people call it)
    "bibtex": ("application/x-bibtex", "BibTeX"),
    "ris": ("application/x-research-info-systems", "RIS"),
    "csl": ("application/vnd.citationstyles.csl+json", "CSL-JSON"),
    "text": ("text/plain", "Plain text"),
}


@dataclass
class Citation:
    key: str  # the BibTeX key and CSL id
    kind: str  # fact | thing | source | dataset
    csl_type: str  # report | article-journal | dataset
    title: str
    url: str
    authors: list[str] = field(default_factory=list)  # "Family, Given" or an organisation
    issued: str = ""  # 2005, 2003-03
    publisher: str = ""
    container: str = ""  # the journal, series or data set it appears in
    version: str = ""
    version_iri: str = ""
    release: str = ""  # the release id (hash of its SHA256SUMS)
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    sha256: str | None = None  # of the source text the offsets count in
    source_iri: str | None = None
    source_citation: str = ""  # the source's own full citation
    statement: str | None = None  # the fact, in words: IOM — in UN system — false
    about: str | None = None  # IRI of the thing the fact or entry is about
    extra: list[str] = field(default_factory=list)  # further notes (sources of a thing)


def note(c: Citation) -> str:
    """What every format carries beyond the bibliographic record, in one sentence each."""
    parts = []
    if c.quote:
        where = f"characters {c.start}–{c.end} of the text" if c.start is not None else \
            "offsets not located"
        sha = f", SHA-256 {c.sha256}" if c.sha256 else ""
        parts.append(f"Quoted: “{c.quote}” ({where}{sha}).")
    elif c.sha256:
        parts.append(f"SHA-256 of the text: {c.sha256}.")
    if c.statement:
        parts.append(f"Fact: {c.statement}" + (f" <{c.about}>." if c.about else "."))
    parts += c.extra
    if c.version_iri:
        parts.append(f"Migration Governance Knowledge Graph, release version {c.version_iri}"
                     + (f" (release {c.release})" if c.release else "") + ".")
    return " ".join(parts)


def _year(issued: str) -> str:
    m = re.match(r"\d{4}", issued or "")
    return m.group(0) if m else ""


# --------------------------------------------------------------------------- CSL-JSON


def _csl_name(name: str) -> dict:
    family, sep, given = name.partition(", ")
    return {"family": family, "given": given} if sep else {"literal": name}


def to_csl(c: Citation) -> list[dict]:
    item: dict = {"id": c.key, "type": c.csl_type, "title": c.title, "URL": c.url}
    if c.authors:
        item["author"] = [_csl_name(a) for a in c.authors]
    parts = [int(x) for x in re.findall(r"\d+", c.issued or "")[:3]]
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if c.publisher:
        item["publisher"] = c.publisher
    if c.container:
        item["container-title"] = c.container
    if c.version:
        item["version"] = c.version
    item["note"] = note(c)
    custom = {"quote": c.quote, "quoteStart": c.start, "quoteEnd": c.end,
              "sha256": c.sha256, "source": c.source_iri, "fact": c.statement,
              "about": c.about, "versionIRI": c.version_iri, "release": c.release}
    item["custom"] = {k: v for k, v in custom.items() if v not in (None, "")}
    return [item]


# --------------------------------------------------------------------------- BibTeX

_BIB_SPECIAL = re.compile(r"([\\{}%&$#_~^])")


def bib_escape(text: str) -> str:
    """TeX's special characters as TeX reads them literally."""
    def one(m: re.Match) -> str:
        ch = m.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}.get(ch, "\\" + ch)
    return _BIB_SPECIAL.sub(one, text)


def to_bibtex(c: Citation) -> str:
    entry = "article" if c.csl_type == "article-journal" else "misc"
    fields = [("title", "{" + bib_escape(c.title) + "}")]
    if c.authors:
        fields.append(("author", " and ".join(
            bib_escape(a) if ", " in a else "{" + bib_escape(a) + "}" for a in c.authors)))
    if _year(c.issued):
        fields.append(("year", _year(c.issued)))
    if c.container:
        fields.append(("journal" if entry == "article" else "howpublished",
                       bib_escape(c.container)))
    if c.publisher:
        fields.append(("publisher", bib_escape(c.publisher)))
    if c.version:
        fields.append(("version", bib_escape(c.version)))
    fields.append(("url", c.url))
    fields.append(("note", bib_escape(note(c))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry}{{{c.key},\n{body}\n}}\n"


# --------------------------------------------------------------------------- RIS


def to_ris(c: Citation) -> str:
    ty = {"article-journal": "JOUR", "dataset": "DATA"}.get(c.csl_type, "RPRT")
    lines = [("TY", ty), ("ID", c.key), ("TI", c.title)]
    lines += [("AU", a) for a in c.authors]
    if _year(c.issued):
        lines.append(("PY", _year(c.issued)))
    if c.issued and c.issued != _year(c.issued):
        lines.append(("DA", c.issued.replace("-", "/")))
    if c.container:
        lines.append(("T2", c.container))
    if c.publisher:
        lines.append(("PB", c.publisher))
    if c.version:
        lines.append(("ET", c.version))
    lines.append(("UR", c.url))
    lines.append(("N1", note(c)))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines)


# --------------------------------------------------------------------------- text


def to_text(c: Citation) -> str:
    if c.kind in ("fact", "source") and c.source_citation:
        head = c.source_citation.rstrip()
    else:
        who = "; ".join(c.authors)
        year = _year(c.issued)
        head = f"{who} ({year}). " if who and year else f"{who}. " if who else ""
        head += c.title.rstrip(".")
        head += f" (version {c.version})" if c.version else ""
        head += " [data set]." if c.kind == "dataset" else "."
        if c.container:
            head += f" In: {c.container}."
    return f"{head} {note(c)} {c.url}".strip() + "\n"


def render(c: Citation, fmt: str) -> str:
    if fmt == "bibtex":
        return to_bibtex(c)
    if fmt == "ris":
        return to_ris(c)
    if fmt == "csl":
        return json.dumps(to_csl(c), ensure_ascii=False, indent=2) + "\n"
    return to_text(c)


def all_formats(c: Citation) -> dict[str, str]:
    return {fmt: render(c, fmt) for fmt in FORMATS}
