"""Evidence as W3C Web Annotations: one collection per source, in dist/ and at a stable
URL, read with pyld against the real W3C context (a copy in tests/fixtures/web-annotation/),
each annotation anchored in the source text by both of its selectors."""

from __future__ import annotations

import hashlib
import json

import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.namespace import DCTERMS

from kg.core.namespaces import MG, MGS

from ..conftest import FIXTURES, SEEDS, http, serving

ANNO = "http://www.w3.org/ns/anno.jsonld"
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"


def loader(url, options=None):
    assert url == ANNO, url  # nothing else is fetched
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads((FIXTURES / "web-annotation" / "anno.jsonld").read_text())}


@pytest.fixture(scope="module")
def collections(real_settings) -> dict[str, dict]:
    dist = real_settings.dist_dir
    return {p.name[len("annotations-"):-len(".jsonld")]: json.loads(p.read_text())
            for p in sorted(dist.glob("annotations-*.jsonld"))}


def test_one_collection_per_source_with_evidence(real_settings, collections):
    g = Graph().parse(real_settings.dist_dir / "mgkg.nt", format="nt")
    cited = {str(s)[len(str(MGS)):] for s in g.objects(None, DCTERMS.source)
             if str(s).startswith(str(MGS))}
    assert set(collections) == cited and cited
    sums = (real_settings.dist_dir / "SHA256SUMS").read_text()
    for stem in collections:
        assert f"  annotations-{stem}.jsonld\n" in sums
    # every located quote of the graph is an annotation of its source
    for stem, coll in collections.items():
        src = MGS[stem]
        located = {(int(g.value(n, MG.quoteStart)), int(g.value(n, MG.quoteEnd)))
                   for n in g.subjects(DCTERMS.source, src) if g.value(n, MG.quoteStart)}
        got = {(sel["start"], sel["end"]) for a in coll["first"]["items"]
               for sel in a["target"]["selector"] if sel["type"] == "TextPositionSelector"}
        assert got == located and coll["total"] == len(located)


def test_every_annotation_anchors_in_its_source_text(collections):
    checked = 0
    for stem, coll in collections.items():
        raw = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
        digest = hashlib.sha256((SEEDS / f"{stem}.txt").read_bytes()).hexdigest()
        for a in coll["first"]["items"]:
            target = a["target"]
            assert target["source"]["id"] == str(MGS[stem])
            assert target["source"]["mg:sha256"] == digest
            quote, = (s for s in target["selector"] if s["type"] == "TextQuoteSelector")
            pos, = (s for s in target["selector"] if s["type"] == "TextPositionSelector")
            assert raw[pos["start"]:pos["end"]] == quote["exact"]
            assert raw[:pos["start"]].endswith(quote["prefix"])
            assert raw[pos["end"]:].startswith(quote["suffix"])
            # prefix + exact + suffix pick out this place in the text (what a tool searches)
            assert (quote["prefix"] + quote["exact"] + quote["suffix"]) in raw
            assert a["body"] and all(b.startswith("https://w3id.org/mgkg/") for b in a["body"])
            checked += 1
    assert checked > 100


def test_pyld_reads_the_collections_as_web_annotations(collections):
    stem, coll = next(iter(collections.items()))
    expanded = jsonld.expand(coll, {"documentLoader": loader})
    node = expanded[0]
    assert node["@type"] == [AS + "OrderedCollection"]
    first = node[AS + "first"][0]
    items = first[AS + "items"][0]["@list"]
    assert len(items) == coll["total"]
    ann = items[0]
    assert ann["@type"] == [OA + "Annotation"]
    assert ann[OA + "motivatedBy"] == [{"@id": OA + "linking"}]
    target = ann[OA + "hasTarget"][0]
    kinds = {s["@type"][0] for s in target[OA + "hasSelector"]}
    assert kinds == {OA + "TextQuoteSelector", OA + "TextPositionSelector"}
    pos = next(s for s in target[OA + "hasSelector"] if OA + "start" in s)
    assert pos[OA + "start"][0]["@type"].endswith("#nonNegativeInteger")
    assert target[OA + "hasSource"][0]["@id"] == str(MGS[stem])
    assert target[OA + "hasSource"][0][str(MG) + "sha256"]


def test_served_at_a_stable_url(mini_settings):
    with serving(mini_settings) as server:
        stem = "001_4f7e06674fa94512"
        r = http("GET", server.base + f"/annotations/{stem}")
        assert r.status == 200 and r.type == "application/ld+json"
        assert r.body == (mini_settings.dist_dir / f"annotations-{stem}.jsonld").read_bytes()
        assert r.json()["id"] == f"https://w3id.org/mgkg/annotations/{stem}"
        assert http("GET", server.base + "/annotations/nope").status == 404
        assert http("GET", server.base + f"/download/annotations-{stem}.jsonld").body == r.body
