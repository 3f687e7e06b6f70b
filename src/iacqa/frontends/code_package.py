"""Read the code a Lambda package would hold (a directory or a zip) into a CodeArtifact, for every front end."""

from __future__ import annotations

import zipfile
from pathlib import Path

from iacqa.model import CodeArtifact, Location

CODE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".json", ".txt", ".rb", ".go", ".java")


def read_dir(art: CodeArtifact, path: Path, root: Path, *, prefix: str = "",
             suffixes: tuple[str, ...] = CODE_SUFFIXES, skip: frozenset[str] | set[str] = frozenset({"__pycache__"})
             ) -> None:
    """Every code file under `path` as package file `prefix + relative path`, its origin the project file."""
    art.kind = "directory"
    for f in sorted(path.rglob("*")):
        if f.is_file() and f.suffix in suffixes and not (set(f.relative_to(path).parts) & skip):
            key = prefix + f.relative_to(path).as_posix()
            art.files[key] = f.read_text(errors="replace")
            art.origin[key] = Location(f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f), 1)


def read_zip(art: CodeArtifact, path: Path, suffixes: tuple[str, ...] = CODE_SUFFIXES) -> None:
    """The code files of a zip; a zip that cannot be read is a missing package."""
    art.kind = "zip"
    try:
        with zipfile.ZipFile(path) as zf:
            for n in zf.namelist():
                if n.endswith(suffixes):
                    art.files[n] = zf.read(n).decode(errors="replace")
    except (zipfile.BadZipFile, OSError):
        art.kind = "missing"
