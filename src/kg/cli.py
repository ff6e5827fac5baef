"""The `kg` command line: build, validate, check, query, serve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import KgError
from .settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        root=getattr(args, "root", None),
        seeds_dir=getattr(args, "seeds", None),
        dist_dir=getattr(args, "dist", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        threads=getattr(args, "threads", None),
        query_timeout=getattr(args, "timeout", None),
        max_rows=getattr(args, "max_rows", None),
        public_url=getattr(args, "public_url", None),
    )


def cmd_check(args: argparse.Namespace) -> int:
    """Curator's check of single data files against the whole corpus."""
    from .checks import run_checks
    from .corpus import Corpus
    from .diagnostics import Report, relative
    from .sources import SourceLibrary

    settings = _settings(args)
    targets = [Path(f).resolve() for f in args.files]
    for target in targets:
        if not target.is_file():
            raise KgError(f"{target}: no such file")
    corpus = Corpus.load(settings, only=targets)
    wanted = {relative(t, settings.root) for t in targets}
    # Other files that are being edited may be broken; only the targets' problems count.
    report = Report([d for d in run_checks(corpus, SourceLibrary(settings.seeds_dir))
                     if d.file in wanted])
    print(report.to_text() if not report.diagnostics else report.to_text())
    if report.ok:
        print("OK")
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description=__doc__)
    parser.add_argument("--root", type=Path, help="project directory (default: found from cwd)")
    parser.add_argument("--seeds", type=Path,
                        help="folder of source texts (default ../shared/seeds; env MGKG_SEEDS_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="check data files: syntax, vocabulary, evidence, quotes")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KgError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
