"""Links out: Wikidata items, ISO 3166-1 codes and vocabulary alignments.

Every link must be checkable: the ISO codes are re-derived here from pycountry, the
Wikidata items of states from rigour's territory data, and the items taken from stored
documents must match the committed record of the document row. The VoID linksets are
recounted from the release's N-Triples, independently of src/kg/void.py. A link from a
thing the graph does not describe is an error, and so is a links file that describes
things instead of linking them.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path

import pycountry
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.core.namespaces import BASE, MG, MGR
from kg.release.build import BuildFailed, build
from kg.release.void import DATASET
from kg.validation.diagnostics import ERROR
from kg.validation.validate import validate

from ..conftest import ROOT, fold_ws, make_project

LINKS = ROOT / "data" / "links"
WD = "http://www.wikidata.org/entity/"
VOID = "http://rdfs.org/ns/void#"
ISO = (MG.isoAlpha2Code, MG.isoAlpha3Code)


def tsv(name: str) -> list[dict]:
    with (LINKS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def links() -> Graph:
    graph = Graph()
    for path in sorted(LINKS.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def curated() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def records(graph: Graph, s, p, o) -> list:
    return [ax for ax in graph.subjects(OWL.annotatedSource, s)
            if (ax, OWL.annotatedProperty, p) in graph and (ax, OWL.annotatedTarget, o) in graph]


# --------------------------------------------------------------------------- the files


def test_links_files_parse_and_only_link(links):
    allowed = {OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, *ISO}
    subjects = {s for s in links.subjects() if str(s).startswith(str(MGR))}
    assert len(subjects) >= 60
    for s, p, _ in links:
        if str(s).startswith(str(MGR)):
            assert p in allowed, (s, p)


RIGOUR_MISSING = ("rigour is not installed: it is in the 'links' extra (pip install -e "
                  "'.[links]'), left out of 'test' because its dependency pyicu compiles "
                  "against libicu-dev (with pkg-config and g++); .ci/run installs it")


def needs_rigour() -> None:
    pytest.importorskip("rigour._core", reason=RIGOUR_MISSING)


def load_script():
    spec = importlib.util.spec_from_file_location("links_script", ROOT / "scripts" / "links.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_committed_links_are_what_the_script_derives_now(links):
    """scripts/links.py re-derives every link from pycountry, rigour and the committed
    document rows: the committed files must hold exactly those links and candidates (a
    state the curators added or renamed, package data that changed, fail here: run the
    script). Compared as links, not bytes, so a new package release that changes nothing
    but its version number does not fail the test (`scripts/links.py --check` compares
    the bytes)."""
    needs_rigour()
    result = load_script().derive(ROOT)
    derived = {(MGR[x.subject], x.predicate, x.target) for x in result.links}
    committed = set()
    for prop, name in ((OWL.sameAs, "owl:sameAs"), (MG.isoAlpha2Code, "mg:isoAlpha2Code"),
                       (MG.isoAlpha3Code, "mg:isoAlpha3Code")):
        committed |= {(s, name, str(o)) for s, o in links.subject_objects(prop)}
    assert derived == committed
    assert {c[0] for c in result.candidates} == {r["slug"] for r in tsv("CANDIDATES.tsv")}
    for x in result.links:
        assert len(records(links, MGR[x.subject], *{
            "owl:sameAs": (OWL.sameAs, URIRef(x.target)),
            "mg:isoAlpha2Code": (MG.isoAlpha2Code, Literal(x.target)),
            "mg:isoAlpha3Code": (MG.isoAlpha3Code, Literal(x.target))}[x.predicate])) \
            == len(x.records), x


# --------------------------------------------------------------------------- ISO codes


def test_iso_codes_agree_with_pycountry(links, curated):
    """Independently of the script: each state's two codes are one pycountry entry, and
    that entry is the state by name (or, for a name pycountry lacks, rigour's territory
    with that code carries the name)."""
    needs_rigour()
    from rigour.territories import get_territory

    coded = set(links.subjects(MG.isoAlpha2Code, None))
    assert len(coded) >= 60
    for state in coded:
        (a2,), (a3,) = (list(links.objects(state, p)) for p in ISO)
        country = pycountry.countries.get(alpha_2=str(a2))
        assert country is not None and country.alpha_3 == str(a3), state
        assert (state, RDF.type, MG.State) in curated, state
        name = str(curated.value(state, RDFS.label)).casefold()
        names = {getattr(country, k, "").casefold()
                 for k in ("name", "official_name", "common_name")}
        if name not in names:
            assert get_territory(str(a2).lower()).name.casefold() == name, state


def test_every_state_pycountry_names_has_its_codes(links, curated):
    for state in curated.subjects(RDF.type, MG.State):
        name = str(curated.value(state, RDFS.label))
        try:
            country = pycountry.countries.lookup(name)
        except LookupError:
            continue
        if name.casefold() in {getattr(country, k, "").casefold()
                               for k in ("name", "official_name", "common_name")}:
            assert links.value(state, MG.isoAlpha2Code) == Literal(country.alpha_2), state


def test_every_iso_code_quotes_its_pycountry_entry(links):
    table = Path(pycountry.__file__).parent / "databases" / "iso3166-1.json"
    text = fold_ws(table.read_text(encoding="utf-8"))
    for prop in ISO:
        for state, code in links.subject_objects(prop):
            (ax,) = records(links, state, prop, code)
            quote = str(links.value(ax, MG.quote))
            assert quote in text and f'"{code}"' in quote, (state, prop)
            source = links.value(ax, DCTERMS.source)
            assert str(source).startswith("https://pypi.org/project/pycountry/")
            assert links.value(ax, RDFS.comment) is not None


# --------------------------------------------------------------------------- Wikidata


def test_every_wikidata_link_has_its_verification_record(links):
    """Each owl:sameAs to Wikidata has at least one owl:Axiom: a reference source with a
    title and citation, a verbatim quote that contains the item's id, a comment on how
    the entity was matched; the quotes are checked against their package or document."""
    needs_rigour()
    from rigour._core import territories_jsonl

    territory_lines = territories_jsonl().splitlines()
    rows = {row["slug"]: row for row in tsv("wikidata-documents.tsv")}
    sameas = [(s, o) for s, o in links.subject_objects(OWL.sameAs)
              if str(o).startswith(WD)]
    assert len(sameas) >= 80
    for s, o in sameas:
        qid = str(o)[len(WD):]
        found = records(links, s, OWL.sameAs, o)
        assert found, s
        for ax in found:
            source = links.value(ax, DCTERMS.source)
            quote = str(links.value(ax, MG.quote))
            assert (source, RDF.type, MG.ReferenceSource) in links
            assert links.value(source, DCTERMS.title) is not None
            assert links.value(source, DCTERMS.bibliographicCitation) is not None
            assert links.value(ax, RDFS.comment) is not None
            assert qid in quote, s
            if str(source).startswith("https://pypi.org/project/rigour/"):
                line = next(x for x in territory_lines if x.startswith(quote))
                assert json.loads(line)["qid"] == qid, s
            else:
                row = rows[str(s)[len(str(MGR)):]]
                assert row["qid"] == qid and row["excerpt"] == quote, s
                assert str(source) == (f"https://github.com/{row['repository']}/blob/"
                                       f"{row['commit']}/{row['path']}")


def test_wikidata_items_are_one_per_thing(links):
    targets = [o for o in links.objects(None, OWL.sameAs)]
    assert len(targets) == len(set(targets))


def test_candidates_are_left_out_with_a_reason(links, curated):
    candidates = tsv("CANDIDATES.tsv")
    assert len(candidates) >= 20
    linked = {str(s)[len(str(MGR)):] for s in links.subjects(OWL.sameAs, None)}
    for row in candidates:
        assert row["reason"].strip(), row["slug"]
        assert row["slug"] not in linked, row["slug"]
    listed = {row["slug"] for row in candidates}
    for state in curated.subjects(RDF.type, MG.State):
        slug = str(state)[len(str(MGR)):]
        assert slug in linked or slug in listed, slug


# --------------------------------------------------------------------------- the release


def count_links(nt_lines: list[str]) -> dict[tuple[str, str], int]:
    """The links out, counted from N-Triples text alone: (predicate, target kind)."""
    import re

    triple = re.compile(r'^<([^>]*)> <([^>]*)> (<([^>]*)>|"(?:[^"\\]|\\.)*")')
    alignment = {str(p) for p in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch,
                                  SKOS.exactMatch, OWL.equivalentClass)}
    builtin = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#",
               "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
    counts: dict[tuple[str, str], int] = {}
    for line in nt_lines:
        m = triple.match(line)
        if not m:
            continue
        s, p, obj = m.group(1), m.group(2), m.group(4)
        if p in (str(MG.isoAlpha2Code), str(MG.isoAlpha3Code)) and obj is None:
            key = (p, "iso")
        elif p == str(OWL.sameAs) and obj and obj.startswith(WD) and s.startswith(BASE):
            key = (p, WD)
        elif p in alignment and obj and s.startswith(str(MG)) \
                and not obj.startswith(BASE) and not obj.startswith(builtin):
            key = (p, "alignment")
        else:
            continue
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_void_linksets_count_what_the_release_holds(real_settings):
    dist = real_settings.dist_dir
    expected = count_links((dist / "mgkg.nt").read_text(encoding="utf-8").splitlines())
    void = Graph().parse(dist / "void.ttl", format="turtle")
    described: dict[tuple[str, str], int] = {}
    for ls in void.subjects(RDF.type, URIRef(VOID + "Linkset")):
        assert (DATASET, URIRef(VOID + "subset"), ls) in void
        pred = str(void.value(ls, URIRef(VOID + "linkPredicate")))
        target = void.value(ls, URIRef(VOID + "objectsTarget"))
        space = void.value(target, URIRef(VOID + "uriSpace"))
        kind = ("iso" if str(ls).startswith(f"{DATASET}#codes-") else
                "alignment" if str(ls).startswith(f"{DATASET}#alignments-") else str(space))
        n = int(void.value(ls, URIRef(VOID + "triples")))
        described[(pred, kind)] = described.get((pred, kind), 0) + n
        assert void.value(ls, URIRef(VOID + "subjectsTarget")) == DATASET
        assert void.value(target, DCTERMS.title) is not None
    assert described == expected
    assert expected[(str(OWL.sameAs), WD)] >= 80
    assert expected[(str(MG.isoAlpha2Code), "iso")] >= 60
    assert expected[(str(RDFS.subClassOf), "alignment")] >= 10
    report = json.loads((dist / "build-report.json").read_text(encoding="utf-8"))
    assert report["links"]["links:owl-sameAs:wikidata"] == expected[(str(OWL.sameAs), WD)]


def test_links_are_one_named_graph_of_the_release(real_settings):
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(real_settings.dist_dir / "mgkg.trig", format="trig")
    graph = ds.graph(URIRef(BASE + "graph/links"))
    assert (MGR.france, MG.isoAlpha2Code, Literal("FR")) in graph
    assert (MGR.iom, OWL.sameAs, None) in graph
    void = Graph().parse(real_settings.dist_dir / "void.ttl", format="turtle")
    assert (URIRef(BASE + "graph/links"), DCTERMS.source, None) not in void


# --------------------------------------------------------------------------- errors


BAD_LINKS = """@prefix mg:      <https://w3id.org/mgkg/ontology#> .
@prefix mgr:     <https://w3id.org/mgkg/id/> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://example.org/reference/1.0/> a mg:ReferenceSource ;
    dcterms:title "example reference data 1.0"@en ;
    dcterms:bibliographicCitation "Example reference data, version 1.0."@en .
