"""VoID + DCAT description of a release (dist/void.ttl, served at /dataset).

One description serves two audiences: VoID is what linked-data crawlers and SPARQL
clients read (size, partitions, endpoint, dumps, linksets), DCAT is what data catalogues
harvest (distributions with media types, licence, publisher). Both describe the same
node, https://w3id.org/mgkg/dataset, so nothing is said twice in different words.

Everything here is computed from the release itself and from the ontology header (dates,
creators, licence), never from the clock, so two builds of the same sources give the same
void.ttl byte for byte and the release stays reproducible.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from ..core.namespaces import BASE, DCAT, MG, MGG, MGR, MGS, ONTOLOGY_IRI, PREFIXES, VOID, bind_all
from ..core.namespaces import FORMATS as FORMATS_NS
from ..core.namespaces import SD as SD_NS
from ..input.corpus import LINKS_GRAPH

DATASET = URIRef(BASE + "dataset")
ENDPOINT = URIRef(BASE + "sparql")
ENDPOINT_SERVICE = URIRef(BASE + "sparql#service")
DOWNLOAD = BASE + "download/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
SD = str(SD_NS)
FORMATS = str(FORMATS_NS)
IANA = "https://www.iana.org/assignments/media-types/"

# The dumps a release carries: file name -> (media type, W3C format IRI or None, title).
DUMPS: dict[str, tuple[str, str | None, str]] = {
    "mgkg.nt": ("application/n-triples", FORMATS + "N-Triples",
                "Whole graph as N-Triples (sorted, byte-identical across builds)"),
    "mgkg.ttl": ("text/turtle", FORMATS + "Turtle", "Whole graph as Turtle"),
    "mgkg.trig": ("application/trig", FORMATS + "TriG",
                  "Whole graph as TriG, one named graph per source document"),
    "mgkg.jsonld": ("application/ld+json", FORMATS + "JSON-LD", "Whole graph as JSON-LD"),
    "mgkg.owl": ("application/rdf+xml", FORMATS + "RDF_XML",
                 "Whole graph as RDF/XML, for Protégé"),
    "ontology.ttl": ("text/turtle", FORMATS + "Turtle", "The ontology alone, as Turtle"),
    "ontology.owl": ("application/rdf+xml", FORMATS + "RDF_XML",
                     "The ontology alone, as RDF/XML"),
}
# Which of the dumps are the whole data set (void:dataDump); the ontology files are not.
WHOLE_DUMPS = ("mgkg.nt", "mgkg.ttl", "mgkg.trig", "mgkg.jsonld", "mgkg.owl")

# Namespaces of data sets we link out to, with a title a person recognises. A link to a
# namespace not listed here still gets a linkset; its target is named by its namespace.
KNOWN_TARGETS: dict[str, str] = {
    "http://www.wikidata.org/entity/": "Wikidata",
    "https://www.wikidata.org/entity/": "Wikidata",
    "http://dbpedia.org/resource/": "DBpedia",
    "https://dbpedia.org/resource/": "DBpedia",
    "http://sws.geonames.org/": "GeoNames",
    "https://sws.geonames.org/": "GeoNames",
    "http://viaf.org/viaf/": "VIAF",
    "https://viaf.org/viaf/": "VIAF",
    "http://publications.europa.eu/resource/authority/country/": "EU country authority table",
    "http://id.loc.gov/authorities/names/": "Library of Congress Name Authority File",
    "https://www.ilo.org/": "ILO",
}
# Three kinds of link out, each counted as its own void:Linkset per predicate and target:
# * links of described things (mgr:, mgs:) to things of other data sets (Wikidata ...);
# * identifier codes of described things in an outside code list (ISO 3166-1);
# * alignments of the ontology's terms (mg:) to the terms of other vocabularies.
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
CODE_PREDICATES: dict[URIRef, tuple[str, str]] = {
    MG.isoAlpha2Code: ("iso-3166-1-alpha-2", "ISO 3166-1 alpha-2 country codes"),
    MG.isoAlpha3Code: ("iso-3166-1-alpha-3", "ISO 3166-1 alpha-3 country codes"),
}
ISO_3166_HOME = URIRef("https://www.iso.org/iso-3166-country-codes.html")
ALIGNMENT_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass,
                        OWL.equivalentProperty, SKOS.exactMatch, SKOS.closeMatch,
                        SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
VOCABULARIES: dict[str, str] = {
    "https://schema.org/": "schema.org",
    "http://schema.org/": "schema.org",
    "http://www.w3.org/ns/org#": "W3C Organization Ontology (ORG)",
    "http://www.w3.org/ns/prov#": "PROV-O",
    "http://www.w3.org/2004/02/skos/core#": "SKOS",
    "http://data.europa.eu/eli/ontology#": "European Legislation Identifier (ELI) ontology",
    "http://xmlns.com/foaf/0.1/": "FOAF",
    "http://purl.org/dc/terms/": "DCMI Metadata Terms",
}
# The RDF, RDFS, OWL and XSD namespaces are the languages the ontology is written in; a
# subclass of owl:Thing is no alignment.
_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))


@dataclass
class LinkGroup:
    """The links of one kind, one predicate and one target: one void:Linkset."""

    kind: str  # "links" (things), "codes" (identifier codes) or "alignments" (terms)
    predicate: URIRef
    space: str  # the target's namespace, or the code list's key
    title: str
    triples: int = 0
    subjects: set = field(default_factory=set)

    @property
    def node(self) -> URIRef:
        if self.kind == "links":  # the IRIs published before the other kinds existed
            return URIRef(f"{DATASET}#linkset-{_key(self.predicate)}-{_slug(self.space)}")
        return URIRef(f"{DATASET}#{self.kind}-{_key(self.predicate)}-{_slug(self.space)}")

    @property
    def target(self) -> URIRef:
        return URIRef(f"{DATASET}#target-{_slug(self.space)}")


def link_groups(whole: Graph) -> dict[str, LinkGroup]:
    """Every link out of the graph, grouped as the VoID linksets describe them.

    Keyed `kind:predicate:target` (e.g. `links:owl-sameAs:wikidata`), so the build report
    can list the counts and a test can recount them from the dumps."""
    groups: dict[str, LinkGroup] = {}

    def add(kind: str, pred: URIRef, space: str, title: str, s) -> None:
        key = f"{kind}:{_key(pred)}:{_slug(title)}"
        group = groups.setdefault(key, LinkGroup(kind, pred, space, title))
        group.triples += 1
        group.subjects.add(s)

    for pred, (space, title) in CODE_PREDICATES.items():
        for s, o in whole.subject_objects(pred):
            if isinstance(s, URIRef) and str(s).startswith(BASE) and isinstance(o, Literal):
                add("codes", pred, space, title, s)
    for pred in set(LINK_PREDICATES) | set(ALIGNMENT_PREDICATES):
        for s, o in whole.subject_objects(pred):
            if not (isinstance(s, URIRef) and isinstance(o, URIRef)):
                continue
            if not str(s).startswith(BASE) or str(o).startswith(BASE):
                continue
            if str(s).startswith(str(MG)):
                if pred in ALIGNMENT_PREDICATES and not str(o).startswith(_BUILTIN):
                    space = _vocabulary(str(o))
                    add("alignments", pred, space, VOCABULARIES.get(space, space), s)
            elif pred in LINK_PREDICATES:
                space = _target_space(str(o))
                add("links", pred, space, KNOWN_TARGETS.get(space, space), s)
    return groups


def _vocabulary(iri: str) -> str:
    for space in sorted(VOCABULARIES, key=len, reverse=True):
        if iri.startswith(space):
            return space
    return _namespace(iri)


def describe(summary: dict, whole: Graph | None = None, dist: Path | None = None) -> Graph:
    """The VoID/DCAT graph for a release.

    `whole` (ontology + data) gives the partitions, vocabularies, linksets and dates;
    `dist` (the staging folder, with the dumps already written) gives each dump's size.
    Both are optional so the description degrades to the summary's counts, never fails.
    """
    graph = Graph()
    bind_all(graph)
    graph.bind("sd", SD)
    d = DATASET
    add = graph.add
    add((d, RDF.type, VOID.Dataset))
    add((d, RDF.type, DCAT.Dataset))
    add((d, DCTERMS.title, Literal("Migration Governance Knowledge Graph", lang="en")))
    add((d, DCTERMS.description, Literal(
        "An open, source-grounded knowledge graph of how the world governs international "
        "migration: institutions, instruments, categories of migrants, governance functions, "
        "figures and what five policy documents propose. Every fact carries its evidence: "
        "the source document and a verbatim quote, as an OWL axiom annotation.", lang="en")))
    add((d, DCTERMS.license, LICENSE))
    add((d, DCTERMS.rights, Literal("Ontology and data: CC BY 4.0.", lang="en")))
    add((d, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/en")))
    add((d, DCTERMS.identifier, Literal(str(d))))
    add((d, DCAT.landingPage, URIRef(BASE)))
    add((d, FOAF.homepage, URIRef(BASE)))
    add((d, VOID.uriSpace, Literal(str(MGR))))
    add((d, VOID.uriRegexPattern, Literal("^" + BASE.replace(".", r"\.") + "(id|source)/")))
    add((d, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    for word in ("migration", "migration governance", "international organizations",
                 "refugees", "labour migration", "knowledge graph"):
        add((d, DCAT.keyword, Literal(word, lang="en")))
    version = str(summary.get("version") or "")
    if version:
        add((d, OWL.versionInfo, Literal(version)))
        add((d, DCAT.version, Literal(version)))
    for fmt in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "SPARQL_Results_JSON",
                "SPARQL_Results_CSV"):
        add((d, VOID.feature, URIRef(FORMATS + fmt)))

    _counts(graph, summary)
    _endpoint(graph)
    _dumps(graph, dist)
    if whole is not None:
        _header(graph, whole)
        _vocabularies(graph, whole)
        _partitions(graph, whole)
        _linksets(graph, whole)
        _example(graph, whole)
    _subsets(graph, summary, whole)
    return graph


def _counts(graph: Graph, summary: dict) -> None:
    d = DATASET
    graph.add((d, VOID.triples, Literal(int(summary["triples"]), datatype=XSD.integer)))
    if "entities" in summary:
        graph.add((d, VOID.entities, Literal(int(summary["entities"]), datatype=XSD.integer)))


def _endpoint(graph: Graph) -> None:
    """The endpoint both as VoID's plain link and as a DCAT data service."""
    graph.add((DATASET, VOID.sparqlEndpoint, ENDPOINT))
    s = ENDPOINT_SERVICE
    graph.add((DATASET, DCAT.distribution, URIRef(BASE + "sparql#distribution")))
    dist = URIRef(BASE + "sparql#distribution")
    graph.add((dist, RDF.type, DCAT.Distribution))
    graph.add((dist, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    graph.add((dist, DCAT.accessURL, ENDPOINT))
    graph.add((dist, DCAT.accessService, s))
    graph.add((dist, DCTERMS.license, LICENSE))
    graph.add((s, RDF.type, DCAT.DataService))
    graph.add((s, RDF.type, URIRef(SD + "Service")))
    graph.add((s, DCTERMS.title, Literal("mgkg SPARQL endpoint", lang="en")))
    graph.add((s, DCAT.endpointURL, ENDPOINT))
    graph.add((s, URIRef(SD + "endpoint"), ENDPOINT))
    graph.add((s, DCAT.servesDataset, DATASET))
    graph.add((s, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((s, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")))
    graph.add((s, URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")))
    graph.add((s, DCTERMS.license, LICENSE))


def _dumps(graph: Graph, dist: Path | None) -> None:
    for name, (media, fmt, title) in DUMPS.items():
        url = URIRef(DOWNLOAD + name)
        node = URIRef(DOWNLOAD + name + "#distribution")
        if name in WHOLE_DUMPS:
            graph.add((DATASET, VOID.dataDump, url))
        graph.add((DATASET, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        graph.add((node, DCTERMS.title, Literal(title, lang="en")))
        graph.add((node, DCAT.downloadURL, url))
        graph.add((node, DCAT.accessURL, url))
        graph.add((node, DCAT.mediaType, URIRef(IANA + media)))
        if fmt:
            graph.add((node, DCTERMS.format, URIRef(fmt)))
        graph.add((node, DCTERMS.license, LICENSE))
        if dist is not None and (dist / name).is_file():
            size = (dist / name).stat().st_size
            graph.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))


def _header(graph: Graph, whole: Graph) -> None:
    """Dates, creators and publisher come from the ontology header: one place to edit."""
    onto = URIRef(ONTOLOGY_IRI)
    d = DATASET
    for prop in (DCTERMS.created, DCTERMS.modified):
        for value in whole.objects(onto, prop):
            graph.add((d, prop, value))
    issued = list(whole.objects(onto, DCTERMS.issued)) or list(whole.objects(onto,
                                                                            DCTERMS.created))
    for value in issued:
        graph.add((d, DCTERMS.issued, value))
    creators = list(whole.objects(onto, DCTERMS.creator)) or [Literal("mgkg developers")]
    for creator in creators:
        if isinstance(creator, Literal):
            agent = URIRef(BASE + "dataset#creator-" + _slug(str(creator)))
            graph.add((agent, RDF.type, FOAF.Agent))
            graph.add((agent, FOAF.name, creator))
            creator = agent
        else:  # a resource in the ontology header, named there by rdfs:label
            graph.add((creator, RDF.type, FOAF.Agent))
            for name in whole.objects(creator, RDFS.label):
                graph.add((creator, FOAF.name, Literal(str(name))))
        graph.add((d, DCTERMS.creator, creator))
        graph.add((d, DCTERMS.publisher, creator))
    for version_iri in whole.objects(onto, OWL.versionIRI):
        graph.add((d, DCTERMS.conformsTo, version_iri))


def _slug(text: str) -> str:
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def _vocabularies(graph: Graph, whole: Graph) -> None:
    """Every namespace whose terms the data uses as predicates or classes."""
    used: set[str] = set()
    for p in set(whole.predicates(unique=True)):
        used.add(_namespace(str(p)))
    for o in set(whole.objects(None, RDF.type)):
        if isinstance(o, URIRef) and not str(o).startswith(str(MGR)):
            used.add(_namespace(str(o)))
    for ns in sorted(used):
        if ns == str(MG):
            ns = ONTOLOGY_IRI
        graph.add((DATASET, VOID.vocabulary, URIRef(ns)))
    graph.add((DATASET, VOID.properties,
               Literal(len(set(whole.predicates(unique=True))), datatype=XSD.integer)))
    graph.add((DATASET, VOID.classes,
               Literal(len({o for o in whole.objects(None, RDF.type)}), datatype=XSD.integer)))
    graph.add((DATASET, VOID.distinctSubjects,
               Literal(len(set(whole.subjects(unique=True))), datatype=XSD.integer)))
    graph.add((DATASET, VOID.distinctObjects,
               Literal(len(set(whole.objects(unique=True))), datatype=XSD.integer)))


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _partitions(graph: Graph, whole: Graph) -> None:
    """One class partition per class (entities = distinct instances) and one property
    partition per predicate (triples, distinct subjects and objects). Partition nodes get
    stable IRIs under the data set so the description is the same on every build."""
    members: dict[URIRef, set] = defaultdict(set)
    for s, o in whole.subject_objects(RDF.type):
        if isinstance(o, URIRef):
            members[o].add(s)
    for cls in sorted(members):
        node = URIRef(f"{DATASET}#class-{_key(cls)}")
        graph.add((DATASET, VOID.classPartition, node))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, VOID["class"], cls))
        graph.add((node, VOID.entities, Literal(len(members[cls]), datatype=XSD.integer)))
    triples: Counter = Counter()
    subjects: dict[URIRef, set] = defaultdict(set)
    objects: dict[URIRef, set] = defaultdict(set)
    for s, p, o in whole:
        triples[p] += 1
        subjects[p].add(s)
        objects[p].add(o)
    for prop in sorted(triples):
        node = URIRef(f"{DATASET}#property-{_key(prop)}")
        graph.add((DATASET, VOID.propertyPartition, node))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, VOID.property, prop))
        graph.add((node, VOID.triples, Literal(triples[prop], datatype=XSD.integer)))
        graph.add((node, VOID.distinctSubjects,
                   Literal(len(subjects[prop]), datatype=XSD.integer)))
        graph.add((node, VOID.distinctObjects, Literal(len(objects[prop]), datatype=XSD.integer)))


def _key(iri: URIRef) -> str:
    """A readable, collision-free fragment for a term: its prefixed name."""
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and text != ns:
            return f"{prefix}-{text[len(ns):]}"
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in text)


def _linksets(graph: Graph, whole: Graph) -> None:
    """One void:Linkset per kind of link, predicate and target (as VoID asks: a linkset
    has one link predicate), each a subset of the data set, with the number of links and
    of things linked; the target is described by its namespace and a title."""
    for key, group in sorted(link_groups(whole).items()):
        target = group.target
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, DCTERMS.title, Literal(group.title)))
        if group.kind == "codes":
            graph.add((target, FOAF.homepage, ISO_3166_HOME))
        else:
            graph.add((target, VOID.uriSpace, Literal(group.space)))
        linkset = group.node
        graph.add((DATASET, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, DCTERMS.identifier, Literal(key)))
        graph.add((linkset, DCTERMS.title, Literal(_linkset_title(group), lang="en")))
        graph.add((linkset, VOID.subjectsTarget, DATASET))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((linkset, VOID.linkPredicate, group.predicate))
        graph.add((linkset, VOID.triples, Literal(group.triples, datatype=XSD.integer)))
        graph.add((linkset, VOID.distinctSubjects,
                   Literal(len(group.subjects), datatype=XSD.integer)))


def _linkset_title(group: LinkGroup) -> str:
    if group.kind == "codes":
        return f"{group.title} of states"
    if group.kind == "alignments":
        return f"Alignments of the ontology to {group.title} ({_key(group.predicate)})"
    return f"Links to {group.title} ({_key(group.predicate)})"


def _target_space(iri: str) -> str:
    for space in sorted(KNOWN_TARGETS, key=len, reverse=True):
        if iri.startswith(space):
            return space
    return _namespace(iri)


def _example(graph: Graph, whole: Graph) -> None:
    for slug in ("iom", "unhcr", "refugee-convention-1951"):
        node = MGR[slug]
        if (node, RDFS.label, None) in whole:
            graph.add((DATASET, VOID.exampleResource, node))


def _subsets(graph: Graph, summary: dict, whole: Graph | None) -> None:
    """Each named graph is a subset: the facts one source document gives (or the
    ontology). Its IRI is the graph name, so a client can go from here to GRAPH <...>."""
    per_graph = summary.get("triples_per_graph") or {}
    for name, n in sorted(per_graph.items()):
        node = URIRef(name)
        graph.add((DATASET, VOID.subset, node))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, VOID.triples, Literal(int(n), datatype=XSD.integer)))
        stem = name[len(str(MGG)):] if name.startswith(str(MGG)) else None
        if stem == "ontology":
            graph.add((node, DCTERMS.title, Literal("The mgkg ontology", lang="en")))
            graph.add((node, DCTERMS.source, URIRef(ONTOLOGY_IRI)))
        elif stem == LINKS_GRAPH:
            # Not a source's facts: the links out (data/links/*.ttl), each with the record
            # of how it was verified; the linksets above count them by kind.
            graph.add((node, DCTERMS.title, Literal(
                "Links out: Wikidata items and ISO 3166-1 codes, with how each was verified",
                lang="en")))
        elif stem:
            source = MGS[stem]
            graph.add((node, DCTERMS.source, source))
            graph.add((DATASET, DCTERMS.source, source))
            title = whole.value(source, DCTERMS.title) if whole is not None else None
            graph.add((node, DCTERMS.title, Literal(
                f"Facts taken from {title or stem}", lang="en")))
    for src in sorted(summary.get("sources") or {}):
        graph.add((DATASET, DCTERMS.source, URIRef(src)))


__all__ = ["describe", "link_groups", "LinkGroup", "DATASET", "DUMPS"]
