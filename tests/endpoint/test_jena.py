"""Apache Jena (ARQ and RIOT) as a Java user's client: it reads every kind of answer the
endpoint gives (ASK as JSON, XML, CSV and TSV; SELECT; CONSTRUCT) and parses the release's
files. Jena comes from Debian (libapache-jena-java 4.5, which .ci/run installs; Maven
Central is out of reach), the client is tests/fixtures/jena/JenaClient.java, compiled here.

Debian's jena-core relocates Jena's bundled Xerces classes to `xerces.impl…` but leaves
their message bundles at `org/apache/jena/ext/xerces/…`, so Jena fails on its first XSD
datatype ("internal error"). `_shim()` copies the bundles to where the classes look for
them, from the installed jar itself; nothing of Jena is committed here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ..conftest import FIXTURES, serving
from ..javatools import JARS, java_runner

CLASSPATH = ["jena-arq", "jena-base", "jena-core", "jena-iri", "jena-dboe-base", "commons-cli",
             "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
             "dexx.collection", "gson", "guava", "httpclient", "httpcore",
             "jackson-annotations", "jackson-core", "jackson-databind", "jakarta.json-api",
             "jsonld-java", "protobuf", "slf4j-api", "slf4j-nop", "thrift", "titanium-json-ld"]
ASK = "ASK { ?s ?p ?o }"
IOM = "https://w3id.org/mgkg/id/iom"
SELECT = ("SELECT ?label WHERE { <https://w3id.org/mgkg/id/iom> "
          "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")


def _shim(dest: Path) -> None:
    bundled = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(bundled) and name.endswith(".properties"):
                target = dest / ("xerces/" + name[len(bundled):])
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))


@pytest.fixture(scope="module")
def jena(tmp_path_factory):
    work = tmp_path_factory.mktemp("jena")
    if (JARS / "jena-core.jar").is_file():
        _shim(work / "shim")
    return java_runner(FIXTURES / "jena" / "JenaClient.java", CLASSPATH, work,
                       "libapache-jena-java", extra=[work / "shim"])


@pytest.fixture(scope="module")
def endpoint(mini_settings):
    with serving(mini_settings) as s:
        yield s.base + "/sparql"


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml", "text/csv"])
def test_jena_reads_an_ask_answer(jena, endpoint, accept):
    assert jena("ask", endpoint, accept, ASK).strip() == "ask=true"
    assert jena("ask", endpoint, accept, "ASK { <urn:x:none> ?p ?o }").strip() == "ask=false"


def test_jena_reads_an_ask_answer_as_tsv(jena, endpoint):
    # Jena 4.5's HTTP client hands TSV to its row-set reader even for ASK (so it cannot
    # read a TSV ASK from Fuseki either); its own TSV boolean parser is what reads ours.
    assert jena("ask-tsv", endpoint, ASK).strip() == "ask=true"
    assert jena("ask-tsv", endpoint, "ASK { <urn:x:none> ?p ?o }").strip() == "ask=false"


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_jena_reads_a_select_answer(jena, endpoint, accept):
    out = jena("select", endpoint, accept, SELECT).splitlines()
    assert out[0] == "rows=1 vars=label"
    assert out[1].startswith("row=International Organization for Migration")


def test_the_jena_example_of_endpoint_md_and_why_it_declares_its_prefixes(jena, endpoint):
    """docs/ENDPOINT.md: ARQ parses a query before sending it, so PREFIX lines are
    required with Jena, although the endpoint itself predeclares them."""
    declared = "\n".join([
        "PREFIX mg:   <https://w3id.org/mgkg/ontology#>",
        "PREFIX mgr:  <https://w3id.org/mgkg/id/>",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
        "SELECT ?label WHERE { mgr:iom rdfs:label ?label }"])
    assert declared in (FIXTURES.parents[1] / "docs" / "ENDPOINT.md").read_text(
        encoding="utf-8").replace('",\n    "', "\n")
    out = jena("select", endpoint, "application/sparql-results+json", declared).splitlines()
    assert out[:2] == ["rows=1 vars=label", "row=International Organization for Migration@en"]
    with pytest.raises(AssertionError, match="Unresolved prefixed name: mgr:iom"):
        jena("select", endpoint, "application/sparql-results+json", declared.split("\n")[-1])


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples",
                                    "application/rdf+xml"])
def test_jena_reads_a_construct_answer(jena, endpoint, accept):
    query = f"CONSTRUCT {{ <{IOM}> ?p ?o }} WHERE {{ <{IOM}> ?p ?o }}"
    out = jena("construct", endpoint, accept, query)
    assert int(out.strip().split("=")[1]) > 3


def test_jena_parses_the_release(jena, mini_settings):
    """RIOT reads every RDF file of the release, to the same number of triples; the TriG
    file holds the named graphs (a triple stated by two sources is in both)."""
    dist = mini_settings.dist_dir
    counts = {name: int(jena("parse", str(dist / name)).strip().split("=")[1])
              for name in ("mgkg.ttl", "mgkg.nt", "mgkg.owl", "mgkg.trig")}
    assert counts["mgkg.ttl"] == counts["mgkg.nt"] > 0
    assert counts["mgkg.trig"] >= counts["mgkg.nt"]
    assert counts["mgkg.owl"] >= counts["mgkg.nt"]   # the OWL file adds its declarations
