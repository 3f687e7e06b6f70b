"""Which tasks a batch runs, and which of them a results file already holds (resume).

A job is (task directory, response). Paths are resolved to absolute ones before anything else, so a re-run from
another working directory, through a symlink, or with `./corpus` instead of `corpus` resumes instead of starting
over; results files written before that (relative paths) still match, through the same resolution (from the current directory, where the earlier run most likely started).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

# A results file is read below batch too (`iacqa audit --results`): its reader lives in report/results.py and is
# re-exported here for batch's modules.
from iacqa.report.results import Job, job_of, latest_results, read_results, resolve


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


__all__ = ["Job", "done_jobs", "find_tasks", "job_of", "latest_results", "read_results", "repair_tail", "resolve"]
