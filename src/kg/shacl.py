"""SHACL validation of the merged graph against ontology/shapes*.ttl."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .corpus import Corpus, shapes_files
from .diagnostics import ERROR, INFO, WARNING, Diagnostic, relative
from .namespaces import bind_all
from .rdfio import parse_turtle

SH = "http://www.w3.org/ns/shacl#"
_SEVERITY = {SH + "Violation": ERROR, SH + "Warning": WARNING, SH + "Info": INFO}


def load_shapes(corpus: Corpus) -> Graph | None:
    paths = shapes_files(corpus.settings)
    if not paths:
        return None
    shapes = Graph()
    bind_all(shapes)
    for path in paths:
        shapes += parse_turtle(path)
    return shapes


def shacl_diagnostics(corpus: Corpus, data: Graph) -> list[Diagnostic]:
    shapes = load_shapes(corpus)
    if shapes is None:
        return []
    from pyshacl import validate

    _, results, _ = validate(
        data, shacl_graph=shapes, ont_graph=None, inference="none",
        advanced=True, allow_warnings=True,
    )
    out: list[Diagnostic] = []
    root = corpus.settings.root
    for result in results.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = results.value(result, URIRef(SH + "focusNode"))
        path = results.value(result, URIRef(SH + "resultPath"))
        value = results.value(result, URIRef(SH + "value"))
        message = results.value(result, URIRef(SH + "resultMessage"))
        severity = _SEVERITY.get(str(results.value(result, URIRef(SH + "resultSeverity"))), ERROR)
        file, line = corpus.locate(focus, path if isinstance(path, URIRef) else None, value)
        label = next((str(lab) for lab in data.objects(focus, RDFS.label)
                      if isinstance(lab, Literal) and lab.language == "en"), None)
        out.append(Diagnostic(
            severity=severity,
            code="shacl",
            message=str(message) if message else "shape violated"
            + (f" (value {value.n3()})" if value is not None else ""),
            file=relative(file, root),
            line=line,
            focus=str(focus) if isinstance(focus, URIRef) else None,
            label=label,
            path=data.qname(path) if isinstance(path, URIRef) else None,
        ))
    return out
