#!/usr/bin/env python3
"""Generate the links out of the graph: data/links/wikidata.ttl, data/links/iso3166.ttl
and data/links/CANDIDATES.tsv.

    python scripts/links.py            # (re)write the three files
    python scripts/links.py --check    # exit 1 if they differ from what this script makes

Why a script and not hand-written Turtle: a link out is only as good as the record that
checks it, and the records here are data that ship in packages (so a test can check them
again) or rows of stored documents (kept, with repository, path and commit, in
data/links/wikidata-documents.tsv). Nothing is typed from memory; what cannot be checked
offline is listed in CANDIDATES.tsv with the reason, never linked.

* ISO 3166-1 codes of each mg:State come from pycountry's copy of the ISO 3166-1 table
  (databases/iso3166-1.json): the entry whose name, official name or common name is the
  state's label. A label pycountry does not know is looked up in rigour's territories
  (below), and the code is used only if pycountry's entry for it has the same alpha-3.
* The Wikidata item of each state comes from rigour (OpenSanctions' territory data, with
  Wikidata QIDs): the territory whose code is the state's alpha-2 code, which must be a
  country, not historical, with the same alpha-3 as pycountry's entry.
* Other Wikidata items (organizations, regional bodies) come from the rows of
  data/links/wikidata-documents.tsv: a stored document that pairs the entity's name with
  the item; the row gives the document and the verbatim excerpt. Supranational bodies
  that rigour also lists (the EU, the UN) get rigour's record as a second one.

Each link is written as a plain triple plus an owl:Axiom naming the record
(dcterms:source), quoting it (mg:quote, verbatim from the package data or the document)
and saying how it was matched (rdfs:comment): the same shape as the evidence of a fact,
so the SHACL evidence rules, the pages and SPARQL treat both alike.

Needs pycountry and rigour (both in the [test] extra). The input is the curated data
files (data/*.ttl), which this script only reads.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

ROOT = Path(__file__).resolve().parents[1]
MG = "https://w3id.org/mgkg/ontology#"
MGR = "https://w3id.org/mgkg/id/"
WD = "http://www.wikidata.org/entity/"
LINKS = "data/links"
DOCUMENTS_TSV = "wikidata-documents.tsv"
NOTES_TSV = "candidate-notes.tsv"
OUTPUTS = ("wikidata.ttl", "iso3166.ttl", "CANDIDATES.tsv")

# Which things the candidates file accounts for: states, and organizations, bodies,
# processes and instruments of international standing (not national government bodies,
# internal units, national laws or programmes, which have no Wikidata items to speak of).
CANDIDATE_CLASSES = (
    "State", "IntergovernmentalOrganization", "ConsultativeProcess", "InterAgencyMechanism",
    "Commission", "TreatyBody", "SpecialProcedure", "CivilSocietyOrganization",
    "AcademicInstitution", "PrivateSectorOrganization", "Treaty", "TreatyProvision",
    "Declaration", "ProgrammeOfAction", "Agenda",
)
DEFAULT_REASON = ("no package data or stored document available offline pairs this entity "
                  "with a Wikidata item")

PREFIXES = """@prefix mg:      <https://w3id.org/mgkg/ontology#> .
@prefix mgr:     <https://w3id.org/mgkg/id/> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


@dataclass
class Record:
    """How one link was verified: the document or package, a verbatim excerpt of it,
    and how the entity was matched."""

    source: str  # IRI of the package release or the stored document
    quote: str
    comment: str


@dataclass
class Link:
    subject: str  # slug
    predicate: str  # prefixed name
    target: str  # IRI or literal text
    literal: bool
    records: list[Record] = field(default_factory=list)


@dataclass
class Source:
    iri: str
    title: str
    citation: str


def fold(text: str) -> str:
    return " ".join(text.split())


def same_name(a: str, b: str) -> bool:
    """Names compared as a person would read them: case, spacing and the form of the
    apostrophe do not matter; every letter does."""
    def norm(s: str) -> str:
        return fold(s.replace("’", "'").replace("‘", "'")).casefold()
    return norm(a) == norm(b)


# --------------------------------------------------------------------------- inputs


def curated_graph(root: Path) -> Graph:
    graph = Graph()
    for path in sorted((root / "data").glob("*.ttl")):
        graph.parse(path, format="turtle")
    graph.parse(root / "ontology" / "mgkg.ttl", format="turtle")
    return graph


