"""The data set as a thing (/dataset, /.well-known/void), its VoID/DCAT page, and the
downloads of the release in dist/."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from flask import (
    Response,
    send_file,
)
from werkzeug.exceptions import NotFound

from ..endpoint.state import state
from .citation import dataset_citation
from .citeformats import to_text
from .common import (
    DCATNS,
    DCT,
    FOAFNS,
    RDF,
    RDF_FORMATS,
    SLUG_RE,
    TYPE,
    VOIDNS,
    base_iri,
    bp,
    content_type,
    html,
    iri_node,
    local_path,
    negotiate,
    not_acceptable,
    rdf_response,
    see_other,
)
from .mount import public_url
from .things import DOC_OFFERS, format_links
from .view import View, void_graph

# --------------------------------------------------------------------------- data set


def void_triples() -> list[ox.Triple]:
    """The VoID graph as served. Behind `--public-url`, the places of this deployment (its
    endpoint, its downloads) are named where it really answers, next to the published
    w3id.org ones: a copy served at http://host/mgkg/ tells clients to query
    http://host/mgkg/sparql. The data's own IRIs (things, graphs, the data set) stay."""
    triples = [q.triple for q in state().store.quads_for_pattern(None, None, None, void_graph())]
    url = public_url()
    if not url:
        return triples
    here = url.rstrip("/") + "/"
    places = tuple(base_iri() + p for p in ("sparql", "download/"))
    located = {VOIDNS + "sparqlEndpoint", VOIDNS + "dataDump", DCATNS + "endpointURL",
               DCATNS + "downloadURL", DCATNS + "accessURL",
               "http://www.w3.org/ns/sparql-service-description#endpoint"}
    extra = []
    for t in triples:
        if (t.predicate.value in located and isinstance(t.object, ox.NamedNode)
                and t.object.value.startswith(places)):
            moved = ox.NamedNode(here + t.object.value[len(base_iri()):])
            extra.append(ox.Triple(t.subject, t.predicate, moved))
    return triples + extra


@bp.get("/dataset")
@bp.get("/.well-known/void")
def dataset_thing() -> Response:
    """The data set is a thing, described by the VoID/DCAT document: 303, like /id/.
    /.well-known/void is where the VoID specification tells clients to look."""
    ext = negotiate(DOC_OFFERS)
    if ext is None:
        return not_acceptable(DOC_OFFERS)
    return see_other("/doc/dataset" + ("" if ext == "html" else "." + ext))


@bp.get("/doc/dataset")
@bp.get("/doc/dataset.<ext>")
def doc_dataset(ext: str = "html") -> Response:
    if ext != "html" and ext not in RDF_FORMATS:
        raise NotFound(f"no /doc/dataset.{ext}; try .ttl, .nt, .jsonld or .rdf")
    triples = void_triples()
    if ext != "html":
        return rdf_response(triples, ext)
    cite = dataset_citation()  # read from the same VoID record
    return html("dataset.html", ds=dataset_view(triples),
                formats=format_links(base_iri() + "dataset"),
                cite_as={"text": to_text(cite).strip(), "version_iri": cite.version_iri})


