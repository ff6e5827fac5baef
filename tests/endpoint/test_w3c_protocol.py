"""The W3C SPARQL 1.1 Protocol test suite, run from the copy of its manifest shipped in
tests/fixtures/w3c-protocol/ (origin, licence and dataset mapping in its README), against
a real `kg serve`, at `/sparql/` as the manifest writes it and at `/sparql`.

Requests are sent with http.client, byte for byte as the manifest gives them (its
headers only, its body in its declared encoding), so a missing Content-Type stays missing.
"""

from __future__ import annotations

import dataclasses
import http.client
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.query import Result

from ..conftest import FIXTURES, serving

W3C = FIXTURES / "w3c-protocol"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
READ_ONLY = "this endpoint is read-only"


@dataclasses.dataclass
class Request:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 3, 4
    format: str | None
    boolean: bool | None


@dataclasses.dataclass
class Case:
    name: str
    requests: list[Request]

    @property
    def updates_data(self) -> bool:
        """An update the manifest expects to succeed: not applicable to a query-only
        service, which must refuse it instead."""
        return any(_is_update(r) and 2 in r.statuses for r in self.requests)


def _is_update(r: Request) -> bool:
    types = " ".join(v for k, v in r.headers if k.lower() == "content-type")
    return ("sparql-update" in types or (r.body or b"").startswith(b"update=")
            or "update=" in r.path)


def load_manifest(path: Path = W3C / "manifest.ttl") -> tuple[list[Case], dict[str, Path]]:
    g = rdflib.Graph().parse(path, format="turtle", publicID=BASE)
    cases, graphs = [], {}
    for test in Collection(g, g.value(rdflib.URIRef(BASE), MF.entries)):
        for data in g.objects(test, UT.graphData):
            graphs[str(g.value(data, rdflib.RDFS.label))] = W3C / Path(
                str(g.value(data, UT.graph))).name
        requests = []
        for req in Collection(g, g.value(g.value(test, MF.action), HT.requests)):
            resp = g.value(req, HT.resp)
            body = g.value(req, HT.body)
            raw = None
            if body is not None:
                encoding = str(g.value(body, CNT.characterEncoding) or "UTF-8")
                raw = str(g.value(body, CNT.chars)).encode(encoding)
            headers = []
            if g.value(req, HT.headers) is not None:
                headers = [(str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue)))
                           for h in Collection(g, g.value(req, HT.headers))]
            statuses = {int(str(s).rsplit("StatusCode", 1)[1][0])
                        for s in g.objects(resp, MF.expectedStatus)}
            expected_bool = g.value(resp, MF.expectedBoolean)
            requests.append(Request(
                str(g.value(req, HT.methodName)), str(g.value(req, HT.absolutePath)),
                headers, raw, statuses,
                str(g.value(resp, MF.expectedFormat) or "") or None,
                None if expected_bool is None else bool(expected_bool.toPython())))
        cases.append(Case(str(test).rsplit("#", 1)[1], requests))
    return cases, graphs


CASES, GRAPHS = load_manifest()


@pytest.fixture(scope="module")
def w3c_server(mini_settings, tmp_path_factory):
    """The small release plus the manifest's data as named graphs (README: the mapping)."""
    dist = tmp_path_factory.mktemp("w3c") / "dist"
    shutil.copytree(mini_settings.dist_dir, dist)
    with (dist / "mgkg.trig").open("a", encoding="utf-8") as out:
        for iri, nt in sorted(GRAPHS.items()):
            out.write(f"\n<{iri}> {{\n{nt.read_text(encoding='utf-8')}}}\n")
    with serving(dataclasses.replace(mini_settings, dist_dir=dist)) as server:
        yield server


def send(base: str, r: Request, endpoint: str) -> tuple[int, str, bytes]:
    host, port = base.removeprefix("http://").split(":")
    path = endpoint + r.path.removeprefix("/sparql/")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest(r.method, path, skip_accept_encoding=True)
        for name, value in r.headers:
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(r.body or b"")))
        conn.endheaders(r.body)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type") or "", resp.read()
    finally:
        conn.close()


def read_boolean(content_type: str, body: bytes) -> bool:
    media = content_type.split(";")[0].strip()
    if media == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    if media == "application/sparql-results+xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        return ET.fromstring(body).find(f"{ns}boolean").text == "true"
    raise AssertionError(f"an ASK answered as {media}, which the manifest does not allow")


TABULAR = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
           "text/csv": "csv", "text/tab-separated-values": "tsv"}
RDF = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


def check(r: Request, status: int, content_type: str, body: bytes) -> None:
    assert status // 100 in r.statuses, (status, body[:300])
    media = content_type.split(";")[0].strip()
    if r.format == "boolean":
        value = read_boolean(content_type, body)
        if r.boolean is not None:
            assert value is r.boolean
    elif r.format == "tabular":
        assert media in TABULAR, media
        Result.parse(io.BytesIO(body), format=TABULAR[media])
    elif r.format == "RDF":
        assert media in RDF, media
        rdflib.Graph().parse(data=body, format=RDF[media])


def test_the_copy_is_the_whole_manifest():
    assert len(CASES) == 34
    assert sorted(GRAPHS) == [f"http://kasei.us/2009/09/sparql/data/data{i}.rdf"
                              for i in (1, 2, 3)]
    assert sum(c.updates_data for c in CASES) == 7  # the README names them


@pytest.mark.parametrize("endpoint", ["/sparql/", "/sparql"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol(w3c_server, case: Case, endpoint: str):
    if case.updates_data:
        for r in case.requests:
            if _is_update(r):
                status, _, body = send(w3c_server.base, r, endpoint)
                assert status == 400 and READ_ONLY in body.decode(), (status, body)
        return
    for r in case.requests:
        check(r, *send(w3c_server.base, r, endpoint))
