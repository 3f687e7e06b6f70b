"""cfn-lint over a CloudFormation template as the user wrote it; matches become findings in iacqa's categories.

cfn-lint is run in process (it is a dependency, not user code). Ids it shares with iacqa's own graph checks are
dropped so each problem is reported once: value ranges/enums/patterns/lengths (LIM001 over the graph, same
schemas), engine versions and reserved names (LIM003 via linters/cfnlint_graph.py), deprecated runtimes (LIM002).
"""

from __future__ import annotations

import re
from pathlib import Path

from iacqa.model import Finding, Location, Severity
from iacqa.rules.cfn.templates import CfnReference, CfnSchema, CfnSection, CfnValue, CfnWarning
from iacqa.rules.program import ConfigSyntaxError

# Reported by iacqa's own rules over the graph (see module docstring).
COVERED = {"E3030", "E3031", "E3032", "E3033", "E3034", "E3690", "E3691", "W3690", "W3691", "E2531", "W2531",
           "E2533", "W2533", "E3002-reserved"}
SCHEMA = {"E3001", "E3002", "E3003", "E3006", "E3017", "E3018", "E3020", "E1001", "E3007"}
REFERENCE_PREFIXES = ("E10", "E8", "E3005", "E3008")
SECTION_PREFIXES = ("E2", "E6", "E7")


def _family(rule_id: str) -> type | None:
    if rule_id in ("E0000", "E0001"):
        return ConfigSyntaxError
    if rule_id in SCHEMA:
        return CfnSchema
    if rule_id.startswith(REFERENCE_PREFIXES):
        return CfnReference
    if rule_id.startswith(SECTION_PREFIXES):
        return CfnSection
    if rule_id.startswith("E"):
        return CfnValue
    if rule_id.startswith(("W", "I")):
        return CfnWarning
    return None


def _fix(rule_id: str, message: str) -> str:
    m = re.search(r"[Dd]id you mean '?([A-Za-z0-9:.]+)'?", message)
    if m:
        return f"use {m.group(1)}"
    if rule_id == "E3002":
        return "remove the property or use the name the resource type documents"
    if rule_id == "E3003":
        return "add the required property"
    if rule_id.startswith("E10"):
        return "reference a parameter or resource the template declares, with an attribute its type returns"
    return "change the template as cfn-lint's message says"


def run(template_path: Path, root: Path) -> list[Finding]:
    """cfn-lint matches on one template file -> findings (file, line, resource, attribute, cfn-lint id)."""
    try:
        from cfnlint.api import ManualArgs, lint_file
    except ImportError:
        return []
    rel = template_path.relative_to(root).as_posix() if template_path.is_relative_to(root) else str(template_path)
    try:
        matches = lint_file(template_path, config=ManualArgs(regions=["us-east-1"]))
    except Exception as exc:  # noqa: BLE001 - cfn-lint on hostile input: report one finding, keep going
        return [CfnWarning.finding(None, f"cfn-lint could not check {rel}: {type(exc).__name__}: {exc}",
                                   location=Location(rel, None), error=str(exc))]
    out: list[Finding] = []
    for m in matches:
        rid = m.rule.id
        if rid in COVERED:
            continue
        family = _family(rid)
        if family is None:
            continue
        path = [str(p) for p in getattr(m, "path", []) or []]
        resource = path[1] if len(path) > 1 and path[0] == "Resources" else None
        attribute = ".".join(p for p in path[3:] if not p.isdigit()) or None if len(path) > 3 else None
        severity = None
        if family is CfnWarning and rid.startswith("W3"):
            severity = Severity.MEDIUM  # resource-level warnings (e.g. W3005 redundant DependsOn) matter more
        msg = str(m.message)
        out.append(family.finding(
            None, f"{resource + ': ' if resource else ''}{msg}", location=Location(rel, m.linenumber),
            error=f"{rid}: {msg}", fix=_fix(rid, msg), severity=severity, symbol=rid,
        ).with_(resource=resource, attribute=attribute, stage="frontend"))
    return out
