"""Incremental SHACL (kg.validation.incremental, footprint): after a change, only the
shapes whose footprint meets the changed triples run again, and the verdict is exactly
the one of the whole validation.

Exactness is tested the way it could fail: every shape fixture of
tests/fixtures/invalid/shapes/ (each trips a shape) is appended to a data file of a
project whose last graph conformed, and the incremental verdict must be "not conform"
exactly when every shape run on the whole graph says so; the real project gets the same
for a sample of fixtures and a valid edit. A footprint that left out something its shape
reads would let that fixture through."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from kg.core.cache import Cache, file_digest
from kg.core.settings import Settings
from kg.input.corpus import Corpus
from kg.validation.footprint import footprints
from kg.validation.incremental import Baseline
from kg.validation.verdict import compiled_shapes, conforms, ntriples, rerun_plan, shape_footprints

from ..conftest import FIXTURES, ROOT, SEEDS, make_project

SHAPE_FIXTURES = sorted((FIXTURES / "invalid" / "shapes").glob("*.ttl"))
MINI_FILE = "001_4f7e06674fa94512.ttl"
MGSH = "https://w3id.org/mgkg/shapes#"
LABEL = 'rdfs:label "2004 International Labour Conference"@en'


def whole(corpus: Corpus) -> bool:
    """Every shape on the whole graph, nothing cached: the verdict to agree with."""
    from pyshacl_turbo.rdf import Input

    compiled = compiled_shapes(corpus, Cache(None))
    ok, _, _ = compiled.validate(Input(ntriples(corpus.merged), "nt", None, {}, {},
                                       preserve_ids=True),
                                 inference="none", allow_warnings=False, allow_infos=False)
    return bool(ok)


def incremental(settings: Settings, cache: Cache) -> tuple[bool, dict, Corpus]:
    corpus = Corpus.load_fast(settings)
    assert corpus is not None
    timings: dict = {}
    return conforms(corpus, cache, timings), timings, corpus


class Project:
    """A project whose last graph conformed (the cache warm), and one data file to edit."""

    def __init__(self, settings: Settings, file: str):
        self.settings, self.cache = settings, Cache(settings.cache_dir)
        self.path = settings.data_dir / file
        self.original = self.path.read_text(encoding="utf-8")
        ok, timings, _ = incremental(settings, self.cache)
        assert ok and "shapes_targeted" not in timings  # the first run: every shape

    def edit(self, text: str) -> tuple[bool, dict, Corpus]:
        self.path.write_text(text, encoding="utf-8")
        try:
            return incremental(self.settings, self.cache)
        finally:  # back to the graph that conformed, which is the baseline again
            self.path.write_text(self.original, encoding="utf-8")
            ok, timings, _ = incremental(self.settings, self.cache)
            assert ok and timings["shacl"] == 0.0

    def append(self, fixture: Path) -> tuple[bool, dict, Corpus]:
        return self.edit(self.original + "\n" + fixture.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Project:
    return Project(make_project(tmp_path_factory.mktemp("incr-mini")), MINI_FILE)


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Project:
    dest = tmp_path_factory.mktemp("incr-real")
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, dest / part)
    return Project(Settings(root=dest, seeds_dir=SEEDS), "001_4f7e06674fa94512.ttl")


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_a_fixture_added_is_refused_exactly_when_the_whole_validation_refuses(mini, fixture):
    ok, timings, corpus = mini.append(fixture)
    assert ok == whole(corpus)
    assert not ok  # every fixture trips a shape (tests/validation/test_shacl.py)
    assert 0 < timings["shapes_rerun"] < timings["shapes_targeted"]  # not everything ran


POSITION_AXIOM = """[] a owl:Axiom ;
    owl:annotatedSource mgr:provision-of-services ;
    owl:annotatedProperty mg:position ;
    owl:annotatedTarget 4 ;
    dcterms:source mgs:001_4f7e06674fa94512 ;
    mg:quote "Provision of services" .