def dataset_view(triples: list[ox.Triple]) -> dict:
    """The VoID/DCAT description arranged for a page."""
    v = View(state().store)
    by_s: dict = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_s[t.subject][t.predicate.value].append(t.object)
    ds = by_s.get(iri_node(base_iri() + "dataset"), {})

    def one(props: dict, key: str, default: str = "") -> str:
        vals = props.get(key) or []
        return vals[0].value if vals else default

    def num(props: dict, key: str) -> str:
        val = one(props, key)
        return f"{int(val):,}" if val.isdigit() else val

    dumps = []
    for dist in ds.get(DCATNS + "distribution", []):
        p = by_s.get(dist, {})
        url = one(p, DCATNS + "downloadURL") or one(p, DCATNS + "accessURL")
        media = one(p, DCATNS + "mediaType").rsplit("media-types/", 1)[-1]
        size = one(p, DCATNS + "byteSize")
        dumps.append({"title": one(p, DCT + "title"), "href": local_path(url) or url,
                      "media": media, "size": f"{int(size):,} bytes" if size else ""})
    dumps.sort(key=lambda d: d["href"])
    classes = []
    for part in ds.get(VOIDNS + "classPartition", []):
        p = by_s.get(part, {})
        cls = (p.get(VOIDNS + "class") or [None])[0]
        if cls is not None:
            classes.append((v.node(cls), num(p, VOIDNS + "entities")))
    classes.sort(key=lambda r: r[0].text.casefold())
    props = []
    for part in ds.get(VOIDNS + "propertyPartition", []):
        p = by_s.get(part, {})
        prop = (p.get(VOIDNS + "property") or [None])[0]
        if prop is not None:
            props.append((v.node(prop), num(p, VOIDNS + "triples"),
                          num(p, VOIDNS + "distinctSubjects"), num(p, VOIDNS + "distinctObjects")))
    props.sort(key=lambda r: r[0].text.casefold())
    subsets, linksets = [], []
    for sub in ds.get(VOIDNS + "subset", []):
        p = by_s.get(sub, {})
        types = {o.value for o in p.get(RDF + "type", [])}
        if VOIDNS + "Linkset" in types:
            target = (p.get(VOIDNS + "objectsTarget") or [None])[0]
            tp = by_s.get(target, {}) if target is not None else {}
            linksets.append({
                "predicate": v.node((p.get(VOIDNS + "linkPredicate") or [TYPE])[0]),
                "target": one(tp, DCT + "title") or one(tp, VOIDNS + "uriSpace"),
                "space": one(tp, VOIDNS + "uriSpace"),
                "triples": num(p, VOIDNS + "triples")})
        else:
            src = (p.get(DCT + "source") or [None])[0]
            subsets.append({"iri": sub.value, "href": local_path(sub.value),
                            "title": one(p, DCT + "title"),
                            "source": v.node(src) if src is not None else None,
                            "triples": num(p, VOIDNS + "triples")})
    subsets.sort(key=lambda s: s["iri"])
    creators = []
    for c in ds.get(DCT + "creator", []):
        cp = by_s.get(c, {})
        creators.append(one(cp, FOAFNS + "name") or (c.value if isinstance(c, ox.Literal)
                                                      else c.value))
    return {
        "iri": base_iri() + "dataset",
        "title": one(ds, DCT + "title", "Migration Governance Knowledge Graph"),
        "description": one(ds, DCT + "description"),
        "license": one(ds, DCT + "license"),
        "creators": creators,
        "created": one(ds, DCT + "created"), "modified": one(ds, DCT + "modified"),
        "issued": one(ds, DCT + "issued"),
        "version": one(ds, DCATNS + "version"),
        "triples": num(ds, VOIDNS + "triples"), "entities": num(ds, VOIDNS + "entities"),
        "classes_n": num(ds, VOIDNS + "classes"), "properties_n": num(ds, VOIDNS + "properties"),
        "endpoint": one(ds, VOIDNS + "sparqlEndpoint"),
        "vocabularies": sorted(o.value for o in ds.get(VOIDNS + "vocabulary", [])),
        "sources": sorted((v.node(o) for o in ds.get(DCT + "source", [])),
                          key=lambda n: n.text),
        "dumps": dumps, "classes": classes, "properties": props, "subsets": subsets,
        "linksets": linksets, "described": bool(ds),
    }


@bp.get("/kg")
@bp.get("/kg/<version>")
def full_graph_ontology(version: str | None = None) -> Response:
    """The ontology IRI (and version IRI) of dist/mgkg.owl resolve to that file."""
    return see_other("/download/mgkg.owl")


@bp.get("/context.jsonld")
def jsonld_context() -> Response:
    """The @context every JSON-LD document of this server names
    (https://w3id.org/mgkg/context.jsonld); the same bytes as dist/context.jsonld."""
    from ..release.jsonld import context_document

    resp = Response(context_document(), content_type="application/ld+json")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


# --------------------------------------------------------------------------- downloads


def release_files() -> dict[str, str]:
    from ..release.files import release_files as files  # the one list of a release's files

    return files(state().settings.dist_dir)


@bp.get("/annotations/<stem>")
def annotations(stem: str) -> Response:
    """The evidence quoted from one source as a W3C Web Annotation collection
    (https://w3id.org/mgkg/annotations/<stem>; the file annotations-<stem>.jsonld)."""
    from ..release.files import annotations_file as file_name

    path = state().settings.dist_dir / file_name(stem)
    if not SLUG_RE.match(stem) or not path.is_file():
        return Response(f"404 Not Found: no annotations for a source {stem!r}; the "
                        f"collections are listed at /download/.\n", status=404,
                        mimetype="text/plain")
    resp = send_file(path, mimetype="application/ld+json", conditional=True, etag=True,
                     max_age=300)
    resp.headers["Content-Type"] = ('application/ld+json; '
                                    'profile="http://www.w3.org/ns/anno.jsonld"')
    return resp


@bp.get("/download/")
def downloads() -> Response:
    dist = state().settings.dist_dir
    sums = {}
    sums_file = dist / "SHA256SUMS"
    if sums_file.is_file():
        for line in sums_file.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            sums[name.strip()] = digest
    files = []
    for name, media in release_files().items():
        path = dist / name
        if path.is_file():
            files.append({"name": name, "media": media, "size": f"{path.stat().st_size:,}",
                          "sha256": sums.get(name, "")})
    return html("downloads.html", files=files)


@bp.get("/download/<name>")
def download(name: str) -> Response:
    media = release_files().get(name)
    path = state().settings.dist_dir / name
    if media is None or not path.is_file():
        known = ", ".join(release_files())
        return Response(f"404 Not Found: the release has no file {name!r}. Files: {known}.\n",
                        status=404, mimetype="text/plain")
    resp = send_file(path, mimetype=media, conditional=True, etag=True, max_age=300)
    resp.headers["Content-Type"] = content_type(media)
    resp.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return resp


