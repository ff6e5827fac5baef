"""Running a small Java client of ours against Java libraries from Debian's packages
(Apache Jena, the OWL API): Maven Central is out of reach, so the jars are the ones
`apt-get` put in /usr/share/java, and the client is compiled in the test's temp folder."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

JARS = Path("/usr/share/java")


def java_runner(source: Path, jars: list[str] | None, work: Path, package: str,
                extra: list[Path] = (), requires: list[str] = ()) -> Callable[..., str]:
    """Compile `source` against the named jars of /usr/share/java (all of them when `jars`
    is None) and return a function running its main class; skip, saying which Debian
    package to install, when a jar (of `jars`, or of `requires` when all are used) or the
    JDK is missing."""
    names = jars if jars is not None else sorted(p.stem for p in JARS.glob("*.jar"))
    needed = jars if jars is not None else list(requires)
    missing = [j for j in needed if not (JARS / f"{j}.jar").is_file()]
    if missing or not shutil.which("javac"):
        pytest.skip(f"needs Debian's {package} and a JDK (.ci/run installs both); "
                    f"missing: {missing[:5] or 'javac'}")
    classpath = ":".join(str(JARS / f"{j}.jar") for j in names)
    classes = work / "classes"
    subprocess.run(["javac", "-nowarn", "-d", str(classes), "-cp", classpath, str(source)],
                   check=True, timeout=300, capture_output=True)
    full = ":".join([*(str(p) for p in extra), str(classes), classpath])

    def run(*args: str) -> str:
        done = subprocess.run(["java", "-cp", full, source.stem, *args],
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout
    return run
