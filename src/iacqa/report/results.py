"""A results file of `iacqa batch` (one JSON report per line), read back: the latest result of each job.

A job is (task directory, response); task paths are resolved to absolute ones, so a results file written from
another working directory, through a symlink, or with `./corpus` instead of `corpus` still matches. Read by batch
(resume, aggregate, dashboard) and by `iacqa audit --results`, which sits below batch: hence here, in report/.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
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


__all__ = ["Job", "job_of", "latest_results", "read_results", "resolve"]
