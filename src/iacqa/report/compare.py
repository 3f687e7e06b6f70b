"""Model vs ideal: which findings the ideal response fixed, which it introduced, which both share.

Findings are matched by rule and subject (resource, attribute, symbol), not by line: lines differ between the two."""

from __future__ import annotations

from typing import Any

from iacqa.model import Finding, TaskResult


def _key(f: Finding) -> tuple:
    return (f.rule, f.resource, f.attribute, f.symbol) if (f.resource or f.symbol) else (f.rule, f.file, f.message)


def _brief(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "category": f.category.value, "severity": f.severity.value, "file": f.file,
            "line": f.line, "resource": f.resource, "attribute": f.attribute, "message": f.message}


def compare(model: TaskResult, ideal: TaskResult) -> dict[str, Any]:
    m = {_key(f): f for f in model.active_findings}
    i = {_key(f): f for f in ideal.active_findings}
    return {
        "model": {"deployable": model.deployable, "findings": len(m)},
        "ideal": {"deployable": ideal.deployable, "findings": len(i)},
        "fixed_by_ideal": [_brief(m[k]) for k in m if k not in i],
        "introduced_by_ideal": [_brief(i[k]) for k in i if k not in m],
        "in_both": [_brief(m[k]) for k in m if k in i],
    }


def compare_to_text(data: dict[str, Any]) -> str:
    lines = [f"model: {'deployable' if data['model']['deployable'] else 'NOT deployable'}, "
             f"{data['model']['findings']} findings; ideal: "
             f"{'deployable' if data['ideal']['deployable'] else 'NOT deployable'}, {data['ideal']['findings']} findings"]
    for key, label in (("fixed_by_ideal", "fixed by the ideal response"),
                       ("introduced_by_ideal", "only in the ideal response"), ("in_both", "in both")):
        lines.append(f"\n{label} ({len(data[key])}):")
        for f in data[key]:
            lines.append(f"  [{f['severity']}] {f['rule']} {f['file']}:{f['line']} {f['message']}")
    return "\n".join(lines) + "\n"
