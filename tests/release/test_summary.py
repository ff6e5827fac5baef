"""The summary graph the build writes (kg.release.summary) holds the same counts as a
direct COUNT over the real release: per source, per class, per described thing.

The direct counts run on the release's named graphs alone (mgkg.trig with its union as
the default graph), the data the summary describes; the serving store also holds the
VoID and summary graphs, whose own records are not counted.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
import pytest

from kg.core.namespaces import PREFIXES
from kg.release.summary import FILE, GRAPH, NS
from kg.store.store import load_store, materialize_union

SUM = f"PREFIX sum: <{NS}>\n"


@pytest.fixture(scope="module")
def data_store(real_settings) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(real_settings.dist_dir / "mgkg.trig"), format=ox.RdfFormat.TRIG)
    materialize_union(store)
    return store


@pytest.fixture(scope="module")
def served(real_settings) -> ox.Store:
    return load_store(real_settings)


def _pairs(store: ox.Store, query: str) -> dict[str, int]:
    return {row[0].value: int(row[1].value) for row in store.query(query, prefixes=PREFIXES)}


def test_the_release_carries_the_summary_and_the_store_loads_it(real_settings, served):
    assert (real_settings.dist_dir / FILE).is_file()
    assert FILE in (real_settings.dist_dir / "SHA256SUMS").read_text()
    n = served.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert int(next(iter(n))[0].value) > 100


@pytest.mark.parametrize("measure,pattern", [
    ("facts", "?x a owl:Axiom ; dcterms:source ?src ."),
    ("figures", "?x a mg:Figure ; dcterms:source ?src ."),
])
def test_per_source_counts_are_direct_counts(data_store, served, measure, pattern):
    direct = _pairs(data_store, f"""
        SELECT ?src (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?src a mg:SourceDocument . {pattern} }}
        GROUP BY ?src""")
    summary = _pairs(served, f"""{SUM}SELECT ?src ?n WHERE {{ GRAPH <{GRAPH}> {{
        ?c a sum:SourceCounts ; sum:source ?src ; sum:{measure} ?n }} }}""")
    assert direct and sum(direct.values()) > 0
    assert {k: v for k, v in summary.items() if v} == direct


def test_per_source_quotes_are_direct_counts(data_store, served):
    direct = _pairs(data_store, """
        SELECT ?src (COUNT(DISTINCT ?q) AS ?n) WHERE {
          ?src a mg:SourceDocument . ?x dcterms:source ?src ; mg:quote ?q } GROUP BY ?src""")
    summary = _pairs(served, f"""{SUM}SELECT ?src ?n WHERE {{ GRAPH <{GRAPH}> {{
        ?c sum:source ?src ; sum:quotes ?n }} }}""")
    assert direct and {k: v for k, v in summary.items() if v} == direct


def test_per_class_counts_are_direct_counts(data_store, served):
    direct = _pairs(data_store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } "
                                "GROUP BY ?c")
    summary = _pairs(served, f"""{SUM}SELECT ?c ?n WHERE {{ GRAPH <{GRAPH}> {{
        ?r a sum:ClassCounts ; sum:class ?c ; sum:entities ?n }} }}""")
    assert len(direct) > 20
    assert {k: v for k, v in summary.items() if v} == direct
    closed = _pairs(data_store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { "
                                "?s a/rdfs:subClassOf* ?c } GROUP BY ?c")
    with_sub = _pairs(served, f"""{SUM}SELECT ?c ?n WHERE {{ GRAPH <{GRAPH}> {{
        ?r sum:class ?c ; sum:entitiesWithSubclasses ?n }} }}""")
    assert with_sub == closed
    institution = "https://w3id.org/mgkg/ontology#Institution"
    assert with_sub[institution] > direct.get(institution, 0)  # subclasses are counted


def test_described_things_are_the_evidence(data_store, served):
    direct: dict[str, set[str]] = defaultdict(set)
    for row in data_store.query("""
            SELECT DISTINCT ?thing ?src WHERE {
              ?src a mg:SourceDocument .
              { ?x dcterms:source ?src ; owl:annotatedSource|owl:annotatedTarget ?thing }
              UNION { ?x a mg:Figure ; dcterms:source ?src ; mg:figureOf ?thing }
              FILTER(isIRI(?thing)) }""", prefixes=PREFIXES):
        direct[row[0].value].add(row[1].value)
    summary: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = {}
    for row in served.query(f"""{SUM}SELECT ?t ?n ?src WHERE {{ GRAPH <{GRAPH}> {{
            ?r a sum:Described ; sum:thing ?t ; sum:sourceCount ?n ; sum:describedBy ?src }}
            }}"""):
        summary[row[0].value].add(row[2].value)
        counts[row[0].value] = int(row[1].value)
    assert len(direct) > 100
    assert summary == direct
    assert counts == {t: len(s) for t, s in direct.items()}
    per_source = _pairs(served, f"""{SUM}SELECT ?src ?n WHERE {{ GRAPH <{GRAPH}> {{
        ?c sum:source ?src ; sum:things ?n }} }}""")
    things: dict[str, int] = defaultdict(int)
    for sources in direct.values():
        for src in sources:
            things[src] += 1
    assert {k: v for k, v in per_source.items() if v} == things


def test_claim_ranks_are_the_claims_in_iri_order(data_store, served):
    """Question 54 sorts by sum:rank before ?claim: that is the same order only if the
    ranks number exactly its claims (IRIs typed with a proper subclass of mg:Claim), in
    the order SPARQL's ORDER BY gives their IRIs."""
    claims = [row[0].value for row in data_store.query("""
        SELECT DISTINCT ?claim WHERE {
          ?claim a ?kind . ?kind rdfs:subClassOf* mg:Claim . FILTER(?kind != mg:Claim)
          FILTER(isIRI(?claim)) } ORDER BY ?claim""", prefixes=PREFIXES)]
    ranks = _pairs(served, f"""{SUM}SELECT ?claim ?rank WHERE {{ GRAPH <{GRAPH}> {{
        ?r a sum:ClaimRank ; sum:claim ?claim ; sum:rank ?rank }} }}""")
    assert len(claims) > 100
    assert sorted(ranks, key=ranks.__getitem__) == claims
    assert sorted(ranks.values()) == list(range(1, len(claims) + 1))
