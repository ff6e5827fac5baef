"""The curated graph says what the sources say. Expectations here were written by hand from
the seed texts (not from query output): named things that must be present, exact member
lists, ordered lists, figures with their dates, and Table 1 of the Betts paper."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pyoxigraph as ox
import pytest

from kg.core.namespaces import MGR, PREFIXES

from ..conftest import SEEDS

STEMS = ["000_c5b6fa1bb7e93d1e", "001_4f7e06674fa94512", "002_ff707b0e55ac8f9a",
         "003_01818dc8ef868302", "004_c772c5351b450417"]


def rows(store: ox.Store, query: str) -> list[tuple]:
    result = store.query(query, prefixes=PREFIXES)
    return [tuple(_py(s[v]) for v in result.variables) for s in result]


def _py(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value[len(str(MGR)):] if term.value.startswith(str(MGR)) else term.value
    return term.value


def column(store, query) -> set:
    return {r[0] for r in rows(store, query)}


def described_by(store, stem: str) -> list[str]:
    """The labels and aliases of the things one source describes: typed and labelled in
    its named graph, and the subject or object of a fact whose evidence is from that
    source. A recall check by name must find the thing there, not any label anywhere."""
    return [r[0] for r in rows(store, f"""
        SELECT DISTINCT ?n WHERE {{
          GRAPH mgg:{stem} {{ ?s a ?type ; rdfs:label|skos:altLabel ?n }}
          ?ax dcterms:source mgs:{stem} ; owl:annotatedSource|owl:annotatedTarget ?s .
          FILTER(STRSTARTS(STR(?s), "https://w3id.org/mgkg/id/")) }}""")]


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
    assert has_name(described_by(store, "001_4f7e06674fa94512"), pattern), pattern


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
    assert has_name(described_by(store, "002_ff707b0e55ac8f9a"), pattern), pattern


@pytest.mark.parametrize("state", [
    "philippines", "australia", "thailand", "new-zealand", "united-kingdom", "netherlands",
    "austria", "greece", "italy", "belarus", "egypt", "brazil", "united-arab-emirates",
    "france"])
# Not expected: Spain. The issue lists it, but 002 never names it (grep the text); in the
# five sources it appears only in a reference title in 004, which describes no practice.
def test_002_states_are_described(store, state):
    described = store.query(f"""ASK {{ mgr:{state} a mg:State .
        ?ax owl:annotatedSource|owl:annotatedTarget mgr:{state} ;
            dcterms:source mgs:002_ff707b0e55ac8f9a }}""", prefixes=PREFIXES)
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


@pytest.mark.parametrize("cls,count", [("Weakness", 6), ("Recommendation", 10),
                                       ("PolicyOption", 8)])
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
    r"global migration group", r"survival migra", r"embedded governance", r"koslowski"])
# (Keohane is only cited, "(Keohane, 1982)": a citation on a claim's evidence since issue 16,
# checked by tests/graph/test_queries_practices.py::test_persons_cited_for_ideas.)
def test_named_in_004_is_in_the_graph(store, pattern):
    assert has_name(described_by(store, "004_c772c5351b450417"), pattern), pattern


# -- 000 and 001: evidence, entities, and the issue-3 checklist -----------------------------
# Appended for issue 3. The quote check reads the seed texts itself (whitespace folded, as
# ../shared/GUIDE.md allows) rather than trusting the build's own check.

STEMS_000_001 = ["000_c5b6fa1bb7e93d1e", "001_4f7e06674fa94512"]


def test_000_and_001_source_records(store):
    for stem in STEMS_000_001:
        record = rows(store, f"""SELECT ?title ?kind ?issued ?series ?sha WHERE {{
            mgs:{stem} dcterms:title ?title ; mg:documentKind ?kind ; dcterms:issued ?issued ;
                       mg:sha256 ?sha .
            OPTIONAL {{ mgs:{stem} dcterms:publisher|dcterms:isPartOf ?series }} }}""")
        assert record and all(record[0]), (stem, record)
        # Neither text names its author, so neither record may name one.
        assert not column(store, f"SELECT ?a WHERE {{ mgs:{stem} mg:preparedBy ?a }}")
    assert column(store, "SELECT ?s WHERE { mgs:000_c5b6fa1bb7e93d1e dcterms:isPartOf ?s }") == {
        "Forced Migration Review"}
    assert column(store, "SELECT ?f WHERE { mgs:001_4f7e06674fa94512 mg:preparedFor ?f }") == {
        "gcim"}


def test_001_kinds_of_institution_and_their_examples(store):
    found = dict(rows(store, """SELECT ?m ?x WHERE {
        mgr:institutional-models-contrasted skos:member ?m .
        OPTIONAL { ?m mg:exemplifiedBy ?x } }"""))
    assert found == {
        "negotiating-body": "wto", "standard-setting-body": "ilo",
        "regulatory-agency": "international-broadcasting-union", "operational-agency": "who",
        "monitoring-office": "un-commission-on-human-rights", "supervisory-body": "unhcr",
        "expert-resource": "unaids", "service-provider": None, "treaty-oversight-body": None}


def test_001_top_down_and_bottom_up_are_defined_with_evidence(store):
    for concept in ("top-down-governance", "bottom-up-governance"):
        assert rows(store, f"""SELECT ?q WHERE {{
            mgr:{concept} skos:definition ?d .
            ?ax owl:annotatedSource mgr:{concept} ; owl:annotatedProperty skos:definition ;
                dcterms:source mgs:001_4f7e06674fa94512 ; mg:quote ?q }}""")


def test_001_six_options_each_with_advantage_and_problem(store):
    options = rows(store, """SELECT ?o ?pos (COUNT(DISTINCT ?a) AS ?na) (COUNT(DISTINCT ?p) AS ?np)
        WHERE { ?o a mg:PolicyOption ; mg:proposedIn mgs:001_4f7e06674fa94512 ; mg:position ?pos .
                OPTIONAL { ?o mg:advantage ?a } OPTIONAL { ?o mg:problem ?p } }
        GROUP BY ?o ?pos ORDER BY ?pos""")
    assert [o for o, *_ in options] == [
        "policy-option-world-migration-organization", "policy-option-lead-agency-for-migration",
        "policy-option-bring-iom-into-un-system", "policy-option-coordination-model",
        "policy-option-leadership-model", "policy-option-wto-model-for-migration"]
    assert all(int(na) >= 1 and int(np) >= 1 for _, _, na, np in options)


def test_001_timeline_is_dated_and_linked(store):
    dated = rows(store, """SELECT ?e ?d (COUNT(?x) AS ?n) WHERE {
        GRAPH <https://w3id.org/mgkg/graph/001_4f7e06674fa94512> {
            ?e a ?t ; mg:date ?d . OPTIONAL { ?e mg:involves ?x } }
        FILTER(?t IN (mg:Event, mg:Conference)) } GROUP BY ?e ?d""")
    years = {str(d)[:4] for _, d, _ in dated}
    assert {"1919", "1945", "1947", "1949", "1951", "1957", "1968", "1975", "1985", "1989",
            "1990", "1993", "1994", "1997", "1999", "2000", "2001", "2002", "2003", "2004",
            "2006", "2011"} <= years
    assert all(int(n) >= 1 for _, _, n in dated)
    # The eight actions of 1999-2004, and the period the text gives for them.
    assert len(column(store, """SELECT ?m WHERE {
        mgr:actions-initiated-1999-2004 skos:member ?m }""")) == 8
    assert rows(store, """SELECT ?s ?e WHERE { mgr:actions-initiated-1999-2004
        mg:startDate ?s ; mg:endDate ?e }""") == [("1999", "2004")]


@pytest.mark.parametrize("slug,value", [
    ("iom", 105), ("iom", 41), ("iom", 4000), ("iom", 100), ("wto", 144),
    ("un-commission-on-human-rights", 53), ("geneva-migration-group", 6), ("imp", 4),
    ("ilo-c097", 42), ("ilo-c143", 18), ("migrant-workers-convention-1990", 25),
    ("refugee-convention-1951", 141), ("unhcr", 20000000), ("hague-declaration", 21)])
def test_001_figures_have_their_as_of_dates(store, slug, value):
    found = rows(store, f"""SELECT ?asof WHERE {{ ?f a mg:Figure ; mg:figureOf mgr:{slug} ;
        mg:value ?v ; mg:asOf ?asof ; dcterms:source mgs:001_4f7e06674fa94512 .
        FILTER(?v = {value}) }}""")
    assert found and all(a for (a,) in found)


@pytest.mark.parametrize("pattern", [
    r"world environment organization", r"regional development banks",
    r"united nations secretariat", r"international dialogue on migration",
    r"migration policy and research", r"society for international development",
    r"doyle report", r"working group on migrants", r"social dimensions? of globalization",
    r"treaty of versailles", r"international labou?r conference", r"statistics division",
    r"bretton woods", r"international migration policy programme", r"geneva migration group",
    r"bhagwati", r"helton", r"kofi annan", r"michael doyle", r"pecoud", r"goucheteneire",
    r"whalley", r"zissimos", r"ilo declaration on fundamental principles",
    r"agenda for migration management",
    r"committee on (the protection of the rights of all )?migrant workers"])
def test_more_named_in_001_is_in_the_graph(store, pattern):
    assert has_name(described_by(store, "001_4f7e06674fa94512"), pattern), pattern


def test_000_permanent_forum_and_processes(store):
    assert column(store, """SELECT ?o WHERE { ?o mg:proposedIn mgs:000_c5b6fa1bb7e93d1e ;
        mg:partOf mgr:permanent-international-forum-on-migration }""") == {
        "regular-international-meetings-of-migration-ministers",
        "opportunities-for-parliamentarians-on-migration"}
    named = column(store, """SELECT DISTINCT ?x WHERE {
        ?ax dcterms:source mgs:000_c5b6fa1bb7e93d1e ;
            owl:annotatedSource|owl:annotatedTarget ?x }""")
    assert {"global-migration-group", "gfmd", "hld-2013"} <= named
    assert column(store, "SELECT ?d WHERE { mgr:hld-2013 mg:date ?d }") == {"2013"}


def test_000_thailand_burma_figures_are_dated(store):
    found = dict(rows(store, """SELECT ?v ?asof WHERE { ?f a mg:Figure ;
        dcterms:source mgs:000_c5b6fa1bb7e93d1e ; mg:value ?v ; mg:asOf ?asof ;
        mg:countsCategory ?c }"""))
    assert {Decimal(k) for k in found} >= {Decimal(140000), Decimal(2000000)}
    assert all(found.values())


# -- 003 and 004: evidence, recall and order (written from the two texts) -----------------

def _labels_in_order(store, query: str) -> list[str]:
    return [label for _, label in rows(store, query)]


def test_003_stages_of_the_migration_process_in_order(store):
    # "begin with the impetus for migration ..., moving through the various stages of travel
    # and entry ..., settlement and/or return, integration and/or reintegration, and
    # ultimately, in some cases, the acquisition of nationality"
    ordered = rows(store, """SELECT DISTINCT ?s ?label WHERE { ?s a mg:MigrationStage ;
        mg:elementOf mgr:migration-process ; mg:position ?pos ; rdfs:label ?label }
        ORDER BY ?pos""")
    expected = [r"impetus", r"travel.*entry", r"settlement.*return",
                r"integration.*reintegration", r"nationality"]
    assert len(ordered) == len(expected)
    for (_, label), pattern in zip(ordered, expected, strict=True):
        assert re.search(pattern, label, re.I), (label, pattern)
    chain = dict(rows(store, """SELECT DISTINCT ?a ?b WHERE { ?a mg:nextStage ?b .
                                 ?a mg:elementOf mgr:migration-process }"""))
    slugs = [s for s, _ in ordered]
    assert chain == dict(zip(slugs, slugs[1:], strict=False))


def test_003_six_dimensions_in_order_with_what_the_text_says(store):
    ordered = rows(store, """SELECT DISTINCT ?d ?label WHERE {
        mgr:six-dimensions-of-migration skos:member ?d .
        ?d mg:position ?pos ; rdfs:label ?label } ORDER BY ?pos""")
    expected = [r"labour", r"irregular", r"security", r"rights", r"health", r"development"]
    assert len(ordered) == 6
    for (_, label), pattern in zip(ordered, expected, strict=True):
        assert re.search(pattern, label, re.I)
    for d, _ in ordered:
        # what the text says of each is a claim about it (issue 16), not a paraphrase
        said = rows(store, f"""SELECT DISTINCT ?claim WHERE {{
            ?claim mg:concerns mgr:{d} ; dcterms:source mgs:003_01818dc8ef868302 ;
                   a/rdfs:subClassOf* mg:Claim }}""")
        assert said, d


def test_003_elements_of_a_comprehensive_approach_in_order(store):
    labels = _labels_in_order(store, """SELECT DISTINCT ?e ?label WHERE { ?e a mg:ApproachElement ;
        mg:elementOf mgr:comprehensive-approach ; mg:position ?pos ; rdfs:label ?label }
        ORDER BY ?pos""")
    expected = [r"push.factors", r"legal migration", r"border management",
                r"voluntary return", r"acceptance and participation",
                r"rights of migrants and refugees"]
    assert len(labels) == len(expected)
    for label, pattern in zip(labels, expected, strict=True):
        assert re.search(pattern, label, re.I)


def test_003_five_methods_of_cooperative_management_in_order(store):
    labels = _labels_in_order(store, """SELECT DISTINCT ?m ?label WHERE {
        ?m a mg:CooperationMethod ;
        mg:elementOf mgr:comprehensive-approach ; mg:position ?pos ; rdfs:label ?label }
        ORDER BY ?pos""")
    assert labels == ["Increase coordination among government agencies",
                      "Promote consistency and coherence of migration policies",
                      "Develop statistical information regarding migration",
                      "Strengthen international cooperation",
                      "Include all relevant actors in the policy-making process"]


def test_003_rcps_have_labour_migration_on_their_agendas(store):
    rcps = column(store, """SELECT DISTINCT ?r WHERE { ?r a mg:RegionalConsultativeProcess ;
        mg:addresses mgr:labour-migration-dimension .
        ?ax owl:annotatedSource ?r ; dcterms:source mgs:003_01818dc8ef868302 }""")
    assert rcps == {"igc", "midsa", "five-plus-five-dialogue"}
    assert "southern-africa" in column(
        store, "SELECT DISTINCT ?p WHERE { mgr:midsa mg:locatedIn ?p }")


def test_003_gats_and_the_doha_round(store):
    assert column(store, "SELECT DISTINCT ?d WHERE { mgr:doha-round mg:startDate ?d }") == {"2001"}
    assert "doha" in column(store, "SELECT DISTINCT ?p WHERE { mgr:doha-round mg:locatedIn ?p }")
    assert "gats" in column(store, """SELECT DISTINCT ?x WHERE { mgr:doha-round mg:involves ?x .
        ?ax owl:annotatedSource mgr:doha-round ; owl:annotatedTarget ?x ;
            dcterms:source mgs:003_01818dc8ef868302 }""")


def test_003_figures_have_units_and_dates(store):
    figures = rows(store, """SELECT DISTINCT ?min ?max ?v ?unit ?asof WHERE {
        ?f a mg:Figure ; dcterms:source mgs:003_01818dc8ef868302 ; mg:unit ?unit ;
           mg:asOf ?asof .
        OPTIONAL { ?f mg:minValue ?min } OPTIONAL { ?f mg:maxValue ?max }
        OPTIONAL { ?f mg:value ?v } }""")
    # "today between 60 and 65 million persons are economically active in a country other
    # than their own" (ILO, "today" = the paper's date, March 2003)
    assert ("60000000", "65000000", None, "persons", "2003-03") in figures
    # "the total value of remittances probably exceeds USD 100 billion per year"
    assert any(v == "100000000000" and "US dollars" in unit and asof.startswith("2003")
               for _, _, v, unit, asof in figures)


def test_003_iom_role(store):
    assert rows(store, """SELECT DISTINCT ?m WHERE { mgr:iom mg:mandate ?m .
        ?ax owl:annotatedSource mgr:iom ; owl:annotatedProperty mg:mandate ;
            dcterms:source mgs:003_01818dc8ef868302 ;
            mg:quote ?q . FILTER(CONTAINS(?q, "humane and orderly management")) }""")


def test_004_table_1_rows_are_the_three_areas_of_the_collection(store):
    members = rows(store, """SELECT DISTINCT ?type ?level ?good WHERE {
        mgr:three-areas-of-migration-governance skos:member ?area .
        ?area rdfs:label ?type ; mg:position ?pos ;
              mg:mainLevelOfGovernance/rdfs:label ?level ; mg:typeOfGood/rdfs:label ?good .
    } ORDER BY ?pos""")
    assert members == rows(store, TABLE_1)
    assert len(column(store, """SELECT DISTINCT ?a WHERE {
        mgr:three-areas-of-migration-governance skos:member ?a }""")) == 3


def test_004_governance_and_its_three_questions(store):
    assert column(store, "SELECT DISTINCT ?d WHERE { mgr:governance skos:definition ?d }")
    labels = _labels_in_order(store, """SELECT DISTINCT ?q ?label WHERE {
        mgr:three-questions-of-migration-governance skos:member ?q .
        ?q mg:position ?pos ; rdfs:label ?label } ORDER BY ?pos""")
    assert [re.search(r"what|whom|how", label, re.I).group(0).lower()
            for label in labels] == ["what", "whom", "how"]
    assert column(store, "SELECT DISTINCT ?d WHERE { mgr:embedded-governance skos:definition ?d }")


def test_004_bodies_of_law_and_what_they_ground(store):
    bodies = column(store, """SELECT DISTINCT ?b WHERE { ?b a mg:BodyOfLaw .
        ?ax owl:annotatedSource|owl:annotatedTarget ?b ;
            dcterms:source mgs:004_c772c5351b450417 }""")
    assert {"international-human-rights-law", "international-maritime-law", "wto-law",
            "international-migration-law", "international-refugee-law",
            "international-humanitarian-law"} <= bodies
    grounds = set(rows(store, """SELECT DISTINCT ?b ?o WHERE {
        { ?b mg:grounds ?o } UNION { ?o mg:groundedIn ?b } ?b a mg:BodyOfLaw .
        ?o a/rdfs:subClassOf* mg:Institution }"""))
    # "UNHCR's work is normatively grounded in International Refugee Law, and the work of
    # the International Committee of the Red Cross (ICRC) is normatively grounded in
    # International Humanitarian Law"
    assert {("international-refugee-law", "unhcr"),
            ("international-humanitarian-law", "icrc")} <= grounds


def test_004_regional_economic_communities(store):
    def one(q):
        return column(store, q)
    assert one("SELECT DISTINCT ?d WHERE { mgr:ecowas mg:foundingDate ?d }") == {"1975"}
    # The source's "SADC was formed in 1980" and NAFTA "signed ... in January 1994" are
    # historical errors, kept as its claims (issue 16), not as founding dates.
    assert one("SELECT DISTINCT ?d WHERE { mgr:sadc mg:foundingDate ?d }") == set()
    assert one("SELECT DISTINCT ?d WHERE { mgr:nafta mg:foundingDate ?d }") == set()
    assert {"canada", "mexico", "united-states"} <= one(
        "SELECT DISTINCT ?m WHERE { { mgr:nafta mg:hasMember ?m }"
        " UNION { ?m mg:memberOf mgr:nafta } }")
    assert Decimal(16) in figure_numbers(store, "ecowas")
    assert Decimal(9) in figure_numbers(store, "sadc")
    assert "irregular-migration-governance" in one(
        "SELECT DISTINCT ?a WHERE { mgr:european-union mg:inArea ?a }")


def test_004_global_structures(store):
    members = column(store, """SELECT DISTINCT ?m WHERE {
        mgr:structures-of-global-migration-governance skos:member ?m }""")
    assert {"regional-consultative-processes-on-migration", "regional-economic-communities",
            "gfmd", "hld-2006", "global-migration-group",
            "un-desa-migration-annual-meeting"} <= members


def test_004_survival_migration_figures_with_periods(store):
    figures = set(rows(store, """SELECT DISTINCT ?v ?start ?end ?c WHERE {
        ?f a mg:Figure ; dcterms:source mgs:004_c772c5351b450417 ; mg:value ?v ;
           mg:startDate ?start ; mg:endDate ?end ; mg:asOf ?asof ; mg:unit "persons"@en ;
           mg:countsCategory ?c }"""))
    # "the 2 million Zimbabwean migrants who fled to South Africa between 2005 and 2009";
    # "the 400,000 Congolese migrants deported by Angola ... between 2003 and 2009"
    assert ("2000000", "2005", "2009", "survival-migrant") in figures
    assert ("400000", "2003", "2009", "survival-migrant") in figures


def test_004_recommendations_and_options_in_order(store):
    recs = _labels_in_order(store, """SELECT DISTINCT ?r ?label WHERE { ?r a mg:Recommendation ;
        mg:proposedIn mgs:004_c772c5351b450417 ; mg:position ?pos ; rdfs:label ?label }
        ORDER BY ?pos""")
    expected = [r"migrant protection", r"normative basis", r"forum for dialogue",
                r"coordination", r"realistic vision"]
    assert len(recs) == 5
    for label, pattern in zip(recs, expected, strict=True):
        assert re.search(pattern, label, re.I)
    options = rows(store, """SELECT DISTINCT ?o ?label WHERE { ?o a mg:PolicyOption ;
        mg:proposedIn mgs:004_c772c5351b450417 ;
        mg:elementOf mgr:institutional-framework-for-migrant-protection ;
        mg:position ?pos ; rdfs:label ?label } ORDER BY ?pos""")
    expected = [r"cluster", r"single agency", r"UN agency", r"Special Representative",
                r"issue-based"]
    assert len(options) == 5
    for (_, label), pattern in zip(options, expected, strict=True):
        assert re.search(pattern, label, re.I)


def test_004_gfmd_weaknesses_in_order(store):
    labels = _labels_in_order(store, """SELECT DISTINCT ?w ?label WHERE { ?w a mg:Weakness ;
        mg:concerns mgr:gfmd ; mg:proposedIn mgs:004_c772c5351b450417 ;
        mg:position ?pos ; rdfs:label ?label } ORDER BY ?pos""")
    expected = [r"permanent", r"outside.*UN", r"informal", r"theme", r"development",
                r"inclusive"]
    assert len(labels) == 6
    for label, pattern in zip(labels, expected, strict=True):
        assert re.search(pattern, label, re.I)


@pytest.mark.parametrize("person,pattern", [
    ("rey-koslowski", r"mobility regime|travel"), ("alexander-betts", r"embedded")])
def test_004_persons_credited_with_ideas(store, person, pattern):
    ideas = column(store, f"""SELECT DISTINCT ?l WHERE {{ ?idea mg:ideaAttributedTo mgr:{person} ;
        rdfs:label ?l . ?ax owl:annotatedSource ?idea ; owl:annotatedTarget mgr:{person} ;
        dcterms:source mgs:004_c772c5351b450417 }}""")
    assert any(re.search(pattern, i, re.I) for i in ideas), ideas


# -- 002: second curation pass (audit of the GFMD 2008 RT 2.2 paper) ----------------------
# Expectations below are read off ../shared/seeds/002_ff707b0e55ac8f9a.txt by hand.

S002 = "002_ff707b0e55ac8f9a"
G002 = f"<https://w3id.org/mgkg/graph/{S002}>"
def _norm_name_002(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.casefold()).strip()


def test_002_no_two_iris_share_a_label_or_alias(store):
    """One IRI per real thing: a name (label or alias) used in 002 names one IRI only, in
    every data file and the ontology."""
    in_002 = column(store, f"""SELECT DISTINCT ?e WHERE {{ GRAPH {G002} {{
        ?e rdfs:label|skos:altLabel ?n }} FILTER(STRSTARTS(STR(?e), STR(mgr:))) }}""")
    assert len(in_002) > 300
    named: dict[str, set] = {}
    for e, n in rows(store, """SELECT DISTINCT ?e ?n WHERE {
        GRAPH ?g { ?e rdfs:label|skos:altLabel ?n }
            FILTER(STRSTARTS(STR(?e), STR(mgr:)))
            FILTER NOT EXISTS { ?e owl:deprecated true } }"""):
        named.setdefault(_norm_name_002(n), set()).add(e)
    clashes = {n: sorted(es) for n, es in named.items() if len(es) > 1 and es & in_002}
    assert clashes == {}


def test_002_working_definitions_are_sourced(store):
    for concept in ["managed-migration", "irregular-migration", "comprehensive-approach"]:
        assert store.query(f"""ASK {{ mgr:{concept} skos:definition ?d .
            ?ax owl:annotatedSource mgr:{concept} ; owl:annotatedProperty skos:definition ;
                owl:annotatedTarget ?d ; dcterms:source mgs:{S002} }}""",
                           prefixes=PREFIXES), concept
    aliases = column(store, f"""SELECT ?a WHERE {{ mgr:irregular-migrant skos:altLabel ?a .
        ?ax owl:annotatedSource mgr:irregular-migrant ; owl:annotatedTarget ?a ;
            dcterms:source mgs:{S002} }}""")
    for word in ["illegal", "unauthori", "undocumented"]:
        assert any(word in a.lower() for a in aliases), (word, aliases)


@pytest.mark.parametrize("group,members", [
    ("acmecs", {"cambodia", "laos", "myanmar", "thailand", "vietnam"}),
    ("colombo-process", {"afghanistan", "bangladesh", "china", "india", "indonesia", "nepal",
                         "pakistan", "philippines", "vietnam", "thailand", "sri-lanka"}),
    ("un-gift-steering-committee", {"ilo", "iom", "unicef", "ohchr", "osce", "unodc"}),
])
def test_002_memberships_are_exactly_those_the_text_lists(store, group, members):
    found = column(store, f"""SELECT DISTINCT ?m WHERE {{ ?m mg:memberOf mgr:{group} .
        ?ax owl:annotatedSource ?m ; owl:annotatedProperty mg:memberOf ;
            owl:annotatedTarget mgr:{group} ; dcterms:source mgs:{S002} }}""")
    assert found == members


@pytest.mark.parametrize("slug,prop,value", [
    ("coe-trafficking-convention", "entryIntoForceDate", "2008-02"),
    ("thailand-anti-trafficking-act-2008", "adoptionDate", "2008-02"),
    ("migration-amendment-employer-sanctions-act-2007", "entryIntoForceDate", "2007-08"),
    ("migration-advisory-committee", "foundingDate", "2007"),
    ("uae-national-committee-to-combat-human-trafficking", "foundingDate", "2007-04"),
    ("acmecs", "foundingDate", "2003"),
    ("un-gift", "foundingDate", "2007"),
    ("netherlands-national-action-plan-on-trafficking-2004", "adoptionDate", "2004"),
    ("netherlands-task-force-on-trafficking", "foundingDate", "2007"),
    ("belarus-international-training-center", "foundingDate", "2007"),
    ("belarus-state-comprehensive-program-against-trafficking", "startDate", "2007"),
    ("eo-325-2004", "adoptionDate", "2004"),
    ("thailand-nsc-resolution-2003", "adoptionDate", "2003-07-21"),
    ("uk-action-plan-on-human-trafficking-2007", "adoptionDate", "2007"),
    ("unga-resolution-3349", "adoptionDate", "1975-12-09"),
])
def test_002_dates_of_laws_plans_and_bodies(store, slug, prop, value):
    found = column(store, f"""SELECT ?v WHERE {{ mgr:{slug} mg:{prop} ?v .
        ?ax owl:annotatedSource mgr:{slug} ; owl:annotatedProperty mg:{prop} ;
            owl:annotatedTarget ?v ; dcterms:source mgs:{S002} ; mg:quote ?q }}""")
    assert found == {value}


@pytest.mark.parametrize("subject,values", [
    ("philippines", {4000000, 68, 8000000, 98, 60}),
    ("australia", {6600000, 690000, 50000, 21000000, 45, 10000000, 2000000}),
    ("thailand", {450000, 668576, 36000000, 1800000, 5, 47000000, 53000000}),
    ("netherlands-employer-fines", {8000}),
    ("palau-trafficking-sentencing", {2, 20, 50000}),
    ("trafficking-in-persons", {7992, 5682, 2815, 3427}),
    ("iom-ctm", {1131, 1841, 2672}),
    ("bali-process", {30, 800, 25}),
    ("bali-process-model-legislation", {18, 2}),
    ("ra-8042", {6, 12, 200000, 500000}),
    ("egypt", {6, 20, 30, 10, 1300}),
])
def test_002_figures_from_the_text(store, subject, values):
    assert {Decimal(v) for v in values} <= figure_numbers(store, subject)


def test_002_every_figure_has_unit_as_of_date_and_evidence(store):
    incomplete = column(store, f"""SELECT ?f WHERE {{ GRAPH {G002} {{ ?f a mg:Figure }}
        FILTER NOT EXISTS {{ ?f mg:unit ?u ; mg:asOf ?d ; mg:measure ?m ; mg:figureOf ?o ;
                             mg:quote ?q ; dcterms:source mgs:{S002} .
                             {{ ?f mg:value ?v }}
                             UNION {{ ?f mg:minValue ?lo ; mg:maxValue ?hi }} }} }}""")
    assert len(column(store, f"SELECT ?f WHERE {{ GRAPH {G002} {{ ?f a mg:Figure }} }}")) > 80
    assert incomplete == set()


@pytest.mark.parametrize("pattern", [
    r"licensing of recruitment agenc", r"limits on recruitment fees",
    r"accreditation of employers.*joint liability", r"pre-departure information, orientation",
    r"welfare fund", r"standard labour contracts", r"welfare officers posted abroad",
    r"reintegration program"])
def test_002_each_philippine_measure_is_linked_to_state_category_and_function(store, pattern):
    linked = rows(store, f"""SELECT ?l WHERE {{ ?m a mg:PolicyMeasure ; rdfs:label ?l ;
        mg:practiceOf mgr:philippines ; mg:coversCategory ?c ; mg:servesFunction ?fn .
        ?ax owl:annotatedSource ?m ; owl:annotatedProperty mg:practiceOf ;
            dcterms:source mgs:{S002} }}""")
    assert any(re.search(pattern, label, re.I) for (label,) in linked), pattern


def test_002_every_practice_is_linked_to_state_category_and_function(store):
    loose = column(store, f"""SELECT ?m WHERE {{ GRAPH {G002} {{ ?m a mg:PolicyMeasure }}
        FILTER NOT EXISTS {{ ?m owl:deprecated true }}
        FILTER NOT EXISTS {{
            ?m mg:practiceOf ?s ; mg:coversCategory ?c ; mg:servesFunction ?f }} }}""")
    assert loose == set()


@pytest.mark.parametrize("state,role", [
    ("philippines", "country-of-origin"), ("australia", "country-of-destination"),
    ("thailand", "country-of-destination"), ("egypt", "country-of-transit"),
    ("belarus", "country-of-transit"), ("belarus", "country-of-origin"),
    ("brazil", "country-of-origin")])
def test_002_origin_transit_destination_perspectives(store, state, role):
    assert store.query(f"""ASK {{ mgr:{state} mg:hasMigrationRole mgr:{role} .
        ?ax owl:annotatedSource mgr:{state} ; owl:annotatedTarget mgr:{role} ;
            dcterms:source mgs:{S002} }}""", prefixes=PREFIXES)


def test_002_questions_to_guide_the_discussion(store):
    quotes = column(store, f"""SELECT ?q WHERE {{
        ?i mg:inList mgr:rt-2-2-discussion-questions ; mg:item/a mg:Question ;
            dcterms:source mgs:{S002} ; mg:quote ?q }}""")
    for start in ["What factors can be considered", "What are some key effective responses",
                  "What are the key capacity building needs",
                  "What are the best research, data gathering"]:
        assert any(q.startswith(start) for q in quotes), start


def test_002_says_nothing_of_spain_or_the_poea(store):
    """The issue lists Spain and the text describes Philippine measures, but 002 never names
    Spain or the Philippine Overseas Employment Administration (grep the text)."""
    assert not store.query(f"""ASK {{ GRAPH {G002} {{
        {{ ?x owl:annotatedSource mgr:spain }}
        UNION {{ ?x owl:annotatedTarget mgr:spain }} }} }}""",
                           prefixes=PREFIXES)
    labels = column(store, f"""SELECT ?n WHERE {{
        GRAPH {G002} {{ ?e rdfs:label|skos:altLabel ?n }} }}""")
    assert not [n for n in labels
                if re.search(r"\bspain\b|\bpoea\b|overseas employment admin", n, re.I)]
