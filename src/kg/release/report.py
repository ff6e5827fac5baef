"""dist/build-report.json and build-report.md: what a release holds, counted from it."""

from __future__ import annotations

from collections import Counter, defaultdict

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from .. import __version__
from ..core.namespaces import MG, MGR, MGS
from ..validation.diagnostics import Report
from .void import link_groups


def summarize(per_graph: dict[str, int], whole, report: Report) -> dict:
    """Counts of the release: triples per named graph, entities per class, facts,
    figures and quotes per source, links out, and the validation's findings. `whole`
    is the union graph (a Graph or a kg.input.triples.TripleIndex)."""
    entities: Counter = Counter()
    for s, o in whole.subject_objects(RDF.type):
        if isinstance(s, URIRef) and str(s).startswith(str(MGR)) and isinstance(o, URIRef):
            entities[whole.qname(o)] += 1
    facts: Counter = Counter()
    quotes: dict[str, set] = defaultdict(set)
    figures: Counter = Counter()
    for ax in whole.subjects(RDF.type, OWL.Axiom):
        for src in whole.objects(ax, DCTERMS.source):
            if not str(src).startswith(str(MGS)):
                continue  # a link's verification record (counted under "links")
            facts[str(src)] += 1
    for fig in whole.subjects(RDF.type, MG.Figure):
        for src in whole.objects(fig, DCTERMS.source):
            figures[str(src)] += 1
    # Quotes of every kind of evidence: axioms, figures, and the nodes that carry their
    # own (claims, list items, negative assertions).
    for node, quote in whole.subject_objects(MG.quote):
        for src in whole.objects(node, DCTERMS.source):
            if str(src).startswith(str(MGS)):
                quotes[str(src)].add(str(quote))
    described = {s for s in whole.subjects() if isinstance(s, URIRef)
                 and str(s).startswith(str(MGR))}
    return {
        "version": __version__,
        "triples": len(whole),
        "triples_per_graph": dict(sorted(per_graph.items())),
        "entities": len(described),
        "entities_per_class": dict(sorted(entities.items())),
        "sources": {
            src: {"facts": facts[src], "figures": figures[src], "quotes": len(quotes[src])}
            for src in sorted(set(facts) | set(figures))
        },
        "links": {key: group.triples for key, group in sorted(link_groups(whole).items())},
        "validation": report.counts(),
    }


def report_markdown(summary: dict) -> str:
    lines = [f"# mgkg build report (version {summary['version']})", "",
             f"- triples: {summary['triples']}", f"- described entities: {summary['entities']}",
             f"- validation: {summary['validation']}", "",
             "## Facts and quotes per source", "", "| source | facts | figures | quotes |",
             "|---|---:|---:|---:|"]
    for src, c in summary["sources"].items():
        lines.append(f"| {src} | {c['facts']} | {c['figures']} | {c['quotes']} |")
    lines += ["", "## Links out", "", "| linkset | links |", "|---|---:|"]
    lines += [f"| {key} | {n} |" for key, n in (summary.get("links") or {}).items()]
    lines += ["", "## Entities per class", "", "| class | entities |", "|---|---:|"]
    lines += [f"| {cls} | {n} |" for cls, n in summary["entities_per_class"].items()]
    lines += ["", "## Triples per named graph", "", "| graph | triples |", "|---|---:|"]
    lines += [f"| {g} | {n} |" for g, n in summary["triples_per_graph"].items()]
    return "\n".join(lines) + "\n"
