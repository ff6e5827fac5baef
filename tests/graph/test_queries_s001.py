"""Expected answers of the competency questions 60-64 (issue 14: the GCIM paper, 001,
re-curated to the claims model), written by hand from the source text."""

from __future__ import annotations

from .competency import answer, answers

S001 = "001_4f7e06674fa94512"


@answers("60-enumerated-lists-in-the-gcim-paper")
def test_enumerated_lists(store):
    rows = answer(store, "60-enumerated-lists-in-the-gcim-paper")
    lists: dict[str, set] = {}
    for lst, item, _marker, _position, _quote in rows:
        lists.setdefault(lst, set()).add(item)
    # "It has identified four key areas of migration management as priorities for the
    # organization: migration and development, facilitating migration, regulating
    # migration, and forced migration."
    assert lists["iom-four-key-areas-of-migration-management"] == {
        "migration-and-development", "facilitating-migration", "regulating-migration",
        "forced-migration"}
    # "Currently, IOM projects include managing the dispersal of compensation to victims of
    # Nazi slave labor; returning rejected asylum seekers interdicted by Australia ...;
    # helping to process applicants for the US refugee resettlement program; running mass
    # information campaigns ...; and administering small return-of-talent programs."
    assert lists["iom-current-projects"] == {
        "iom-nazi-slave-labour-compensation-project",
        "iom-return-of-asylum-seekers-interdicted-by-australia",
        "iom-processing-for-us-refugee-resettlement",
        "iom-anti-trafficking-information-campaigns-eastern-europe",
        "iom-return-of-talent-programmes"}
    # "Between 1999 and 2004 the following actions were initiated:" eight bullets
    assert len(lists["actions-initiated-1999-2004"]) == 8
    assert {"ilc-2004", "doha-round", "beijing-10-year-review"} <= lists[
        "actions-initiated-1999-2004"]
    # "building first on recognized common objectives—the need for more knowledge ...,
    # fewer deaths of migrants in transit, ..., and a general capacity to implement
    # policies that have been embraced": eight objectives
    assert len(lists["recognized-common-objectives"]) == 8
    assert "objective-fewer-deaths-of-migrants-in-transit" in lists[
        "recognized-common-objectives"]
    # the bullets are printed as "•"; none of these lists is numbered, so no positions
    markers = {m for lst, _i, m, _p, _q in rows if lst == "actions-initiated-1999-2004"}
    assert markers == {"•"}
    assert all(p is None for *_x, p, _q in rows)


@answers("61-causes-and-effects-in-the-gcim-paper")
def test_causal_claims(store):
    found = answer(store, "61-causes-and-effects-in-the-gcim-paper")
    rows = {(c, cause, effect, hedged) for c, cause, effect, hedged, _q in found}
    # "The tripartite structure may explain in part why the ILO has been relatively
    # quiescent on migration issues": hedged ("may explain")
    assert ("ilo-tripartite-structure-explains-quiescence", "ilo-tripartite-structure",
            "weak-impact-of-ilo-migrant-worker-standards", "true") in rows
    # "precisely because the unauthorized are not protected, they form a labor reserve"
    assert ("unauthorized-are-a-labour-reserve", "irregular-migrant", None, "false") in rows
    # "came into force in July 2003, triggering the creation of a treaty monitoring body"
    assert ("migrant-workers-convention-entry-into-force-triggered-committee",
            "migrant-workers-convention-entry-into-force-2003", "committee-on-migrant-workers",
            "false") in rows
    # "With the removal of internal border controls, control of the EU external borders
    # assumed great importance, as did the harmonization of member states' immigration
    # and asylum policies"
    assert ("removal-of-internal-controls-made-external-borders-important",
            "schengen-agreement", "eu-common-immigration-and-asylum-policy", "false") in rows
    # "Its work is largely “projectized” ... As a result, it is given responsibility for
    # many ad hoc activities"
    assert ("iom-projectized-funding-makes-ad-hoc-activities", "projectized-funding",
            None, "false") in rows
    # only the tripartite claim is hedged
    assert {c for c, *_x, h in rows if h == "true"} == {
        "ilo-tripartite-structure-explains-quiescence"}


