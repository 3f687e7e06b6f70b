"""Which tasks a batch runs, and which of them a results file already holds (resume).

A job is (task directory, response). Paths are resolved to absolute ones before anything else, so a re-run from
another working directory, through a symlink, or with `./corpus` instead of `corpus` resumes instead of starting
over; results files written before that (relative paths) still match, through the same resolution (from the current directory, where the earlier run most likely started).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

Job = tuple[str, str]  # (absolute task path, response)


def resolve(path: str | Path, base: Path | None = None) -> str:
    """The absolute, symlink-free form of a task path (relative paths are taken from `base`, else the cwd)."""
    p = Path(path).expanduser()
    if not p.is_absolute() and base is not None:
        p = base / p
    try:
        return str(p.resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(p)


def find_tasks(paths: Iterable[str | Path], limit: int | None = None) -> list[Path]:
    """Task directories (holding metadata.json) under each path, or the paths themselves; absolute, in order,
    each once. A path that holds no task (or does not exist) gives nothing; the caller reports an empty batch."""
    out: list[Path] = []
    for raw in paths:
        p = Path(resolve(raw))
        if (p / "metadata.json").is_file():
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(Path(resolve(m.parent)) for m in p.rglob("metadata.json")
                              if not any(part.startswith(".") for part in m.relative_to(p).parts)))
    tasks = list(dict.fromkeys(out))
    return tasks[:limit] if limit else tasks


def job_of(data: dict[str, Any], base: Path | None = None) -> Job | None:
    """The job a result line belongs to, or None when the line is not a result."""
    try:
        task = data["task"]
        return resolve(task["path"], base), str(task["response"])
    except (KeyError, TypeError):
        return None


def read_results(out: Path) -> Iterator[dict[str, Any]]:
    """Every well-formed JSON object of a results file; a torn last line (a killed run) is skipped."""
    if not out.is_file():
        return
    with out.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict):
                yield data


def latest_results(out: Path) -> dict[Job, dict[str, Any]]:
    """The last result of each job in a results file (a re-run with --no-resume appends a newer one)."""
    latest: dict[Job, dict[str, Any]] = {}
    for data in read_results(out):
        job = job_of(data)
        if job is not None:
            latest[job] = data
    return latest


def done_jobs(out: Path, retry_errors: bool = False) -> set[Job]:
    """Jobs already in the results file. With `retry_errors`, those whose result is an error are not counted."""
    return {job for job, data in latest_results(out).items() if not (retry_errors and data.get("error"))}


def repair_tail(out: Path) -> None:
    """End the file with a newline, so a line torn by a kill does not glue itself to the next result."""
    if out.is_file() and out.stat().st_size:
        with out.open("rb+") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")
