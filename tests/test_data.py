"""The curated graph says what the sources say. Expectations here were written by hand from
the seed texts (not from query output): named things that must be present, exact member
lists, ordered lists, figures with their dates, and Table 1 of the Betts paper."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pyoxigraph as ox
import pytest

from kg.namespaces import MGR, PREFIXES
from kg.store import load_store

from .conftest import SEEDS

STEMS = ["000_c5b6fa1bb7e93d1e", "001_4f7e06674fa94512", "002_ff707b0e55ac8f9a",
         "003_01818dc8ef868302", "004_c772c5351b450417"]


@pytest.fixture(scope="module")
def store(real_settings) -> ox.Store:
    return load_store(real_settings)


def rows(store: ox.Store, query: str) -> list[tuple]:
    result = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    return [tuple(_py(s[v]) for v in result.variables) for s in result]


def _py(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value[len(str(MGR)):] if term.value.startswith(str(MGR)) else term.value
    return term.value


def column(store, query) -> set:
    return {r[0] for r in rows(store, query)}


def names(store) -> list[str]:
    """Every label and alias of every described thing, for recall checks by name."""
    return [r[0] for r in rows(store, """
        SELECT ?n WHERE { ?s rdfs:label|skos:altLabel ?n .
                          FILTER(STRSTARTS(STR(?s), "https://w3id.org/mgkg/id/")) }""")]


def has_name(all_names: list[str], pattern: str) -> bool:
    rx = re.compile(pattern, re.I)
    return any(rx.search(n) for n in all_names)


def figure_numbers(store, subject_slug: str) -> set[Decimal]:
    return {Decimal(v) for v in column(store, f"""
        SELECT ?v WHERE {{ ?f a mg:Figure ; mg:figureOf mgr:{subject_slug} ;
                           mg:value|mg:minValue|mg:maxValue ?v }}""")}


def test_five_source_records_with_the_right_sha256(store):
    found = dict(rows(store, """SELECT ?doc ?sha WHERE { ?doc a mg:SourceDocument ;
                                                                mg:sha256 ?sha }"""))
    expected = {f"https://w3id.org/mgkg/source/{stem}":
                hashlib.sha256((SEEDS / f"{stem}.txt").read_bytes()).hexdigest()
                for stem in STEMS}
    assert found == expected


@pytest.mark.parametrize("stem,minimum", [
    ("000_c5b6fa1bb7e93d1e", 30), ("001_4f7e06674fa94512", 200),
    ("002_ff707b0e55ac8f9a", 250), ("003_01818dc8ef868302", 60),
    ("004_c772c5351b450417", 100)])
def test_every_source_contributes_facts_with_evidence(store, stem, minimum):
    n = rows(store, f"""SELECT (COUNT(*) AS ?n) WHERE {{
        ?ax a owl:Axiom ; dcterms:source mgs:{stem} }}""")[0][0]
    assert int(n) >= minimum


# -- 001: the GCIM paper ----------------------------------------------------------------

def test_iom_as_001_describes_it(store):
    assert column(store, "SELECT ?b WHERE { mgr:iom mg:inUNSystem ?b }") == {"false"}
    assert "1951" in column(store, "SELECT ?d WHERE { mgr:iom mg:foundingDate ?d }")
    numbers = figure_numbers(store, "iom")
    assert {Decimal(105), Decimal(41), Decimal(4000)} <= numbers


def test_geneva_migration_group_has_exactly_its_six_members(store):
    members = column(store, """SELECT ?m WHERE {
        { mgr:geneva-migration-group mg:hasMember ?m } UNION
        { ?m mg:memberOf mgr:geneva-migration-group } }""")
    assert members == {"unhcr", "iom", "ilo", "ohchr", "unctad", "unodc"}


def test_imp_has_its_four_co_sponsors(store):
    assert column(store, "SELECT ?s WHERE { mgr:imp mg:coSponsoredBy ?s }") == {
        "unitar", "unfpa", "ilo", "iom"}


def test_the_nine_starting_functions_in_order(store):
    ordered = rows(store, """SELECT ?f ?pos WHERE {
        mgr:nine-starting-functions skos:member ?f . ?f mg:position ?pos } ORDER BY ?pos""")
    assert [f for f, _ in ordered] == [
        "data-collection-and-analysis", "policy-research-and-development",
        "technical-assistance-and-training", "provision-of-services",
        "platform-for-discussion", "support-for-negotiations", "anti-trafficking-initiatives",
        "promotion-of-development-initiatives", "coordination"]


def test_the_functions_left_out_and_why(store):
    left_out = rows(store, """SELECT ?f ?why WHERE {
        mgr:functions-left-out skos:member ?f . OPTIONAL { ?f mg:exclusionReason ?why } }""")
    assert {f for f, _ in left_out} == {
        "protection-of-migrants-rights", "standard-setting",
        "immigration-law-enforcement-and-border-control", "compulsory-returns",
        "facilitation-of-migration"}
    assert all(why for _, why in left_out)


def test_six_policy_options_of_001_attributed_to_it(store):
    options = column(store, """SELECT ?o WHERE {
        ?o a mg:PolicyOption ; mg:proposedIn mgs:001_4f7e06674fa94512 }""")
    assert len(options) == 6


def test_migrant_workers_convention_entry_into_force(store):
    assert column(store, """SELECT ?d WHERE {
        mgr:migrant-workers-convention-1990 mg:entryIntoForceDate ?d }""") == {"2003-07"}


@pytest.mark.parametrize("pattern", [
    r"schengen", r"treaty of rome|treaty establishing the european economic community",
    r"tampere", r"berne initiative", r"hague declaration", r"general agreement on trade in",
    r"mode 4", r"status of refugees", r"\b97\b", r"\b143\b", r"special rapporteur",
    r"commission on human rights", r"unaids", r"world health organization",
    r"international broadcasting union", r"tokten", r"global consultations",
    r"convention plus", r"advancement of women", r"slaughter", r"world bank",
    r"population division", r"high.level dialogue"])
def test_named_in_001_is_in_the_graph(store, pattern):
    assert has_name(names(store), pattern)


# -- 000: Forced Migration Review ---------------------------------------------------------

def test_thailand_burma_figures(store):
    values = {Decimal(v) for v in column(store, """SELECT ?v WHERE {
        ?f a mg:Figure ; dcterms:source mgs:000_c5b6fa1bb7e93d1e ; mg:value ?v }""")}
    assert {Decimal(140000), Decimal(2000000)} <= values


def test_000_names_the_categories_labels_fail(store):
    covered = column(store, """SELECT DISTINCT ?c WHERE {
        ?ax dcterms:source mgs:000_c5b6fa1bb7e93d1e ;
            owl:annotatedSource|owl:annotatedTarget ?c . ?c a mg:MigrantCategory }""")
    assert {"trafficked-person", "smuggled-person", "refugee", "migrant-worker"} <= covered
    assert covered & {"irregular-migrant", "documented-migrant"}


# -- 002: GFMD 2008 roundtable paper ------------------------------------------------------

def test_002_prepared_by_australia_and_thailand(store):
    assert {"australia", "thailand"} <= column(store, """SELECT ?a WHERE {
        mgs:002_ff707b0e55ac8f9a mg:preparedBy ?a }""")


@pytest.mark.parametrize("pattern", [
    r"8042", r"employer sanctions", r"prevention and suppression of human trafficking",
    r"recognised seasonal employer", r"points.based", r"migration advisory committee",
    r"pacific seasonal worker", r"bali process", r"colombo process", r"abu dhabi",
    r"ayeyawady|acmecs", r"un\.gift|global initiative to fight human trafficking",
    r"10.point plan", r"palermo|transnational organized crime",
    r"action against trafficking in human beings", r"mobility partnership",
    r"development on the move"])
# Not expected: the Philippine Overseas Employment Administration. 002 describes the
# Philippine measures without ever naming the agency, so the graph must not name it either.
def test_named_in_002_is_in_the_graph(store, pattern):
    assert has_name(names(store), pattern)


@pytest.mark.parametrize("state", [
    "philippines", "australia", "thailand", "new-zealand", "united-kingdom", "netherlands",
    "austria", "greece", "italy", "belarus", "egypt", "brazil", "united-arab-emirates",
    "france"])
# Not expected: Spain. The issue lists it, but 002 never names it (grep the text); in the
# five sources it appears only in a reference title in 004, which describes no practice.
def test_002_states_are_described(store, state):
    described = store.query(f"""ASK {{ mgr:{state} a mg:State .
        ?ax owl:annotatedSource|owl:annotatedTarget mgr:{state} ;
            dcterms:source mgs:002_ff707b0e55ac8f9a }}""", prefixes=PREFIXES,
                            use_default_graph_as_union=True)
    assert bool(described)


def test_philippine_practices_are_linked_to_state_category_and_function(store):
    practices = rows(store, """SELECT ?m ?c ?f WHERE {
        ?m a mg:PolicyMeasure ; mg:practiceOf mgr:philippines .
        OPTIONAL { ?m mg:coversCategory ?c } OPTIONAL { ?m mg:servesFunction ?f } }""")
    assert len({m for m, _, _ in practices}) >= 8
    assert any(c for _, c, _ in practices) and any(f for _, _, f in practices)


# -- 003: IOM 2003 ------------------------------------------------------------------------

def test_003_figures(store):
    values = {Decimal(v) for v in column(store, """SELECT ?v WHERE {
        ?f a mg:Figure ; dcterms:source mgs:003_01818dc8ef868302 ;
           mg:value|mg:minValue|mg:maxValue ?v }""")}
    assert {Decimal(60000000), Decimal(65000000), Decimal(100000000000)} <= values


def test_003_six_dimensions(store):
    dims = column(store, """SELECT ?d WHERE { ?d a mg:MigrationDimension .
        ?ax owl:annotatedSource ?d ; dcterms:source mgs:003_01818dc8ef868302 }""")
    assert len(dims) == 6


def test_003_stages_form_a_sequence(store):
    stages = rows(store, """SELECT ?s ?pos WHERE { ?s a mg:MigrationStage ; mg:position ?pos }
                            ORDER BY ?pos""")
    assert len(stages) >= 3
    positions = [int(p) for _, p in stages]
    assert positions == list(range(1, len(stages) + 1))
    nexts = rows(store, "SELECT ?a ?b WHERE { ?a mg:nextStage ?b }")
    assert len(nexts) == len(stages) - 1


# -- 004: Betts 2010 ----------------------------------------------------------------------

TABLE_1 = """
SELECT ?type ?level ?good WHERE {
  ?area a mg:GovernanceArea ; rdfs:label ?type ; mg:position ?pos ;
        mg:mainLevelOfGovernance/rdfs:label ?level ; mg:typeOfGood/rdfs:label ?good .
} ORDER BY ?pos"""


def test_table_1_of_betts_is_reproduced_exactly(store):
    assert rows(store, TABLE_1) == [
        ("Refugees", "Multilateral", "Public good"),
        ("Irregular/low-skilled migration", "Regional", "Club good"),
        ("Highly-skilled labour migration", "Unilateral/bilateral", "Private good"),
    ]


@pytest.mark.parametrize("cls,count", [("Weakness", 6), ("Recommendation", 5),
                                       ("PolicyOption", 5)])
def test_004_propositions(store, cls, count):
    found = column(store, f"""SELECT ?p WHERE {{
        ?p a mg:{cls} ; mg:proposedIn mgs:004_c772c5351b450417 }}""")
    assert len(found) == count


def test_gfmd_weaknesses_concern_the_gfmd(store):
    assert len(column(store, """SELECT ?w WHERE { ?w a mg:Weakness ; mg:concerns mgr:gfmd ;
        mg:proposedIn mgs:004_c772c5351b450417 }""")) == 6


def test_zimbabwe_survival_migrants(store):
    values = {Decimal(v) for v in column(store, """SELECT ?v WHERE {
        ?f a mg:Figure ; dcterms:source mgs:004_c772c5351b450417 ; mg:value ?v ;
           mg:quote ?q . FILTER(CONTAINS(?q, "Zimbabwean")) }""")}
    assert Decimal(2000000) in values


@pytest.mark.parametrize("pattern", [
    r"nafta|north american free trade", r"ecowas|economic community of west african",
    r"sadc|southern african development community", r"european union",
    r"human rights law", r"refugee law", r"humanitarian law", r"maritime",
    r"global migration group", r"survival migra", r"embedded governance", r"koslowski",
    r"keohane"])
def test_named_in_004_is_in_the_graph(store, pattern):
    assert has_name(names(store), pattern)
