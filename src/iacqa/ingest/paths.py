"""Where a file named by a response may be written: inside the project root, never anywhere else.

A label is untrusted text. `safe_relpath` rejects what could leave the root once joined (`..` anywhere, absolute
and drive paths, backslash separators hiding `..`, NUL); `write_inside` resolves the destination, checks it is
inside the root, creates parents without following symlinks and opens the file with O_NOFOLLOW, so a symlink
planted on the way is an error, not a redirect.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePathError(ValueError):
    """The label would place the file outside the project."""


class PathClashError(ValueError):
    """The path is needed as a file and as a directory."""


def safe_relpath(label: str) -> str:
    """The label as a clean project-relative POSIX path; raises UnsafePathError when it could leave the root."""
    if "\x00" in label:
        raise UnsafePathError("the path contains a NUL byte")
    unified = label.replace("\\", "/")
    if unified.startswith("/") or unified.startswith("~") or _DRIVE.match(unified):
        raise UnsafePathError("absolute path")
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise UnsafePathError("the path contains '..'")
    if not parts:
        raise UnsafePathError("empty path")
    if "\\" in label:
        raise UnsafePathError("backslash in the path (a Windows separator)")
    return "/".join(parts)


def inside(root: Path, rel: str) -> Path:
    """root/rel after resolution; raises UnsafePathError when that is not inside root."""
    real_root = Path(os.path.realpath(root))
    dest = Path(os.path.realpath(real_root / safe_relpath(rel)))
    if dest != real_root and not dest.is_relative_to(real_root):
        raise UnsafePathError("the path resolves outside the project (through a symlink)")
    return dest


def write_inside(root: Path, rel: str, text: str) -> Path:
    """Write text to root/rel; UnsafePathError or PathClashError instead of writing anywhere else."""
    real_root = Path(os.path.realpath(root))
    clean = safe_relpath(rel)
    parts = clean.split("/")
    d = real_root
    for part in parts[:-1]:
        d = d / part
        if d.is_symlink():
            raise UnsafePathError(f"{d.relative_to(real_root)} is a symlink")
        if d.exists() and not d.is_dir():
            raise PathClashError(f"{d.relative_to(real_root).as_posix()} is a file, and {clean} needs it as a "
                                 "directory")
        if not d.exists():
            d.mkdir()
    dest = d / parts[-1]
    if dest.is_dir() and not dest.is_symlink():
        raise PathClashError(f"{clean} is a directory (another file of the response lives under it)")
    inside(real_root, clean)
    try:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:  # ELOOP: a symlink at the destination
        raise UnsafePathError(f"{clean}: {exc.strerror}") from exc
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    return dest


def symlinks(root: Path, skip: set[str] = frozenset()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    """(project-relative link, its target) for every symlink under root, not descending into linked dirs."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [n for n in dirnames if n not in skip]
        for name in [*dirnames, *filenames]:
            p = Path(dirpath) / name
            if p.is_symlink():
                out.append((p.relative_to(root).as_posix(), os.readlink(p)))
    return sorted(out)