def instances(graph: Graph, cls: str) -> set[URIRef]:
    classes = set(graph.transitive_subjects(RDFS.subClassOf, URIRef(MG + cls)))
    return {s for c in classes for s in graph.subjects(RDF.type, c)
            if isinstance(s, URIRef) and str(s).startswith(MGR)}


def label(graph: Graph, thing: URIRef) -> str:
    return str(graph.value(thing, RDFS.label) or "")


class Pycountry:
    """pycountry's ISO 3166-1 table, read from its JSON file so every record can quote
    the entry it comes from verbatim."""

    def __init__(self) -> None:
        import pycountry

        self.version = importlib.metadata.version("pycountry")
        self.path = Path(pycountry.__file__).parent / "databases" / "iso3166-1.json"
        self.text = self.path.read_text(encoding="utf-8")
        self.entries = json.loads(self.text)["3166-1"]
        self.iri = f"https://pypi.org/project/pycountry/{self.version}/"

    def by_name(self, name: str) -> list[dict]:
        return [e for e in self.entries
                if any(same_name(name, e.get(k, "")) for k in
                       ("name", "official_name", "common_name"))]

    def by_alpha2(self, code: str) -> dict | None:
        return next((e for e in self.entries if e["alpha_2"] == code), None)

    def excerpt(self, entry: dict) -> str:
        """The entry as written in the JSON file (whitespace folded)."""
        needle = f'"alpha_2": "{entry["alpha_2"]}"'
        at = self.text.index(needle)
        start = self.text.rindex("{", 0, at)
        end = self.text.index("}", at) + 1
        return fold(self.text[start:end])

    def source(self) -> Source:
        return Source(self.iri, f"pycountry {self.version} (Python package, PyPI)",
                      f"pycountry {self.version}, ISO 3166-1 table "
                      "(pycountry/databases/iso3166-1.json, from Debian's iso-codes). "
                      f"Python Package Index, {self.iri}")


class Rigour:
    """rigour's territories (OpenSanctions), which carry Wikidata QIDs."""

    def __init__(self) -> None:
        from rigour._core import territories_jsonl

        self.version = importlib.metadata.version("rigour")
        self.lines: dict[str, str] = {}
        self.data: dict[str, dict] = {}
        for line in territories_jsonl().splitlines():
            record = json.loads(line)
            self.lines[record["code"]] = line
            self.data[record["code"]] = record
        self.iri = f"https://pypi.org/project/rigour/{self.version}/"

    def by_name(self, name: str) -> list[dict]:
        return [r for r in self.data.values() if same_name(name, r["name"])]

    def excerpt(self, code: str) -> str:
        """The territory's record from its start to its "qid" field, verbatim."""
        line = self.lines[code]
        match = re.search(r'"qid":"Q[0-9]+"', line)
        assert match, code
        return line[: match.end()]

    def source(self) -> Source:
        return Source(self.iri, f"rigour {self.version} (Python package, PyPI)",
                      f"OpenSanctions, rigour {self.version}: territories data with Wikidata "
                      f"QIDs (rigour.territories). Python Package Index, {self.iri}")


def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def document_iri(row: dict) -> str:
    return (f"https://github.com/{row['repository']}/blob/{row['commit']}/{row['path']}")


# --------------------------------------------------------------------------- the links


@dataclass
class Result:
    links: list[Link] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    candidates: list[tuple[str, str, str, str, str]] = field(default_factory=list)


