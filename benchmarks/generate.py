"""Synthetic mgkg projects of a given size, for benchmarks, deterministic by seed.

    python benchmarks/generate.py OUT --triples 100k [--seed 1] [--root .] [--seeds DIR]

Writes OUT/ontology (the real ontology and shapes, copied), OUT/data/<stem>.ttl (one file
per synthetic source) and OUT/seeds/<stem>.txt (the synthetic source texts), so that the
real pipeline runs on it unchanged:

    kg --root OUT --seeds OUT/seeds build --dist OUT/dist

Why copies of the real files rather than random triples: every real data file is valid
on its own (with the ontology), so a renamed copy of one is valid too, and has exactly the
real data's classes, properties, evidence axioms, figure nodes and join selectivity; a
random generator would have to re-implement every shape, and drift as the shapes change.
Each synthetic source is one real data file under a copy number k: every IRI the data
describes (`mgr:iom`) becomes `mgr:iom-c000k`, its labels get " (copy k)" so no two IRIs
share a name, and its source becomes a new stem named like the real ones (`NNN_<16 hex>`).
Copy 0 keeps the real IRIs, so competency queries that name one (`mgr:iom`) find it at
every size. IRIs the ontology itself declares (the punned migrant categories) are shared
by all copies, as in the real data.

The seed texts are synthetic, not copies of the real sources: each holds, in an order
fixed by the seed, every quote its data file cites, between filler lines, and the file's
source record carries that text's SHA-256; so the build's quote and hash checks run for
real and pass. The seed fixes the stems, the order in which files are drawn and the texts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.core.namespaces import MG, MGR, MGS, PREFIXES
from kg.core.settings import Settings
from kg.input.corpus import Corpus
from kg.release.canon import canonical_labels

SENTINEL = "\ue000"  # marks where a label's copy suffix goes; never escaped by n3()
_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
LABELS = (RDFS.label, SKOS.altLabel)
# The format slots of a template line.
ENTITY, STEM, LABEL, SHA = "{0}", "{1}", "{2}", "{3}"


def parse_size(text: str) -> int:
    """'10k' -> 10000, '1M' -> 1000000, '2500' -> 2500."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise ValueError(f"not a size: {text!r} (say 10k, 100k, 1M or a number)")
    factor = {"": 1, "k": 1000, "m": 1000000}[m.group(2).lower()]
    return int(float(m.group(1)) * factor)


def size_label(n: int) -> str:
    if n >= 1000000 and n % 1000000 == 0:
        return f"{n // 1000000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


@dataclass
class FileTemplate:
    """One real source file as format strings: `line.format(entity_suffix, stem,
    label_suffix, sha256)` gives the triple of a copy."""

    stem: str
    relpath: Path  # where it sits under data/
    lines: list[str]
    quotes: list[str]
    triples: int  # in the file
    quote_nodes: int  # nodes with a mg:quote: the build adds two offset triples to each
    described: set = field(default_factory=set)  # the mgr: IRIs it gives a type

    @property
    def built_triples(self) -> int:
        return self.triples + 2 * self.quote_nodes


@dataclass
class Overlay:
    """A data file that is not a source (links out, identifiers from reference tables):
    it adds to things the source files describe, so it is not valid alone."""

    relpath: Path
    triples: list
    bnodes: dict


@dataclass
class Templates:
    files: list[FileTemplate]
    ontology_triples: int
    overlays: list[Overlay] = field(default_factory=list)
    shared: set = field(default_factory=set)  # IRIs the ontology mentions: never renamed


