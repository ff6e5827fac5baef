"""The query page's JSON services over real HTTP against the real release: labels in one
batch, syntax errors explained, the evidence behind a row; each refuses bad input with
400 and says what to send."""

from __future__ import annotations

import json

import pytest

from kg.web.why import constants

from ..conftest import http

IOM = "https://w3id.org/mgkg/id/iom"
GCIM = "https://w3id.org/mgkg/source/001_4f7e06674fa94512"


def post(base: str, path: str, body) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = http("POST", base + path, data, {"Content-Type": "application/json"})
    return r.status, r.json()


def test_labels_in_one_batch(real_server):
    status, body = post(real_server, "/api/labels", {"iris": [
        IOM, GCIM, "http://www.w3.org/2000/01/rdf-schema#label", "https://example.org/x",
        "not an iri"]})
    assert status == 200
    labels = body["labels"]
    assert labels[IOM] == "International Organization for Migration"
    assert labels[GCIM] == "GCIM 2005"  # a source by its short name
    assert labels["http://www.w3.org/2000/01/rdf-schema#label"] == "label"
    assert "https://example.org/x" not in labels and "not an iri" not in labels


@pytest.mark.parametrize("path", ["/api/labels", "/api/explain", "/api/why"])
@pytest.mark.parametrize("body", [b"not json", {"iris": "x"}, [1, 2]])
def test_bad_input_is_refused(real_server, path, body):
    status, reply = post(real_server, path, body)
    assert status == 400 and "send JSON" in reply["error"]


def test_too_many_labels(real_server):
    status, reply = post(real_server, "/api/labels", {"iris": [IOM] * 5001})
    assert status == 400 and "at most 5000" in reply["error"]


def test_explain_over_http(real_server):
    status, e = post(real_server, "/api/explain", {"query": "SELEC * { ?s ?p ?o }",
                                                   "message": "error at 1:7"})
    assert status == 200 and "SELECT" in e["fix"] and (e["line"], e["column"]) == (1, 1)


def test_why_uses_the_row_and_the_querys_constants(real_server):
    query = ("PREFIX mg: <https://w3id.org/mgkg/ontology#>\n"
             "SELECT ?i WHERE { ?i mg:inUNSystem false }")
    status, body = post(real_server, "/api/why", {"row": {"i": {"type": "uri", "value": IOM}},
                                                  "query": query})
    assert status == 200
    fact = next(f for f in body["facts"] if f["predicate"]
                and f["predicate"]["iri"].endswith("#inUNSystem"))
    assert fact["object"]["text"] == "false" and fact["evidence"]
    ev = fact["evidence"][0]
    assert ev["source"]["name"] and ev["quote"] and ev["start"] is not None
    assert ev["quote_href"].endswith(f"#q-{ev['start']}")
    # Without the query, the row alone has no such pair.
    status, alone = post(real_server, "/api/why", {"row": {"i": {"type": "uri", "value": IOM}}})
    assert not any(f["predicate"] and f["predicate"]["iri"].endswith("#inUNSystem")
                   for f in alone["facts"])


def test_constants_of_a_query():
    terms = constants('PREFIX x: <https://e.org/>\nSELECT * { ?s x:p false , 3 , "t" ; '
                      '<https://e.org/q> mg:Thing }')
    assert [str(t) for t in terms] == [
        "<https://e.org/p>", '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>',
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"t"', "<https://e.org/q>",
        "<https://w3id.org/mgkg/ontology#Thing>"]