"""
REMOVALS = {  # what is taken out of the mini data file, and the shape that then fires
    "a required label (Described)": '    rdfs:label "Provision of services"@en ;\n',
    "a fact's evidence (FactEvidence)": POSITION_AXIOM,
    "a thing's class (DescribedThing-typed)": " a mg:GovernanceFunction ;\n    rdfs:label",
    "a field of an axiom (AxiomFields)": "    owl:annotatedTarget 4 ;\n",
}


@pytest.mark.parametrize("removed", REMOVALS, ids=lambda k: k.split("(")[1][:-1])
def test_a_triple_removed_is_refused_exactly_when_the_whole_validation_refuses(mini, removed):
    """The fixtures add triples; these take them away (the difference's other half)."""
    text = REMOVALS[removed]
    assert mini.original.count(text) == 1
    replacement = "\n    rdfs:label" if text.endswith("rdfs:label") else ""
    ok, timings, corpus = mini.edit(mini.original.replace(text, replacement))
    assert ok == whole(corpus) and not ok, removed
    assert 0 < timings["shapes_rerun"] < timings["shapes_targeted"]


def test_changes_only_one_part_of_a_footprint_sees_are_refused(mini):
    """Each edit is seen by one part of a footprint only (each was checked to pass
    wrongly when that part is dropped): DescribedThing's FactEvidence sees a new fact
    without evidence (its `$this ?path ?value` held by `STRSTARTS(STR(?path), mg:)`);
    its target, a node not mentioned before; mgsh:UNEntity, a thing typed with a
    subclass of its class; AxiomAnnotatesFact, a fact taken away from under its axiom
    (`?s ?p ?value` with ?p an owl:annotatedProperty value)."""
    fact = "mgr:ilo mg:performsFunction mgr:provision-of-services .\n"
    ok, timings, corpus = mini.edit(mini.original + fact)
    assert not ok and not whole(corpus)
    # a node that the graph did not mention: only DescribedThing's target (the nodes
    # mentioned) gains it, through a predicate none of its constraints reads
    ok, timings, corpus = mini.edit(mini.original + "mgr:iom rdfs:seeAlso mgr:fx-unseen .\n")
    assert not ok and not whole(corpus)
    # a class whose subclass a thing now has: mgsh:UNEntity targets mg:UNEntity, and
    # mg:UNProgrammeOrFund is under it (rdfs:subClassOf in the ontology)
    typed = "mgr:iom a mg:IntergovernmentalOrganization ;"
    assert typed in mini.original
    ok, timings, corpus = mini.edit(mini.original.replace(
        typed, "mgr:iom a mg:UNProgrammeOrFund ;"))
    assert not ok and not whole(corpus)
    asserted = "    mg:inUNSystem false ;\n"
    assert mini.original.count(asserted) == 1
    ok, timings, corpus = mini.edit(mini.original.replace(asserted, ""))
    assert not ok and not whole(corpus)
    assert timings["shapes_rerun"] < timings["shapes_targeted"]


def test_the_real_project_agrees_on_fixtures_and_on_a_valid_edit(real):
    # a closed shape, a whole-graph SPARQL target, a variable predicate bound by data,
    # a FILTER-held one, DescribedThing's constraint (every shape's kind is in the mini
    # test above; each of these costs a whole validation of the real graph)
    for name in ("Axiom", "DisjointClasses", "AxiomAnnotatesFact", "LinkSubject",
                 "FactEvidence"):
        ok, timings, corpus = real.append(FIXTURES / "invalid" / "shapes" / f"{name}.ttl")
        assert not ok and not whole(corpus), name
        assert timings["shapes_rerun"] < timings["shapes_targeted"], name
    assert LABEL in real.original
    ok, timings, corpus = real.edit(real.original.replace(LABEL, LABEL[:-4] + ' (ILC)"@en'))
    assert ok and whole(corpus)
    prints = shape_footprints(corpus, real.cache, _shapes_key(corpus))
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    rerun = [s for s, fp in prints.items() if fp["all"] or label in fp["preds"]]
    # the shapes that read rdfs:label, and those that read anything: no other
    assert timings["shapes_rerun"] == len(rerun) < len(prints) / 4


def _shapes_key(corpus):
    from kg.validation.verdict import _shapes_key

    return _shapes_key(corpus)


EVERYTHING = """
mgsh:TestEverything a sh:NodeShape ;
    sh:targetNode <https://w3id.org/mgkg/id/iom> ;
    sh:sparql [ sh:prefixes <https://w3id.org/mgkg/shapes> ;
                sh:select "SELECT $this WHERE { $this ?p ?o . FILTER(false) }" ] .
"""


def test_a_shape_that_reads_everything_always_runs_again(tmp_path):
    settings = make_project(tmp_path / "p")
    shapes = settings.ontology_dir / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + EVERYTHING, encoding="utf-8")
    project = Project(settings, MINI_FILE)
    corpus, cache, shapes_key = _corpus_cache(project)
    prints = shape_footprints(corpus, cache, shapes_key)
    assert prints[MGSH + "TestEverything"]["all"]  # `$this ?p ?o` that no FILTER holds
    for old, new in (("dcterms:title \"The", "dcterms:title \"Edited: the"),
                     ('mg:quote "', 'rdfs:comment "a comment"@en ; mg:quote "')):
        assert old in project.original
        project.path.write_text(project.original.replace(old, new, 1), encoding="utf-8")
        corpus = Corpus.load_fast(settings)
        digests = {p: file_digest(p) for p in corpus.ontology_paths + corpus.data_paths}
        plan = rerun_plan(corpus, cache, Baseline(cache, shapes_key, settings.root), digests,
                          shapes_key)
        assert plan is not None and MGSH + "TestEverything" in plan[0]
        assert len(plan[0]) < len(prints) / 4
    project.path.write_text(project.original, encoding="utf-8")