def derive(root: Path = ROOT) -> Result:
    graph = curated_graph(root)
    pyc = Pycountry()
    rig = Rigour()
    result = Result()
    linked_to_wikidata: dict[str, str] = {}
    problems: dict[str, str] = {}

    def wikidata(slug: str, qid: str, record: Record, source: Source) -> None:
        result.sources[source.iri] = source
        existing = next((x for x in result.links if x.subject == slug
                         and x.predicate == "owl:sameAs"), None)
        if existing is not None and existing.target != WD + qid:
            raise SystemExit(f"{slug}: two records disagree ({existing.target} and {qid})")
        if existing is None:
            existing = Link(slug, "owl:sameAs", WD + qid, False)
            result.links.append(existing)
        existing.records.append(record)
        linked_to_wikidata[slug] = qid

    # States: ISO codes from pycountry, Wikidata items from rigour, cross-checked.
    for state in sorted(instances(graph, "State")):
        slug, name = str(state)[len(MGR):], label(graph, state)
        found = pyc.by_name(name)
        how = "pycountry"
        if not found:
            named = [r for r in rig.by_name(name) if r.get("is_country")
                     and not r.get("is_historical")]
            found = [e for r in named if (e := pyc.by_alpha2(r["code"].upper())) is not None
                     and e["alpha_3"].lower() == (r.get("alpha3") or "")]
            how = "rigour"
        if len(found) != 1:
            problems[slug] = (f"ISO 3166-1: {len(found)} pycountry entries match the label "
                              f"\"{name}\"" if found else
                              f"ISO 3166-1: neither pycountry nor rigour knows a country "
                              f"named \"{name}\"")
            continue
        entry = found[0]
        a2, a3 = entry["alpha_2"], entry["alpha_3"]
        matched = (f"its label \"{name}\" is the entry's "
                   + ", ".join(k.replace("_", " ") for k in ("name", "official_name",
                                                             "common_name")
                               if same_name(name, entry.get(k, "")))
                   if how == "pycountry" else
                   f"pycountry has no entry named \"{name}\"; rigour's country territory of "
                   f"that name has code {a2.lower()} and alpha-3 {a3.lower()}, and "
                   "pycountry's entry for that code has the same alpha-3")
        result.sources[pyc.iri] = pyc.source()
        for pred, code in (("mg:isoAlpha2Code", a2), ("mg:isoAlpha3Code", a3)):
            result.links.append(Link(slug, pred, code, True, [Record(
                pyc.iri, pyc.excerpt(entry),
                f"pycountry {pyc.version}, databases/iso3166-1.json: the entry for the state "
                f"({matched}); {pred[3:]} taken from it.")]))
        territory = rig.data.get(a2.lower())
        if territory is None or not territory.get("is_country") \
                or territory.get("is_historical") \
                or (territory.get("alpha3") or "") != a3.lower() or not territory.get("qid"):
            problems[slug] = (f"Wikidata: rigour {rig.version} has no current country "
                              f"territory {a2.lower()} with alpha-3 {a3.lower()} and a QID")
            continue
        wikidata(slug, territory["qid"], Record(
            rig.iri, rig.excerpt(a2.lower()),
            f"rigour {rig.version}, rigour.territories: the territory with code "
            f"{a2.lower()} (the state's ISO 3166-1 alpha-2 code, from pycountry), a country "
            f"and not historical, whose alpha-3 {a3.lower()} agrees with pycountry; "
            "its qid is the item."), rig.source())

    # Organizations and regional bodies: rows of stored documents.
    described = {str(s)[len(MGR):]: s for s in graph.subjects(RDFS.label, None)
                 if isinstance(s, URIRef) and str(s).startswith(MGR)}
    for row in read_tsv(root / LINKS / DOCUMENTS_TSV):
        slug, qid = row["slug"], row["qid"]
        thing = described.get(slug)
        if thing is None:
            problems[slug] = "the data no longer describes it (see wikidata-documents.tsv)"
            continue
        name = label(graph, thing)
        if row["match"].startswith("exact label") and not same_name(name,
                                                                  row["name_in_document"]):
            raise SystemExit(f"{slug}: label \"{name}\" is not the document's "
                             f"\"{row['name_in_document']}\": fix wikidata-documents.tsv")
        if f"[{qid}]" not in row["excerpt"] or row["name_in_document"] not in row["excerpt"]:
            raise SystemExit(f"{slug}: the excerpt does not pair {qid} with the name")
        iri = document_iri(row)
        source = Source(iri, f"{row['repository']} {row['path']} (stored copy)",
                        f"{row['repository']}, {row['path']}, commit {row['commit']} "
                        "(a table of international organizations with their Wikidata "
                        f"items), {iri}")
        note = f" Corroborated by {row['corroboration']}." if row["corroboration"] else ""
        wikidata(slug, qid, Record(
            iri, row["excerpt"],
            f"The row of {row['repository']} {row['path']} (commit {row['commit'][:12]}) "
            f"naming \"{row['name_in_document']}\" (match: {row['match']}) gives this item."
            f"{note}"),
            source)
        for territory in rig.by_name(name):
            if territory.get("region") == "Supranational" and territory.get("qid") == qid:
                wikidata(slug, qid, Record(
                    rig.iri, rig.excerpt(territory["code"]),
                    f"rigour {rig.version}, rigour.territories: the supranational territory "
                    f"{territory['code']} named \"{territory['name']}\" has this qid."),
                    rig.source())

    # Targets shared by two of our things would make those things one thing.
    by_target: dict[str, list[str]] = {}
    for slug, qid in linked_to_wikidata.items():
        by_target.setdefault(qid, []).append(slug)
    clashes = {q: s for q, s in by_target.items() if len(s) > 1}
    if clashes:
        raise SystemExit(f"one Wikidata item for several things: {clashes}")

    notes = {r["slug"]: r for r in read_tsv(root / LINKS / NOTES_TSV)}
    wanted = {s for cls in CANDIDATE_CLASSES for s in instances(graph, cls)}
    for thing in sorted(wanted | {described[s] for s in notes if s in described}):
        slug = str(thing)[len(MGR):]
        if slug in linked_to_wikidata and slug not in problems:
            continue
        note = notes.get(slug, {})
        kind = sorted(graph.qname(t) for t in graph.objects(thing, RDF.type)
                      if str(t).startswith(MG))
        result.candidates.append((slug, label(graph, thing), ",".join(kind),
                                  note.get("suggested_target", ""),
                                  note.get("reason") or problems.get(slug) or DEFAULT_REASON))
    for slug, problem in sorted(problems.items()):
        if slug not in described and slug not in {c[0] for c in result.candidates}:
            result.candidates.append((slug, "", "", "", problem))
    result.links.sort(key=lambda x: (x.subject, x.predicate))
    return result


