"""The two rules of the claims model that SHACL cannot state (issue 13).

* A negative fact (owl:NegativePropertyAssertion) and the positive triple it negates
  cannot both be in the graph: HermiT would find the release inconsistent, but only
  after the build; here the curator gets both places, file and line.
* A date whose basis is "stated" (the default) is stated in its quote: its year occurs in
  the quote. A date the text does not give is marked `mg:dateBasis mgr:document-date` or
  `mgr:inferred-date`, so a cited figure never carries an invented date as if stated.
  This needs the quote as text (whitespace folded), which is why it is not a shape.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, XSD

from ..core.namespaces import MG, MGR
from ..input.sources import fold
from .diagnostics import ERROR, Diagnostic, DiagnosticMaker

# Properties whose value is a date (on a fact, its axiom carries the quote).
DATE_PROPERTIES = (MG.foundingDate, MG.adoptionDate, MG.entryIntoForceDate, MG.startDate,
                   MG.endDate, MG.date, MG.asOf)
# Date bases other than "stated": the year need not be in the quote.
NOT_STATED = {MGR["document-date"], MGR["inferred-date"]}
# Only well-typed dates are checked; a date of the wrong type is mgsh:DateValue's finding.
DATE_TYPES = {XSD.gYear, XSD.gYearMonth, XSD.date}


def negative_contradictions(g: Graph, make: DiagnosticMaker) -> Iterator[Diagnostic]:
    """Each negative fact whose positive triple is asserted too."""
    for npa in g.subjects(RDF.type, OWL.NegativePropertyAssertion):
        s = g.value(npa, OWL.sourceIndividual)
        p = g.value(npa, OWL.assertionProperty)
        o = g.value(npa, OWL.targetIndividual)
        if o is None:
            o = g.value(npa, OWL.targetValue)
        if s is None or p is None or o is None or (s, p, o) not in g:
            continue
        yield make.at_triple(
            ERROR, "negative-contradicts",
            f"the negative fact 'not {make.n3(s)} {make.n3(p)} {make.n3(o)}' contradicts the "
            f"same fact asserted at {make.places(s, p, o)}: a sentence that negates gives "
            "only the negative fact; remove the positive one (or the negative, if another "
            "sentence really states it)", npa, OWL.sourceIndividual, s)


def _year(date: Literal) -> str:
    text = str(date)
    return text[:5] if text.startswith("-") else text[:4]


def dated_evidence(g: Graph) -> Iterator[tuple]:
    """(evidence node, quote, (s, p, date) triple where the date is written) for every date
    whose evidence carries a quote: figures' own dates, mg:date on an axiom, and the
    target of an axiom annotating a date property."""
    for node, quote in g.subject_objects(MG.quote):
        if (node, RDF.type, OWL.Axiom) in g:
            prop = g.value(node, OWL.annotatedProperty)
            target = g.value(node, OWL.annotatedTarget)
            if prop in DATE_PROPERTIES and isinstance(target, Literal):
                yield node, quote, (node, OWL.annotatedTarget, target)
            for date in g.objects(node, MG.date):
                yield node, quote, (node, MG.date, date)
        else:
            for prop in (MG.asOf, MG.startDate, MG.endDate, MG.date):
                for date in g.objects(node, prop):
                    yield node, quote, (node, prop, date)


def stated_dates(g: Graph, make: DiagnosticMaker) -> Iterator[Diagnostic]:
    """Each date taken as stated whose year is not in its quote."""
    for node, quote, triple in dated_evidence(g):
        date = triple[2]
        if not isinstance(date, Literal) or date.datatype not in DATE_TYPES \
                or g.value(node, MG.dateBasis) in NOT_STATED:
            continue
        if g.value(node, MG.support) == MGR.inferred:
            continue  # the whole fact is the curator's reading, with a comment saying so
        year = _year(date)
        if year and year in fold(str(quote)):
            continue
        yield make.at_triple(
            ERROR, "date-not-in-quote",
            f"the date {date} is taken as stated, but {year} is not in its quote: if the "
            "text gives no date, write mg:dateBasis mgr:document-date (the document's date "
            "stands in) or mgr:inferred-date with an rdfs:comment saying from what, or "
            "leave the date out", *triple)


def run_claims_checks(g: Graph, make: DiagnosticMaker) -> Iterator[Diagnostic]:
    yield from negative_contradictions(g, make)
    yield from stated_dates(g, make)
