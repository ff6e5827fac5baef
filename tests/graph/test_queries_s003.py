"""Expected answers of competency questions 70-74 (issue 16: the IOM 2003 paper, 003, in the
claims model), written by hand from the seed text, not from the queries' output.

Each expectation cites the sentence it was read from; the slugs are the IRIs minted in
data/003_01818dc8ef868302.ttl."""

from __future__ import annotations

from ..conftest import fold_ws, seed_text
from .competency import answer, answers

S003 = "003_01818dc8ef868302"
PARTICIPANTS = (
    "Participants in the migration process of today include such diverse public and private "
    "individuals and institutions as employers, family members and community organizations, "
    "private business, government migration managers, international organizations, and "
    "smugglers and traffickers.")
STAKEHOLDERS = (
    "a range of stakeholders need to become involved – including governments, international "
    "organizations, NGOs, employers, community organizations and migrants.")


def split(concat: str | None) -> set[str]:
    return set(concat.split()) if concat else set()


@answers("70-participants-and-stakeholders-in-iom-2003")
def test_participants_and_stakeholders(store):
    rows = answer(store, "70-participants-and-stakeholders-in-iom-2003")
    found = {a: (p == "true", s == "true", n == "true") for a, _, _, p, s, n in rows}
    assert PARTICIPANTS in fold_ws(seed_text(S003))
    assert STAKEHOLDERS in fold_ws(seed_text(S003))
    # (participant, stakeholder, non-state actor outside institutions)
    assert found == {
        "employers": (True, True, True),                     # in both sentences
        "family-members-of-migrants": (True, False, True),   # "family members"
        "community-organizations": (True, True, False),      # in both sentences
        "private-business": (True, False, False),
        "government-migration-managers": (True, False, False),
        "international-organizations": (True, True, False),  # in both sentences
        "smugglers": (True, False, True),
        "traffickers": (True, False, True),
        "governments": (False, True, False),                 # method 5 only
        "ngos": (False, True, False),                        # "NGOs"
        "migrant": (False, True, False),                     # "and migrants"
    }
    kinds = {a: k for a, _, k, *_ in rows}
    assert (kinds["employers"], kinds["smugglers"], kinds["traffickers"]) == (
        "mg:Employer", "mg:Smuggler", "mg:Trafficker")


@answers("71-lists-iom-2003-enumerates")
def test_lists_the_paper_enumerates(store):
    rows = answer(store, "71-lists-iom-2003-enumerates")
    text = fold_ws(seed_text(S003))
    items: dict[str, set[str]] = {}
    for lst, _, thing, marker, position, quote in rows:
        items.setdefault(lst, set()).add(thing)
        assert fold_ws(quote) in text, quote
        # none of these lists is numbered in the text: no positions
        assert position is None, (lst, thing)
        if lst == "new-labour-migration-trends":
            assert marker == "-"        # "- Greater attention is being given ..."
    assert items["new-labour-migration-trends"] == {
        "movement-of-highly-skilled-professionals",        # "Greater attention ... highly skilled"
        "women-migrating-as-independent-wage-earners",     # "A larger number of women"
        "private-sector-role-in-labour-migration",         # "The private sector plays a key role"
        "clandestine-movement-of-low-skilled-labour-migrants",  # "The clandestine movement"
        "promotion-of-foreign-employment-by-countries-of-origin",  # "countries of origin"
        "new-net-importers-of-labour"}                     # "net importers of ... labour"
    # "Several key issues are implicated, including:" three bullets
    assert items["key-issues-of-migration-and-development"] == {
        "brain-drain", "diaspora", "remittances"}
    assert len(items["participants-in-the-migration-process"]) == 8
    assert len(items["stakeholders-of-a-comprehensive-approach"]) == 6


@answers("72-what-rcps-converge-on-by-source")
def test_what_rcps_converge_on(store):
    rows = answer(store, "72-what-rcps-converge-on-by-source")
    # "including safeguarding migrant rights, refugee protection, border management,
    # addressing root causes and others": all four, and only 003 says it (issue 16: 003's
    # claim has its own node, apart from what 002 and 004 say of RCPs).
    assert {(src, element) for src, _, element, _, _ in rows} == {
        (S003, "rights-of-migrants-dimension"), (S003, "refugee-governance"),
        (S003, "border-management"), (S003, "root-causes-of-migration")}
    assert all("growing convergence of ideas" in q for *_, q in rows)


@answers("73-comparisons-and-causes-in-iom-2003")
def test_comparisons_and_causes(store):
    rows = answer(store, "73-comparisons-and-causes-in-iom-2003")
    by_claim = {r[0]: r for r in rows}
    comparisons = {c: (split(r[2]), r[3], r[4], r[8]) for c, r in by_claim.items()
                   if r[1] == "mg:Comparison"}
    assert comparisons == {
        # "the total value of remittances probably exceeds USD 100 billion per year ...,
        # exceeding official development assistance"
        "remittances-exceed-official-development-assistance": (
            {"remittances"}, "greater-than", "official-development-assistance", None),
        # "globally an estimated USD 100 billion are remitted to developing countries which
        # substantially exceeds official development assistance", within "the significance
        # of migrants' resources as financial potential for development"
        "remittances-to-developing-countries-substantially-exceed-oda": (
            {"remittances"}, "greater-than", "official-development-assistance",
            "migrants-resources-are-financial-potential-for-development"),
        # "more active at the bilateral and regional level than at the global level"
        "labour-migration-cooperation-more-active-below-global-level": (
            {"unilateral-bilateral-level", "regional-level"}, "greater-than",
            "multilateral-level", None),
    }
    causal = {c: (r[5], split(r[6]), r[7]) for c, r in by_claim.items()
              if r[1] == "mg:CausalClaim"}
    # "The effects of September 11 have brought a new clarity of focus on the importance of
    # managing migration effectively"
    assert causal["september-11-brought-focus-on-managing-migration"] == (
        "september-11-2001-attacks", {"migration-management"}, None)
    # "The terrorist attacks of 11 September 2001 have had a significant effect on migration
    # issues."
    assert causal["september-11-attacks-affected-migration-issues"] == (
        "september-11-2001-attacks", {"migration-and-security-dimension"}, None)
    # "As the level of international migration rises, so does its impact on ... policies"
    assert causal["rising-migration-affects-policies"][0] == "international-migration"
    # "This framework would also serve to enhance policy consistency and coherence."
    assert causal["framework-would-enhance-consistency"][:2] == (
        "framework-of-guiding-principles",
        {"promote-consistency-and-coherence-of-migration-policies"})
    # hedged: "can trigger", "can often result in", "may serve to mitigate", "can result in"
    assert {c for c, (_, _, m) in causal.items() if m == "hedged"} == {
        "mobile-people-can-trigger-health-issues",
        "mobility-can-weaken-control-of-communicable-diseases",
        "consistency-may-mitigate-irregular-movement",
        "brain-drain-can-cause-loss-of-skills"}