@answers("62-comparisons-in-the-gcim-paper")
def test_comparisons(store):
    rows = set(answer(store, "62-comparisons-in-the-gcim-paper"))
    assert rows == {
        # "An alternative to the top-down model is more promising."
        ("bottom-up-more-promising-than-top-down", "bottom-up-governance", "greater-than",
         "top-down-governance"),
        # "migrant remittances surpassed the world total of official development assistance"
        ("remittances-surpassed-official-development-assistance", "remittances",
         "greater-than", "official-development-assistance"),
        # "a framework for inter-state negotiation will look very different from a technical
        # assistance agency"
        ("choice-of-institution-has-profound-implications", "negotiating-body",
         "different-from", "technical-assistance-agency"),
        # "The only one of the existing global processes that does explicitly include the
        # private sector and representatives of civil society is the Hague process."
        ("hague-process-only-process-including-civil-society", "hague-process",
         "different-from", "berne-initiative"),
        # "People do not move as easily as financial capital, perhaps, but unlike traded
        # goods or services, they move of their own volition."
        ("people-move-of-their-own-volition", "migrant", "different-from", "globalization"),
    }


@answers("63-non-state-actors-in-the-gcim-paper")
def test_non_state_actors(store):
    rows = answer(store, "63-non-state-actors-in-the-gcim-paper")
    kinds = {(a, k) for a, k, _c in rows}
    assert kinds == {
        # "Employers, smugglers, migrant networks, agents, and individual migrants continue to
        # defy national policies"
        ("employers", "mg:Employer"), ("smugglers", "mg:Smuggler"),
        ("migrant-networks", "mg:NonStateActor"), ("migration-agents", "mg:Intermediary"),
        # "representatives of labor union confederations, employers’ association and
        # governments play an equal role in decision-making"
        ("labour-union-confederations", "mg:NonStateActor"),
        ("employers-associations", "mg:Employer"),
        # "reduction of the influence of criminal networks"
        ("criminal-networks", "mg:NonStateActor"),
    }
    claims = {(a, c) for a, _k, c in rows}
    for actor in ("employers", "smugglers", "migrant-networks", "migration-agents"):
        assert (actor, "non-state-actors-defy-national-migration-policies") in claims
    # "They rely on private agencies or their own networks…."
    assert ("migrant-networks", "migrants-rely-on-private-agencies-and-networks") in claims


@answers("64-aims-and-supporting-claims-in-the-gcim-paper")
def test_aims_and_support(store):
    rows = set(answer(store, "64-aims-and-supporting-claims-in-the-gcim-paper"))
    aims = {(c, of) for r, c, of in rows if r == "aim of"}
    objectives = {c for c, of in aims if of == "build-on-recognized-common-objectives"}
    # the eight "recognized common objectives" of the Conclusions
    assert len(objectives) == 8
    assert "objective-increased-national-security" in objectives
    # "The WTO purpose is to bring about “reciprocal and mutually advantageous arrangements
    # directed to the substantial reduction of tariffs and other barriers to trade”"
    assert ("wto-purpose", "wto") in aims
    # "Founded in 1951 to help resettle European displaced persons after World War II"
    assert ("iom-founded-to-resettle-displaced-persons", "iom") in aims
    # "One of its goals is to persuade states to harmonize their definitions and methodology"
    assert ("statistics-division-aim-harmonized-definitions", "un-statistics-division") in aims
    # "started to gear up a research effort to suggest how these flows of funds might have a
    # stronger impact on development"
    assert ("remittances-research-aim-development-impact",
            "bretton-woods-institutions-remittances-research") in aims
    supports = {(c, of) for r, c, of in rows if r == "supports"}
    assert supports == {
        # the political obstacles the paragraph announces: the unauthorized as an expellable
        # labour reserve, and the unpopularity of foreigners' rights with electorates
        ("unauthorized-are-a-labour-reserve", "political-obstacles-to-supranational-governance"),
        ("migrant-rights-unpopular-with-electorates",
         "political-obstacles-to-supranational-governance"),
        # employers, smugglers ... defy national policies: states have lost control
        ("non-state-actors-defy-national-migration-policies",
         "states-never-had-full-control-over-migration"),
    }
