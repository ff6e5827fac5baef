"""Published IRIs stay published: the register of every IRI a release has described.

Linked-data publishers link to our IRIs, so an IRI that once resolved must go on
resolving. `data/published-iris.txt` lists every described-thing IRI that has been in a
release (one per line, sorted). The check here makes a build fail when a listed IRI is
no longer described by any source file: the curator either keeps it or retires it with
`owl:deprecated true` and `dcterms:isReplacedBy` (the shape mgsh:RetiredThing checks the
retirement itself). `kg iris --update` adds the IRIs that new curation mints, so the list
only ever grows; a test keeps it current with data/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from rdflib import URIRef

from ..core.errors import KgError
from ..core.namespaces import MGR
from ..input.corpus import Corpus
from .diagnostics import ERROR, Diagnostic, relative

PUBLISHED_FILE = "published-iris.txt"
HEADER = (
    "# Every IRI a release of mgkg has described. Never remove a line: a published IRI\n"
    "# is kept or retired (owl:deprecated true + dcterms:isReplacedBy), see\n"
    "# docs/CURATION.md, 'Retiring an IRI'. Add new IRIs with `kg iris --update`.\n"
)


class PublishedListError(KgError):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def published_path(corpus: Corpus) -> Path:
    return corpus.settings.data_dir / PUBLISHED_FILE


def read_published(path: Path) -> list[tuple[int, str]]:
    """(line, IRI) for each entry; a line that is not an mgkg IRI is an error at its line,
    since a typo here would silently un-publish the IRI it was meant to keep."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not text.startswith(str(MGR)) or any(c.isspace() for c in text):
            raise PublishedListError(path, number, f"not an IRI under {MGR}: {text!r}")
        entries.append((number, text))
    return entries


def described_iris(corpus: Corpus) -> set[str]:
    """IRIs that some source file describes (as a subject). The links files are left out:
    linking an IRI out does not keep the thing it names in the graph."""
    links = set(corpus.links_paths)
    return {
        str(s)
        for path in corpus.data_paths if path not in links and path in corpus.graphs
        for s in corpus.graphs[path].subjects()
        if isinstance(s, URIRef) and str(s).startswith(str(MGR))
    }


def check_published(corpus: Corpus) -> Iterator[Diagnostic]:
    path = published_path(corpus)
    if not path.is_file() or corpus.syntax_errors:
        # With a file that does not parse, its IRIs would all look gone.
        return
    root = corpus.settings.root
    try:
        entries = read_published(path)
    except PublishedListError as exc:
        yield Diagnostic(ERROR, "published-list", exc.message, relative(path, root), exc.line)
        return
    described = described_iris(corpus)
    for number, iri in entries:
        if iri not in described:
            yield Diagnostic(
                ERROR, "published-iri-gone",
                f"<{iri}> was published and no source file describes it any more: keep it, "
                "or retire it with owl:deprecated true and dcterms:isReplacedBy <its "
                "replacement> (docs/CURATION.md, 'Retiring an IRI')",
                relative(path, root), number)


def unlisted(corpus: Corpus) -> list[str]:
    """Described IRIs the register does not list yet (new curation)."""
    path = published_path(corpus)
    listed = {iri for _, iri in read_published(path)} if path.is_file() else set()
    return sorted(described_iris(corpus) - listed)


def update_published(corpus: Corpus) -> list[str]:
    """Add the unlisted IRIs; nothing is ever removed. Written to a temporary file and
    renamed, so a kill leaves the old list whole."""
    path = published_path(corpus)
    listed = {iri for _, iri in read_published(path)} if path.is_file() else set()
    added = sorted(described_iris(corpus) - listed)
    if added or not path.is_file():
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(HEADER + "".join(f"{iri}\n" for iri in sorted(listed | set(added))),
                       encoding="utf-8")
        os.replace(tmp, path)
    return added