@answers("74-further-reading-of-iom-2003")
def test_further_reading(store):
    rows = answer(store, "74-further-reading-of-iom-2003")
    found = {p: (y, split(c), pub, ser, split(t)) for p, _, y, c, pub, ser, t in rows}
    iom = "International Organization for Migration"
    assert found == {
        # "Aleinikoff, A.T. 2002 International Legal Norms and Migration: An Analysis,
        # International Dialogue on Migration Series No.3, International Organization for
        # Migration, Geneva."
        "international-legal-norms-and-migration-2002": (
            "2002", {"a-t-aleinikoff"}, iom, "International Dialogue on Migration Series No.3",
            set()),
        # "IOM 2003 World Migration 2003 ... World Migration Report Series No. 2"
        "world-migration-2003": ("2003", {"iom"}, iom, "World Migration Report Series No. 2",
                                 set()),
        # "2002 HIV/Aids Prevention and Care Programmes for Mobile Populations in Africa: An
        # Inventory, IOM, UNDP, and UNAIDS, Geneva." HIV/AIDS is read from the title only.
        "hiv-aids-programmes-for-mobile-populations-in-africa-2002": (
            "2002", {"iom", "undp", "unaids"}, "IOM, UNDP, and UNAIDS", None, {"hiv-aids"}),
        # "Keely, C.B. (Ed.) 2002 "The Migration-Development Nexus", International Migration,
        # Special Issue 40(5)"
        "migration-development-nexus-2002": (
            "2002", {"c-b-keely"}, iom, "International Migration, Special Issue 40(5)",
            {"migration-and-development-dimension"}),
        # "Tavares, J. (et al.) 2000 Temporary Labour Migration of Women ..., United Nations
        # Research and Training Institute for the Advancement of Women and International
        # Organization for Migration, Santo Domingo."
        "temporary-labour-migration-of-women-2000": (
            "2000", {"j-tavares"},
            "United Nations Research and Training Institute for the Advancement of Women and "
            + iom, None, {"migrant-woman"}),
    }


def test_issue_16_errors_of_003_stay_fixed(store):
    """Facts issue 16 found resting on the wrong sentence are not in 003 any more; what the
    sentence does say is there instead."""
    def evidenced(s: str, p: str, o: str) -> bool:
        return bool(store.query(f"""ASK {{ ?ax <http://www.w3.org/2002/07/owl#annotatedSource>
            <https://w3id.org/mgkg/id/{s}> ;
            <http://www.w3.org/2002/07/owl#annotatedProperty> <{p}> ;
            <http://www.w3.org/2002/07/owl#annotatedTarget> <https://w3id.org/mgkg/id/{o}> ;
            <http://purl.org/dc/terms/source> <https://w3id.org/mgkg/source/{S003}> }}"""))
    mg = "https://w3id.org/mgkg/ontology#"
    # "(GATS) negotiations ..." never names Mode 4
    assert not evidenced("gats-mode-4", mg + "partOf", "gats")
    # "The International Labour Organization (ILO) estimates ...": an attribution
    assert not evidenced("ilo", mg + "performsFunction", "data-collection-and-analysis")
    assert bool(store.query(f"""ASK {{ <https://w3id.org/mgkg/id/economically-active-migrants-2003>
        <{mg}accordingTo> <https://w3id.org/mgkg/id/ilo> }}"""))
    # titles in the further-reading list are not facts about their publishers
    for s in ("iom", "undp", "unaids"):
        assert not evidenced(s, mg + "addresses", "hiv-aids"), s
    for s in ("iom", "instraw"):
        assert not evidenced(s, mg + "coversCategory", "migrant-woman"), s
    assert not evidenced("remittances", mg + "relatedTo", "official-development-assistance")
    # IOM's activities mapped onto 001's functions say so, each with its basis
    unmarked = store.query(f"""SELECT ?f WHERE {{
        ?ax <http://www.w3.org/2002/07/owl#annotatedSource> <https://w3id.org/mgkg/id/iom> ;
            <http://www.w3.org/2002/07/owl#annotatedProperty> <{mg}performsFunction> ;
            <http://www.w3.org/2002/07/owl#annotatedTarget> ?f ;
            <http://purl.org/dc/terms/source> <https://w3id.org/mgkg/source/{S003}> .
        FILTER NOT EXISTS {{ ?ax <{mg}support> <https://w3id.org/mgkg/id/curator-mapping> ;
                                 <http://www.w3.org/2000/01/rdf-schema#comment> ?basis }} }}""")
    assert not list(unmarked)