def _qname(iri: str) -> str | None:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return None


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def load_templates(settings: Settings) -> Templates:
    """Parse the real project once (with the project's own parser) into templates."""
    corpus = Corpus.load(settings)
    if corpus.syntax_errors:
        raise SystemExit(f"the real data does not parse: {corpus.syntax_errors[0]}")
    shared = {t for triple in corpus.ontology for t in triple if isinstance(t, URIRef)}
    files, overlays = [], []
    for path in corpus.data_paths:
        graph = corpus.graphs[path]
        stem = path.stem
        source = MGS[stem]
        triples = list(graph)
        bnodes = canonical_labels(triples)
        relpath = path.relative_to(settings.data_dir)
        if (source, RDF.type, MG.SourceDocument) not in graph:
            overlays.append(Overlay(relpath, triples, bnodes))
            continue
        renamed = {t for triple in triples for t in triple if isinstance(t, URIRef)
                   and str(t).startswith(str(MGR)) and t not in shared}
        # Labels of renamed things get the copy suffix; so does the target of any axiom
        # that annotates such a label, so the axiom still annotates the asserted triple.
        suffixed = {(s, p, o) for s, p, o in triples if p in LABELS and s in renamed}
        axiom_targets = set()
        for ax in {s for s, p, o in triples if p == OWL.annotatedSource}:
            key = (graph.value(ax, OWL.annotatedSource), graph.value(ax, OWL.annotatedProperty),
                   graph.value(ax, OWL.annotatedTarget))
            if key in suffixed:
                axiom_targets.add(ax)

        def term(t, role: str, s=None, p=None, o=None, renamed=renamed, source=source,
                 bnodes=bnodes, stem=stem, axiom_targets=axiom_targets, suffixed=suffixed):
            if isinstance(t, BNode):
                return f"_:{bnodes[t]}"
            if isinstance(t, URIRef):
                iri = str(t)
                if t in renamed:
                    return f"<{_braces(iri)}{ENTITY}>"
                if t == source:
                    return f"<{_braces(str(MGS))}{STEM}>"
                return _braces(_qname(iri) or f"<{iri}>")
            assert isinstance(t, Literal)
            if role == "o" and p == MG.sha256 and s == source:
                return f'"{SHA}"'
            if role == "o" and p == MG.seedFile and s == source and str(t) == f"{stem}.txt":
                return f'"{STEM}.txt"'
            if role == "o" and ((s, p, o) in suffixed
                                or (p == OWL.annotatedTarget and s in axiom_targets)):
                marked = Literal(str(t) + SENTINEL, lang=t.language, datatype=t.datatype)
                return _braces(marked.n3()).replace(SENTINEL, LABEL)
            return _braces(t.n3())

        lines = sorted(
            f"{term(s, 's')} {term(p, 'p')} {term(o, 'o', s, p, o)} ." for s, p, o in triples)
        quotes = sorted({str(q) for q in graph.objects(None, MG.quote)})
        quote_nodes = len(set(graph.subjects(MG.quote, None)))
        described = {s for s in graph.subjects(RDF.type, None) if s in renamed}
        files.append(FileTemplate(stem, relpath, lines, quotes, len(triples), quote_nodes,
                                  described))
    if not files:
        raise SystemExit(f"no source data files (with a mg:SourceDocument) in {settings.data_dir}")
    return Templates(files, len(corpus.ontology), overlays, shared)


def overlay_lines(overlay: Overlay, allowed: set) -> list[str]:
    """The overlay's statements about things in `allowed` (and the IRIs no copy renames),
    with the evidence axioms of exactly those facts and whatever blank nodes they use."""
    def ok(t) -> bool:
        return not (isinstance(t, URIRef) and str(t).startswith(str(MGR))) or t in allowed

    by_subject: dict = {}
    for s, p, o in overlay.triples:
        by_subject.setdefault(s, []).append((s, p, o))
    facts = {(s, p, o) for s, p, o in overlay.triples
             if not isinstance(s, BNode) and ok(s) and ok(o)}
    kept = set(facts)
    for ax, triples in by_subject.items():
        if not isinstance(ax, BNode):
            continue
        values = {p: o for _, p, o in triples}
        if OWL.annotatedSource in values:
            key = (values[OWL.annotatedSource], values.get(OWL.annotatedProperty),
                   values.get(OWL.annotatedTarget))
            if key in facts:
                kept.update(triples)
    frontier = [o for _, _, o in kept if isinstance(o, BNode)]
    while frontier:
        node = frontier.pop()
        for triple in by_subject.get(node, []):
            if triple not in kept:
                kept.add(triple)
                if isinstance(triple[2], BNode):
                    frontier.append(triple[2])

    def n3(t) -> str:
        if isinstance(t, BNode):
            return f"_:{overlay.bnodes[t]}"
        if isinstance(t, URIRef):
            return _qname(str(t)) or f"<{t}>"
        return t.n3()

    return sorted(f"{n3(s)} {n3(p)} {n3(o)} ." for s, p, o in kept)


def plan(templates: Templates, target: int, seed: int, tolerance: float = 0.05
         ) -> list[tuple[int, int]]:
    """(copy number, file index) pairs whose built graph has about `target` triples.

    Rounds of the real files in a seeded order; files are added until the target is
    reached, skipping any that would overshoot it by more than the tolerance; when none
    fits, the one that brings the total nearest the target is taken if that is nearer."""
    rng = random.Random(seed)
    files = templates.files
    total = templates.ontology_triples
    chosen: list[tuple[int, int]] = []
    copy = 0
    while total < target:
        order = list(range(len(files)))
        rng.shuffle(order)
        added = False
        for i in order:
            if total >= target:
                break
            if total + files[i].built_triples <= target * (1 + tolerance):
                chosen.append((copy, i))
                total += files[i].built_triples
                added = True
        if not added:
            # nothing fits: take the file that brings the total nearest the target, if
            # that is nearer than stopping here (or if there is no data at all yet)
            i = min(range(len(files)),
                    key=lambda j: abs(total + files[j].built_triples - target))
            if not chosen or abs(total + files[i].built_triples - target) < target - total:
                chosen.append((copy, i))
            break
        copy += 1
    return chosen


