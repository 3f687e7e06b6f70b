"""SARIF 2.1.0: one run for all the tasks given, listing only the rules that matched (as cfn-lint does).

Locations are project-relative URIs against the base id PROJECTROOT (one task) or TASK1, TASK2, ... (several);
`originalUriBaseIds` resolves them when the project directory is known. Rules that are not registered in iacqa
(ids from external linters such as checkov) are described from the finding itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from iacqa import __version__
from iacqa.catalog.registry import get as get_rule
from iacqa.model import Finding, Severity, TaskResult
from iacqa.report.json_report import sort_key

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/iacqa/"
FINGERPRINT_KEY = "iacqa/v1"

LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
# GitHub code scanning reads `security-severity` (0.0-10.0) on rules to rank security alerts.
_SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "7.5", Severity.MEDIUM: "5.0", Severity.LOW: "2.0"}
_SECURITY_CATEGORIES = {"security", "iam-broad", "iam-missing"}


def _rule_name(rule_id: str, title: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title)
    name = "".join(w[:1].upper() + w[1:] for w in words[:10])
    return name or re.sub(r"[^A-Za-z0-9]", "", rule_id) or "Rule"


def _rule_descriptor(rule_id: str, sample: Finding) -> dict[str, Any]:
    rule = get_rule(rule_id)
    title = (rule.title if rule and rule.title else sample.title) or rule_id
    category = (rule.category if rule else sample.category).value
    severity = rule.severity if rule else sample.severity
    entry: dict[str, Any] = {
        "id": rule_id,
        "name": _rule_name(rule_id, title),
        "shortDescription": {"text": title},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {"category": category, "severity": severity.value, "tags": [category]},
    }
    doc = rule.documentation() if rule is not None else ""
    if doc:
        entry["fullDescription"] = {"text": doc.splitlines()[0].strip() or title}
        entry["help"] = {"text": doc, "markdown": doc}
    else:
        entry["fullDescription"] = {"text": title}
    uri = (rule.docs_url if rule is not None else None) or sample.docs
    if uri:
        entry["helpUri"] = uri
    if category in _SECURITY_CATEGORIES:
        if category != "security":
            entry["properties"]["tags"].append("security")
        entry["properties"]["security-severity"] = _SECURITY_SEVERITY[severity]
    return entry


def _message(f: Finding) -> str:
    text = f.message.strip() or f.title
    if f.error:
        text += f"\nError: {f.error.strip()}"
    if f.fix:
        text += f"\nFix: {f.fix.strip()}"
    return text


def _result(f: Finding, rule_index: dict[str, int], base_id: str, task: str | None) -> dict[str, Any]:
    props = {
        "category": f.category.value, "severity": f.severity.value, "blocking": f.blocking,
        "resource": f.resource, "resourceType": f.resource_type, "attribute": f.attribute, "symbol": f.symbol,
        "error": f.error, "fix": f.fix, "stage": f.stage, "mdLine": f.md_line, "revealedBy": f.revealed_by,
        "task": task,
    }
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index[f.rule],
        "level": LEVEL[f.severity],
        "message": {"text": _message(f)},
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {k: v for k, v in props.items() if v is not None},
    }
    if f.file:
        phys: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.file), "uriBaseId": base_id}}
        if f.line and f.line > 0:
            region: dict[str, Any] = {"startLine": f.line}
            if f.snippet:
                region["snippet"] = {"text": f.snippet}
            phys["region"] = region
        loc: dict[str, Any] = {"physicalLocation": phys}
        if f.resource:
            loc["logicalLocations"] = [{"name": f.resource, "kind": "resource"}]
        res["locations"] = [loc]
    elif f.resource:
        res["locations"] = [{"logicalLocations": [{"name": f.resource, "kind": "resource"}]}]
    if f.suppressed:  # an `# iacqa: ignore[...]` comment in the analysed file: SARIF's "inSource" kind
        res["suppressions"] = [{"kind": "inSource", "status": "accepted", "justification": f.suppressed}]
    return res


def _uri(path: str) -> str:
    """A relative URI reference: POSIX separators, no leading './', spaces and the like percent-encoded."""
    from urllib.parse import quote

    p = path.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return quote(p, safe="/-._~!$&'()*+,;=:@")


def _base_uri(task: Any) -> str | None:
    root = task.project_dir or (task.path if task.path and Path(task.path).is_dir() else None)
    if not root:
        return None
    try:
        uri = Path(root).resolve().as_uri()
    except ValueError:
        return None
    return uri if uri.endswith("/") else uri + "/"


def to_sarif(results: list[TaskResult]) -> dict[str, Any]:
    results = list(results)
    single = len(results) == 1
    per_task = []  # (finding, base id, task path)
    bases: dict[str, Any] = {}
    for i, r in enumerate(results, 1):
        base_id = "PROJECTROOT" if single else f"TASK{i}"
        uri = _base_uri(r.task)
        if uri:
            bases[base_id] = {"uri": uri}
        for f in sorted(r.findings, key=sort_key):
            per_task.append((f, base_id, None if single else r.task.path))
    samples: dict[str, Finding] = {}
    for f, _, _ in per_task:
        samples.setdefault(f.rule, f)
    order = sorted(samples)
    index = {rid: i for i, rid in enumerate(order)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "iacqa",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_rule_descriptor(rid, samples[rid]) for rid in order],
        }},
        "invocations": [_invocation(results)],
        "results": [_result(f, index, base, task) for f, base, task in per_task],
        "columnKind": "unicodeCodePoints",
    }
    if bases:
        run["originalUriBaseIds"] = bases
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _invocation(results: list[TaskResult]) -> dict[str, Any]:
    """Whether iacqa itself ran to the end; unusable inputs and crashed stages become notifications."""
    notes = []
    for r in results:
        if r.error:
            notes.append({"level": "error", "message": {"text": f"{r.task.path}: input unusable: {r.error}"}})
        for s in r.stages:
            if s.status in ("error", "unavailable"):  # "failed" judges the project: findings say why
                level = "error" if s.status == "error" else "warning"
                text = f"{r.task.path}: stage {s.name} {s.status}" + (f": {s.detail}" if s.detail else "")
                notes.append({"level": level, "message": {"text": text}})
    inv: dict[str, Any] = {"executionSuccessful": not any(r.error for r in results)}
    if notes:
        inv["toolExecutionNotifications"] = notes
    return inv