def test_an_edited_evidence_axiom_runs_the_shapes_of_what_changed_in_it(mini):
    """A blank node whose content changes is paired with its old self (the difference is
    the triple added, not the whole axiom): a comment on it runs only the shapes that
    read rdfs:comment or the axiom's own triples; a property no axiom may have is
    refused, as the whole validation refuses it."""
    at = "owl:annotatedTarget mgr:provision-of-services ;"
    assert at in mini.original
    ok, timings, corpus = mini.edit(mini.original.replace(
        at, at + ' rdfs:comment "As the text words it."@en ;'))
    assert ok and whole(corpus)
    assert 0 < timings["shapes_rerun"] <= 4
    ok, timings, corpus = mini.edit(mini.original.replace(
        at, at + ' skos:prefLabel "an axiom has no label"@en ;'))
    assert not ok and not whole(corpus)  # mgsh:Axiom is closed
    assert timings["shapes_rerun"] < timings["shapes_targeted"]


def _corpus_cache(project: Project):
    corpus = Corpus.load_fast(project.settings)
    return corpus, project.cache, _shapes_key(corpus)


def test_only_the_baseline_versions_of_a_file_are_kept(tmp_path):
    settings = make_project(tmp_path / "p")
    project = Project(settings, MINI_FILE)
    records = settings.cache_dir / "file-triples"
    before = len(list(records.glob("*.json")))
    for n in range(3):  # three valid edits, each the baseline in turn
        project.path.write_text(project.original + f"\nmgr:iom rdfs:comment \"{n}\"@en .\n",
                                encoding="utf-8")
        ok, timings, _ = incremental(settings, project.cache)
        assert ok and timings["shapes_rerun"] > 0
    assert len(list(records.glob("*.json"))) == before  # one version per file


def test_new_bytes_for_the_same_graph_run_no_shape(mini):
    """A comment line and blank nodes written in another order: new bytes, the same graph
    (the parser's blank node labels differ too)."""
    ok, timings, _ = mini.edit(mini.original + "\n# a comment, nothing else\n")
    assert ok and timings["shapes_rerun"] == 0 and timings["shacl"] == 0.0
    assert "shapes_load" not in timings  # not even compiled


def test_a_changed_shapes_file_runs_every_shape(tmp_path):
    settings = make_project(tmp_path / "p")
    project = Project(settings, MINI_FILE)
    shapes = settings.ontology_dir / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# new bytes\n", encoding="utf-8")
    ok, timings, _ = project.edit(project.original + "\n# edited\n")
    assert ok and "shapes_targeted" not in timings and timings["shacl"] > 0


