"""`kg coverage`: how much of each source the graph accounts for, sentence by sentence.

Every sentence of a seed text (kg.input.sentences) ends up in one of three states:

* **covered**: evidence quotes (mg:quote of the facts and figures whose dcterms:source is
  the document) overlap it. The overlap rule: the quotes together cover at least half of
  the sentence's characters, or one quote lies wholly inside the sentence. So a quote of
  one clause covers its sentence, and a quote running over several sentences covers each
  it takes at least half of, not the one whose last words it borrows.
* **set aside**: not covered, and a decision says why (same overlap rule): a curator's,
  from data/coverage/<stem>.tsv (kg.validation.setaside), or one of the splitter's
  mechanical rules: a heading, footnote text, the reference list, or a sentence
  repeating an earlier one of the same document word for word (at least 40 characters:
  the duplicated WTO section of 001). A curator's decision wins over a rule's.
* **uncovered**: neither; `kg coverage --uncovered` lists them to work from.

Per source it also reports how much of the graph is free text: the share of facts
(evidence axioms, and the properties of the nodes that carry their own evidence: figures,
claims, list items, negative assertions) whose only carrier is a free-text property, i.e.
whose property is one of FREE_TEXT and whose quote supports no fact with any other property.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ..core.errors import KgError
from ..core.namespaces import MG, MGS
from ..core.settings import Settings
from ..input.corpus import Corpus
from ..input.sentences import Sentence, split_sentences
from ..input.sources import SourceLibrary, SourceText
from .diagnostics import Diagnostic, relative
from .setaside import REASONS, SetAside, read_setasides

FREE_TEXT = (MG.statement, MG.migrationRole, MG.mandate, MG.structure, RDFS.comment)
# What a self-evidenced node says about its own evidence, not facts of the source.
SELF_EVIDENCE = {MG.quote, MG.support, MG.dateBasis, MG.cites}
DUPLICATE_MIN_CHARS = 40
COVERED, SET_ASIDE, UNCOVERED = "covered", "set-aside", "uncovered"
RULE_REASONS = {"heading": "heading", "footnote": "footnote", "reference": "reference-list"}


class CoverageInputError(KgError):
    """The input cannot be reported on: bad set-aside files or unreadable data."""

    exit_code = 2

    def __init__(self, problems: list[Diagnostic]):
        self.problems = problems
        super().__init__("coverage input is bad:\n" + "\n".join(p.format() for p in problems))


@dataclass
class Row:
    sentence: Sentence
    status: str
    reason: str | None = None
    origin: str | None = None  # "rule" or file:line of the curator's decision


@dataclass
class SourceCoverage:
    stem: str
    rows: list[Row]
    artefacts: Counter
    quotes: int
    quotes_not_located: int
    facts: int
    free_text_facts: int
    free_text_only_facts: int
    unused_setasides: list[SetAside] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        c = Counter(r.status for r in self.rows)
        return {k: c.get(k, 0) for k in (COVERED, SET_ASIDE, UNCOVERED)}

    def summary(self) -> dict:
        counts = self.counts()
        total = len(self.rows)
        by_reason = Counter(r.reason for r in self.rows if r.status == SET_ASIDE)
        by_origin = Counter("rule" if r.origin == "rule" else "curator"
                            for r in self.rows if r.status == SET_ASIDE)
        return {
            "sentences": total,
            **counts,
            "shares": {k: _share(v, total) for k, v in counts.items()},
            "set_aside_by_reason": dict(sorted(by_reason.items())),
            "set_aside_by": {k: by_origin.get(k, 0) for k in ("curator", "rule")},
            "artefact_lines": dict(sorted(self.artefacts.items())),
            "quotes": self.quotes,
            "quotes_not_located": self.quotes_not_located,
            "facts": self.facts,
            "free_text_facts": self.free_text_facts,
            "free_text_only_facts": self.free_text_only_facts,
            "free_text_only_share": _share(self.free_text_only_facts, self.facts),
        }


def _share(n: int, total: int) -> float:
    return round(n / total, 4) if total else 0.0


def _overlap(pieces: list[tuple[int, int]], spans: list[tuple[int, int]]) -> int:
    """Characters of the pieces inside the union of the spans."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return sum(max(0, min(b, y) - max(a, x)) for a, b in pieces for x, y in merged)


def applies(sentence: Sentence, spans: list[tuple[int, int]]) -> bool:
    """The overlap rule (module docstring): at least half the sentence, or a span wholly
    inside it."""
    return _applies(sentence, [(a, b) for a, b in spans if a < sentence.end and b > sentence.start])