def synthetic_stem(n: int, copy: int, real_stem: str, seed: int) -> str:
    if copy == 0:
        return real_stem
    digest = hashlib.sha256(f"mgkg-bench:{seed}:{copy}:{real_stem}".encode()).hexdigest()
    return f"{n:03d}_{digest[:16]}"


def seed_text(stem: str, quotes: list[str], seed: int) -> str:
    """A source text that contains every quote (in a seeded order) and nothing real."""
    rng = random.Random(f"{seed}:{stem}")
    order = list(quotes)
    rng.shuffle(order)
    parts = [f"Synthetic source text {stem}, written by benchmarks/generate.py (seed {seed}). "
             "It holds the quotes that its data file cites, between filler lines."]
    for i, quote in enumerate(order):
        parts.append(quote)
        parts.append(f"[Filler line {i} of {stem}; {rng.randrange(10 ** 6):06d}.]")
    return "\n\n".join(parts) + "\n"


@dataclass
class Generated:
    root: Path
    seeds: Path
    files: int
    estimated_triples: int
    copies: int


def generate(out: Path, target: int, seed: int = 1, settings: Settings | None = None,
             templates: Templates | None = None) -> Generated:
    """Write a synthetic project of about `target` built triples into out/ (replaced)."""
    settings = settings or Settings.from_env()
    templates = templates or load_templates(settings)
    chosen = plan(templates, target, seed)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    (out / "seeds").mkdir()
    shutil.copytree(settings.ontology_dir, out / "ontology")
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    manifest = []
    estimate = templates.ontology_triples
    for n, (copy, i) in enumerate(chosen):
        tpl = templates.files[i]
        stem = synthetic_stem(n, copy, tpl.stem, seed)
        text = seed_text(stem, tpl.quotes, seed)
        (out / "seeds" / f"{stem}.txt").write_text(text, encoding="utf-8")
        target_file = out / "data" / tpl.relpath.parent / f"{stem}.ttl"
        target_file.parent.mkdir(parents=True, exist_ok=True)
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        entity = f"-c{copy:04d}" if copy else ""
        label = f" (copy {copy})" if copy else ""
        body = "\n".join(line.format(entity, stem, label, sha) for line in tpl.lines)
        target_file.write_text(
            f"# Synthetic copy {copy} of data/{tpl.stem}.ttl (benchmarks/generate.py, "
            f"seed {seed}).\n{header}\n{body}\n", encoding="utf-8")
        estimate += tpl.built_triples
        manifest.append({"stem": stem, "copy_of": tpl.stem, "copy": copy,
                         "triples": tpl.triples})
    # Files that are not sources join copy 0 only, about the things copy 0 describes: they
    # carry identifiers (ISO codes, Wikidata items) that must stay unique to one IRI.
    allowed = set(templates.shared).union(
        *(templates.files[i].described for c, i in chosen if c == 0))
    for overlay in templates.overlays:
        lines = overlay_lines(overlay, allowed)
        if not lines:
            continue
        target_file = out / "data" / overlay.relpath
        target_file.parent.mkdir(parents=True, exist_ok=True)
        target_file.write_text(
            f"# Part of data/{overlay.relpath} about what copy 0 describes "
            f"(benchmarks/generate.py).\n{header}\n" + "\n".join(lines) + "\n",
            encoding="utf-8")
        estimate += len(lines)  # no offsets: a reference source is not a seed text
        manifest.append({"stem": overlay.relpath.stem, "overlay": True, "copy": 0,
                         "triples": len(lines)})
    copies = 1 + max((c for c, _ in chosen), default=0)
    (out / "generator.json").write_text(json.dumps({
        "target_triples": target, "seed": seed, "estimated_built_triples": estimate,
        "copies": copies, "files": manifest}, indent=2) + "\n", encoding="utf-8")
    return Generated(out, out / "seeds", len(chosen), estimate, copies)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--triples", default="10k", help="target size: 10k, 100k, 1M ...")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--root", type=Path, help="the real project (default: found from cwd)")
    ap.add_argument("--seeds", type=Path, help="the real seed texts (only to locate them)")
    args = ap.parse_args()
    settings = Settings.from_env(root=args.root, seeds_dir=args.seeds)
    g = generate(args.out, parse_size(args.triples), args.seed, settings)
    print(f"wrote {g.root}: {g.files} data files ({g.copies} copies), about "
          f"{g.estimated_triples} triples once built; build it with\n"
          f"  kg --root {g.root} --seeds {g.seeds} build --dist {g.root / 'dist'}")


if __name__ == "__main__":
    main()
