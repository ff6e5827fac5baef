"""Expected answers of the competency questions 65-69 (issue 15: the GFMD 2008 paper
re-curated to the claims model), written by hand from the source text."""

from __future__ import annotations

from ..conftest import fold_ws, seed_text
from .competency import answer, answers

S002 = "002_ff707b0e55ac8f9a"


@answers("65-whose-estimates-are-the-gfmd-2008-figures")
def test_whose_estimates_the_figures_are(store):
    rows = {(f, w) for f, w, _ in answer(store, "65-whose-estimates-are-the-gfmd-2008-figures")}
    assert rows == {
        # "ICMPD (2004) estimates that between 2 - 4.5 million migrants cross ..."
        ("unauthorized-border-crossings-per-year-2004", "icmpd"),
        # "In 2004, ILO estimated that migrants in irregular status represented some 10-15%"
        ("irregular-migrants-share-of-migrant-stock-2004", "ilo"),
        # "ILO compared Thailand's estimates of (125-150,000?) workers leaving ... with the
        # estimated total stock of Thai workers abroad (450,000)"
        ("thai-workers-abroad-2008", "ilo"),
        ("thailand-workers-leaving-for-contract-work-2008", "thailand"),
        # "An ILO study ... the net gain ... would be $47 million ... $53 million (ILO 2007)"
        ("thailand-net-gain-from-migrant-workers-constant-2007", "ilo"),
        ("thailand-net-gain-from-migrant-workers-current-2007", "ilo"),
        # "Thailand recorded 668,576 immigrants (MOL), and almost twice as many unregistered
        # migrant workers (ILO 2007)"
        ("thailand-recorded-immigrants-2006", "thailand-ministry-of-labour"),
        ("thailand-unregistered-migrant-workers-ratio-2006", "ilo"),
        # "the IOM global database reports an increase in the number of victims assisted,
        # from 1,131 to 1,841, ... the high of 2,672 victims assisted in 2005"
        ("iom-victims-assisted-2003", "iom"), ("iom-victims-assisted-2005", "iom"),
        ("iom-victims-assisted-2008", "iom"),
        # "IOM advises that in the US 81 per cent of the unauthorized are from ... Latin
        # America, and only 4% from Africa"
        ("us-unauthorized-migrants-from-latin-america-share-2008", "iom"),
        ("us-unauthorized-migrants-from-africa-share-2008", "iom"),
        # "An empirical study of Afghans and Pakistanis smuggled to the UK suggests ..."
        ("smuggling-fees-afghanistan-pakistan-uk-2008", "koser"),
        # "The MFA Office of the Undersecretary for Migrant Workers Abroad (OUMWA) reports ca.
        # 4,000 cases annually, or 0.5% of the 8 million Filipinos abroad"
        ("philippines-problem-cases-per-year-2008", "oumwa"),
        ("philippines-problem-cases-share-2008", "oumwa"),
        # "The UK also finds ... with migrants contributing some £6 billion to the UK economy"
        ("uk-migrants-contribution-to-economy-2006", "united-kingdom"),
        # "The US Department of State suggests that migrant earnings diverted ... 20%"
        ("remittances-diverted-to-recruiters-2008", "us-department-of-state"),
        # "prosecutions ... (from 7,992 to 5,682), ... convictions (2,815 to 3,427) (USDOS 2008)"
        ("trafficking-prosecutions-worldwide-2003", "us-department-of-state"),
        ("trafficking-prosecutions-worldwide-2008", "us-department-of-state"),
        ("trafficking-convictions-worldwide-2003", "us-department-of-state"),
        ("trafficking-convictions-worldwide-2008", "us-department-of-state"),
        # "The World Bank reports ... and estimates that only 20% of migrants globally were
        # covered by bilateral social security agreements in 2000"
        ("migrants-covered-by-bilateral-social-security-agreements-2000", "world-bank"),
        # "Tajikistan, Moldova and Tonga accounted for more than 30% of the GDP in 2006
        # (World Bank 2008)"; "the fourth-largest recipient of remittances (World Bank 2008a)"
        ("tajikistan-remittances-share-of-gdp-2006", "world-bank"),
        ("moldova-remittances-share-of-gdp-2006", "world-bank"),
        ("tonga-remittances-share-of-gdp-2006", "world-bank"),
        ("philippines-remittance-recipient-rank-2008", "world-bank"),
    }
    # "Today, this would amount to around 20-30 million irregular migrants ... (ILO 2004)":
    # the paper's own sum, which cites ILO, is nobody's estimate but the paper's.
    assert "irregular-migrants-worldwide-2008" not in {f for f, _ in rows}
    cited = {(f, c) for f, _, c in answer(store, "65-whose-estimates-are-the-gfmd-2008-figures")}
    assert ("trafficking-prosecutions-worldwide-2008", "USDOS 2008") in cited
    assert ("unauthorized-border-crossings-per-year-2004", "ICMPD 2004") in cited


