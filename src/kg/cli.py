"""The `kg` command line: build, validate, check, coverage, query, serve."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .core.errors import KgError
from .core.settings import Settings


class UsageError(KgError):
    exit_code = 2


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        root=getattr(args, "root", None),
        seeds_dir=getattr(args, "seeds", None),
        dist_dir=getattr(args, "dist", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        threads=getattr(args, "threads", None),
        workers=getattr(args, "workers", None),
        query_timeout=getattr(args, "timeout", None),
        max_rows=getattr(args, "max_rows", None),
        query_memory_mb=getattr(args, "query_memory_mb", None),
        public_url=getattr(args, "public_url", None),
        **{name: getattr(args, name, None) for name, _, _ in SERVE_LIMITS},
    )


# Reliability settings of `kg serve` (kg.core.settings documents each; env MGKG_<NAME>).
SERVE_LIMITS: list[tuple[str, type, str]] = [
    ("client_queries", int, "queries of one client in the server at once (16; 0 = no limit)"),
    ("client_heavy", int, "heavy queries of one client running or queued (2)"),
    ("client_query_seconds", float, "heavy query-seconds per client per minute (30)"),
    ("light_seconds", float, "a query running longer is heavy (0.25; 0 = one lane)"),
    ("heavy_queue", int, "heavy queries waiting, all clients (4)"),
    ("max_nesting", int, "brackets a query may nest (64)"),
    ("trusted_proxy", str, "address of a proxy whose X-Forwarded-For is believed"),
    ("max_connections", int, "open connections in all (4096)"),
    ("client_connections", int, "open connections per address (64)"),
    ("header_timeout", float, "seconds for a request's headers, from its first byte (10)"),
    ("body_timeout", float, "seconds for a request's body, from its first byte (30)"),
    ("idle_timeout", float, "seconds a kept-alive connection may idle (15)"),
    ("request_timeout", float, "seconds from a request's first byte to its response "
                               "sent (120)"),
    ("page_renders", int, "pages rendered at once (1)"),
    ("page_cache_mb", int, "memory for rendered pages, MB (64)"),
    ("answer_cache_mb", int, "memory for SPARQL answers, MB (64; 0 = no cache)"),
    ("reload_interval", float, "seconds between checks of dist for a new release "
                               "(1; 0 = only on SIGHUP)"),
]


def cmd_check(args: argparse.Namespace) -> int:
    """Curator's check of single data files against the whole corpus: the full
    validation (checks and shapes), reporting only what is wrong in the given files."""
    from .input.corpus import Corpus
    from .input.sources import SourceLibrary
    from .validation.diagnostics import Report, relative
    from .validation.validate import validate_corpus

    settings = _settings(args)
    targets = [Path(f).resolve() for f in args.files]
    for target in targets:
        if not target.is_file():
            raise KgError(f"{target}: no such file")
    corpus = Corpus.load(settings, only=targets)
    wanted = {relative(t, settings.root) for t in targets}
    # Other files that are being edited may be broken; only the targets' problems count
    # (and problems of no file, such as missing source texts).
    full = validate_corpus(corpus, SourceLibrary(settings.seeds_dir), partial=True)
    report = Report([d for d in full.diagnostics if d.file in wanted or d.file is None])
    print(report.to_json() if args.format == "json" else report.to_text())
    if report.ok and args.format != "json":
        print("OK")
    return 0 if report.ok else 1


def cmd_build(args: argparse.Namespace) -> int:
    from .release.build import build

    result = build(_settings(args))
    s = result.summary
    print(f"built {result.dist}: {s['triples']} triples, {s['entities']} entities, "
          f"{sum(c['facts'] for c in s['sources'].values())} facts with evidence "
          f"from {len(s['sources'])} sources")
    warnings = [d for d in result.report.diagnostics if d.severity != "error"]
    if warnings:
        print(f"{len(warnings)} warning(s); run `kg validate` to list them")
    _print_timings(args, result.timings)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Without files: the whole project against the checks and shapes (exit 0 if valid,
    1 if not). With files: SHACL over exactly their union, against --shapes (default the
    project's); exit 0 if it conforms, 1 if not. Refused shapes or an unreadable input
    exit 2 (KgError.exit_code)."""
    if args.files:
        return _validate_files(args)
    if args.shapes or args.format == "turtle":
        raise UsageError("--shapes and --format turtle need the data files to validate, "
                         "e.g. `kg validate dist/mgkg.ttl --format turtle`")
    from .validation.validate import validate

    _, report = validate(_settings(args))
    print(report.to_json() if args.format == "json" else report.to_text())
    _print_timings(args, report.timings)
    return 0 if report.ok else 1


