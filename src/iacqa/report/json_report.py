"""The JSON report: the public contract (docs/report.schema.json). Change only by extending."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from iacqa import __version__
from iacqa.model import TaskResult

SCHEMA_VERSION = "1.0"


def _blocker_id(f: Any) -> str:
    where = f"{f.file}:{f.line}" if f.file else "<project>"
    return f"{f.rule}@{where}"


def to_json(result: TaskResult) -> dict[str, Any]:
    findings = sorted(result.findings, key=lambda f: (-f.severity.rank, f.file or "", f.line or 0, f.rule))
    blockers = result.blockers
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "iacqa", "version": __version__},
        "task": asdict(result.task),
        "stages": [asdict(s) for s in result.stages],
        "verdict": {
            "deployable": result.deployable,
            "blockers": [_blocker_id(f) for f in blockers],
            "blocker_fingerprints": [f.fingerprint for f in blockers],
        },
        "summary": {
            "total": len(result.active_findings),
            "by_severity": result.count_by_severity(),
            "by_category": result.count_by_category(),
            "suppressed": sum(1 for f in result.findings if f.suppressed),
        },
        "graph": result.graph,
        "flows": result.flows,
        "findings": [_finding(f) for f in findings],
        "error": result.error,
    }


def _finding(f: Any) -> dict[str, Any]:
    d = f.to_dict()
    extra = d.pop("extra", None) or {}
    if extra:
        d["extra"] = extra
    return d


def dumps(result: TaskResult) -> str:
    return json.dumps(to_json(result), indent=2, default=str)