mgr:iom owl:sameAs <http://www.wikidata.org/entity/Q1> .
mgr:no-such-organization owl:sameAs <http://www.wikidata.org/entity/Q2> .
{extra}
"""


def test_a_link_from_a_thing_the_graph_does_not_describe_is_an_error(tmp_path):
    settings = make_project(tmp_path)
    (settings.data_dir / "links").mkdir()
    (settings.data_dir / "links" / "bad.ttl").write_text(BAD_LINKS.format(extra=""), "utf-8")
    _, report = validate(settings)
    errors = {(d.code, d.file, d.line) for d in report.diagnostics if d.severity == ERROR}
    assert ("LinkSubject", "data/links/bad.ttl", 11) in errors
    assert not any(f == "data/links/bad.ttl" and line == 10 for _, f, line in errors)
    with pytest.raises(BuildFailed):
        build(settings)


def test_a_links_file_may_not_describe_things(tmp_path):
    settings = make_project(tmp_path)
    (settings.data_dir / "links").mkdir()
    (settings.data_dir / "links" / "bad.ttl").write_text(
        BAD_LINKS.format(extra='mgr:iom rdfs:label "IOM, described in a links file"@en .'),
        "utf-8")
    _, report = validate(settings)
    found = [d for d in report.diagnostics if d.code == "links-file-content"]
    assert [(d.file, d.line) for d in found] == [("data/links/bad.ttl", 12)]
    assert "rdfs:label" in found[0].message