@answers("66-lists-the-gfmd-2008-paper-enumerates")
def test_the_lists_the_paper_enumerates(store):
    rows = answer(store, "66-lists-the-gfmd-2008-paper-enumerates")
    lists: dict[str, list] = {}
    for lst, pos, marker, item, quote in rows:
        lists.setdefault(lst, []).append((pos, marker, item))
        assert fold_ws(quote) in fold_ws(seed_text(S002))
    # "governments may wish to consider the following questions: (a) ... (d)"
    assert lists["rt-2-2-discussion-questions"] == [
        ("1", "(a)", "rt-2-2-question-a"), ("2", "(b)", "rt-2-2-question-b"),
        ("3", "(c)", "rt-2-2-question-c"), ("4", "(d)", "rt-2-2-question-d")]
    # "Key reasons for this success are: a) A clear legal mandate ... f) Gender sensitive
    # policies and programs."
    assert lists["philippines-key-reasons-for-success"] == [
        ("1", "a)", "ph-constitutional-mandate-to-protect-migrant-workers"),
        ("2", "b)", "ph-inter-departmental-administrative-machinery"),
        ("3", "c)", "ph-one-stop-shop-pre-departure"),
        ("4", "d)", "ph-protections-at-every-stage-of-migration-cycle"),
        ("5", "e)", "ph-participative-policy-making"),
        ("6", "f)", "ph-gender-sensitive-policies")]
    # "Key elements of the Act are: heavier penalties for offenders; the right to
    # compensation for victims; provision of shelter ..." (no order given: no positions)
    assert sorted(lists["thailand-anti-trafficking-act-2008-key-elements"]) == [
        (None, None, "th-act-heavier-penalties-for-offenders"),
        (None, None, "th-act-right-to-compensation-for-victims"),
        (None, None, "th-act-shelter-and-assistance-for-victims")]
    # "around three key goals: legalizing migration ...; fight against clandestine
    # migration ...; and sustainable development of countries of origin"
    assert sorted(i for _, _, i in lists["concerted-management-agreement-three-goals"]) == [
        "concerted-management-goal-fight-against-clandestine-migration",
        "concerted-management-goal-legalizing-migration",
        "concerted-management-goal-sustainable-development-of-countries-of-origin"]
    # Under d): "- information/orientation courses ...; - mandatory licensing of
    # recruitment agencies and limits on recruitment fees; ... - a national reintegration
    # program ..." (dashes: no order; the licensing line names two measures)
    assert sorted(i for _, _, i in lists["ph-protections-at-every-stage-measures"]) == sorted([
        "ph-information-orientation-courses", "ph-licensing-of-recruitment-agencies",
        "ph-limits-on-recruitment-fees", "ph-accreditation-and-joint-liability-of-employers",
        "ph-compliance-with-destination-requirements", "ph-pre-departure-orientation",
        "ph-welfare-fund", "ph-standard-labour-contracts",
        "ph-exit-certificates-and-tax-exemption", "ph-welfare-officers-abroad",
        "ph-national-reintegration-program"])
    assert {(p, m) for p, m, _ in lists["ph-protections-at-every-stage-measures"]} == {
        (None, "-")}
    assert set(lists) == {"rt-2-2-discussion-questions", "philippines-key-reasons-for-success",
                          "thailand-anti-trafficking-act-2008-key-elements",
                          "concerted-management-agreement-three-goals",
                          "ph-protections-at-every-stage-measures"}


