"""Model vs ideal: which findings the ideal response fixed, which it introduced, which both share.

Findings are matched by rule and subject (resource, attribute, symbol), not by line: lines differ between the two
responses. A finding with no subject is matched by rule, file and message (line numbers in the message ignored).
Matching counts occurrences: 13 f-string logging calls in the model and 2 in the ideal are 2 in both and 11 fixed.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from iacqa.model import Finding, Severity, TaskResult
from iacqa.report import requirements as requirements_report
from iacqa.report.json_report import label, sorted_findings

_LINE_REFS = re.compile(r"(\bline\s+\d+|:\d+(:\d+)?\b)", re.IGNORECASE)


def match_key(f: Finding) -> tuple:
    if f.resource or f.symbol or f.attribute:
        return (f.rule, f.resource, f.attribute, f.symbol)
    return (f.rule, f.file, _LINE_REFS.sub("", " ".join(f.message.split())))


def _brief(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "category": f.category.value, "severity": f.severity.value, "title": f.title,
            "message": f.message, "file": f.file, "line": f.line, "resource": f.resource,
            "attribute": f.attribute, "symbol": f.symbol, "blocking": f.blocking, "fingerprint": f.fingerprint}


def _side(r: TaskResult) -> dict[str, Any]:
    return {"path": r.task.path, "response": r.task.response, "deployable": r.deployable,
            "findings": len(r.active_findings), "blockers": [label(f) for f in sorted_findings(r.blockers)],
            "by_severity": r.count_by_severity(), "error": r.error,
            "requirements": requirements_report.compare_side(r)}


def compare(model: TaskResult, ideal: TaskResult) -> dict[str, Any]:
    fixed, introduced, both = [], [], []
    ideal_left = Counter(match_key(f) for f in ideal.active_findings)
    model_keys = Counter(match_key(f) for f in model.active_findings)
    for f in sorted_findings(model.active_findings):
        k = match_key(f)
        if ideal_left[k] > 0:
            ideal_left[k] -= 1
            both.append(_brief(f))
        else:
            fixed.append(_brief(f))
    for f in sorted_findings(ideal.active_findings):
        k = match_key(f)
        if model_keys[k] > 0:
            model_keys[k] -= 1
        else:
            introduced.append(_brief(f))
    return {
        "model": _side(model),
        "ideal": _side(ideal),
        "fixed_by_ideal": fixed,
        "introduced_by_ideal": introduced,
        "in_both": both,
        "summary": {
            "fixed": len(fixed), "introduced": len(introduced), "in_both": len(both),
            "blockers_fixed": sum(1 for f in fixed if f["blocking"]),
            "blockers_remaining": sum(1 for f in both if f["blocking"]),
            "blockers_introduced": sum(1 for f in introduced if f["blocking"]),
        },
    }


def _verdict(side: dict[str, Any]) -> str:
    if side.get("error"):
        return f"input unusable ({side['error']})"
    if side["deployable"]:
        return "DEPLOYABLE"
    n = len(side["blockers"])
    return f"NOT DEPLOYABLE ({n} blocker{'s' if n != 1 else ''})"


def compare_to_text(data: dict[str, Any]) -> str:
    m, i, s = data["model"], data["ideal"], data["summary"]
    lines = [f"model: {_verdict(m)}, {m['findings']} findings",
             f"ideal: {_verdict(i)}, {i['findings']} findings",
             f"fixed by the ideal response: {s['fixed']} ({s['blockers_fixed']} blocking); "
             f"in both: {s['in_both']}; only in the ideal response: {s['introduced']}"]
    lines += requirements_report.compare_lines(m.get("requirements"), i.get("requirements"))
    sections = (("fixed_by_ideal", "FIXED BY THE IDEAL RESPONSE"), ("in_both", "IN BOTH"),
                ("introduced_by_ideal", "ONLY IN THE IDEAL RESPONSE"))
    rank = {s.value: s.rank for s in Severity}
    for key, title in sections:
        items = data[key]
        if not items:
            continue
        lines += ["", f"{title} ({len(items)})"]
        for f in sorted(items, key=lambda x: -rank.get(x["severity"], 0)):
            where = f"{f['file']}:{f['line']}" if f.get("file") and f.get("line") else (f.get("file") or "<project>")
            subject = ".".join(x for x in (f.get("resource"), f.get("attribute") or f.get("symbol")) if x)
            lines.append(f"  [{f['severity']}] {f['rule']} {where}" + (f" ({subject})" if subject else "")
                         + f": {' '.join(f['message'].split())}")
    return "\n".join(lines) + "\n"
