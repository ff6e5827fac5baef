"""The evidence model, checked on the released graph independently of the build's own
checks: every quote is in its source text at the offsets the release records, and no
described thing is left without a type, a label and a sourced fact.

These re-derive the answer from the seed texts with their own few lines of code, so a bug
in `kg.input.sources` or `kg.validation.checks` that let a bad quote through would still be
caught here.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from kg.core.namespaces import MGR, PREFIXES

from ..conftest import SEEDS, fold_ws


def select(store: ox.Store, query: str) -> list[dict]:
    result = store.query(query, prefixes=PREFIXES)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


def test_every_quote_is_in_its_source_at_its_recorded_offsets(store):
    texts: dict[str, str] = {}
    for row in select(store, """SELECT ?doc ?file ?sha WHERE {
            ?doc a mg:SourceDocument ; mg:seedFile ?file ; mg:sha256 ?sha }"""):
        raw = (SEEDS / row["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == row["sha"], row["file"]
        texts[row["doc"]] = raw.decode("utf-8")
    # Quotes from the source documents; link records quote reference sources (package
    # data, stored files), which tests/test_links.py checks against those.
    quotes = select(store, """SELECT ?node ?doc ?quote ?start ?end WHERE {
        ?node mg:quote ?quote ; dcterms:source ?doc . ?doc a mg:SourceDocument .
        OPTIONAL { ?node mg:quoteStart ?start ; mg:quoteEnd ?end } }""")
    assert len(quotes) > 2000  # the real graph, not an empty one
    wrong = []
    for q in quotes:
        text = texts.get(q["doc"])
        if text is None:
            wrong.append(f"{q['doc']}: no source text for the quote {q['quote'][:60]!r}")
            continue
        if q["start"] is None:
            wrong.append(f"no offsets recorded for {q['quote'][:60]!r}")
            continue
        found = text[int(q["start"]):int(q["end"])]
        if fold_ws(found) != fold_ws(q["quote"]):
            wrong.append(f"{q['doc']}[{q['start']}:{q['end']}] is {found[:60]!r}, "
                         f"not the quote {q['quote'][:60]!r}")
    assert not wrong, f"{len(wrong)} bad quotes, e.g.:\n" + "\n".join(wrong[:10])


def test_every_described_thing_is_typed_labelled_and_sourced(store):
    """A thing is sourced if a sourced axiom annotates a fact about it or pointing at it,
    or (for figures, which carry their evidence themselves) if it has a source and quote,
    or if a node that carries its own evidence (claim, list item, negative assertion, or
    an axiom naming whose view it is) links to it: the rule of mgsh:DescribedThing-evidenced.
    Terms the ontology defines (the category hierarchy) are vocabulary, not described
    things; tests/test_ontology.py holds them to their own rules."""
    things = select(store, f"""SELECT DISTINCT ?x
        (BOUND(?type) AS ?typed) (BOUND(?label) AS ?labelled) (BOUND(?ev) AS ?sourced)
        WHERE {{
            {{ ?x ?p ?o }} UNION {{ ?s ?p ?x FILTER(?p != owl:annotatedSource
                                                  && ?p != owl:annotatedTarget) }}
            FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{MGR}"))
            # vocabulary the ontology itself defines (e.g. categories no source names)
            FILTER NOT EXISTS {{ ?x rdfs:isDefinedBy <https://w3id.org/mgkg/ontology> }}
            # a retired IRI states nothing but its retirement (mgsh:RetiredThing)
            FILTER NOT EXISTS {{ ?x owl:deprecated true }}
            OPTIONAL {{ ?x a ?type }}
            OPTIONAL {{ ?x rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }}
            OPTIONAL {{
                {{ ?ev owl:annotatedSource|owl:annotatedTarget ?x ; dcterms:source ?d1 ;
                       mg:quote ?q1 }}
                UNION {{ ?x dcterms:source ?d2 ; mg:quote ?q2 . BIND(?x AS ?ev) }}
                UNION {{ ?ev mg:concerns|mg:item|mg:inList|owl:sourceIndividual
                             |owl:targetIndividual|mg:cause|mg:effect|mg:aimOf|mg:reasonFor
                             |mg:compares|mg:comparedWith|mg:supportsClaim|mg:accordingTo ?x ;
                         dcterms:source ?d3 ; mg:quote ?q3 }}
            }}
        }}""")
    assert len(things) > 500
    flags = {}
    for t in things:
        entry = flags.setdefault(t["x"], [False, False, False])
        for i, key in enumerate(("typed", "labelled", "sourced")):
            entry[i] = entry[i] or t[key] == "true"
    bad = {x: f for x, f in flags.items() if not all(f)}
    report = [f"{x[len(str(MGR)):]}: " + ", ".join(
        n for n, ok in zip(("type", "English label", "sourced fact"), f, strict=True) if not ok)
        + " missing" for x, f in sorted(bad.items())]
    assert not bad, f"{len(bad)} described things lack something:\n" + "\n".join(report[:20])


def test_every_source_document_has_facts_in_its_own_named_graph(store):
    rows = select(store, """SELECT ?g (COUNT(?ax) AS ?n) WHERE {
        GRAPH ?g { ?ax a owl:Axiom ; dcterms:source ?doc }
        BIND(IRI(REPLACE(STR(?doc), "/source/", "/graph/")) AS ?own)
        FILTER(?g = ?own) } GROUP BY ?g""")
    stems = {r["g"].rsplit("/", 1)[1] for r in rows if int(r["n"]) > 0}
    assert stems == {p.stem for p in SEEDS.glob("*.txt")}
