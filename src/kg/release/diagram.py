"""`kg diagram`: draw the ontology (classes, subclass links, object properties) as SVG.

The picture in the README is generated from ontology/mgkg.ttl by this module, so it can
never drift from the model it depicts. Rendering needs Graphviz's `dot`; the DOT text
itself is produced without it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..core.errors import KgError
from ..core.namespaces import MG

# Top-level families get a colour so the picture reads at a glance.
FAMILIES = {
    "Actor": "#dbeafe", "NormativeSource": "#fde68a", "Concept": "#dcfce7",
    "Proposition": "#fce7f3", "Event": "#ede9fe", "Figure": "#fee2e2",
    "SourceDocument": "#e5e7eb", "PolicyMeasure": "#ffedd5", "Place": "#f1f5f9",
    "MigrantCategory": "#ccfbf1", "Claim": "#fef9c3", "EnumeratedList": "#e0e7ff",
    "ListItem": "#e0e7ff",
}


def _local(term: URIRef) -> str:
    return str(term)[len(str(MG)):]


def _label(graph: Graph, term: URIRef) -> str:
    for lab in graph.objects(term, RDFS.label):
        if isinstance(lab, Literal) and lab.language == "en":
            return str(lab)
    return _local(term)


def _family(graph: Graph, cls: URIRef) -> str | None:
    seen = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if isinstance(current, URIRef) and _local(current) in FAMILIES:
            return _local(current)
        todo.extend(o for o in graph.objects(current, RDFS.subClassOf) if isinstance(o, URIRef))
    return None


def ontology_dot(graph: Graph) -> str:
    classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class)
                     if isinstance(c, URIRef) and str(c).startswith(str(MG)))
    lines = [
        "digraph mgkg {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.25, ranksep=0.6,'
        ' label="mgkg ontology: classes (boxes), subclass of (hollow arrows),'
        ' object properties (labelled arrows)", labelloc=t];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#555555"];',
    ]
    for cls in classes:
        colour = FAMILIES.get(_family(graph, cls) or "", "#ffffff")
        lines.append(f'  "{_local(cls)}" [label="{_label(graph, cls)}", fillcolor="{colour}"];')
    for cls in classes:
        for sup in sorted(graph.objects(cls, RDFS.subClassOf)):
            if sup in classes:
                lines.append(f'  "{_local(cls)}" -> "{_local(sup)}" '
                             '[arrowhead=empty, style=dashed, color="#999999"];')
    for prop in sorted(graph.subjects(RDF.type, OWL.ObjectProperty)):
        if not str(prop).startswith(str(MG)):
            continue
        domain, range_ = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        if domain in classes and range_ in classes:
            lines.append(f'  "{_local(domain)}" -> "{_local(range_)}" '
                         f'[label="{_local(prop)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg(dot_text: str, out: Path) -> None:
    dot = shutil.which("dot")
    if dot is None:
        raise KgError("Graphviz `dot` is not installed (Debian: apt-get install graphviz); "
                      "use --dot to write the DOT source instead")
    out.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([dot, "-Tsvg", "-o", str(out)], input=dot_text.encode(),
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise KgError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