def _applies(sentence: Sentence, near: list[tuple[int, int]]) -> bool:
    if not near:
        return False
    if any(sentence.start <= a and b <= sentence.end
           and _overlap(sentence.pieces, [(a, b)]) > 0 for a, b in near):
        return True
    return 2 * _overlap(sentence.pieces, near) >= sentence.size


class Spans:
    """Spans sorted by start, so that the ones touching a sentence are found by bisection
    (a source has thousands of sentences and of quotes)."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        self.longest = max((b - a for a, b in self.spans), default=0)

    def near(self, sentence: Sentence) -> list[tuple[int, int]]:
        lo = bisect.bisect_left(self.starts, sentence.start - self.longest)
        hi = bisect.bisect_left(self.starts, sentence.end)
        return [(a, b) for a, b in self.spans[lo:hi] if b > sentence.start]

    def applies(self, sentence: Sentence) -> bool:
        return _applies(sentence, self.near(sentence))


def evidence_quotes(corpus: Corpus, stem: str) -> list[str]:
    source = MGS[stem]
    g = corpus.evidence
    return sorted({str(q) for node in g.subjects(DCTERMS.source, source)
                   for q in g.objects(node, MG.quote)})


def free_text_counts(corpus: Corpus, stem: str) -> tuple[int, int, int]:
    """(facts, facts carried by a free-text property, facts carried only by one).

    A fact is an evidence axiom of the source, or a property of a node that carries its
    own evidence (figure, claim, list item, negative assertion: each of its properties but
    the evidence itself). It is carried only by free text when its property is in
    FREE_TEXT and no fact evidenced by the same quote has a property outside it: a claim
    with nothing but its mg:statement is free text, one that also says what it concerns
    or causes is not."""
    g = corpus.evidence
    facts: list[tuple[URIRef, list[str]]] = []
    by_quote: dict[str, set] = defaultdict(set)
    for node in g.subjects(DCTERMS.source, MGS[stem]):
        quotes = [str(q) for q in g.objects(node, MG.quote)]
        if (node, RDF.type, OWL.Axiom) in g:
            props = [g.value(node, OWL.annotatedProperty)]
        else:
            props = [p for p in g.predicates(node)
                     if p not in SELF_EVIDENCE and (str(p).startswith(str(MG))
                                                    or p in (SKOS.definition, SKOS.member))]
        for prop in props:
            facts.append((prop, quotes))
            for q in quotes:
                by_quote[q].add(prop)
    free = [quotes for prop, quotes in facts if prop in FREE_TEXT]
    only = [q for q in free if all(p in FREE_TEXT for x in q for p in by_quote[x])]
    return len(facts), len(free), len(only)


def source_coverage(text: SourceText, quotes: list[str], setasides: list[SetAside],
                    free: tuple[int, int, int]) -> SourceCoverage:
    seg = split_sentences(text.raw)
    spans = [s for q in quotes if (s := text.locate(q)) is not None]
    evidence = Spans(spans)
    seen: set[str] = set()
    rows = []
    used: set[SetAside] = set()
    for sentence in seg.sentences:
        duplicate = len(sentence.text) >= DUPLICATE_MIN_CHARS and sentence.text in seen
        seen.add(sentence.text)
        if evidence.applies(sentence):
            rows.append(Row(sentence, COVERED))
            used.update(d for d in setasides if applies(sentence, [(d.start, d.end)]))
            continue
        decision = next((d for d in setasides if applies(sentence, [(d.start, d.end)])), None)
        if decision is not None:
            used.add(decision)
            rows.append(Row(sentence, SET_ASIDE, decision.reason,
                            f"{decision.file}:{decision.line}"))
        elif sentence.kind in RULE_REASONS:
            rows.append(Row(sentence, SET_ASIDE, RULE_REASONS[sentence.kind], "rule"))
        elif duplicate:
            rows.append(Row(sentence, SET_ASIDE, "duplicate-passage", "rule"))
        else:
            rows.append(Row(sentence, UNCOVERED))
    unused = [d for d in setasides if d not in used]
    return SourceCoverage(text.stem, rows, Counter(a.kind for a in seg.artefacts),
                          len(quotes), len(quotes) - len(spans), *free, unused)


class UnknownSource(KgError):
    exit_code = 2


def compute(settings: Settings, only: str | None = None) -> dict[str, SourceCoverage]:
    """Coverage of every source (or of one); CoverageInputError if the input is bad."""
    sources = SourceLibrary(settings.seeds_dir)
    if only is not None and only not in sources.texts:
        raise UnknownSource(f"no source {only!r}: the sources are " + ", ".join(sources.texts))
    corpus = Corpus.load(settings)
    if corpus.syntax_errors:
        raise CoverageInputError([
            Diagnostic("error", "syntax", e.message, relative(e.path, settings.root), e.line)
            for e in corpus.syntax_errors])
    result = compute_corpus(corpus, sources)
    return {stem: cov for stem, cov in result.items() if only is None or stem == only}


def compute_corpus(corpus: Corpus, sources: SourceLibrary) -> dict[str, SourceCoverage]:
    """Coverage of every source from parsed data (the build calls this with its corpus)."""
    setasides, problems = read_setasides(corpus.settings, sources)
    out = {}
    for stem, text in sources.texts.items():
        mine = [d for d in setasides if d.stem == stem]
        cov = source_coverage(text, evidence_quotes(corpus, stem), mine,
                              free_text_counts(corpus, stem))
        problems += [Diagnostic("error", "setaside-overlaps-nothing",
                                f"the set-aside passage ({d.reason}) takes less than half of "
                                "every sentence it touches and lies inside none: copy the "
                                "whole sentence", d.file, d.line)
                     for d in cov.unused_setasides]
        out[stem] = cov
    if problems:
        raise CoverageInputError(sorted(problems, key=lambda p: (p.file or "", p.line or 0)))
    return out


OVERLAP_RULE = ("a sentence is covered when the evidence quotes together take at least half "
                "of its characters, or one quote lies wholly inside it; set-aside decisions "
                "apply by the same rule")


def to_json(result: dict[str, SourceCoverage], *, sentences: str = "none") -> dict:
    """The report as data. sentences: "none", "uncovered" or "all" (the release's copy,
    which the source pages draw from)."""
    doc: dict = {"overlap_rule": OVERLAP_RULE, "reasons": REASONS, "sources": {}}
    totals: Counter = Counter()
    for stem, cov in result.items():
        entry = cov.summary()
        totals.update({k: entry[k] for k in ("sentences", COVERED, SET_ASIDE, UNCOVERED,
                                             "facts", "free_text_only_facts")})
        if sentences != "none":
            entry["sentence_list"] = [
                {"start": r.sentence.start, "end": r.sentence.end, "status": r.status,
                 "reason": r.reason, "by": r.origin, "kind": r.sentence.kind,
                 "text": r.sentence.text}
                for r in cov.rows if sentences == "all" or r.status == UNCOVERED]
        doc["sources"][stem] = entry
    n = totals["sentences"]
    doc["total"] = {**dict(totals), "shares": {
        k: _share(totals[k], n) for k in (COVERED, SET_ASIDE, UNCOVERED)},
        "free_text_only_share": _share(totals["free_text_only_facts"], totals["facts"])}
    return doc


def to_text(result: dict[str, SourceCoverage], *, uncovered: bool = False) -> str:
    lines = [f"{'source':<26} {'sentences':>9} {'covered':>14} {'set aside':>14} "
             f"{'uncovered':>14} {'free-text-only facts':>22}"]
    doc = to_json(result)
    rows = list(doc["sources"].items()) + ([("all", doc["total"])] if len(result) > 1 else [])
    for stem, e in rows:
        sh = e["shares"]
        lines.append(
            f"{stem:<26} {e['sentences']:>9} {e[COVERED]:>5} ({sh[COVERED]:6.1%}) "
            f"{e[SET_ASIDE]:>5} ({sh[SET_ASIDE]:6.1%}) {e[UNCOVERED]:>5} ({sh[UNCOVERED]:6.1%}) "
            f"{e['free_text_only_facts']:>5}/{e['facts']:<5} ({e['free_text_only_share']:6.1%})")
    lines.append("")
    for stem in result:
        e = doc["sources"][stem]
        reasons = ", ".join(f"{k} {v}" for k, v in e["set_aside_by_reason"].items()) or "none"
        lines.append(f"{stem}: set aside {e[SET_ASIDE]} (by curators "
                     f"{e['set_aside_by']['curator']}, by rule {e['set_aside_by']['rule']}): "
                     f"{reasons}; {e['quotes']} quotes, {e['quotes_not_located']} not located")
    lines.append(f"overlap rule: {OVERLAP_RULE}")
    if uncovered:
        for stem, cov in result.items():
            lines.append("")
            lines.append(f"uncovered sentences of {stem}:")
            lines += [f"{r.sentence.start}-{r.sentence.end}\t{r.sentence.text}"
                      for r in cov.rows if r.status == UNCOVERED]
    return "\n".join(lines)


def report_json(result: dict[str, SourceCoverage], *, uncovered: bool = False) -> str:
    return json.dumps(to_json(result, sentences="uncovered" if uncovered else "none"),
                      indent=2, ensure_ascii=False)
