"""The checks SHACL cannot do: they need the files, the seed texts, or text normalisation.

* input that never gets as far as SHACL: syntax errors, terms the ontology does not
  declare, literals that are not valid for their datatype;
* the source texts: every source record's SHA-256 is that of its seed file, and every
  quote is found (whitespace folded) in the text that SHA-256 identifies;
* one IRI per thing: slugs that differ only in case or punctuation, and labels or aliases
  shared by two IRIs;
* the links files (data/links/*.ttl) state links out and nothing else;
* the claims model's rules over two facts or over a quote's text (claims.py).

Everything about the shape of the graph (labels, cardinalities, types, evidence present)
is in ontology/shapes.ttl, so no rule is checked twice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from ..core.errors import KgError
from ..core.namespaces import MG, MGR, MGS
from ..input.corpus import Corpus
from ..input.sources import SourceLibrary, SourceText, fold
from .claims import run_claims_checks
from .diagnostics import ERROR, WARNING, Diagnostic, DiagnosticMaker, relative
from .published import check_published

# Terms of RDF/OWL/RDFS structure that data may always use.
STRUCTURAL_PREDICATES = {
    RDF.type, RDFS.label, RDFS.comment, RDFS.subClassOf, RDFS.seeAlso, RDFS.isDefinedBy,
    OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget, OWL.sameAs,
    OWL.deprecated, OWL.members, RDF.first, RDF.rest,
    OWL.sourceIndividual, OWL.assertionProperty, OWL.targetIndividual, OWL.targetValue,
}
STRUCTURAL_TYPES = {OWL.Axiom, OWL.Class, OWL.NamedIndividual, OWL.AllDifferent,
                    OWL.NegativePropertyAssertion}
# What a links file may state about a described thing (everything else there is evidence
# and verification records on owl:Axiom nodes).
LINK_PREDICATES = {OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, MG.isoAlpha2Code,
                   MG.isoAlpha3Code}
DECLARATION_TYPES = {
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
}
# Characters a copy from a PDF or a keyboard swaps for one another; a quote that matches
# only once they are unified is a near miss, worth telling the curator about.
_LOOKALIKES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"',
                             "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
                             "\u00ad": ""})


# XSD 1.1 lexical spaces of the date types rdflib does not check (it has no converter for
# them, so `Literal.ill_typed` is None), and they are the ones every date here uses.
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_LEXICAL = {
    XSD.gYear: re.compile(_YEAR + _TZ),
    XSD.gYearMonth: re.compile(_YEAR + r"-(?:0[1-9]|1[0-2])" + _TZ),
}


def is_ill_typed(literal: Literal) -> bool:
    """Not a valid lexical form of its datatype (rdflib's verdict, or ours where it has none)."""
    pattern = _LEXICAL.get(literal.datatype)
    if pattern is not None:
        return pattern.fullmatch(str(literal)) is None
    return bool(literal.ill_typed)


def is_described(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(MGR))


class Checker:
    def __init__(self, corpus: Corpus, sources: SourceLibrary | None,
                 maker: DiagnosticMaker | None = None):
        self.corpus = corpus
        self.sources = sources
        self.g = corpus.merged
        self.root = corpus.settings.root
        self.make = maker or DiagnosticMaker.for_corpus(corpus)
        self.declared = {
            s for t in DECLARATION_TYPES for s in corpus.ontology.subjects(RDF.type, t)
        }
        self.category_classes = set(self.g.subjects(RDF.type, MG.MigrantCategory))

    def run(self) -> Iterator[Diagnostic]:
        for exc in self.corpus.syntax_errors:
            yield Diagnostic(ERROR, "syntax", exc.message, relative(exc.path, self.root),
                             exc.line)
        yield from self.vocabulary()
        yield from self.literals()
        yield from self.source_texts()
        yield from self.duplicates()
        yield from self.links_content()
        yield from run_claims_checks(self.g, self.make)
        yield from check_published(self.corpus)

    # -- input the shapes cannot make sense of ------------------------------------------
    @cached_property
    def undeclared(self) -> dict[URIRef, list[tuple]]:
        """Each term the data uses that the ontology does not declare, with the triples
        that use it."""
        found: dict[URIRef, list[tuple]] = {}
        for path in self.corpus.data_paths:
            graph = self.corpus.graphs.get(path)
            if graph is None:
                continue
            for s, p, o in graph:
                candidates = []
                if p not in STRUCTURAL_PREDICATES and p not in self.declared:
                    candidates.append(p)
                if p == RDF.type and o not in STRUCTURAL_TYPES and o not in self.declared \
                        and o not in self.category_classes:
                    candidates.append(o)
                candidates += [t for t in (s, o) if isinstance(t, URIRef)
                               and str(t).startswith(str(MG)) and t not in self.declared]
                for term in candidates:
                    found.setdefault(term, []).append((s, p, o))
        return found

    def vocabulary(self) -> Iterator[Diagnostic]:
        for term, uses in self.undeclared.items():
            s, p, o = min(uses, key=self.make.order_of_triple)
            kind = "class" if p == RDF.type and term == o else \
                "property" if term == p else "term"
            yield self.make.at_triple(
                ERROR, "undeclared-term",
                f"{kind} {self.make.n3(term)} is not declared in the ontology: use a term "
                "of ontology/mgkg.ttl (or ask for one to be added)", s, p, o)

    def literals(self) -> Iterator[Diagnostic]:
        for s, p, o in self.g:
            if isinstance(o, Literal) and is_ill_typed(o):
                yield self.make.at_triple(
                    ERROR, "ill-typed-literal",
                    f"\"{o}\" is not a valid {self.make.n3(o.datatype)}", s, p, o)

    # -- the source texts ---------------------------------------------------------------
    def source_texts(self) -> Iterator[Diagnostic]:
        """Every source record against its seed file, then every quote against its text."""
        try:
            texts = self.sources.texts
        except KgError as exc:
            yield Diagnostic(ERROR, "sources-missing", str(exc))
            return
        by_document: dict = {}
        for doc in sorted(set(self.g.subjects(RDF.type, MG.SourceDocument))):
            if not str(doc).startswith(str(MGS)):
                continue  # a malformed IRI: the shape mgsh:SourceDocumentIRI says so
            stem = str(doc)[len(str(MGS)):]
            text = texts.get(stem)
            recorded = sorted(str(h) for h in self.g.objects(doc, MG.sha256))
            if text is None:
                yield self.make.at_subject(
                    ERROR, "source-unknown",
                    f"no source text {stem}.txt in {self.sources.seeds_dir}", doc)
                continue
            if recorded and recorded != [text.sha256]:
                other = [t.path.name for h in recorded
                         if (t := self.sources.by_sha256(h)) is not None]
                yield self.make.at_property(
                    ERROR, "sha256-mismatch",
                    f"mg:sha256 {', '.join(recorded)} is not the SHA-256 of {text.path.name} "
                    f"({text.sha256})" + (f"; it is that of {', '.join(other)}" if other else ""),
                    doc, MG.sha256)
                continue
            if recorded:
                by_document[doc] = text
        yield from self.quotes(by_document)

    def quotes(self, texts: dict) -> Iterator[Diagnostic]:
        """Each quote is in the text its source's SHA-256 identifies (whitespace folded)."""
        for node, quote in self.g.subject_objects(MG.quote):
            for source in self.g.objects(node, DCTERMS.source):
                text = texts.get(source)
                if text is None or not str(quote).strip():
                    continue  # no such source, or a bad record: reported elsewhere
                if text.contains(str(quote)):
                    continue
                yield self.make.at_triple(
                    ERROR, "quote-not-found",
                    f"quote not found in {text.path.name}{self._hint(str(quote), text)}: "
                    f"\"{_clip(str(quote), 120)}\"", node, MG.quote, quote)

    def _hint(self, quote: str, text: SourceText) -> str:
        """Why a quote is not found, when the reason is a common slip."""
        needle = fold(quote)
        folded = text._folded[0]
        if needle.translate(_LOOKALIKES) in folded.translate(_LOOKALIKES):
            return " (it differs in quotation marks or dashes: copy them from the text)"
        if needle.casefold() in folded.casefold():
            return " (it differs in upper/lower case)"
        for other in self.sources.texts.values():
            if other is not text and other.contains(quote):
                return f" (it is in {other.path.name}: check dcterms:source)"
        words = needle.split()
        if len(words) > 8:
            head, tail = " ".join(words[:6]), " ".join(words[-6:])
            if head in folded and tail not in folded:
                return " (its beginning is in the text, its end is not)"
            if tail in folded and head not in folded:
                return " (its end is in the text, its beginning is not)"
        return ""

    # -- one IRI per thing ----------------------------------------------------------
    def duplicates(self) -> Iterator[Diagnostic]:
        yield from self._duplicate_slugs()
        yield from self._duplicate_names()

    def _duplicate_slugs(self) -> Iterator[Diagnostic]:
        """`un-desa`, `undesa` and `UN_DESA` are one slug written three ways."""
        by_key: dict[str, set] = defaultdict(set)
        for term in {t for triple in self.g for t in triple if is_described(t)}:
            slug = str(term)[len(str(MGR)):]
            by_key[re.sub(r"[^0-9a-z]", "", slug.casefold())].add(term)
        for _key, terms in sorted(by_key.items()):
            if len(terms) > 1:
                first = sorted(terms)[0]
                yield self.make.at_subject(
                    ERROR, "duplicate-slug",
                    "one thing, several IRIs? " + ", ".join(f"<{t}>" for t in sorted(terms))
                    + " differ only in case or punctuation: use one IRI", first)

    def _duplicate_names(self) -> Iterator[Diagnostic]:
        """Two IRIs sharing a label or alias usually mean one thing was minted twice."""
        g = self.g
        by_name: dict[str, set] = defaultdict(set)
        # A retired IRI keeps its old label beside its replacement's: that is the point.
        skip = set(g.subjects(RDF.type, MG.Figure)) | set(g.subjects(OWL.deprecated, None))
        for prop in (RDFS.label, SKOS.altLabel):
            for s, o in g.subject_objects(prop):
                if is_described(s) and s not in skip and isinstance(o, Literal):
                    by_name[" ".join(str(o).casefold().split())].add(s)
        for name, terms in sorted(by_name.items()):
            labelled = {t for t in terms if any(
                " ".join(str(lab).casefold().split()) == name
                for lab in g.objects(t, RDFS.label))}
            if len(terms) > 1 and labelled:
                first = sorted(labelled)[0]
                both = len(labelled) > 1
                yield self.make.at_property(
                    ERROR if both else WARNING, "duplicate-entity",
                    f"{'label' if both else 'label/alias'} {name!r} is shared by "
                    + ", ".join(self.make.n3(t) for t in sorted(terms))
                    + (": one thing needs one IRI" if both
                       else ": if they are one thing, use one IRI"), first, RDFS.label)


    # -- the links files ------------------------------------------------------------
    def links_content(self) -> Iterator[Diagnostic]:
        """A links file says which outside identifiers a described thing has and how each
        was checked; it never describes the thing (type, label, facts): that would put
        something in the graph that no source states, and would also hide a link whose
        subject the curated files no longer describe (mgsh:LinkSubject)."""
        for path in self.corpus.links_paths:
            graph = self.corpus.graphs.get(path)
            if graph is None:
                continue
            wrong = [(s, p, o) for s, p, o in graph
                     if is_described(s) and p not in LINK_PREDICATES]
            for s, p, o in sorted(wrong, key=self.make.order_of_triple):
                yield self.make.at_triple(
                    ERROR, "links-file-content",
                    f"a links file may only link {self.make.n3(s)} out (with "
                    + ", ".join(sorted(self.make.n3(x) for x in LINK_PREDICATES))
                    + f"), not state {self.make.n3(p)}: describe things in the source "
                    "files", s, p, o)


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def run_checks(corpus: Corpus, sources: SourceLibrary,
               maker: DiagnosticMaker | None = None) -> list[Diagnostic]:
    return list(Checker(corpus, sources, maker).run())
