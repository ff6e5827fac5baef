"""Findings of validation, in a form both a curator (text) and a program (JSON) can use."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ERROR, WARNING, INFO = "error", "warning", "info"
_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    code: str  # short stable identifier, e.g. "quote-not-found", "shacl"
    message: str
    file: str | None = None
    line: int | None = None
    focus: str | None = None  # IRI of the entity concerned
    label: str | None = None
    path: str | None = None  # the property concerned

    def where(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "<graph>"

    def format(self) -> str:
        subject = ""
        if self.focus:
            subject = f" {self.label!r} <{self.focus}>" if self.label else f" <{self.focus}>"
        prop = f" [{self.path}]" if self.path else ""
        return f"{self.where()}: {self.severity}: {self.code}:{subject}{prop} {self.message}"


@dataclass
class Report:
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        c = Counter(d.severity for d in self.diagnostics)
        return {s: c.get(s, 0) for s in (ERROR, WARNING, INFO)}

    def sorted(self) -> list[Diagnostic]:
        return sorted(
            set(self.diagnostics),
            key=lambda d: (_ORDER.get(d.severity, 9), d.file or "", d.line or 0, d.code, d.message),
        )

    def to_text(self) -> str:
        lines = [d.format() for d in self.sorted()]
        c = self.counts()
        lines.append(
            f"{c[ERROR]} error(s), {c[WARNING]} warning(s), {c[INFO]} info; "
            + ("valid" if self.ok else "NOT valid")
        )
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {
                "valid": self.ok,
                "counts": self.counts(),
                "diagnostics": [asdict(d) for d in self.sorted()],
            },
            indent=2,
            ensure_ascii=False,
        )


def relative(path: Path | str | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)