@answers("67-causes-and-effects-the-gfmd-2008-paper-claims")
def test_causes_and_effects(store):
    rows = answer(store, "67-causes-and-effects-the-gfmd-2008-paper-claims")
    pairs = {(c, cause, effect) for c, cause, effect, *_ in rows}
    # "Studies by IOM, UNICEF, OSCE, ILO and others indicate that economic underdevelopment
    # can increase vulnerability to trafficking, but conversely trafficking can also
    # contribute to economic underdevelopment (USDOS 2008)."
    assert ("underdevelopment-increases-vulnerability-to-trafficking", "underdevelopment",
            "trafficking-in-persons") in pairs
    assert ("trafficking-contributes-to-underdevelopment", "trafficking-in-persons",
            "underdevelopment") in pairs
    who = {(c, a) for c, _, _, a, _, _ in rows if a}
    for claim in ("underdevelopment-increases-vulnerability-to-trafficking",
                  "trafficking-contributes-to-underdevelopment"):
        assert {a for c, a in who if c == claim} == {"iom", "unicef", "osce", "ilo"}
    assert {s for c, *_, s, _ in rows if c == "trafficking-contributes-to-underdevelopment"} \
        == {"underdevelopment-increases-vulnerability-to-trafficking"}
    # "Common push factors include economic differentials ..."; "The most common pull
    # factors invariably relate to labour markets, geography, governance and policies"
    assert ("common-push-factors", "push-and-pull-factors", "irregular-migration") in pairs
    assert ("common-pull-factors", "push-and-pull-factors", "irregular-migration") in pairs
    # "Trafficking of females can rob families of their child and aged carers, contribute to
    # family breakdown and reinforce the illiteracy and poverty cycle back home"
    for effect in ("family-breakdown", "poverty"):
        assert ("trafficking-females-rob-families-child-aged-carers", "trafficking-in-persons",
                effect) in pairs
    # every causal claim of the paper names both its cause and its effect
    assert not {c for c, cause, effect, *_ in rows if cause is None or effect is None}
    assert len({c for c, *_ in rows}) == 59
    # "can" puts a claim with reserve; "have helped" does not
    modality = {c: m for c, *_, m in rows}
    assert modality["trafficking-contributes-to-underdevelopment"] == "hedged"
    assert modality["trafficking-females-rob-families-child-aged-carers"] == "hedged"
    assert modality["high-levels-immigration-over-decades-generally-helped"] is None


@answers("68-comparisons-in-the-gfmd-2008-paper")
def test_comparisons(store):
    rows = {(f, r, s) for _, f, r, s, _ in answer(store, "68-comparisons-in-the-gfmd-2008-paper")}
    assert rows == {
        # "It goes beyond the UN Trafficking in Persons Protocol to entitle victims to ..."
        ("coe-trafficking-convention", "greater-than", "trafficking-protocol"),
        # "The Philippine approach keeps recruitment fees lower than many smugglers or
        # traffickers would charge"
        ("ph-limits-on-recruitment-fees", "less-than", "smuggling-of-migrants"),
        # "this scheme is comparable to the Mexico/Caribbean SAW programme with Canada"
        ("recognised-seasonal-employers-scheme", "similar-to",
         "seasonal-agricultural-workers-program"),
    }


@answers("69-aims-of-what-is-proposed-in-gfmd-2008")
def test_aims_and_the_status_of_their_things(store):
    rows = answer(store, "69-aims-of-what-is-proposed-in-gfmd-2008")
    proposed = {a for t, s, a, _ in rows if t == "concerted-management-agreement"}
    # "France is proposing ... a new form of “concerted management agreement” ... that links
    # management of cross-border mobility with sustainable development. Negotiations should
    # agree on joint measures ... around three key goals"
    assert proposed == {
        "concerted-management-agreement-links-mobility-and-development",
        "concerted-management-goal-legalizing-migration",
        "concerted-management-goal-fight-against-clandestine-migration",
        "concerted-management-goal-sustainable-development-of-countries-of-origin"}
    assert {s for t, s, _, _ in rows if t == "concerted-management-agreement"} == {"proposed"}
    # "The aim is to establish an effective model of interagency collaboration." (UN.GIFT)
    assert ("un-gift", None, "aim-establish-effective-model-interagency-collaboration") in {
        (t, s, a) for t, s, a, _ in rows}
    # "a three year Pacific Seasonal Worker pilot to examine whether ..."
    assert ("pacific-seasonal-worker-pilot", "pilot") in {(t, s) for t, s, _, _ in rows}
    for *_, quote in rows:
        assert fold_ws(quote) in fold_ws(seed_text(S002))
