"""SARIF 2.1.0: one run, only the rules that matched (as cfn-lint does)."""

from __future__ import annotations

from typing import Any

from iacqa import __version__
from iacqa.model import Finding, TaskResult
from iacqa.rules.registry import get_rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def _rule_entry(rule_id: str, sample: Finding) -> dict[str, Any]:
    rule = get_rule(rule_id)
    title = rule.title if rule else sample.title
    entry: dict[str, Any] = {
        "id": rule_id,
        "name": "".join(w.capitalize() for w in title.replace("-", " ").split()[:8]) or rule_id,
        "shortDescription": {"text": title},
        "properties": {"category": sample.category.value, "severity": (rule.severity if rule else sample.severity).value},
        "defaultConfiguration": {"level": _LEVEL[(rule.severity if rule else sample.severity).value]},
    }
    if rule is not None and rule.documentation():
        doc = rule.documentation()
        entry["fullDescription"] = {"text": doc.splitlines()[0]}
        entry["help"] = {"text": doc, "markdown": doc}
    if sample.docs or (rule and rule.docs_url):
        entry["helpUri"] = sample.docs or rule.docs_url
    return entry


def _result(f: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    text = f.message + (f" AWS/SDK: {f.error}" if f.error else "") + (f" Fix: {f.fix}" if f.fix else "")
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index[f.rule],
        "level": _LEVEL[f.severity.value],
        "message": {"text": text},
        "partialFingerprints": {"iacqa/v1": f.fingerprint},
        "properties": {k: v for k, v in {
            "category": f.category.value, "severity": f.severity.value, "resource": f.resource,
            "resourceType": f.resource_type, "attribute": f.attribute, "symbol": f.symbol, "error": f.error,
            "fix": f.fix, "mdLine": f.md_line, "revealedBy": f.revealed_by}.items() if v is not None},
    }
    if f.file:
        region = {"startLine": f.line} if f.line else None
        phys: dict[str, Any] = {"artifactLocation": {"uri": f.file, "uriBaseId": "PROJECTROOT"}}
        if region:
            if f.snippet:
                region["snippet"] = {"text": f.snippet}
            phys["region"] = region
        res["locations"] = [{"physicalLocation": phys}]
    if f.suppressed:
        res["suppressions"] = [{"kind": "external", "justification": f.suppressed}]
    return res


def to_sarif(results: list[TaskResult]) -> dict[str, Any]:
    findings = [f for r in results for f in r.findings]
    rules: dict[str, Finding] = {}
    for f in findings:
        rules.setdefault(f.rule, f)
    order = sorted(rules)
    index = {rid: i for i, rid in enumerate(order)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "iacqa", "version": __version__, "semanticVersion": __version__,
            "informationUri": "https://pypi.org/project/iacqa/",
            "rules": [_rule_entry(rid, rules[rid]) for rid in order],
        }},
        "results": [_result(f, index) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    if len(results) == 1 and results[0].task.project_dir:
        run["originalUriBaseIds"] = {"PROJECTROOT": {"uri": "file://" + results[0].task.project_dir.rstrip("/") + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
