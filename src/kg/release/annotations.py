"""Evidence as W3C Web Annotations: one AnnotationCollection per source document.

Each quote the graph takes from a source (the `mg:quote` of any evidence: an axiom, a
figure, a claim, a list item or a negative assertion, with the `mg:quoteStart` /
`mg:quoteEnd` the build found) becomes one annotation whose
target is the source document, selected twice, as the Web Annotation Data Model
recommends for robust anchoring: a TextQuoteSelector (the exact text as it stands in the
source, whitespace and all, with up to 32 characters of prefix and suffix) and a
TextPositionSelector (code point offsets, end exclusive). The target source names the
text's SHA-256, so a tool can check it anchors in the same text. The body lists the
described things whose facts the quote supports (motivation `linking`).

The collections are JSON-LD in the W3C context (http://www.w3.org/ns/anno.jsonld) plus
the mgkg prefix, written to dist/annotations-<stem>.jsonld and served at
/annotations/<stem> (IRI https://w3id.org/mgkg/annotations/<stem>).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from ..core.namespaces import BASE, MG, MGS
from ..input.sources import SourceLibrary
from .files import annotations_file

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT = [ANNO_CONTEXT, {"mg": str(MG), "dcterms": str(DCTERMS)}]
AFFIX = 32  # characters of prefix and suffix


def file_name(stem: str) -> str:
    return annotations_file(stem)


def collection_iri(stem: str) -> str:
    return f"{BASE}annotations/{stem}"


def collections(graphs: Iterable, sources: SourceLibrary) -> dict[str, str]:
    """stem -> the JSON-LD text of its collection, for every source with located quotes.
    graphs: the release's named graphs (rdflib Graphs or kg.input.triples.TripleIndex)."""
    spans: dict[str, dict[tuple[int, int], set[str]]] = defaultdict(lambda: defaultdict(set))
    titles: dict[str, str] = {}
    for graph in graphs:
        for node, source in graph.subject_objects(DCTERMS.source):
            if not str(source).startswith(str(MGS)):
                continue
            start, end = graph.value(node, MG.quoteStart), graph.value(node, MG.quoteEnd)
            if start is None or end is None:
                continue
            stem = str(source)[len(str(MGS)):]
            things = spans[stem].setdefault((int(start), int(end)), set())
            things.update(str(t) for t in _supported(graph, node) if isinstance(t, URIRef))
        for doc, title in graph.subject_objects(DCTERMS.title):
            if str(doc).startswith(str(MGS)):
                titles[str(doc)[len(str(MGS)):]] = str(title)
    out = {}
    for stem, quotes in sorted(spans.items()):
        text = sources.get(stem)
        if text is None:
            continue
        out[stem] = json.dumps(_collection(stem, titles.get(stem, stem), text.raw,
                                           text.sha256, quotes),
                               indent=1, ensure_ascii=False) + "\n"
    return out


def _supported(graph, node) -> list:
    """The described things a piece of evidence is about: the subject of an annotated
    fact, the thing a figure measures, the individual a negative assertion denies
    something of, the list of a list item, what a claim concerns, or the node itself
    where it is a described thing (a named figure or claim)."""
    for prop in (OWL.annotatedSource, OWL.sourceIndividual):
        found = graph.value(node, prop)
        if found is not None:
            return [found]
    if (node, RDF.type, MG.Figure) in graph:
        return [graph.value(node, MG.figureOf) or node]
    return [node, *graph.objects(node, MG.inList), *graph.objects(node, MG.concerns)]


def _collection(stem: str, title: str, raw: str, sha256: str,
                quotes: dict[tuple[int, int], set[str]]) -> dict:
    iri = collection_iri(stem)
    source = {"id": str(MGS[stem]), "type": "Text", "format": "text/plain",
              "mg:sha256": sha256, "mg:seedFile": f"{stem}.txt"}
    items = []
    for (start, end), things in sorted(quotes.items()):
        items.append({
            "id": f"{iri}#q-{start}",
            "type": "Annotation",
            "motivation": "linking",
            "body": sorted(things),
            "target": {
                "type": "SpecificResource",
                "source": source,
                "selector": [
                    {"type": "TextQuoteSelector", "exact": raw[start:end],
                     "prefix": raw[max(0, start - AFFIX):start], "suffix": raw[end:end + AFFIX]},
                    {"type": "TextPositionSelector", "start": start, "end": end},
                ],
            },
        })
    return {
        "@context": CONTEXT,
        "id": iri,
        "type": "AnnotationCollection",
        "label": f"Evidence quoted from {title}",
        "total": len(items),
        "first": {"id": f"{iri}#page-1", "type": "AnnotationPage", "partOf": iri,
                  "startIndex": 0, "items": items},
    }
