"""What runs in a batch worker (a local pool process or a Ray actor): preload the SDKs once, then analyze one
job at a time and return its JSON report. Never raises: an unusable task or a crash of iacqa becomes a result
line with `error`, so one bad task never stops a batch."""

from __future__ import annotations

import json
import os
import socket
import time
import traceback
from typing import Any


def preload() -> None:
    """Import the heavy SDKs and iacqa's own modules once per worker, before any task forks a child from it."""
    try:
        from iacqa.frontends.pulumi_py import harness

        harness.preload()
    except Exception:  # noqa: BLE001 - a missing extra shows up per task as an unavailable stage
        pass
    try:
        import iacqa.pipeline  # noqa: F401 - the rule registry and front ends are imported here once
        import iacqa.report.json_report  # noqa: F401
        import iacqa.report.markdown  # noqa: F401
    except Exception:  # noqa: BLE001 - reported per task by run_one
        pass


def error_result(task: str, response: str, error: str, **extra: Any) -> dict[str, Any]:
    """The result line of a job that produced no report."""
    data: dict[str, Any] = {"task": {"path": task, "response": response}, "findings": [], "error": error}
    data.update(extra)
    return data


def _analyze(task: str, response: str, options: Any, stages: tuple[str, ...] | None) -> Any:
    from iacqa.pipeline import analyze

    if stages is None:
        return analyze(task, response=response, options=options)
    return analyze(task, response=response, stages=stages, options=options)


MARKDOWN_KEY = "_markdown"  # the job's markdown report, carried to the parent (which writes it) and removed there


def run_one(task: str, response: str, options: Any = None, stages: tuple[str, ...] | None = None,
            markdown: bool = False) -> dict[str, Any]:
    """Analyze one job: its JSON report plus `batch_seconds`; with `markdown`, the MODEL_FAILURES-style report
    under MARKDOWN_KEY (rendered here, where the TaskResult is, and written by the parent, which may be another
    machine)."""
    from iacqa.ingest.task import InputError
    from iacqa.report import json_report

    t0 = time.monotonic()
    md = None
    try:
        result = _analyze(task, response, options, stages)
        data = json_report.to_json(result)
        data["task"]["path"] = task  # the batch's own (absolute) path, whatever the pipeline recorded
        if markdown:
            md = _markdown(result)
    except InputError as exc:
        data = error_result(task, response, str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad task never stops a batch
        data = error_result(task, response, f"internal error: {type(exc).__name__}: {exc}",
                            traceback=traceback.format_exc(limit=5))
    seconds = round(time.monotonic() - t0, 3)
    data["batch_seconds"] = seconds
    data["batch"] = {"worker": f"{socket.gethostname()}:{os.getpid()}", "seconds": seconds}
    if md is not None:
        data[MARKDOWN_KEY] = md
    # Plain JSON values only: what goes back to the parent (a pipe, or Ray across machines) must pickle, and
    # str subclasses made by parsers (cfn-lint's node strings, defined inside a function) do not.
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def _markdown(result: Any) -> str | None:
    from iacqa.report import markdown

    try:
        return markdown.to_markdown(result)
    except Exception:  # noqa: BLE001 - a report that cannot be rendered never loses the JSON result
        return None