SHAPES_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] .
"""


def _footprint(tmp_path, body: str) -> dict:
    path = tmp_path / "shapes.ttl"
    path.write_text(SHAPES_HEAD + body, encoding="utf-8")
    return footprints([path])["http://example.org/S"]


def test_footprints_read_what_a_shape_reads_and_everything_when_in_doubt(tmp_path):
    fp = _footprint(tmp_path, """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ( ex:a [ sh:inversePath ex:b ] ) ; sh:class ex:D ] ;
        sh:or ( [ sh:path ex:c ; sh:minCount 1 ] ex:T ) .
        ex:T a sh:NodeShape ; sh:property [ sh:path ex:d ; sh:lessThan ex:e ] .""")
    assert not fp["all"]
    assert {"http://example.org/" + p for p in "abcde"} <= set(fp["preds"])
    assert set(fp["classes"]) == {"http://example.org/C", "http://example.org/D"}
    held = _footprint(tmp_path, """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:a ;
        sh:sparql [ sh:prefixes ex:prefixes ; sh:select '''SELECT $this WHERE {
            $this ?p ?v . FILTER(?p IN (ex:x, ex:y) || STRSTARTS(STR(?p), "http://q/"))
            FILTER NOT EXISTS { $this a ex:K } }''' ] .""")
    assert not held["all"] and held["prefixes"] == ["http://q/"]
    assert {"http://example.org/x", "http://example.org/y"} <= set(held["preds"])
    assert held["types"] == ["http://example.org/K"]
    for body in (
        # a variable predicate no FILTER holds
        """ex:S sh:targetNode ex:n ; sh:sparql [ sh:prefixes ex:prefixes ;
            sh:select "SELECT $this WHERE { $this ?p ?v }" ] .""",
        # the FILTER holds ?p only on one side of ||
        """ex:S sh:targetNode ex:n ; sh:sparql [ sh:prefixes ex:prefixes ; sh:select
            "SELECT $this WHERE { $this ?p ?v FILTER(?p = ex:x || BOUND(?v)) }" ] .""",
        # a negated path
        """ex:S sh:targetNode ex:n ; sh:sparql [ sh:prefixes ex:prefixes ;
            sh:select "SELECT $this WHERE { $this !ex:x ?v }" ] .""",
        # a closed shape reached from another
        """ex:S sh:targetNode ex:n ; sh:node [ sh:closed true ] .""",
        # a construct the footprint does not know
        """ex:S sh:targetNode ex:n ; sh:unknownParameter ex:x .""",
    ):
        assert _footprint(tmp_path, body)["all"], body
    closed = _footprint(tmp_path, "ex:S sh:targetClass ex:C ; sh:closed true .")
    assert closed["closed"]["classes"] == ["http://example.org/C"]
    # a shape that is a class targets its instances implicitly: nothing is known
    (tmp_path / "shapes.ttl").write_text(SHAPES_HEAD + """
        ex:S a sh:NodeShape , <http://www.w3.org/2000/01/rdf-schema#Class> ;
            sh:targetNode ex:n .""", encoding="utf-8")
    assert footprints([tmp_path / "shapes.ttl"]) == {}


def test_the_real_shapes_have_footprints():
    graph = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    prints = footprints(sorted((ROOT / "ontology").glob("shapes*.ttl")))
    assert len(prints) == len({s for s in graph.subjects() if str(s).startswith(MGSH)
                               and any(str(p).startswith("http://www.w3.org/ns/shacl#target")
                                       for p in graph.predicates(s))})
    # none reads everything: every variable predicate is held by a FILTER or is a
    # value of a constant predicate, and DescribedThing's target reads only which
    # nodes the graph mentions
    assert not [s for s, fp in prints.items() if fp["all"]]
    assert prints[MGSH + "DescribedThing"]["mentions"] == {
        "iri": True, "prefixes": ["https://w3id.org/mgkg/id/"]}
    assert prints[MGSH + "AxiomAnnotatesFact"]["value_preds"] == [
        "http://www.w3.org/2002/07/owl#annotatedProperty"]
