"""The JSON report: the public contract, described by docs/report.schema.json.

Change it only by extending (new optional keys); a rename or removal bumps `schema_version`'s major number.
`to_json` returns plain JSON values only (dict, list, str, int, float, bool, None), so any JSON writer can take it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from enum import Enum
from pathlib import PurePath
from typing import Any

from iacqa import __version__
from iacqa.model import Finding, TaskResult

SCHEMA_VERSION = "1.0"

# The keys of one finding, in the order they are written (docs/report.schema.json lists the same).
FINDING_KEYS = (
    "rule", "category", "severity", "title", "message", "file", "line", "md_line", "resource_type", "resource",
    "attribute", "symbol", "error", "fix", "docs", "snippet", "stage", "revealed_by", "suppressed", "fingerprint",
)


def sort_key(f: Finding) -> tuple:
    """Worst first, then by place; findings without a file (project-wide) come last within a severity."""
    return (-f.severity.rank, f.file is None, f.file or "", f.line or 0, f.rule, f.message)


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=sort_key)


def label(f: Finding) -> str:
    """A readable id for one finding: `LIM001@lib/tap_stack.py:120`."""
    where = (f"{f.file}:{f.line}" if f.line else f.file) if f.file else "<project>"
    return f"{f.rule}@{where}"


def finding_to_json(f: Finding) -> dict[str, Any]:
    d = f.to_dict()
    out = {k: d.get(k) for k in FINDING_KEYS}
    out["blocking"] = f.blocking
    if (f.extra or {}).get("evidence"):  # the authority behind the finding (knowledge/evidence.py)
        out["evidence"] = str(f.extra["evidence"])
    extra = jsonable({k: v for k, v in (d.get("extra") or {}).items() if k != "evidence"})
    if extra:
        out["extra"] = extra
    return out


def to_json(result: TaskResult) -> dict[str, Any]:
    blockers = sorted_findings(result.blockers)
    counts = result.count_by_severity()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "iacqa", "version": __version__},
        "task": jsonable(asdict(result.task)),
        "stages": [
            {"name": s.name, "status": s.status, "seconds": round(float(s.seconds or 0.0), 3), "detail": s.detail or "",
             **({"log_tail": s.log_tail} if getattr(s, "log_tail", "") else {})}
            for s in result.stages
        ],
        "verdict": {
            "deployable": result.deployable,
            "blockers": [f.fingerprint for f in blockers],
            "blocker_labels": [label(f) for f in blockers],
        },
        "summary": {
            "total": len(result.active_findings),
            "by_severity": counts,
            "by_category": result.count_by_category(),
            "blocking": len(blockers),
            "suppressed": sum(1 for f in result.findings if f.suppressed),
        },
        "profile": jsonable(result.profile or {}),
        "graph": jsonable(result.graph or {}),
        "flows": jsonable(result.flows or []),
        "findings": [finding_to_json(f) for f in sorted_findings(result.findings)],
        "error": result.error,
        "isolation": getattr(result, "isolation", "") or "process",
        "requirements": jsonable(getattr(result, "requirements", None) or []),
        "requirements_coverage": jsonable(getattr(result, "requirements_coverage", None) or {}),
    }


def dumps(result: TaskResult, indent: int | None = 2) -> str:
    return json.dumps(to_json(result), indent=indent, ensure_ascii=False)


def jsonable(value: Any) -> Any:
    """Plain JSON values: enums by value, paths and unknown objects as text, sets as sorted lists, no NaN."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Enum):  # before str/int: Severity and Category are str enums, written by value
        return jsonable(value.value)
    if isinstance(value, str):  # plain str: cfn-lint's decoder hands out str subclasses that do not pickle
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, dict):
        return {str(k.value if isinstance(k, Enum) else k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return str(value)