# --------------------------------------------------------------------------- writing


def term(text: str) -> str:
    return f"<{text}>"


def lit(text: str, lang: str | None = None) -> str:
    return Literal(text, lang=lang).n3()


def turtle(result: Result, predicates: tuple[str, ...], header: str) -> str:
    links = [x for x in result.links if x.predicate in predicates]
    used = sorted({r.source for x in links for r in x.records})
    out = [header, PREFIXES]
    out.append("# The records the links were checked against.")
    for iri in used:
        source = result.sources[iri]
        out.append(f"{term(iri)} a mg:ReferenceSource ;\n"
                   f"    dcterms:title {lit(source.title, 'en')} ;\n"
                   f"    dcterms:bibliographicCitation {lit(source.citation, 'en')} .")
    out.append("")
    for link in links:
        target = lit(link.target) if link.literal else term(link.target)
        out.append(f"mgr:{link.subject} {link.predicate} {target} .")
        for record in link.records:
            out.append("[] a owl:Axiom ;\n"
                       f"    owl:annotatedSource mgr:{link.subject} ;\n"
                       f"    owl:annotatedProperty {link.predicate} ;\n"
                       f"    owl:annotatedTarget {target} ;\n"
                       f"    dcterms:source {term(record.source)} ;\n"
                       f"    mg:quote {lit(record.quote)} ;\n"
                       f"    rdfs:comment {lit(record.comment, 'en')} .")
        out.append("")
    return "\n".join(out)


def render(result: Result) -> dict[str, str]:
    note = ("# GENERATED by scripts/links.py: do not edit. To change a link, edit\n"
            "# data/links/wikidata-documents.tsv (or the data) and run the script again.\n")
    wikidata = turtle(result, ("owl:sameAs",),
                      "# Links to Wikidata items: owl:sameAs, each with how it was verified.\n"
                      + note)
    iso = turtle(result, ("mg:isoAlpha2Code", "mg:isoAlpha3Code"),
                 "# ISO 3166-1 alpha-2 and alpha-3 codes of states, each with its record.\n"
                 + note)
    rows = ["slug\tlabel\tclass\tsuggested_target\treason"]
    rows += ["\t".join(c) for c in sorted(result.candidates)]
    return {"wikidata.ttl": wikidata, "iso3166.ttl": iso,
            "CANDIDATES.tsv": "\n".join(rows) + "\n"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the files differ from what the script generates")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    files = render(derive(args.root))
    folder = args.root / LINKS
    stale = [name for name, text in files.items()
             if not (folder / name).is_file()
             or (folder / name).read_text(encoding="utf-8") != text]
    if args.check:
        for name in stale:
            print(f"{LINKS}/{name} is not what scripts/links.py generates: run it",
                  file=sys.stderr)
        return 1 if stale else 0
    folder.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (folder / name).write_text(files[name], encoding="utf-8")
        print(f"wrote {LINKS}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
