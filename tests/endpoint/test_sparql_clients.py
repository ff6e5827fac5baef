"""Real SPARQL clients against a real `kg serve`: SPARQLWrapper (every return format it
knows) and rdflib's SPARQLStore, which is how Python programs will use the endpoint."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from ..conftest import serving

IOM = "https://w3id.org/mgkg/id/iom"
LABEL = "International Organization for Migration"
SELECT = f"SELECT ?label WHERE {{ <{IOM}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"


@pytest.fixture(scope="module")
def endpoint(mini_settings):
    with serving(mini_settings) as s:
        yield s.base + "/sparql"


def wrapper(endpoint: str, query: str, fmt, method=None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(POST)
        if method == POSTDIRECTLY:
            client.setRequestMethod(POSTDIRECTLY)
    return client


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json_each_method(endpoint, method):
    doc = wrapper(endpoint, SELECT, JSON, method).queryAndConvert()
    assert [b["label"]["value"] for b in doc["results"]["bindings"]] == [LABEL]


def test_sparqlwrapper_select_xml_csv_tsv(endpoint):
    dom = wrapper(endpoint, SELECT, XML).queryAndConvert()
    assert [n.firstChild.data for n in dom.getElementsByTagName("literal")] == [LABEL]
    as_csv = wrapper(endpoint, SELECT, CSV).queryAndConvert()
    assert as_csv.decode().splitlines() == ["label", LABEL]
    as_tsv = wrapper(endpoint, SELECT, TSV).queryAndConvert()
    assert as_tsv.decode().splitlines() == ["?label", f'"{LABEL}"@en']


def test_sparqlwrapper_ask(endpoint):
    assert wrapper(endpoint, f"ASK {{ <{IOM}> ?p ?o }}", JSON).queryAndConvert()["boolean"] is True
    dom = wrapper(endpoint, "ASK { <http://example.org/none> ?p ?o }", XML).queryAndConvert()
    assert dom.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("fmt", [XML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_construct_and_describe(endpoint, fmt):
    for query in (f"CONSTRUCT WHERE {{ <{IOM}> ?p ?o }}", f"DESCRIBE <{IOM}>"):
        graph = wrapper(endpoint, query, fmt).queryAndConvert()
        if not isinstance(graph, rdflib.Graph):  # TURTLE/N3/JSONLD come back as bytes
            graph = rdflib.Graph().parse(data=graph, format="json-ld" if fmt == JSONLD
                                         else "turtle")
        assert (rdflib.URIRef(IOM), rdflib.RDFS.label, rdflib.Literal(LABEL, lang="en")) in graph


def test_sparqlwrapper_sees_a_syntax_error(endpoint):
    with pytest.raises(QueryBadFormed) as info:
        wrapper(endpoint, "SELECT ?x WHERE { ?x }", JSON).queryAndConvert()
    assert "SPARQL syntax error" in str(info.value)


def test_rdflib_sparqlstore(endpoint):
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    rows = list(graph.query(SELECT))
    assert [str(r[0]) for r in rows] == [LABEL]
    assert graph.query(f"ASK {{ <{IOM}> ?p ?o }}").askAnswer is True
    described = graph.query(f"CONSTRUCT WHERE {{ <{IOM}> ?p ?o }}").graph
    assert (rdflib.URIRef(IOM), rdflib.RDFS.label, rdflib.Literal(LABEL, lang="en")) in described
    # triple patterns go through the store's own generated queries
    labels = list(graph.objects(rdflib.URIRef(IOM), rdflib.RDFS.label))
    assert labels == [rdflib.Literal(LABEL, lang="en")]
    assert len(graph) > 1000


def test_rdflib_sparqlstore_json_and_post(endpoint):
    store = SPARQLStore(endpoint, returnFormat="json", method="POST")
    rows = list(rdflib.Graph(store=store).query(SELECT))
    assert [str(r[0]) for r in rows] == [LABEL]


def test_rdflib_sparqlstore_is_refused_updates(endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    store = SPARQLUpdateStore(endpoint, endpoint)
    with pytest.raises(Exception) as info:  # the store raises urllib's HTTPError
        store.update("INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }")
    assert "400" in str(info.value)
    graph = rdflib.Graph(store=SPARQLStore(endpoint))
    assert graph.query("ASK { <http://example.org/a> ?p ?o }").askAnswer is False
