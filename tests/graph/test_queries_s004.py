"""Expected answers of the competency questions 75-79 (issue 16: Betts 2010 in the claims
model), written by hand from ../shared/seeds/004_c772c5351b450417.txt. Each expectation
quotes the sentence it was read from."""

from __future__ import annotations

from ..conftest import fold_ws, seed_text
from .competency import answer, answers

S004 = "004_c772c5351b450417"


@answers("75-aims-of-migration-governance-in-order")
def test_aims_of_migration_governance_in_order(store):
    # "Migration governance is not an end in itself. Ultimately, it aims to enhance
    # i) security; ii) the economy; and iii) rights."
    rows = answer(store, "75-aims-of-migration-governance-in-order")
    assert [(int(p), m, about) for p, m, _, _, about in rows] == [
        (1, "i)", "security"), (2, "ii)", "economy"),
        (3, "iii)", "rights")]
    assert {aim_of for *_, aim_of, _ in rows} == {"migration-governance"}


@answers("76-constraints-on-a-vision-and-their-support")
def test_constraints_on_a_vision(store):
    rows = answer(store, "76-constraints-on-a-vision-and-their-support")
    # "i) *Political constraints.* ... ii) *Normative constraints.* ... iii) *Practical
    # constraints.*", in that order.
    order = []
    for position, constraint, _, _ in rows:
        if (int(position), constraint) not in order:
            order.append((int(position), constraint))
    assert order == [(1, "political-constraints-on-a-vision"),
                     (2, "normative-constraints-on-a-vision"),
                     (3, "practical-constraints-on-a-vision")]
    support = {(c, s, m) for _, c, s, m in rows}
    assert {
        # "Powerful States want to develop collective action through sets of bilateral and
        # regional partnerships."
        ("political-constraints-on-a-vision",
         "powerful-states-want-bilateral-and-regional-partnerships", None),
        # "In some cases, the most appropriate forms of collective action may be inclusive
        # and multilateral; in other cases, this may not be so." (hedged: "may")
        ("political-constraints-on-a-vision", "collective-action-sometimes-multilateral",
         "hedged"),
        # "Upholding security, economic prosperity and rights cannot always be
        # simultaneously attained"
        ("normative-constraints-on-a-vision",
         "security-prosperity-rights-not-simultaneously-attainable", None),
        # "States' migration policies are frequently created ... to speak to domestic
        # audiences"
        ("practical-constraints-on-a-vision", "migration-policies-speak-to-domestic-audiences",
         None),
    } <= support


@answers("77-overarching-coordination-options")
def test_overarching_coordination_options(store):
    # "These might include: i) reform of the GMG, with particular emphasis on the scope of
    # its role; ii) a permanent inter-RCP meeting, building upon the precedent of IOM's
    # Bangkok meeting in 2009; and iii) designating more SRSGs to the task of working across
    # different international organizations"
    rows = answer(store, "77-overarching-coordination-options")
    assert [(int(p), m, o) for p, m, o, _ in rows] == [
        (1, "i)", "option-reform-of-the-gmg"),
        (2, "ii)", "option-permanent-inter-rcp-meeting"),
        (2, "ii)", "option-permanent-inter-rcp-meeting"),
        (3, "iii)", "option-more-srsgs")]
    assert {(o, c) for _, _, o, c in rows} == {
        ("option-reform-of-the-gmg", "global-migration-group"),
        ("option-permanent-inter-rcp-meeting", "bangkok-inter-rcp-meeting-2009"),
        ("option-permanent-inter-rcp-meeting", "regional-consultative-processes-on-migration"),
        ("option-more-srsgs", "srsg")}


@answers("78-causes-effects-and-comparisons-in-betts")
def test_causes_effects_and_comparisons(store):
    rows = {(c, k, a, r, b) for c, k, a, r, b in
            answer(store, "78-causes-effects-and-comparisons-in-betts")}
    assert {
        # "Unlike many other transboundary issues such as trade, the environment and
        # finance, migration lacks a coherent and easily identifiable institutional
        # framework at the global level."
        ("migration-lacks-global-institutional-framework", "mg:Comparison",
         "migration-governance", "different-from", "trade"),
        ("migration-lacks-global-institutional-framework", "mg:Comparison",
         "migration-governance", "different-from", "finance"),
        # "While refugees have a clear normative and institutional framework governing their
        # access to rights, there is no such mechanism through which non-refugee migrants
        # can get access to protection."
        ("refugees-have-a-framework-non-refugee-migrants-none", "mg:Comparison", "refugee",
         "different-from", "migrant"),
        # "IOM has not yet adopted formal responsibility ... in the way that UNHCR's Statute
        # gives it formal responsibility"
        ("iom-not-responsible-for-monitoring-iml-unlike-unhcr", "mg:Comparison", "iom",
         "different-from", "unhcr"),
        # "The difficulty with institutional proliferation is that it can lead to overlap,
        # duplication or even contradiction"
        ("institutional-proliferation-renders-structure-incoherent", "mg:CausalClaim",
         "institutional-proliferation", "causes", None),
        # "the emergence of new challenges, and the politicization of those challenges, has
        # contributed to a rapid proliferation of new institutions"
        ("new-challenges-drive-institutional-proliferation", "mg:CausalClaim", None,
         "causes", "institutional-proliferation"),
        # "As people increasingly establish transnational connections ... they will desire
        # to move more"
        ("transnational-connections-increase-desire-to-move", "mg:CausalClaim",
         "transnational-connections", "causes", None),
    } <= rows


@answers("79-what-betts-says-actors-do-not-do")
def test_what_betts_says_actors_do_not_do(store):
    rows = answer(store, "79-what-betts-says-actors-do-not-do")
    assert {(s, k, p, t, sup) for s, k, p, t, sup, _ in rows} == {
        # "IOM has not yet adopted formal responsibility for the surveillance and monitoring
        # of International Migration Law"
        ("iom", "mg:IntergovernmentalOrganization", "mg:monitors",
         "international-migration-law", "stated"),
        # "its work lacks a normative basis": read against "International Migration Law is
        # emerging as the normative basis"
        ("iom", "mg:IntergovernmentalOrganization", "mg:groundedIn",
         "international-migration-law", "inferred"),
        # "most migrant-receiving States refuse to ratify the UN Treaty on the Rights of All
        # Migrant Workers and Their Families"
        ("migrant-receiving-states", "mg:Actor", "mg:partyTo",
         "migrant-workers-convention-1990", "stated"),
        # "Irregular migration governance has no such formal, multilateral governance
        # framework."
        ("irregular-migration-governance", "mg:GovernanceArea", "mg:mainLevelOfGovernance",
         "multilateral-level", "inferred"),
    }
    text = fold_ws(seed_text(S004))
    for *_, quote in rows:
        assert fold_ws(quote) in text


def test_key_gaps_are_gaps_not_text(store):
    # "The biggest single gap in migration governance relates to the protection of
    # vulnerable migrants."; "migrants, unlike refugees, are not covered by any organization
    # with a mandate to protect them"; "The significant gap in the existing refugee regime
    # (in terms of burden-sharing)"; "the inequality of border capacities".
    rows = answer(store, "54-reasons-gaps-and-other-claims")
    gaps = {c for c, k, *_ in rows if k == "mg:Gap"}
    assert {"biggest-single-gap-protection-of-vulnerable-migrants",
            "migrants-not-covered-by-any-protection-mandate",
            "burden-sharing-gap-in-refugee-regime",
            "inequality-of-border-capacities",
            "no-multilateral-framework-for-irregular-migration"} <= gaps
