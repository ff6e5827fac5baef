"""pySHACL as an independent reference on the real data: one mutation per shape.

For every property shape of ontology/shapes*.ttl with a simple path, a real focus node of
the curated graph (the one with the fewest triples that the shape targets) is given the
one fault that shape exists to catch: a value of the wrong datatype, class or node kind,
a missing or an extra value, a value outside its list or pattern, a second value in the
same language. Each mutation is on a different focus node, and all of them are applied to
one copy of the graph. Both engines then validate the neighbourhood of the mutated nodes
(their triples, the evidence about them, the types and labels of what they point to, the
source records and the part of the ontology the shapes read), and must report the same
results. The engine must also report each mutation's own rule on its focus node: a
mutation that trips nothing would prove nothing.

Node-level constraints of the per-property shapes (the `-domain` rules) are mutated by
giving a fact to a real node of the wrong class. The SHACL-SPARQL rules and `sh:node` /
`sh:or` have no generic single fault; they run on the same neighbourhood (and fire there,
e.g. on the facts the mutations add without evidence), and each is tripped by its own
fixture in test_reference.py.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.core.namespaces import MG, MGR, MGS
from kg.core.settings import Settings
from kg.input.corpus import Corpus
from kg.validation.shacl import SH, Shapes

from ..conftest import ROOT, SEEDS
from .test_reference import both_engines

TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return Shapes.load(sorted((ROOT / "ontology").glob("shapes*.ttl")), root=ROOT)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.load(Settings(root=ROOT, seeds_dir=SEEDS))


class Mutator:
    """Chooses focus nodes and applies one fault per shape to a copy of the graph."""

    def __init__(self, graph: Graph, shapes_graph: Graph):
        self.g = graph
        self.g_shapes = shapes_graph
        self._typed: list | None = None
        self.used: set = set()
        self.degree: dict = {}
        for s, _, o in graph:
            self.degree[s] = self.degree.get(s, 0) + 1
            self.degree[o] = self.degree.get(o, 0) + 1
        self.classes_of: dict = {}

    def superclasses(self, cls) -> set:
        if cls not in self.classes_of:
            seen, todo = set(), [cls]
            while todo:
                c = todo.pop()
                if c not in seen:
                    seen.add(c)
                    todo.extend(self.g.objects(c, RDFS.subClassOf))
            self.classes_of[cls] = seen
        return self.classes_of[cls]

    def is_a(self, node, cls) -> bool:
        return any(cls in self.superclasses(t) for t in self.g.objects(node, RDF.type))

    def targets(self, shape) -> list:
        found = set()
        for kind in TARGETS:
            for t in self.g_shapes.objects(shape, kind):
                if kind == SH.targetClass:
                    found |= {s for s, _, c in self.g.triples((None, RDF.type, None))
                              if t in self.superclasses(c)}
                elif kind == SH.targetSubjectsOf:
                    found |= set(self.g.subjects(t, None))
                elif kind == SH.targetObjectsOf:
                    found |= set(self.g.objects(None, t))
                else:
                    found.add(t)
        return sorted((n for n in found if isinstance(n, URIRef) and n not in self.used),
                      key=lambda n: (self.degree.get(n, 0), str(n)))

    def wrong_iri(self, cls=None, avoid=()) -> URIRef:
        pool = [URIRef(MGR + "thailand"), URIRef(MGS + "001_4f7e06674fa94512"),
                URIRef(MGR + "provision-of-services"), URIRef(MGR + "iom")]
        for iri in pool:
            if iri not in avoid and (cls is None or not self.is_a(iri, cls)):
                return iri
        raise AssertionError(f"no IRI outside {cls}")

    def spare(self, cls) -> URIRef:
        """A real node with few triples, not yet used, that is not of `cls`."""
        if self._typed is None:
            self._typed = sorted({s for s in self.g.subjects(RDF.type, None)
                                  if isinstance(s, URIRef) and str(s).startswith(str(MGR))},
                                 key=lambda n: (self.degree.get(n, 0), str(n)))
        for node in self._typed:
            if node not in self.used and not self.is_a(node, cls):
                self.used.add(node)
                return node
        raise AssertionError(f"no spare node outside {cls}")

    @staticmethod
    def another(value: Literal, i: int) -> Literal:
        """A second well-formed value like `value` (only the count is wrong)."""
        if value.datatype in (XSD.integer, XSD.decimal):
            return Literal(str(int(float(value)) + i + 1), datatype=value.datatype)
        if value.datatype in (XSD.gYear, XSD.gYearMonth, XSD.date):
            year, rest = str(value)[:4], str(value)[4:]
            return Literal(f"{int(year) + i + 1}{rest}", datatype=value.datatype)
        return Literal(f"{value} ({i})", lang=value.language, datatype=value.datatype)

    def wrong_literal(self, datatype) -> Literal:
        return Literal(7) if datatype in (XSD.string, RDF.langString) else Literal("mutated")

    def mutate(self, prop, path, focus) -> str | None:
        """Apply the fault for the first constraint of `prop` that has one; say which."""
        g, sg = self.g, self.g_shapes
        values = sorted(g.objects(focus, path), key=str)
        value = values[0] if values else None
        if (c := sg.value(prop, SH.datatype)) is not None and value is not None:
            g.remove((focus, path, value))
            g.add((focus, path, self.wrong_literal(c)))
            return "datatype"
        if (c := sg.value(prop, SH["class"])) is not None and value is not None:
            g.remove((focus, path, value))
            g.add((focus, path, self.wrong_iri(c)))
            return "class"
        if (k := sg.value(prop, SH.nodeKind)) is not None and value is not None:
            g.remove((focus, path, value))
            g.add((focus, path, Literal("mutated") if k in (SH.IRI, SH.BlankNodeOrIRI, SH.BlankNode)
                   else self.wrong_iri()))
            return "nodeKind"
        if (lst := sg.value(prop, SH["in"])) is not None and value is not None:
            allowed = set(sg.items(lst))
            g.remove((focus, path, value))
            g.add((focus, path, next(i for i in (Literal("mutated"), self.wrong_iri())
                                     if i not in allowed)))
            return "in"
        if sg.value(prop, SH.pattern) is not None and isinstance(value, Literal):
            g.remove((focus, path, value))
            g.add((focus, path, Literal("!! mutated !!", lang=value.language,
                                        datatype=value.datatype)))
            return "pattern"
        if sg.value(prop, SH.languageIn) is not None and isinstance(value, Literal):
            g.remove((focus, path, value))
            g.add((focus, path, Literal(str(value), lang="zz")))
            return "languageIn"
        if sg.value(prop, SH.uniqueLang) is not None and isinstance(value, Literal) \
                and value.language:
            g.add((focus, path, Literal(str(value) + " (again)", lang=value.language)))
            return "uniqueLang"
        if (m := sg.value(prop, SH.maxCount)) is not None and value is not None:
            for i in range(int(m)):
                extra = (self.another(value, i) if isinstance(value, Literal)
                         else self.wrong_iri(avoid=values) if i == 0 else URIRef(MGR + f"iom-{i}"))
                g.add((focus, path, extra))
            return "maxCount"
        if sg.value(prop, SH.minCount) is not None and values:
            for v in values:
                g.remove((focus, path, v))
            return "minCount"
        return None


def neighbourhood(full: Graph, ontology: Graph, nodes: set) -> Graph:
    """What the shapes read about the mutated nodes, and the part of the ontology they
    read (as in test_reference.py: pySHACL is slow on the rest)."""
    out = Graph()
    keep = (RDFS.subClassOf, OWL.members, RDF.first, RDF.rest, RDFS.isDefinedBy)
    for t in ontology:
        if t[1] in keep or t[2] in (OWL.AllDisjointClasses, MG.MigrantCategory):
            out.add(t)
    todo = list(nodes)
    for doc in full.subjects(RDF.type, MG.SourceDocument):
        out += full.triples((doc, None, None))
    seen: set = set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for t in full.triples((n, None, None)):
            out.add(t)
            if isinstance(t[2], BNode):
                todo.append(t[2])
            elif isinstance(t[2], URIRef):
                out += full.triples((t[2], RDF.type, None))
                out += full.triples((t[2], RDFS.label, None))
        if not str(n).startswith(str(MGR)) and not isinstance(n, BNode):
            # A source document, a reference source, the ontology: what points to them is
            # the evidence of thousands of facts; the shapes on them read their own triples.
            continue
        for s, p, o in full.triples((None, None, n)):
            out.add((s, p, o))
            if isinstance(s, BNode):
                todo.append(s)      # the evidence about the node, whole
            else:
                out += full.triples((s, RDF.type, None))
    return out


def test_one_mutation_per_shape_of_the_real_data_engine_and_pyshacl_agree(shapes, corpus):
    graph = Graph()
    graph += corpus.merged
    sg = shapes.graph
    mutator = Mutator(graph, sg)
    planned: dict[str, URIRef] = {}
    without_focus = []
    for shape in sorted({s for kind in TARGETS for s in sg.subjects(kind, None)}, key=str):
        for prop in sorted(sg.objects(shape, SH.property), key=str):
            path = sg.value(prop, SH.path)
            if not isinstance(path, URIRef):
                continue
            code = shapes.code(prop)
            done = False
            for focus in mutator.targets(shape)[:25]:
                if (focus, path, None) not in graph and sg.value(prop, SH.minCount) is None:
                    continue
                if mutator.mutate(prop, path, focus):
                    mutator.used.add(focus)
                    planned[code] = focus
                    done = True
                    break
            if not done:
                without_focus.append(code)
    # The -domain rules: a fact given to a real node of the wrong class.
    for shape in sorted(sg.subjects(SH.targetSubjectsOf, None), key=str):
        cls = sg.value(shape, SH["class"])
        prop_iri = sg.value(shape, SH.targetSubjectsOf)
        if cls is None:
            continue
        wrong = mutator.spare(cls)
        graph.add((wrong, prop_iri, Literal("mutated")))
        planned[shapes.code(shape, SH.NodeConstraintComponent)] = wrong
    assert len(planned) > 150, f"only {len(planned)} mutations; none for {without_focus}"

    sliced = neighbourhood(graph, corpus.ontology, set(planned.values()))
    ours, theirs, conforms, their_conforms = both_engines(shapes, sliced)
    assert conforms == their_conforms is False
    assert ours == theirs, (f"only ours: {dict(ours - theirs)}; "
                            f"only pySHACL's: {dict(theirs - ours)}")
    fired = {(key[0], key[4]) for key in ours}
    missed = sorted(code for code, focus in planned.items() if (focus, code) not in fired)
    assert not missed, f"mutations that tripped nothing: {missed}"
