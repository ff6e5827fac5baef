"""Putting a complete release in place in one atomic step, and cleaning up after builds
that were killed.

`dist` is a symbolic link to a complete release folder in `dist.releases/`, named by the
hash of its SHA256SUMS. Replacing the link is one rename(2): whoever opens `dist/` sees
the old release or the new one, never none and never a mix, and a build killed at any
moment leaves one of the two. A reader that resolved the link (the server does, when it
loads the store) keeps a consistent folder: the previous release is kept until the next
build after it. The only non-atomic step is the first swap over a `dist/` that is still
a plain folder (from a build before releases were linked), which is moved aside first.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

KEEP = 2  # the current release and the one before it, which a running server may hold


def releases_dir(dist: Path) -> Path:
    return dist.with_name(dist.name + ".releases")


def release_id(folder: Path) -> str:
    """A release's name: the hash of its SHA256SUMS, so the same files are the same
    release, whether read from the link or from a folder a server still holds."""
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        return "unversioned"
    return hashlib.sha256(sums.read_bytes()).hexdigest()[:16]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(name: str) -> int | None:
    """The pid a temporary name was made with (`tmp-<pid>-…`, `<dist>.link-<pid>`): the
    number right after the marker, so digits in the folder's own name are not taken."""
    match = re.search(r"(?:^tmp|\.link)-(\d+)(?:-|$)", name)
    return int(match.group(1)) if match else None


def clean_stale(dist: Path) -> list[Path]:
    """Remove what killed builds left: staging folders and temporary links whose process
    is gone, and the `.dist.tmp-*` folders of builds from before releases were linked."""
    removed = []
    root = releases_dir(dist)
    candidates = list(root.glob("tmp-*")) if root.is_dir() else []
    candidates += list(dist.parent.glob(f"{dist.name}.link-*"))
    for path in candidates:
        pid = _owner(path.name)
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue  # another build is writing it right now
        _remove(path)
        removed.append(path)
    for path in dist.parent.glob(f".{dist.name}.tmp-*"):
        _remove(path)
        removed.append(path)
    return removed


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def staging_dir(dist: Path) -> Path:
    """A new, empty folder to write a release into, beside the releases it may replace."""
    root = releases_dir(dist)
    root.mkdir(parents=True, exist_ok=True)
    clean_stale(dist)
    staging = Path(tempfile.mkdtemp(prefix=f"tmp-{os.getpid()}-", dir=root))
    staging.chmod(0o755)  # mkdtemp makes it private; a release is for everyone to read
    return staging


def publish(staging: Path, dist: Path) -> Path:
    """Make the complete release in `staging` the one `dist` points at; returns its folder."""
    root = releases_dir(dist)
    final = root / f"release-{release_id(staging)}"
    if final.is_dir():
        shutil.rmtree(staging)  # the same release again: keep the folder readers may hold
    else:
        os.replace(staging, final)
    final.touch()  # its time says when it was last published, for pruning
    if dist.exists() and not dist.is_symlink():
        os.replace(dist, root / f"legacy-{time.time_ns()}")
    link = dist.with_name(f"{dist.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(Path(root.name) / final.name, link, target_is_directory=True)
    os.replace(link, dist)
    prune(dist)
    return final


def prune(dist: Path) -> None:
    """Keep the current release and the one published before it; remove older ones."""
    root = releases_dir(dist)
    current = dist.resolve()
    done = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith("tmp-")),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    keep = {current} | {p.resolve() for p in done[:KEEP]}
    for path in done:
        if path.resolve() not in keep:
            shutil.rmtree(path, ignore_errors=True)
