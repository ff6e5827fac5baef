"""Expected answers of the competency questions 50-55 (issue 13: negative facts, status,
date basis, inferences left out, claims, attribution), written from the source texts."""

from __future__ import annotations

import re

from ..conftest import fold_ws, seed_text
from .competency import answer, answers

S001, S002, S004 = "001_4f7e06674fa94512", "002_ff707b0e55ac8f9a", "004_c772c5351b450417"


@answers("50-negative-facts")
def test_negative_facts(store):
    rows = {(s, p, o, src) for s, p, o, src, _ in answer(store, "50-negative-facts")}
    assert rows == {
        # "it has no protection mandate or standard-setting mechanism"
        ("iom", "mg:hasMandateFor", "protection-of-migrants-rights", S001),
        ("iom", "mg:hasMandateFor", "standard-setting", S001),
        # "Controls had been removed among 13 of the 15 members (excepting Ireland and the
        # United Kingdom) by 2001."
        ("ireland", "mg:participatesIn", "schengen-agreement", S001),
        ("united-kingdom", "mg:participatesIn", "schengen-agreement", S001),
        # "It has also been asked to cooperate in the return of rejected asylum seekers, but
        # has so far declined."
        ("unhcr", "mg:participatesIn", "return-of-rejected-asylum-seekers", S001),
        # Berne "does not include the non-state actors"; the Hague process is "the only one
        # of the existing global processes" including the private sector and civil society
        ("civil-society-organizations", "mg:participatesIn", "berne-initiative", S001),
        ("private-business", "mg:participatesIn", "berne-initiative", S001),
    }
    for *_, quote in answer(store, "50-negative-facts"):
        assert re.search(r"\bno\b|excepting|\bnot\b|declined|opt out|only one", quote)


@answers("51-things-not-yet-in-existence")
def test_status_of_what_does_not_exist_yet(store):
    rows = {(t, s) for t, s, _, _ in answer(store, "51-things-not-yet-in-existence")}
    assert rows == {
        ("concerted-management-agreement", "proposed"),   # "France is proposing"
        ("eu-mobility-partnerships", "under-negotiation"),  # "seeking to negotiate"
        ("abu-dhabi-dialogue-pilot-partnership", "under-discussion"),  # "will be discussed"
        # 001: "Repeated calls for an UN conference dedicated to migration were rejected"
        ("un-conference-on-migration", "rejected"),
        # "called for the elaboration of a non-binding multilateral framework"
        ("ilo-multilateral-framework-on-labour-migration", "proposed"),
        # "The organization in 2004 has proposed a revised set of strategic objectives"
        ("iom-strategy-2004", "proposed"),
        # "decided to hold a High Level Dialogue ... in 2006"
        ("hld-2006", "planned"),
        # "a period of transition, to be reviewed in 2006"
        ("eu-free-movement-transition-review-2006", "planned"),
        # "Free movement is expected to be in effect for workers of all the 25 by 2011."
        ("eu-free-movement-for-all-25-2011", "expected"),
        # "member states were ready to adopt a staement of principles concerning migration"
        ("eu-statement-of-principles-on-migration-2004", "expected"),
        ("pacific-seasonal-worker-pilot", "pilot"),  # "a three year Pacific Seasonal Worker pilot"
        ("development-on-the-move", "pilot"),  # "a 3-year pilot project"
        ("eu-employer-sanctions-directive-proposal", "proposed"),  # "launched a proposal"
        ("belarus-draft-law-on-illegal-migration-and-trafficking", "proposed"),  # "has drafted"
        ("netherlands-coe-convention-ratification-bill", "proposed"),  # "sent ... to Parliament"
        # 000: "the UN High-Level Dialogue on Migration and Development planned for 2013"
        ("hld-2013", "planned"),
        # 000: "others may fear that this would inevitably lead to the creation of a new,
        # supranational agency" (feared by some, not proposed)
        ("feared-supranational-migration-agency", "expected"),
    }


@answers("52-figure-dates-stated-or-document-date")
def test_figure_dates_of_001(store):
    rows = answer(store, "52-figure-dates-stated-or-document-date")
    by_basis: dict[str, list] = {}
    for figure, as_of, basis, quote in rows:
        by_basis.setdefault(basis, []).append((figure, as_of, quote))
    # Issue 13 counted 19 figures of 001 dated with the document's year that the text gives
    # as "now", "currently" or undated; each such quote indeed lacks the year.
    assert len(by_basis["document-date"]) == 19
    for _, as_of, quote in by_basis["document-date"]:
        assert as_of == "2005" and "2005" not in quote
    for _, as_of, quote in by_basis["stated-date"]:
        assert as_of[:4] in quote
    # The years-to-entry-into-force figure takes 2003 from another sentence of the text.
    inferred = {f for f, _, _ in by_basis["inferred-date"]}
    assert "migrant-workers-convention-years-to-entry-into-force-2003" in inferred
    assert "came into force in July 2003" in fold_ws(seed_text(S001))


@answers("53-iom-functions-stated-not-inferred")
def test_iom_functions_without_inferences(store):
    rows = set(answer(store, "53-iom-functions-stated-not-inferred"))
    # "held to a fairly narrow portfolio of service-provision"
    assert ("provision-of-services", S001) in rows
    # 004 only names IOM as an example of organizations that "operate primarily through
    # ... standard-setting", and says its work "lacks a normative basis"; 001 says IOM has
    # "no ... standard-setting mechanism": no source states it, so the graph does not hold it.
    assert ("standard-setting", S004) not in rows
    everything = store.query(
        "ASK { <https://w3id.org/mgkg/id/iom> "
        "<https://w3id.org/mgkg/ontology#performsFunction> "
        "<https://w3id.org/mgkg/id/standard-setting> }")
    assert not bool(everything)


@answers("54-reasons-gaps-and-other-claims")
def test_claims(store):
    rows = answer(store, "54-reasons-gaps-and-other-claims")
    found = {(c, k, a, e) for c, k, a, e, _, _ in rows}
    assert ("migrant-labour-standards-not-core-labour-standards", "mg:Gap",
            "ilo-declaration-on-fundamental-principles-and-rights-at-work", None) in found
    assert ("migrant-labour-standards-not-core-labour-standards", "mg:Gap",
            "migrant-worker", None) in found
    assert ("externalities-explain-little-global-migration-governance", "mg:Reason",
            "spectrum-of-migration-governance", "spectrum-of-migration-governance") in found
    for *_, source, quote in rows:
        assert fold_ws(quote) in fold_ws(seed_text(source))


@answers("55-whose-estimate-and-what-is-cited")
def test_attribution_and_citations(store):
    rows = {(a, w, c, s) for a, w, c, s in answer(store, "55-whose-estimate-and-what-is-cited")}
    assert {
        # "ICMPD (2004) estimates"
        ("unauthorized-border-crossings-per-year-2004", "icmpd", None, S002),
        ("irregular-migrants-share-of-migrant-stock-2004", "ilo", None, S002),  # "ILO estimated"
        ("remittances-diverted-to-recruiters-2008", "us-department-of-state", None, S002),
        ("irregular-migrants-worldwide-2008", None, "ILO 2004", S002),  # the paper's own sum
        # a citation, not credit
        ("question-is-travel-governance-part-of-migration-governance", None, "Koslowski, 2011",
         S004),
    } <= rows
