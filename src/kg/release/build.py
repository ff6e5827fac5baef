"""`kg build`: validate the curated files and write a release to dist/, atomically.

The release is written into a temporary sibling directory and swapped into place only
when every file is complete, so a failed build never leaves dist/ half-written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from .. import __version__
from ..core.errors import KgError
from ..core.namespaces import MG, MGR, MGS, ONTOLOGY_GRAPH, ONTOLOGY_IRI, bind_all
from ..core.settings import Settings
from ..input.corpus import Corpus
from ..input.sources import SourceLibrary
from ..validation.coverage import SourceCoverage, compute_corpus
from ..validation.coverage import to_json as coverage_json
from ..validation.diagnostics import Report
from ..validation.validate import validate_corpus
from . import dumps, searchindex
from . import summary as summary_graph
from .annotations import collections, file_name
from .canon import canonicalize_dataset
from .dumps import dataset_quads, graph_triples, sort_triples, sorted_ntriples, union_triples
from .jsonld import CONTEXT_FILE, context_document
from .owl import CATALOG, catalog, owl_additions
from .swap import publish, staging_dir
from .void import describe, link_groups

RELEASE_FILES = {
    "mgkg.ttl": "text/turtle",
    "mgkg.owl": "application/rdf+xml",
    "catalog-v001.xml": "application/xml",
    "context.jsonld": "application/ld+json",
    "mgkg.nt": "application/n-triples",
    "mgkg.jsonld": "application/ld+json",
    "mgkg.trig": "application/trig",
    "void.ttl": "text/turtle",
    "summary.ttl": "text/turtle",
    "ontology.ttl": "text/turtle",
    "ontology.owl": "application/rdf+xml",
    "build-report.json": "application/json",
    "build-report.md": "text/markdown",
    "coverage.json": "application/json",
    searchindex.FILE: "application/vnd.sqlite3",
    "SHA256SUMS": "text/plain",
}


def release_files(dist: Path | None = None) -> dict[str, str]:
    """Every file a release holds, with its media type: the fixed ones, and the evidence
    annotations, one file per source (annotations-<stem>.jsonld) found in dist."""
    files = dict(RELEASE_FILES)
    if dist is not None and dist.is_dir():
        for path in sorted(dist.glob(file_name("*"))):
            files[path.name] = "application/ld+json"
    return files


class BuildFailed(KgError):
    def __init__(self, report: Report):
        self.report = report
        super().__init__("build refused, the graph is not valid:\n" + report.to_text())


@dataclass
class BuildResult:
    dist: Path
    summary: dict
    report: Report


def assemble(corpus: Corpus, sources: SourceLibrary) -> Dataset:
    """One named graph per source file (plus the ontology), with quote offsets added."""
    dataset = Dataset()
    bind_all(dataset)
    for path in corpus.ontology_paths:
        graph = dataset.graph(ONTOLOGY_GRAPH)
        graph += corpus.graphs[path]
    for path in corpus.data_paths:
        graph = dataset.graph(corpus.named_graph(path))
        graph += corpus.graphs[path]
        add_offsets(graph, sources)
        add_source_labels(graph)
    return dataset


def add_source_labels(graph: Graph) -> None:
    """A source document's title as its rdfs:label, where the record gives none: tools
    that show things by rdfs:label (Protégé, owlready2, most RDF browsers) otherwise list
    the documents by their hash-like IRIs."""
    for doc in list(graph.subjects(RDF.type, MG.SourceDocument)):
        if graph.value(doc, RDFS.label) is None:
            for title in list(graph.objects(doc, DCTERMS.title)):
                graph.add((doc, RDFS.label, title))


def add_offsets(graph: Graph, sources: SourceLibrary) -> None:
    """Record where in its source text each quote stands (character offsets, end exclusive)."""
    for node, quote in list(graph.subject_objects(MG.quote)):
        source = graph.value(node, DCTERMS.source)
        if source is None or not str(source).startswith(str(MGS)):
            continue  # the record of a link out quotes a document outside the seeds
        text = sources.get(str(source)[len(str(MGS)):])
        span = text.locate(str(quote)) if text else None
        if span:
            graph.add((node, MG.quoteStart, Literal(span[0], datatype=XSD.nonNegativeInteger)))
            graph.add((node, MG.quoteEnd, Literal(span[1], datatype=XSD.nonNegativeInteger)))


def union(dataset: Dataset, exclude: set | None = None) -> Graph:
    graph = Graph()
    bind_all(graph)
    for ctx in dataset.graphs():
        if exclude and ctx.identifier in exclude:
            continue
        graph += ctx
    return graph


def summarize(dataset: Dataset, whole: Graph, report: Report) -> dict:
    per_graph = {str(ctx.identifier): len(ctx) for ctx in dataset.graphs() if len(ctx)}
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


def write_release(target: Path, dataset: Dataset, summary: dict, ontology: Graph,
                  sources: SourceLibrary | None = None,
                  coverage: dict[str, SourceCoverage] | None = None,
                  whole: Graph | None = None) -> None:
    """Every file of the release into target. The RDF dumps are written by pyoxigraph
    from one sorted list of quads (kg.release.dumps); JSON-LD and ontology.ttl by rdflib."""
    whole = union(dataset) if whole is None else whole
    for stem, text in (collections(dataset, sources) if sources else {}).items():
        (target / file_name(stem)).write_text(text, encoding="utf-8")
    quads = dataset_quads(dataset)
    triples = union_triples(quads)
    summary_graph.write(target, triples)  # counts the whole-graph questions read
    (target / "mgkg.nt").write_text(sorted_ntriples(triples), encoding="utf-8")
    dumps.write(target / "mgkg.ttl", triples, ox.RdfFormat.TURTLE)
    onto = ox.NamedNode(ONTOLOGY_IRI)  # its header belongs to ontology.owl
    owl_triples = [t for t in triples if t.subject != onto]
    owl_triples += graph_triples(owl_additions(whole, summary["version"]))
    dumps.write(target / "mgkg.owl", sort_triples(owl_triples), ox.RdfFormat.RDF_XML)
    (target / CONTEXT_FILE).write_text(context_document(), encoding="utf-8")
    (target / CATALOG).write_text(
        catalog(summary["version"], ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI)),
        encoding="utf-8")
    whole.serialize(target / "mgkg.jsonld", format="json-ld", encoding="utf-8", auto_compact=True)
    dumps.write(target / "mgkg.trig", quads, ox.RdfFormat.TRIG)
    ontology.serialize(target / "ontology.ttl", format="turtle", encoding="utf-8")
    dumps.write(target / "ontology.owl", graph_triples(ontology), ox.RdfFormat.RDF_XML)
    # After the dumps, so the description can give each one's size.
    describe(summary, whole, target).serialize(target / "void.ttl", format="turtle",
                                               encoding="utf-8")
    (target / "build-report.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (target / "build-report.md").write_text(report_markdown(summary), encoding="utf-8")
    # Every sentence of every source with its state, for the source pages and for anyone
    # who wants to see what the graph leaves out (`kg coverage --format json` per source).
    (target / "coverage.json").write_text(
        json.dumps(coverage_json(coverage or {}, sentences="all"), indent=1,
                   ensure_ascii=False) + "\n", encoding="utf-8")
    searchindex.write(target / searchindex.FILE, quads)  # full-text search, for kg serve
    sums = []
    for name in sorted(p.name for p in target.iterdir() if p.is_file()):
        digest = hashlib.sha256((target / name).read_bytes()).hexdigest()
        sums.append(f"{digest}  {name}")
    (target / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


def build(settings: Settings) -> BuildResult:
    sources = SourceLibrary(settings.seeds_dir)
    corpus = Corpus.load(settings)
    report = validate_corpus(corpus, sources)
    if not report.ok:
        raise BuildFailed(report)
    coverage = compute_corpus(corpus, sources)  # bad set-aside files stop the build here
    dataset = canonicalize_dataset(assemble(corpus, sources))
    bind_all(dataset)
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    whole = union(dataset)
    summary = summarize(dataset, whole, report)
    dist = settings.dist_dir
    dist.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(dist)
    try:
        write_release(staging, dataset, summary, ontology, sources, coverage, whole)
        publish(staging, dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(dist, summary, report)


__all__ = ["build", "BuildFailed", "BuildResult", "RELEASE_FILES", "release_files"]
