"""Expected answers of competency questions 01-24, written by hand from the source texts,
chiefly 000 (Forced Migration Review piece, about 2011) and 001 (GCIM policy paper, 2005);
01, 02, 14 and 24 also reach into 002-004, whose passages are quoted where used.

Every expectation below was read off the seed text (quoted in the comments where it
helps), not off the query's output; the values are the slugs minted in data/ for the
things the text names. Two kinds of expected value are computed rather than typed, and
never from the graph: character offsets and SHA-256 digests (from the seed texts), and
the number of evidenced facts per source (counted in data/*.ttl with rdflib, a different
parser and a different route from the built release). Where order matters (the nine
functions, the six options, the timeline, the kinds of institution) lists are compared;
elsewhere sets.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

import rdflib

from kg.input.sources import fold

from ..conftest import ROOT, SEEDS, seed_text
from .competency import answer, answers

S000 = "000_c5b6fa1bb7e93d1e"
S001 = "001_4f7e06674fa94512"
S002 = "002_ff707b0e55ac8f9a"
S003 = "003_01818dc8ef868302"
S004 = "004_c772c5351b450417"
ALL_SOURCES = [S000, S001, S002, S003, S004]
MGR = "https://w3id.org/mgkg/id/"


def in_source(quote: str, stem: str) -> bool:
    return fold(quote) in fold(seed_text(stem))


def slugs(concatenated: str | None) -> set[str]:
    """The slugs in a GROUP_CONCAT of mgr: IRIs."""
    return {iri.removeprefix(MGR) for iri in (concatenated or "").split()}


def by_key(rows: list[tuple], key: int = 0, value: int = 1) -> dict[str, set]:
    out: dict[str, set] = defaultdict(set)
    for row in rows:
        out[row[key]].add(row[value])
    return dict(out)


# ------------------------------------------------------------------ 01 negation


@answers("01-institutions-outside-un")
def test_institutions_outside_the_un_system(store):
    rows = answer(store, "01-institutions-outside-un")
    got = {(inst, src) for inst, _label, src in rows}
    assert got == {
        # 001: "The International Organization for Migration (IOM), outside the UN system"
        # and "It is not part of the UN system."
        ("iom", S001),
        # 001: "a number of initiatives sprang up outside the UN system. Of particular note
        # are the Berne Initiative, started by the Swiss government in 2001, and the Hague
        # Process"
        ("berne-initiative", S001),
        ("hague-process", S001),
        # 004: the GFMD "ii) it remains outside of the UN system;"
        ("gfmd", S004),
    }
    # 001 says the ILO "became the first UN specialized agency": it must never show up
    assert "ilo" not in {r[0] for r in rows}


# ------------------------------------------------------------------ 02 provenance


# 001: IOM "provides migration services"; its Constitution's purposes include "a forum to
# states ... the promotion of cooperation and coordination of efforts ... including studies";
# "Make arrangements for the organized transfer of migrants"; its projects include "running
# mass information campaigns warning of the perils of trafficking" and "administering small
# return-of-talent programs". Technical assistance and data collection are not said of IOM.
IOM_FUNCTIONS_001 = {
    "provision-of-services", "platform-for-discussion", "coordination",
    "policy-research-and-development", "anti-trafficking-initiatives",
    "promotion-of-development-initiatives", "facilitation-of-migration",
}
# 003: "IOM's activities include advancing understanding of migration issues through
# research, dialogue and cooperation, programmes and services in migration management as
# well as capacity-building and technical cooperation in such diverse fields as labour
# migration, health, home country development, movement and counter trafficking."
IOM_FUNCTIONS_003 = {
    "policy-research-and-development", "platform-for-discussion", "provision-of-services",
    "technical-assistance-and-training", "anti-trafficking-initiatives",
    "promotion-of-development-initiatives", "facilitation-of-migration",
}
# a word the supporting sentence must contain for each function
FUNCTION_WORDS = {
    "provision-of-services": r"servic",
    "platform-for-discussion": r"forum|dialogue",
    "coordination": r"coordination",
    "policy-research-and-development": r"studies|research",
    "anti-trafficking-initiatives": r"traffick",
    "promotion-of-development-initiatives": r"talent|development",
    "facilitation-of-migration": r"transfer of migrants|labour migration|facilitat",
    "technical-assistance-and-training": r"technical|capacity-building",
}


@answers("02-evidence-for-a-fact")
def test_functions_of_iom_with_their_evidence(store):
    rows = answer(store, "02-evidence-for-a-fact")
    got = {(fn, src) for fn, _label, src, _quote in rows}
    expected = {(f, S001) for f in IOM_FUNCTIONS_001} | {(f, S003) for f in IOM_FUNCTIONS_003}
    assert got == expected
    for fn, _label, src, quote in rows:
        assert in_source(quote, src), f"{fn}: quote not in {src}: {quote!r}"
        assert re.search(FUNCTION_WORDS[fn], quote, re.I), f"{fn}: {quote!r} does not say so"


# ------------------------------------------------------------------ 03 figures

# (figure of, value, min, max, as of) for every number 000 and 001 give about members,
# staff, ratifications, people and money. As-of dates are the text's; where the text gives
# none ("now", "currently"), the document's year, as docs/CURATION.md prescribes.
FIGURES_000 = {
    # "the 140,000 recognised refugees from Burma housed in camps"
    ("thailand", "140000", None, None, "2011"),
    # "The estimated two million migrant workers from Burma currently living and working in
    # Thailand"
    ("thailand", "2000000", None, None, "2011"),
    # "paid US$2-4 a day (the legal minimum wage is $5-7 a day)"
    ("migrant-worker-from-myanmar-in-thailand", None, "2", "4", "2011"),
    ("thailand", None, "5", "7", "2011"),
    # "They are found jobs working for 10 hours a day"
    ("migrant-worker-from-myanmar-in-thailand", "10", None, None, "2011"),
    # "on call 24 hours a day for abusive employers"
    ("trafficked-person", "24", None, None, "2011"),
    # "on 24 January 2011, the Bangkok Post carried a story ... for 14 years"
    ("ukrainian-man-held-in-servitude-in-bangkok-factory", "14", None, None, "2011-01-24"),
}
FIGURES_001 = {
    # "it was endorsed by 160 governments" (the 1994 ICPD Programme of Action)
    ("icpd-programme-of-action", "160", None, None, "1994"),
    # "The Migrant Workers Convention drew its 20th ratification and came into force in
    # July 2003"; "still has only 25 ratifications as of late 2004"
    ("migrant-workers-convention-1990", "20", None, None, "2003-07"),
    ("migrant-workers-convention-1990", "25", None, None, "2004"),
    # "No. 97 of 1949 and No. 143 of 1975, have been ratified by 42 states and 18 states"
    ("ilo-c097", "42", None, None, "2005"),
    ("ilo-c143", "18", None, None, "2005"),
    # "The 53-member United Nations Commission on Human Rights"
    ("un-commission-on-human-rights", "53", None, None, "2005"),
    # "IOM now has 105 member states and 41 state observers. It has over 4000 staff, and
    # offices or sub-offices in more than 100 countries."
    ("iom", "105", None, None, "2005"),
    ("iom", "41", None, None, "2005"),
    ("iom", "4000", None, None, "2005"),
    ("iom", "100", None, None, "2005"),
    # "among its 144 members" (WTO)
    ("wto", "144", None, None, "2005"),
    # "Only about 17 percent of the commitments apply to low-skilled personnel."
    ("gats-mode-4", "17", None, None, "2005"),
    # "the 1951 UN Convention ... which currently has 141 signatory states"
    ("refugee-convention-1951", "141", None, None, "2005"),
    # "of the nearly 20 million people 'of concern' to UNHCR, 12 million are refugees, over 6
    # million are internally displaced people, one million are asylum seekers, and half a
    # million are recently returned refugees"
    ("unhcr", "20000000", None, None, "2005"),
    ("unhcr", "12000000", None, None, "2005"),
    ("unhcr", "6000000", None, None, "2005"),
    ("unhcr", "1000000", None, None, "2005"),
    ("unhcr", "500000", None, None, "2005"),
    # "fully realized for the original six member states by 1968" (the Common Market of 1957)
    ("european-economic-community", "6", None, None, "1957"),
    # "Controls had been removed among 13 of the 15 members ... by 2001."
    ("european-union", "15", None, None, "2001"),
    ("schengen-agreement", "13", None, None, "2001"),
    # "Eight of the 10 new accession states ... will also go through a period of transition";
    # "Free movement is expected to be in effect for workers of all the 25 by 2011."
    ("european-union", "10", None, None, "2004"),
    ("european-union", "25", None, None, "2004"),
    ("eu-free-movement-of-workers", "8", None, None, "2004"),
    # "The Population Division also convenes annual 'coordination meetings' ... The first of
    # these, in 2002, ...; the second ...; and the third and most recent ..."
    ("un-desa-migration-annual-meeting", "3", None, None, "2005"),
    # "IMP is co-sponsored by UNITAR, UNFPA, ILO and IOM"
    ("imp", "4", None, None, "2005"),
    # "brings together the heads of six agencies"
    ("geneva-migration-group", "6", None, None, "2005"),
    # "a set of 21 principles making up The Hague Declaration"
    ("hague-declaration", "21", None, None, "2005"),
}
# Other numbers 001 gives, durations rather than counts: a figure for them is welcome but
# not required. "took 13 years to come into force"; "A declaration of principles concerning
# migration was more than 35 years in coming after the Treaty of Rome".
OPTIONAL_FIGURES_001 = {
    ("migrant-workers-convention-1990", "13", None, None, "2003"),
    ("eu-statement-of-principles-on-migration-2004", "35", None, None, "2004"),
}


@answers("03-figures-with-dates")
def test_figures_of_sources_000_and_001(store):
    rows = answer(store, "03-figures-with-dates")
    got: dict[str, set] = defaultdict(set)
    for _fig, of, _measure, value, lo, hi, _q, _unit, as_of, src in rows:
        got[src].add((of, value, lo, hi, as_of))
    assert got[S000] == FIGURES_000
    assert got[S001] >= FIGURES_001, f"missing: {FIGURES_001 - got[S001]}"
    assert got[S001] <= FIGURES_001 | OPTIONAL_FIGURES_001, \
        f"not in the text: {got[S001] - FIGURES_001 - OPTIONAL_FIGURES_001}"
    # every figure of every source has either a value or a range, and a date
    for fig, _of, _m, value, lo, hi, _q, _unit, as_of, _src in rows:
        assert value is not None or (lo is not None and hi is not None), fig
        assert as_of, fig


# ------------------------------------------------------------------ 04 the nine functions

# 001: "A short list to begin with would likely include the following nine functions:"
NINE_FUNCTIONS = [
    "data-collection-and-analysis",          # Data collection, dissemination and analysis;
                                             # monitoring of trends
    "policy-research-and-development",       # Policy research and development
    "technical-assistance-and-training",     # Technical assistance and training
    "provision-of-services",                 # Provision of services
    "platform-for-discussion",               # A platform for discussion
    "support-for-negotiations",              # Support for negotiations
    "anti-trafficking-initiatives",          # Anti-trafficking initiatives
    "promotion-of-development-initiatives",  # Promotion of migration-related development
                                             # initiatives
    "coordination",                          # Coordination
]
PERFORMERS_001 = {
    # "Within DESA, the Population Division collects data on migration and monitors trends";
    # "The Statistics Division of DESA collects and works to improve migration statistics";
    # "UNFPA also funds data collection efforts"; the World Bank "has begun to do (and
    # commission) research and analyze data relating to migrant remittances"
    "data-collection-and-analysis": {"un-population-division", "un-statistics-division",
                                     "unfpa", "world-bank"},
    # IOM: "including studies on such issues in order to develop practical solutions"; the
    # Population Division's report "Replacement Migration" and "continues to explore the
    # implications of migration trends"; the World Bank's research on remittances; and "The
    # Bretton Woods institutions (especially the World Bank) and several of the multilateral
    # regional development banks ... started to gear up a research effort to suggest how
    # these flows of funds might have a stronger impact on development"
    "policy-research-and-development": {"iom", "un-population-division", "world-bank",
                                        "bretton-woods-institutions",
                                        "regional-development-banks"},
    # IMP "offers capacity-building and training"; the Statistics Division "provides some
    # training and technical assistance"; UNFPA "provides technical assistance for them
    # through the IMP"
    "technical-assistance-and-training": {"imp", "un-statistics-division", "unfpa"},
    # "IOM provides migration services to its member states and to some migrants."
    "provision-of-services": {"iom"},
    # IOM's Constitution: "To provide a forum to states"; its 'International Dialogue on
    # Migration'; Berne "fostered a far-reaching discussion among states"; the Hague process
    # "drew in a wide range of civil society actors to a positive debate"; the Geneva
    # Migration Group plans to "ecange iformation ... promote debate on the issues"; the
    # coordination meetings "provide a valuable opportunity for information-sharing and
    # brainstorming"; "Dialogue and debate on international migration have proliferated ...
    # The globally inclusive efforts ... such as the High Level Dialogue in the General
    # Assembly, IOM's Migration Policy Dialogue, UNHCR's Global Consultations, the
    # International Labor Conference and so forth" (the High Level Dialogue is an event, not
    # an institution)
    "platform-for-discussion": {"iom", "iom-international-dialogue-on-migration",
                                "berne-initiative", "hague-process", "geneva-migration-group",
                                "un-desa-migration-annual-meeting",
                                "unhcr-global-consultations",
                                "international-labour-conference"},
    # "The movement of people comes into WTO trade negotiations through ... (GATS)"
    "support-for-negotiations": {"wto"},
    # IOM is "running mass information campaigns warning of the perils of trafficking"
    "anti-trafficking-initiatives": {"iom"},
    # IOM is "administering small return-of-talent programs"; of UNDP: "the TOKTEN
    # return-of-talent program is its sole systematic activity" -- the same kind of activity,
    # so the same function
    "promotion-of-development-initiatives": {"iom", "undp"},
    # the GMG plans to "provide leadership system-wide, contribute to each others'
    # initiatives"; IOM's Constitution: "the promotion of cooperation and coordination of
    # efforts". The coordination meetings "do not really perform a coordination function".
    "coordination": {"geneva-migration-group", "iom"},
}


@answers("04-nine-starting-functions")
def test_nine_starting_functions_in_order_with_performers(store):
    rows = answer(store, "04-nine-starting-functions")
    order: list[str] = []
    for _pos, fn, _label, _inst in rows:
        if fn not in order:
            order.append(fn)
    assert order == NINE_FUNCTIONS
    assert [int(p) for p in dict.fromkeys(r[0] for r in rows)] == list(range(1, 10))
    performers = {fn: {inst for _p, f, _l, inst in rows if f == fn and inst} for fn in order}
    assert performers == PERFORMERS_001
    assert "un-desa-migration-annual-meeting" not in performers["coordination"]


# ------------------------------------------------------------------ 05 functions left out


@answers("05-functions-left-out")
def test_functions_left_out_and_why(store):
    rows = answer(store, "05-functions-left-out")
    # "A number of important functions, in particular those relating to protection of
    # migrants' rights, standard setting, immigration law enforcement and border control,
    # compulsory returns, and facilitation of migration are not included in this list of
    # starting points because the divisions among states on those issues are too pronounced
    # for them to act as a basis for developing habits of cooperation at this stage."
    assert {r[0] for r in rows} == {
        "protection-of-migrants-rights", "standard-setting",
        "immigration-law-enforcement-and-border-control", "compulsory-returns",
        "facilitation-of-migration",
    }
    for fn, _label, reason in rows:
        assert reason and "divisions among states" in reason, fn


# ------------------------------------------------------------------ 06 multi-hop


@answers("06-geneva-migration-group-un-members")
def test_which_geneva_migration_group_members_are_un_bodies(store):
    rows = answer(store, "06-geneva-migration-group-un-members")
    # "The Geneva Migration Group brings together the heads of six agencies that work on
    # migration: UNHCR, IOM, ILO, OHCHR, UNCTAD, and UNODC." -- of which IOM "is not part of
    # the UN system"
    assert {(m, un) for m, _label, un in rows} == {
        ("unhcr", "true"), ("ilo", "true"), ("ohchr", "true"), ("unctad", "true"),
        ("unodc", "true"), ("iom", "false"),
    }


# ------------------------------------------------------------------ 07 institutions/instruments


@answers("07-institutions-and-their-instruments")
def test_institutions_and_the_instruments_they_rest_on_or_watch_and_their_parts(store):
    rows = answer(store, "07-institutions-and-their-instruments")
    assert {(i, rel, x) for i, rel, x in rows} == {
        # "The movement of people comes into WTO trade negotiations through the General
        # Agreement on Trade in Services (GATS)"; "WTO supervision of national regulation of
        # the movement of people is much weaker"
        ("wto", "administers", "gats"),
        ("wto", "monitors", "gats-mode-4"),
        # "The Department of Economic and Social Affairs is responsible for follow-up to the
        # ICPD."
        ("un-desa", "administers", "icpd-programme-of-action"),
        # "The ILO sets and supervises international labor standards in the form of
        # Conventions"; Nos. 97 and 143 "deal explicitly with migrant workers"
        ("ilo", "monitors", "ilo-c097"),
        ("ilo", "monitors", "ilo-c143"),
        # the Convention's entry into force triggered "the creation of a treaty monitoring
        # body serviced by the Office of the UN High Commissioner for Human Rights"
        ("committee-on-migrant-workers", "monitors", "migrant-workers-convention-1990"),
        # "These mechanisms monitor compliance by States with international human rights law"
        ("un-commission-on-human-rights", "monitors", "international-human-rights-law"),
        # "UNHCR's work is grounded in the 1951 UN Convention relating to the Status of
        # Refugees"; "IOM's Constitution ... establishes the following purposes and functions";
        # "According to its Constitution, one of the purposes of the ILO ..."; the Hague
        # process: "Its central document is a set of 21 principles making up The Hague
        # Declaration."
        ("unhcr", "grounded in", "refugee-convention-1951"),
        ("iom", "grounded in", "iom-constitution"),
        ("ilo", "grounded in", "ilo-constitution"),
        ("hague-process", "grounded in", "hague-declaration"),
        # "The UN Development Program ...; the TOKTEN return-of-talent program is its sole
        # systematic activity."
        ("undp", "implements", "tokten"),
        # "GATS recognizes four modes of trade in services, one of which (Mode 4) ..."; "The
        # GATS Annex on 'Movement of Natural Persons Supplying Services under the Agreement'"
        ("gats", "has part", "gats-mode-4"),
        ("gats", "has part", "gats-annex-movement-of-natural-persons"),
        # "Its product is an 'Agenda for Migration Management' consisting of a set of 'common
        # understandings' and 'effective practices' in migration management."
        ("international-agenda-for-migration-management", "has part",
         "berne-common-understandings"),
        ("international-agenda-for-migration-management", "has part",
         "berne-effective-practices"),
    }


# ------------------------------------------------------------------ 08 Thailand (000)


@answers("08-thailand-policies-towards-people-from-burma")
def test_policies_in_thailand_towards_people_from_burma(store):
    rows = answer(store, "08-thailand-policies-towards-people-from-burma")
    # "In Thailand, the 140,000 recognised refugees from Burma housed in camps along the
    # Thai-Burma border are not allowed to leave the camps"; "The estimated two million
    # migrant workers from Burma currently living and working in Thailand are encouraged to
    # live on their work sites." Thailand receives them: a country of destination.
    assert set(rows) == {
        ("confinement-of-refugees-from-myanmar-to-camps-in-thailand", "refugee",
         "thailand", "country-of-destination"),
        ("housing-of-migrant-workers-on-work-sites-in-thailand",
         "migrant-worker-from-myanmar-in-thailand", "thailand", "country-of-destination"),
    }


# ------------------------------------------------------------------ 09 kinds of institution


@answers("09-kinds-of-institution-and-exemplars")
def test_kinds_of_institution_in_order_with_exemplars(store):
    rows = answer(store, "09-kinds-of-institution-and-exemplars")
    # "A negotiating body like the WTO? A standard-setting body like the ILO? A regulatory
    # agency like the International Broadcasting Union? An operational agency like the WHO?
    # A monitoring office like the Commission on Human Rights? A supervisory body like
    # UNHCR? An expert resource like UNAIDS? A service provider? A treaty oversight body?"
    assert [(int(p), m, ex) for p, m, _label, ex in rows] == [
        (1, "negotiating-body", "wto"),
        (2, "standard-setting-body", "ilo"),
        (3, "regulatory-agency", "international-broadcasting-union"),
        (4, "operational-agency", "who"),
        (5, "monitoring-office", "un-commission-on-human-rights"),
        (6, "supervisory-body", "unhcr"),
        (7, "expert-resource", "unaids"),
        (8, "service-provider", None),
        (9, "treaty-oversight-body", None),
    ]


# ------------------------------------------------------------------ 10 six policy options

# (option, words its advantages must contain, words its problems must contain), in the
# paper's order, each word taken from the paper's evaluation of that option
SIX_OPTIONS = [
    # "Create a new agency": "The advantage of doing so would be to consolidate
    # responsibility ..."; "Most would see it as encroaching upon domestic policy-making
    # prerogatives and fear that it would foster dissension between North and South."
    ("policy-option-world-migration-organization", ["consolidate"], ["encroaching", "north"]),
    # "Designate a 'lead agency'": "the advantage of avoiding a divisive and probably
    # fruitless debate"; "the ILO's unique tri-partite structure would probably disqualify
    # it"; "UNHCR lacks the economic expertise"; "ILO does not have the operational expertise"
    ("policy-option-lead-agency-for-migration", ["divisive"],
     ["tripartite|tri-partite", "economic expertise", "operational expertise"]),
    # "Bring IOM into the UN system": "This path could avoid raising states' fears ... and
    # give them the opportunity to check the process"; "Three kinds of problems": bureaucratic
    # resistance, resources ("limited capacity"), and "IOM's limited mandate"
    ("policy-option-bring-iom-into-un-system", ["fears", "check the process"],
     ["bureaucratic resistance", "limited capacity", "mandate"]),
    # "A coordination model": "It does, however, create some synergy and visibility";
    # "heavily discredited"; "a weak option"
    ("policy-option-coordination-model", ["synergy"], ["discredited", "weak option"]),
    # "A leadership model": "relatively economical in terms of financial resources, but
    # high-risk"
    ("policy-option-leadership-model", ["economical"], ["high-risk"]),
    # "A WTO model": "The WTO model rests on the assumption of mutual self-interest"; "This
    # route is lengthy and painstaking, and riddled with compromises"
    ("policy-option-wto-model-for-migration", ["mutual self-interest"],
     ["lengthy", "compromises"]),
]


@answers("10-six-policy-options")
def test_six_policy_options_in_order_with_advantages_and_problems(store):
    rows = answer(store, "10-six-policy-options")
    assert [(int(r[0]), r[1]) for r in rows] == [
        (i, option) for i, (option, _a, _p) in enumerate(SIX_OPTIONS, start=1)]
    for (_pos, option, _label, advantages, problems, idea), (_o, adv_words, prob_words) in \
            zip(rows, SIX_OPTIONS, strict=True):
        for word in adv_words:
            assert re.search(word, advantages or "", re.I), f"{option}: advantage {word!r}"
        for word in prob_words:
            assert re.search(word, problems or "", re.I), f"{option}: problem {word!r}"
        # "Professor Jagdish Bhagwati ... has long argued on economic grounds for the creation
        # of a World Migration Organization ... The late legal scholar Arthur Helton echoed his
        # view"; the paper credits no one else with an option
        expected = ({"jagdish-bhagwati", "arthur-helton"}
                    if option == "policy-option-world-migration-organization" else set())
        assert slugs(idea) == expected, option


# ------------------------------------------------------------------ 11 permanent forum (000)


@answers("11-permanent-forum-proposal")
def test_permanent_international_forum_proposal(store):
    rows = answer(store, "11-permanent-forum-proposal")
    got = by_key(rows)
    # "It should sponsor regular international meetings of ministers responsible for
    # migration ... It should also create opportunities for parliamentarians to discuss
    # migration-related issues"
    assert got["part"] == {"regular-international-meetings-of-migration-ministers",
                           "opportunities-for-parliamentarians-on-migration"}
    # "where migration policy would be regularly discussed and where appropriate collective
    # action could be decided on"
    assert got["serves function"] == {"platform-for-discussion", "coordination"}
    # "would help countries establish coherent and comprehensive migration policies at the
    # national level"
    assert any("coherent and comprehensive migration policies" in a for a in got["advantage"])
    # the piece argues for it (a recommendation) and it is an institutional option
    assert got["kind"] == {"mg:PolicyOption", "mg:Recommendation"}
    assert set(got) == {"part", "serves function", "advantage", "kind"}


# ------------------------------------------------------------------ 12 labels (000)


@answers("12-labels-that-fail-lives")
def test_categories_one_label_cannot_encompass(store):
    rows = answer(store, "12-labels-that-fail-lives")
    # "Demarcations between a trafficked person, a smuggled person, a refugee, a documented
    # migrant and an undocumented migrant are spelled out ever more painstakingly ... but
    # the reality of people's lives is far more complex than one label can encompass.";
    # "They may be labelled the 'migrant worker', the 'refugee' or the 'trafficked person'";
    # the case that follows: "A migrant worker from Burma in Thailand will nearly always
    # explain the cause of their migration as economic but ..."
    assert {r[0] for r in rows} == {
        "trafficked-person", "smuggled-person", "refugee", "documented-migrant",
        "irregular-migrant",  # "an undocumented migrant"
        "migrant-worker", "migrant-worker-from-myanmar-in-thailand",
    }


# ------------------------------------------------------------------ 13 Thailand figures (000)


@answers("13-thailand-burma-figures")
def test_thailand_burma_figures(store):
    rows = answer(store, "13-thailand-burma-figures")
    got = {(of, value, lo, hi, as_of) for _f, of, value, lo, hi, _u, _q, _c, as_of in rows}
    assert got == FIGURES_000
    units = {(value or f"{lo}-{hi}"): unit for _f, _of, value, lo, hi, unit, _q, _c, _a in rows}
    assert units["140000"] == units["2000000"] == "persons"
    assert units["2-4"] == units["5-7"] == "US dollars per day"  # "US$2-4 a day", "$5-7 a day"
    assert units["14"] == "years"
    counts = {value: c for _f, _of, value, _lo, _hi, _u, _q, c, _a in rows if value}
    assert counts["140000"] == "refugee"  # "recognised refugees from Burma"
    assert counts["2000000"] in {"migrant-worker", "migrant-worker-from-myanmar-in-thailand"}
    qualifiers = {value: q for _f, _of, value, _lo, _hi, _u, q, _c, _a in rows if value}
    assert qualifiers["2000000"] == "estimated"  # "The estimated two million"


# ------------------------------------------------------------------ 14 comparison 000 / 002


@answers("14-migrant-workers-in-thailand-across-sources")
def test_migrant_worker_figures_for_thailand_across_sources(store):
    rows = answer(store, "14-migrant-workers-in-thailand-across-sources")
    got = {(src, value, lo, hi, as_of) for src, value, lo, hi, _u, _q, as_of, _f in rows}
    assert got == {
        # 000: "The estimated two million migrant workers from Burma currently living and
        # working in Thailand" (the piece is from 2011)
        (S000, "2000000", None, None, "2011"),
        # 002: "In 2007, the Thai labour force of 36 million included some 1.8 million
        # migrants."; "In Thailand, where foreign workers represent some 5% of the workforce,
        # a recent ILO study" (ILO 2007)
        (S002, "1800000", None, None, "2007"),
        (S002, "5", None, None, "2007"),
        # 002: "Thailand's estimates of (125-150,000?) workers leaving for contract work
        # overseas" and "the estimated total stock of Thai workers abroad (450,000)" -- undated,
        # so the paper's year (Manila, October 2008)
        (S002, None, "125000", "150000", "2008"),
        (S002, "450000", None, None, "2008"),
    }
    # the two documents disagree: 2 million (000, 2011) against 1.8 million (002, 2007)
    assert [r[0] for r in rows if r[1] in {"2000000", "1800000"}] == [S002, S000]


# ------------------------------------------------------------------ 15 instruments (001)


@answers("15-instruments-dates-and-ratifications")
def test_instruments_dates_and_ratifications(store):
    rows = answer(store, "15-instruments-dates-and-ratifications")
    # (instrument, adopted, adopted by, in force, start, end, ratifications, as of)
    assert set(rows) == {
        # "The two ILO Conventions that deal explicitly with migrant workers, No. 97 of 1949
        # and No. 143 of 1975, have been ratified by 42 states and 18 states, respectively."
        ("ilo-c097", "1949", None, None, None, None, "42", "2005"),
        ("ilo-c143", "1975", None, None, None, None, "18", "2005"),
        # "A treaty on the rights of migrant workers was passed by the General Assembly in
        # 1990"; it "drew its 20th ratification and came into force in July 2003"; "still has
        # only 25 ratifications as of late 2004"
        ("migrant-workers-convention-1990", "1990", "un-general-assembly", "2003-07",
         None, None, "20", "2003-07"),
        ("migrant-workers-convention-1990", "1990", "un-general-assembly", "2003-07",
         None, None, "25", "2004"),
        # "the 1951 UN Convention relating to the Status of Refugees, which currently has 141
        # signatory states"
        ("refugee-convention-1951", "1951", None, None, None, None, "141", "2005"),
        # "the Programme of Action formulated for the 1994 International Conference on
        # Population and Development (ICPD)"
        ("icpd-programme-of-action", "1994", "icpd-1994", None, None, None, None, None),
        # "the Common Market, established in the Treaty of Rome in 1957"
        ("treaty-of-rome", "1957", None, None, None, None, None, None),
        # "Removal of internal border controls in the EU began in 1985 with the adoption of
        # the Schengen Agreement."
        ("schengen-agreement", "1985", None, None, None, None, None, None),
        # "the ILO Declaration on Fundamental Principles and Rights at Work, adopted by the
        # International Labour Conference in 1999"
        ("ilo-declaration-on-fundamental-principles-and-rights-at-work", "1999",
         "international-labour-conference", None, None, None, None, None),
        # "in 1999 at the EU Summit in Tampere, Finland, EU governments agreed to work toward a
        # common policy on immigration and asylum, to be in place by 2004"
        ("tampere-programme", "1999", "tampere-european-council-1999", None, "1999", "2004",
         None, None),
    }
    # in force only after the adoption year
    for inst, adopted, _by, in_force, *_ in rows:
        assert in_force is None or in_force[:4] > adopted, inst


# ------------------------------------------------------------------ 16 timeline (001)

# (date, event) from 1919 to 2006, as 001 dates them
TIMELINE_001 = [
    ("1919", "ilo-founding-1919"),                       # "Founded in 1919"
    ("1945", "ilo-becomes-un-specialized-agency-1945"),  # "the first UN specialized agency
                                                         # in 1945"
    ("1947", "chr-creation-1947"),                       # CHR "created in 1947"
    ("1949", "ilo-c097-adoption-1949"),                  # "No. 97 of 1949"
    ("1951", "iom-founding-1951"),                       # IOM "Founded in 1951"
    ("1951", "refugee-convention-adoption-1951"),        # "the 1951 UN Convention"
    ("1957", "treaty-of-rome-1957"),                     # "Treaty of Rome in 1957"
    ("1968", "free-movement-of-workers-original-six-1968"),  # "by 1968"
    ("1975", "ilo-c143-adoption-1975"),                  # "No. 143 of 1975"
    ("1985", "schengen-agreement-adoption-1985"),        # "began in 1985"
    ("1989", "iom-constitution-revision-1989"),          # "revised in 1989"
    ("1990", "migrant-workers-convention-adoption-1990"),  # "passed by the GA in 1990"
    ("1993", "eu-free-movement-all-citizens-1993"),      # "Since 1993"
    ("1994", "icpd-1994"),                               # "the 1994 ... ICPD"
    ("1997", "chr-working-group-on-migrants-establishment-1997"),  # "In 1997"
    ("1999", "hague-process-launch-1999"),               # "launched ... in 1999"
    ("1999", "ilo-declaration-adoption-1999"),           # "adopted ... in 1999"
    ("1999", "special-rapporteur-migrants-appointment-1999"),  # "appointed in 1999"
    ("1999", "tampere-european-council-1999"),           # "in 1999 at the EU Summit in
                                                         # Tampere"
    ("2000", "replacement-migration-report-2000"),       # "In 2000, it issued a report"
    ("2001", "berne-initiative-launch-2001"),            # "started ... in 2001"
    ("2001", "iom-council-50th-anniversary-meeting-2001"),  # "50th anniversary meeting ...
                                                            # in 2001"
    ("2001", "schengen-internal-border-controls-removed-2001"),  # "13 of the 15 ... by 2001"
    ("2002", "un-coordination-meeting-on-international-migration-2002"),  # "The first of
                                                                          # these, in 2002"
    ("2002", "un-secretary-general-proposals-2002"),     # "his 2002 proposals"
    ("2002", "un-secretary-general-working-group-on-migration-establishment-2002"),
    ("2003-07", "migrant-workers-convention-entry-into-force-2003"),  # "in July 2003"
    ("2004", "dutch-presidency-statement-of-principles-2004"),  # "At the end of 2004"
    ("2004", "eu-enlargement-2004"),                     # "members prior to 2004", "the 10
                                                         # new accession states"
    ("2004", "ilc-2004"),                                # "the 2004 International Labor
                                                         # Conference"
    ("2004", "world-commission-social-dimension-globalization-report-2004"),  # "reported in
                                                                              # early 2004"
    ("2004-11", "iom-council-88th-session-2004"),        # "(November, 2004)"
    ("2006", "eu-free-movement-transition-review-2006"),  # "to be reviewed in 2006"
    ("2006", "hld-2006"),                                # "in a special session in 2006"
]


@answers("16-timeline-1919-2006")
def test_timeline_1919_to_2006(store):
    rows = answer(store, "16-timeline-1919-2006")
    got = [(date, event) for date, event, _label in rows]
    assert [d for d, _e in got] == sorted(d for d, _e in TIMELINE_001)
    assert set(got) == set(TIMELINE_001)
    # 2011 ("Free movement is expected ... by 2011") lies outside the span asked about
    assert all("1919" <= d[:4] <= "2006" for d, _e in got)


# ------------------------------------------------------------------ 17 ILO (001)


@answers("17-ilo-structure-and-founding")
def test_ilo_structure_and_founding(store):
    rows = answer(store, "17-ilo-structure-and-founding")
    things = {(aspect, value) for aspect, value, _date in rows
              if aspect not in {"structure", "mandate", "event"}}
    assert things == {
        ("founded", "1919"),                            # "Founded in 1919"
        ("established by", "treaty-of-versailles"),     # "the only surviving body created by
                                                        # the Treaty of Versailles"
        ("grounded in", "ilo-constitution"),            # "According to its Constitution"
        ("supervises", "ilo-c097"),                     # "sets and supervises international
        ("supervises", "ilo-c143"),                     # labor standards" (Nos. 97, 143)
        ("member of", "geneva-migration-group"),        # one of the GMG's six agencies
        ("has organ", "international-labour-conference"),  # "the annual International Labor
                                                           # Conference"
        ("created", "world-commission-on-the-social-dimension-of-globalization"),  # "It
                                                        # created a World Commission ..."
        ("in UN system", "true"),                       # "the first UN specialized agency"
    }
    events = {(value, date) for aspect, value, date in rows if aspect == "event"}
    assert events == {
        ("ilo-founding-1919", "1919"),
        ("ilo-becomes-un-specialized-agency-1945", "1945"),
        ("ilc-2004", "2004"),  # "The ILO made migration the theme of the 2004 International
                               # Labor Conference."
    }
    structure = " ".join(v for a, v, _d in rows if a == "structure")
    # "a standard setting body with a unique tripartite structure in which representatives of
    # labor union confederations, employers' association and governments play an equal role"
    assert re.search(r"tripartite", structure, re.I)
    assert re.search(r"union", structure, re.I) and re.search(r"employers", structure, re.I)
    mandate = " ".join(v for a, v, _d in rows if a == "mandate")
    # "one of the purposes of the ILO is protection of the interests of workers employed in
    # countries other than their own"
    assert "countries other than their own" in mandate


# ------------------------------------------------------------------ 18 processes


@answers("18-processes-conveners-and-members")
def test_who_runs_and_belongs_to_the_processes(store):
    rows = answer(store, "18-processes-conveners-and-members")
    assert set(rows) == {
        # "the Berne Initiative, started by the Swiss government in 2001"; IOM's "Migration
        # Policy and Reseaarch Program acts as the Secretariat of the Berne Initiative"
        ("berne-initiative", "established by", "switzerland"),
        ("berne-initiative", "since", "2001"),
        ("berne-initiative", "serviced by", "iom-migration-policy-and-research-programme"),
        # "the Hague Process, launched by the Society for International Development of the
        # Netherlands in 1999"
        ("hague-process", "established by", "society-for-international-development-netherlands"),
        ("hague-process", "since", "1999"),
        # "At the 50th anniversary meeting of its governing council in 2001, the IOM
        # established an 'International Dialogue on Migration'"
        ("iom-international-dialogue-on-migration", "established by", "iom"),
        ("iom-international-dialogue-on-migration", "convened by", "iom"),
        ("iom-international-dialogue-on-migration", "since", "2001"),
        # "The Population Division also convenes annual 'coordination meetings' ... The first
        # of these, in 2002"
        ("un-desa-migration-annual-meeting", "convened by", "un-population-division"),
        ("un-desa-migration-annual-meeting", "since", "2002"),
        # "UNHCR's Global Consultations"; "its priority 'Convention Plus' agenda"
        ("unhcr-global-consultations", "convened by", "unhcr"),
        ("convention-plus", "convened by", "unhcr"),
        # "The International Migration Policy Programme (IMP) is co-sponsored by UNITAR,
        # UNFPA, ILO and IOM."
        ("imp", "co-sponsored by", "unitar"),
        ("imp", "co-sponsored by", "unfpa"),
        ("imp", "co-sponsored by", "ilo"),
        ("imp", "co-sponsored by", "iom"),
        # "The Geneva Migration Group brings together the heads of six agencies ...: UNHCR,
        # IOM, ILO, OHCHR, UNCTAD, and UNODC."
        *{("geneva-migration-group", "member", m)
          for m in ("unhcr", "iom", "ilo", "ohchr", "unctad", "unodc")},
        # 000 names the Global Migration Group and the GFMD but says nothing of who runs or
        # belongs to them
    }


# ------------------------------------------------------------------ 19 definitions


@answers("19-top-down-and-bottom-up-governance")
def test_top_down_and_bottom_up_governance(store):
    rows = answer(store, "19-top-down-and-bottom-up-governance")
    got = {(c, rel): set() for c, rel, _v in rows}
    for c, rel, v in rows:
        got[(c, rel)].add(v)
    (top,) = got[("top-down-governance", "definition")]
    (bottom,) = got[("bottom-up-governance", "definition")]
    # "Supra-national governance comes from the top: governments cede some part of their
    # sovereignty to a higher level of authority"
    assert "governments cede some part of their sovereignty to a higher level of authority" \
        in fold(top)
    # "International governance from the bottom up stitches together the common threads of
    # governmental responsibilities for problem-solving purposes"
    assert "stitches together the common threads of governmental responsibilities" in fold(bottom)
    assert in_source(top, S001) and in_source(bottom, S001)  # the paper's own words
    # "Anne Marie Slaughter of Princeton University describes these 'policy networks' as the
    # building blocks of world order"
    assert got[("bottom-up-governance", "idea of")] == {"anne-marie-slaughter"}
    assert ("top-down-governance", "idea of") not in got
    assert got[("bottom-up-governance", "related")] == {
        "european-union",        # "The EU is a highly evolved government network"
        "berne-initiative",      # "the Berne Initiative probably comes closest to
                                 # Slaughter's model"
        "policy-option-leadership-model",  # "to convene 'policy networks' of migration
                                           # officials"
        "policy-network-built-on-analysis",  # "A policy network built on high-quality
                                             # analysis and initiative may be the most
                                             # promising"
        "build-migration-regime-from-the-ground-up",  # "must be built from the ground up"
    }
    # "The de novo creation of a World Migration Organization ... was discussed above as an
    # example of governance from the top down."
    assert got[("top-down-governance", "related")] == {
        "policy-option-world-migration-organization"}


# ------------------------------------------------------------------ 20 provenance + offsets


def raw_span(stem: str, sentence: str) -> tuple[int, int]:
    """Where the sentence stands in the raw seed text, line breaks read as any whitespace."""
    pattern = r"\s+".join(re.escape(word) for word in sentence.split())
    matches = list(re.finditer(pattern, seed_text(stem)))
    assert len(matches) == 1, f"{sentence!r} occurs {len(matches)} times in {stem}"
    return matches[0].start(), matches[0].end()


@answers("20-provenance-iom-outside-un")
def test_sentences_and_offsets_saying_iom_is_outside_the_un(store):
    rows = answer(store, "20-provenance-iom-outside-un")
    sentences = [
        "The International Organization for Migration (IOM), outside the UN system, was held "
        "to a fairly narrow portfolio of service-provision by its member states.",
        "It is not part of the UN system.",
    ]
    expected = [(S001, s, *raw_span(S001, s)) for s in sentences]
    got = [(src, fold(q), int(a), int(b)) for src, q, a, b in rows]
    assert got == [(src, s, a, b) for src, s, a, b in expected]
    text = seed_text(S001)
    for _src, quote, start, end in got:
        assert fold(text[start:end]) == quote


# ------------------------------------------------------------------ 21 IOM projects


@answers("21-iom-projects")
def test_iom_projects(store):
    rows = answer(store, "21-iom-projects")
    got: dict[str, dict[str, set]] = {}
    for project, place, category, concerns, function in rows:
        entry = got.setdefault(project, {"place": set(), "category": set(),
                                         "concerns": set(), "function": set()})
        for key, value in (("place", place), ("category", category),
                           ("concerns", concerns), ("function", function)):
            if value:
                entry[key].add(value)
    # "Currently, IOM projects include managing the dispersal of compensation to victims of
    # Nazi slave labor; returning rejected asylum seekers interdicted by Australia in the
    # South Pacific; helping to process applicants for the US refugee resettlement program;
    # running mass information campaigns warning of the perils of trafficking in Eastern
    # Europe, and administering small return-of-talent programs."
    # The projects follow "it is given responsibility for many ad hoc activities, responding
    # to the requests of governments to perform a service": provision of services may be
    # said of any of them, but is not required.
    optional = "provision-of-services"
    for entry in got.values():
        entry["function"].discard(optional)
    empty: dict[str, set] = {"place": set(), "category": set(), "concerns": set(),
                             "function": set()}
    assert got == {
        "iom-nazi-slave-labour-compensation-project": {
            **empty, "category": {"victim-of-nazi-slave-labour"}},
        "iom-return-of-asylum-seekers-interdicted-by-australia": {
            **empty, "place": {"south-pacific"}, "category": {"rejected-asylum-seeker"},
            "concerns": {"australia"}},
        "iom-processing-for-us-refugee-resettlement": {
            **empty, "category": {"refugee"}, "concerns": {"us-refugee-resettlement-program"}},
        "iom-anti-trafficking-information-campaigns-eastern-europe": {
            **empty, "place": {"eastern-europe"}, "function": {"anti-trafficking-initiatives"}},
        # a return-of-talent programme promotes development in the country of origin: the
        # reading by which the graph says IOM performs that function (see test 02)
        "iom-return-of-talent-programmes": {
            **empty, "function": {"promotion-of-development-initiatives"}},
    }


# ------------------------------------------------------------------ 22 counts by kind


@answers("22-institutions-by-kind-in-001")
def test_how_many_institutions_of_each_kind_001_names(store):
    rows = dict(answer(store, "22-institutions-by-kind-in-001"))
    un_bodies_named_in_001 = {
        # the heading "The United Nations Secretariat and General Assembly"
        "un-secretariat", "un-general-assembly",
        "un-commission-on-human-rights", "unhcr", "ilo", "un-desa",
        "un-population-division", "un-statistics-division", "unfpa", "unitar", "ohchr",
        "unctad", "unodc", "undp", "unaids", "who", "office-of-the-un-secretary-general",
        "un-division-for-the-advancement-of-women",
        "un-secretary-general-working-group-on-migration",  # "a working group on migration in
                                                            # his office"
    }
    inter_agency_mechanisms = {"imp", "geneva-migration-group",
                               "un-desa-migration-annual-meeting"}  # "coordination meetings
                                                                    # among UN agencies"
    consultative_processes = {
        "berne-initiative", "hague-process", "iom-international-dialogue-on-migration",
        "unhcr-global-consultations", "convention-plus",
    }
    assert rows == {
        "mg:UNEntity": str(len(un_bodies_named_in_001)),
        "mg:InterAgencyMechanism": str(len(inter_agency_mechanisms)),
        "mg:ConsultativeProcess": str(len(consultative_processes)),
    }


# ------------------------------------------------------------------ 23 multi-hop negation


@answers("23-functions-no-one-performs-for-refugees")
def test_functions_no_institution_performs_for_refugees(store):
    rows = answer(store, "23-functions-no-one-performs-for-refugees")
    # Those covering refugees in 001: UNHCR (refugees; protection only), IOM ("the organized
    # transfer of refugees"; services to "some migrants") and the Special Rapporteur and
    # Working Group on the human rights of migrants (protection). IOM does all of the nine but
    # data collection, technical assistance and support for negotiations (see test 02), and
    # no one else covering refugees does those.
    assert [(int(p), fn) for p, fn, _label in rows] == [
        (1, "data-collection-and-analysis"),
        (3, "technical-assistance-and-training"),
        (6, "support-for-negotiations"),
    ]


# ------------------------------------------------------------------ 24 sources and facts


def facts_in_data_files() -> dict[str, int]:
    """Evidence axioms per source, counted straight from data/*.ttl (not from the build)."""
    graph = rdflib.Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    owl_axiom = rdflib.URIRef("http://www.w3.org/2002/07/owl#Axiom")
    source = rdflib.URIRef("http://purl.org/dc/terms/source")
    counts: dict[str, set] = defaultdict(set)
    for axiom in graph.subjects(rdflib.RDF.type, owl_axiom, unique=True):
        for src in graph.objects(axiom, source):
            counts[str(src).rsplit("/", 1)[1]].add(axiom)
    return {stem: len(axioms) for stem, axioms in counts.items()}


@answers("24-sources-and-their-facts")
def test_sources_and_their_facts(store):
    rows = {row[0]: row for row in answer(store, "24-sources-and-their-facts")}
    assert set(rows) == set(ALL_SOURCES)
    facts = facts_in_data_files()
    for stem, (_src, _title, kind, _issued, seed_file, sha256, _by, _for, n) in rows.items():
        assert seed_file == f"{stem}.txt"
        assert sha256 == hashlib.sha256(Path(SEEDS / seed_file).read_bytes()).hexdigest()
        assert kind
        assert int(n) == facts[stem] > 0, stem
    # years: 000 "about 2011" (its latest date is 24 January 2011); 001 2005 (GCIM); 002
    # "the Manila GFMD meeting in October 2008"; 003 "No. 1, March 2003"; 004 "© 2010"
    assert {s: r[3][:4] for s, r in rows.items()} == {
        S000: "2011", S001: "2005", S002: "2008", S003: "2003", S004: "2010"}
    assert rows[S003][3] == "2003-03"
    # titles the texts print: "Defining Migration Priorities in an Interdependent World";
    # "Migration Governance: Alternative Futures" (000, 001 and 002 print none)
    assert rows[S003][1] == "Defining Migration Priorities in an Interdependent World"
    assert rows[S004][1] == "Migration Governance: Alternative Futures"
    # kinds the seeds README and the texts give: "policy paper", "background paper"
    assert rows[S001][2] == "policy paper"
    assert rows[S002][2] == rows[S004][2] == "background paper"
    # 002: "This paper has been prepared by the Governments of Australia and Thailand";
    # 003: "The Migration Policy Issues Series is prepared by: ... IOM - Migration Policy and
    # Research Programme"; 004: by Alexander Betts; 000 and 001 name no author
    assert {s: slugs(r[6]) for s, r in rows.items()} == {
        S000: set(), S001: set(), S002: {"australia", "thailand"},
        S003: {"iom-migration-policy-and-research-programme"}, S004: {"alexander-betts"}}
    # 001: "This paper is part of the effort of the Global Commission on International
    # Migration (GCIM)"; 002: "to inform and facilitate the discussion of Roundtable session
    # 2.2 during the Manila GFMD meeting in October 2008"; 004: "prepared for the IOM, 2010
    # World Migration Report"
    assert {s: slugs(r[7]) for s, r in rows.items()} == {
        S000: set(), S001: {"gcim"}, S002: {"gfmd-2008-manila", "gfmd-2008-manila-rt-2-2"},
        S003: set(), S004: {"world-migration-report-2010"}}
