"""Integrity checks that SHACL cannot express well: vocabulary, evidence and quotes.

Each check reads the parsed Corpus and yields Diagnostics pointing at file and line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .corpus import Corpus
from .diagnostics import ERROR, WARNING, Diagnostic, relative
from .errors import KgError
from .namespaces import MG, MGR, MGS
from .sources import SourceLibrary

# Terms of RDF/OWL/RDFS structure that data may always use.
STRUCTURAL_PREDICATES = {
    RDF.type, RDFS.label, RDFS.comment, RDFS.subClassOf, RDFS.seeAlso, RDFS.isDefinedBy,
    OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget, OWL.sameAs,
    OWL.deprecated, OWL.members, RDF.first, RDF.rest,
}
STRUCTURAL_TYPES = {OWL.Axiom, OWL.Class, OWL.NamedIndividual, OWL.AllDifferent}
DECLARATION_TYPES = {
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
}
# Facts that need evidence: mg: properties and sourced definitions / aliases.
EVIDENCED_EXTRA = {SKOS.definition}
# Properties of a figure node, which carries its evidence itself.
FIGURE_VALUE = (MG.value, MG.minValue, MG.maxValue)


def is_described(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(MGR))


def is_fact_predicate(p) -> bool:
    return (isinstance(p, URIRef) and str(p).startswith(str(MG))) or p in EVIDENCED_EXTRA


class Checker:
    def __init__(self, corpus: Corpus, sources: SourceLibrary):
        self.corpus = corpus
        self.sources = sources
        self.g = corpus.merged
        self.root = corpus.settings.root
        self.declared = {
            s for t in DECLARATION_TYPES for s in corpus.ontology.subjects(RDF.type, t)
        }
        self.category_classes = set(self.g.subjects(RDF.type, MG.MigrantCategory))
        self.ontology_subjects = set(corpus.ontology.subjects())

    # -- helpers -----------------------------------------------------------
    def label(self, term) -> str | None:
        for lab in self.g.objects(term, RDFS.label):
            if isinstance(lab, Literal) and lab.language == "en":
                return str(lab)
        return None

    def diag(self, severity, code, message, s=None, p=None, o=None, focus=None) -> Diagnostic:
        path, line = self.corpus.locate(s, p, o) if s is not None else (None, None)
        focus = focus if focus is not None else s
        return Diagnostic(
            severity=severity,
            code=code,
            message=message,
            file=relative(path, self.root),
            line=line,
            focus=str(focus) if isinstance(focus, URIRef) else None,
            label=self.label(focus) if isinstance(focus, URIRef) else None,
            path=self.g.qname(p) if isinstance(p, URIRef) else None,
        )

    # -- checks --------------------------------------------------------------
    def run(self) -> Iterator[Diagnostic]:
        for exc in self.corpus.syntax_errors:
            yield Diagnostic(ERROR, "syntax", exc.message, relative(exc.path, self.root), exc.line)
        yield from self.vocabulary()
        yield from self.literals()
        yield from self.sources_records()
        yield from self.evidence()
        yield from self.figures()
        yield from self.entities()
        yield from self.duplicates()

    def vocabulary(self) -> Iterator[Diagnostic]:
        data = self.corpus.data
        seen: set = set()
        for s, p, o in data:
            if p not in STRUCTURAL_PREDICATES and p not in self.declared and p not in seen:
                seen.add(p)
                yield self.diag(ERROR, "undeclared-term",
                                f"predicate {self.g.qname(p)} is not declared in the ontology",
                                s, p, o)
            if p == RDF.type and o not in STRUCTURAL_TYPES and o not in self.declared \
                    and o not in self.category_classes and o not in seen:
                seen.add(o)
                yield self.diag(ERROR, "undeclared-term",
                                f"class {self.g.qname(o)} is not declared in the ontology",
                                s, p, o)
            for term in (s, o):
                if isinstance(term, URIRef) and str(term).startswith(str(MG)) \
                        and term not in self.declared and term not in seen:
                    seen.add(term)
                    yield self.diag(ERROR, "undeclared-term",
                                    f"{self.g.qname(term)} is not declared in the ontology",
                                    s, p, o)

    def literals(self) -> Iterator[Diagnostic]:
        for s, p, o in self.g:
            if isinstance(o, Literal) and o.ill_typed:
                yield self.diag(ERROR, "ill-typed-literal",
                                f"{o!r} is not a valid {self.g.qname(o.datatype)}", s, p, o)

    def sources_records(self) -> Iterator[Diagnostic]:
        try:
            texts = self.sources.texts
        except KgError as exc:
            yield Diagnostic(ERROR, "sources-missing", str(exc))
            return
        for doc in set(self.g.subjects(RDF.type, MG.SourceDocument)):
            stem = str(doc)[len(str(MGS)):]
            text = texts.get(stem)
            if text is None:
                yield self.diag(ERROR, "source-unknown",
                                f"no source text {stem}.txt in {self.sources.seeds_dir}", doc)
                continue
            recorded = {str(h) for h in self.g.objects(doc, MG.sha256)}
            if recorded != {text.sha256}:
                yield self.diag(ERROR, "sha256-mismatch",
                                f"mg:sha256 {sorted(recorded)} does not match the text "
                                f"({text.sha256})", doc, MG.sha256)

    def _quote_ok(self, node, source, quote, anchor) -> Iterator[Diagnostic]:
        s, p, o = anchor
        if source is None or (source, RDF.type, MG.SourceDocument) not in self.g:
            yield self.diag(ERROR, "evidence-source",
                            f"evidence has no dcterms:source that is a mg:SourceDocument "
                            f"(got {source})", s, p, o)
            return
        if quote is None or not str(quote).strip():
            yield self.diag(ERROR, "evidence-quote", "evidence has no mg:quote", s, p, o)
            return
        try:
            text = self.sources.get(str(source)[len(str(MGS)):])
        except KgError:
            return  # reported once by sources_records
        if text is None:
            return
        if not text.contains(str(quote)):
            yield self.diag(ERROR, "quote-not-found",
                            f"quote not found in {text.path.name}: \"{str(quote)[:120]}\"",
                            s, p, o)

    def evidence(self) -> Iterator[Diagnostic]:
        g = self.g
        annotated: dict[tuple, int] = defaultdict(int)
        for ax in set(g.subjects(RDF.type, OWL.Axiom)):
            s = g.value(ax, OWL.annotatedSource)
            p = g.value(ax, OWL.annotatedProperty)
            o = g.value(ax, OWL.annotatedTarget)
            if s is None or p is None or o is None:
                yield self.diag(ERROR, "axiom-incomplete",
                                "owl:Axiom lacks annotatedSource, annotatedProperty or "
                                "annotatedTarget", s if s is not None else ax, p, o)
                continue
            if (s, p, o) not in g:
                yield self.diag(ERROR, "axiom-without-fact",
                                f"evidence annotates a triple that is not asserted: "
                                f"{g.qname(p)} {o.n3(g.namespace_manager)}", s, p, o)
            sources = list(g.objects(ax, DCTERMS.source)) or [None]
            quotes = list(g.objects(ax, MG.quote)) or [None]
            if len(sources) > 1 or len(quotes) > 1:
                yield self.diag(ERROR, "evidence-ambiguous",
                                "one owl:Axiom carries several sources or quotes; write one "
                                "axiom per source and quote", s, p, o)
            for src in sources:
                for quote in quotes:
                    yield from self._quote_ok(ax, src, quote, (s, p, o))
            annotated[(s, p, o)] += 1
        figures = set(g.subjects(RDF.type, MG.Figure))
        for s, p, o in g:
            if not is_described(s) or not is_fact_predicate(p) or s in figures:
                continue
            if p in (MG.quote, MG.quoteStart, MG.quoteEnd):
                continue
            if s in self.ontology_subjects and (s, p, o) in self.corpus.ontology:
                continue  # ontology-authored definitions of category classes
            if not annotated.get((s, p, o)):
                yield self.diag(ERROR, "fact-without-evidence",
                                f"{g.qname(p)} {o.n3(g.namespace_manager)[:80]} has no owl:Axiom "
                                "with dcterms:source and mg:quote", s, p, o)

    def figures(self) -> Iterator[Diagnostic]:
        g = self.g
        for fig in set(g.subjects(RDF.type, MG.Figure)):
            missing = []
            if g.value(fig, MG.figureOf) is None:
                missing.append("mg:figureOf")
            if not any(g.value(fig, v) is not None for v in FIGURE_VALUE):
                missing.append("mg:value (or mg:minValue/mg:maxValue)")
            if g.value(fig, MG.unit) is None:
                missing.append("mg:unit")
            if g.value(fig, MG.asOf) is None:
                missing.append("mg:asOf")
            if missing:
                yield self.diag(ERROR, "figure-incomplete",
                                "figure lacks " + ", ".join(missing), fig)
            yield from self._quote_ok(fig, g.value(fig, DCTERMS.source), g.value(fig, MG.quote),
                                      (fig, MG.quote, g.value(fig, MG.quote)))

    def entities(self) -> Iterator[Diagnostic]:
        g = self.g
        mentioned = {t for t in g.subjects() if is_described(t)} | {
            t for t in g.objects() if is_described(t)
        }
        sourced = set(g.objects(None, OWL.annotatedSource)) | set(
            g.objects(None, OWL.annotatedTarget)
        ) | set(g.subjects(RDF.type, MG.Figure)) | set(g.objects(None, MG.figureOf)) | set(
            g.objects(None, MG.countsCategory))
        for term in sorted(mentioned):
            if not any(True for _ in g.objects(term, RDF.type)):
                yield self.diag(ERROR, "untyped", "entity has no rdf:type", term)
            en = [lab for lab in g.objects(term, RDFS.label)
                  if isinstance(lab, Literal) and lab.language == "en"]
            if len(en) != 1:
                yield self.diag(ERROR, "label",
                                f"entity has {len(en)} rdfs:label@en (exactly one required)"
                                + (": " + " | ".join(sorted(map(str, en))) if en else ""),
                                term, RDFS.label)
            if term not in sourced and term not in self.ontology_subjects:
                yield self.diag(ERROR, "unsourced-entity",
                                "entity takes part in no fact with evidence", term)

    def duplicates(self) -> Iterator[Diagnostic]:
        """Two IRIs sharing a label or alias usually mean one thing was minted twice."""
        g = self.g
        by_name: dict[str, set] = defaultdict(set)
        figures = set(g.subjects(RDF.type, MG.Figure))
        for prop in (RDFS.label, SKOS.altLabel):
            for s, o in g.subject_objects(prop):
                if is_described(s) and s not in figures and isinstance(o, Literal):
                    by_name[" ".join(str(o).casefold().split())].add(s)
        for name, terms in sorted(by_name.items()):
            labelled = {t for t in terms if any(
                " ".join(str(lab).casefold().split()) == name
                for lab in g.objects(t, RDFS.label))}
            if len(terms) > 1 and labelled:
                first = sorted(terms)[0]
                yield self.diag(WARNING if len(labelled) < 2 else ERROR, "duplicate-entity",
                                f"label/alias {name!r} is shared by " + ", ".join(
                                    g.qname(t) for t in sorted(terms)), first)


def run_checks(corpus: Corpus, sources: SourceLibrary) -> list[Diagnostic]:
    return list(Checker(corpus, sources).run())