def _validate_files(args: argparse.Namespace) -> int:
    from .input.corpus import shapes_files
    from .validation.explain import report_turtle
    from .validation.validate import validate_files

    settings = _settings(args)
    shapes = [Path(p) for p in args.shapes] if args.shapes else shapes_files(settings)
    result = validate_files([Path(f) for f in args.files], shapes)
    if args.format == "turtle":
        print(report_turtle(result), end="")
    elif args.format == "json":
        print(result.report.to_json())
    else:
        text = result.report.to_text()
        # SHACL's verdict: any result, warnings and infos too, means "does not conform".
        print(text.rsplit(": ", 1)[0] + (": conforms" if result.outcome.conforms
                                         else ": does NOT conform"))
    _print_timings(args, result.report.timings)
    return 0 if result.outcome.conforms else 1


def _print_timings(args: argparse.Namespace, timings: dict) -> None:
    if args.timings:
        print("timings: " + ", ".join(f"{stage} {seconds}" if isinstance(seconds, int)
                                      else f"{stage} {seconds:.2f}s"
                                      for stage, seconds in timings.items()),
              file=sys.stderr)


def cmd_query(args: argparse.Namespace) -> int:
    from .store.query import execute, format_result, read_query
    from .store.store import load_store

    settings = _settings(args)
    text = read_query(args.query)
    store = load_store(settings)
    # The endpoint's evaluation, with the endpoint's base IRI (kg.store.query.run).
    out = format_result(execute(store, text, base_iri=settings.base_iri), args.format)
    print(out, end="" if out.endswith("\n") else "\n")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Sentences of each source covered by evidence, set aside, or neither. A report:
    exit 0 whatever the figures; 2 if the input (set-aside files, data) is bad."""
    from .validation.coverage import compute, report_json, to_text

    result = compute(_settings(args), only=args.source)
    if args.format == "json":
        print(report_json(result, uncovered=args.uncovered))
    else:
        print(to_text(result, uncovered=args.uncovered))
    return 0


def cmd_iris(args: argparse.Namespace) -> int:
    """The register of published IRIs (data/published-iris.txt) against data/. Exit 1 when
    a listed IRI is gone, or (without --update) when data/ describes IRIs not listed yet."""
    from .input.corpus import Corpus
    from .validation.diagnostics import relative
    from .validation.published import check_published, published_path, unlisted, update_published

    settings = _settings(args)
    corpus = Corpus.load(settings)
    if corpus.syntax_errors:
        raise KgError(str(corpus.syntax_errors[0]))
    path = published_path(corpus)
    added = update_published(corpus) if args.update else []
    new = unlisted(corpus)
    gone = list(check_published(corpus))
    for diagnostic in gone:
        print(diagnostic.format())
    for iri in added:
        print(f"added {iri}")
    for iri in new:
        print(f"not listed yet: {iri}")
    print(f"{relative(path, settings.root)}: {len(added)} added, {len(new)} not listed, "
          f"{len(gone)} published IRIs no longer described"
          + ("" if not new else " (run `kg iris --update`)"))
    return 1 if gone or new else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import run

    return run(_settings(args))


def cmd_diagram(args: argparse.Namespace) -> int:
    from .input.corpus import Corpus
    from .release.diagram import ontology_dot, render_svg

    settings = _settings(args)
    corpus = Corpus.load(settings)
    if corpus.syntax_errors:
        raise KgError(str(corpus.syntax_errors[0]))
    dot_text = ontology_dot(corpus.ontology)
    out = Path(args.out) if args.out else settings.root / "docs" / "model.svg"
    if args.dot:
        out = out.with_suffix(".dot")
        out.write_text(dot_text, encoding="utf-8")
    else:
        render_svg(dot_text, out)
    print(f"wrote {out}")
    return 0


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """--root and --seeds, accepted before the subcommand and after it (`kg serve --root
    .`). Below the top they default to SUPPRESS, so a subcommand that is not given them
    leaves what was given before it alone."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--root", type=Path, default=default,
                        help="project directory (default: found from cwd)")
    parser.add_argument("--seeds", type=Path, default=default,
                        help="folder of source texts (default ../shared/seeds; env MGKG_SEEDS_DIR)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description=__doc__)
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="check data files: syntax, vocabulary, evidence, quotes")
    p.add_argument("files", nargs="+")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", help="validate and write the release to dist/ atomically")
    p.add_argument("--dist", type=Path, help="release directory (default dist/)")
    p.add_argument("--timings", action="store_true",
                   help="print the seconds each step of the build took (to stderr)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "validate", help="without files: the project (checks, SHACL, quotes, SHA-256); "
        "with files: SHACL over their union. Exit 0 valid, 1 not, 2 shapes refused or "
        "input unreadable")
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="Turtle files to validate together (nothing else is merged in)")
    p.add_argument("--shapes", nargs="+", metavar="FILE",
                   help="shapes files (default: the project's ontology/shapes*.ttl)")
    p.add_argument("--format", choices=["text", "json", "turtle"], default="text",
                   help="turtle: the standard sh:ValidationReport (with FILE only)")
    p.add_argument("--timings", action="store_true",
                   help="print how long each stage took (on stderr)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="answer a SPARQL query (or a .rq file) from the release")
    p.add_argument("query", help="a SPARQL query, or the path of a .rq file")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--dist", type=Path, help="release directory (default dist/)")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("coverage",
                       help="per source: sentences covered by evidence, set aside, uncovered")
    p.add_argument("--source", metavar="STEM", help="only this source (seed file stem)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--uncovered", action="store_true",
                   help="also list the uncovered sentences, with their offsets")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("iris", help="the register of published IRIs (data/published-iris.txt) "
                       "against data/: listed IRIs gone, described IRIs not listed")
    p.add_argument("--update", action="store_true",
                   help="add the IRIs data/ describes that the register does not list yet")
    p.set_defaults(func=cmd_iris)

    p = sub.add_parser("diagram", help="draw the ontology as SVG (docs/model.svg)")
    p.add_argument("--out", help="output file (default docs/model.svg)")
    p.add_argument("--dot", action="store_true", help="write Graphviz DOT instead of SVG")
    p.set_defaults(func=cmd_diagram)

    p = sub.add_parser("serve", help="serve the release: SPARQL endpoint, pages, downloads")
    p.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8080)")
    p.add_argument("--threads", type=int, help="HTTP threads (default 24)")
    p.add_argument("--workers", type=int,
                   help="query worker processes (default: one per CPU, at least 2)")
    p.add_argument("--timeout", type=float, help="per-query timeout in seconds (default 10)")
    p.add_argument("--query-memory-mb", type=int, dest="query_memory_mb",
                   help="memory a query may use, in MB (default 2048; 0 = no limit)")
    p.add_argument("--max-rows", type=int, dest="max_rows", help="row cap per result")
    p.add_argument("--public-url", dest="public_url", help="external base URL of the server")
    for name, kind, text in SERVE_LIMITS:
        p.add_argument("--" + name.replace("_", "-"), type=kind, dest=name, help=text)
    p.add_argument("--dist", type=Path, help="release directory (default dist/)")
    p.set_defaults(func=cmd_serve)
    for subparser in sub.choices.values():
        _global_options(subparser, top=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    # rdflib logs a traceback for every literal it cannot convert; the ill-typed-literal
    # check reports each one at its file and line, which is what a curator can act on.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KgError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader has gone (`kg query ... | head -1`) and has what it wanted: end
        # quietly, and point stdout at /dev/null so the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
