"""cfn-lint's own rules over the graph, rendered as a CloudFormation template.

cfn-lint already knows facts no resource schema states as plain min/max: engine versions that can no longer be
created, reserved master user names, instance classes per engine. The graph speaks CloudFormation, so we render its
mapped resources as a template and keep only those value checks; structural complaints (missing required or extra
properties) are dropped because a Pulumi/Terraform resource maps only partly onto CloudFormation, and plain ranges
and enums are LIM001's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from iacqa.catalog.cfn import CfnLintValue
from iacqa.model import Finding, Resource, ResourceGraph, Severity

# cfn-lint rule ids whose findings are value facts about combinations (kept); everything else is dropped.
# E2531 (deprecated runtime) is not kept: LIM002 reports the same runtime on the same line from the same lifecycle
# table, and the same fact twice is noise.
KEEP = {"E3690", "W3690", "E3691", "W3691", "E3025", "E3029", "E3688", "W3689", "E3686", "E3687", "E2530",
        "E3504", "E3503", "E3670", "E3671", "E3672"}
RESERVED = re.compile(r"should not be valid under \{'enum'")


def _logical(rid: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", rid)[:200] or "Resource"


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def render(graph: ResourceGraph) -> tuple[dict[str, Any], dict[str, Resource]]:
    """The graph as a template, and logical id -> resource."""
    from iacqa.knowledge.constraints import has_type

    resources, index = {}, {}
    for r in graph:
        if not r.mapped or not has_type(r.type) or not r.properties:
            continue
        lid = _logical(r.id)
        while lid in resources:
            lid += "X"
        resources[lid] = {"Type": r.type, "Properties": _clean(r.properties)}
        index[lid] = r
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, index


MAX_RESOURCES = 500


def scan(graph: ResourceGraph) -> tuple[str, str, list[Finding]]:
    try:
        from cfnlint.api import ManualArgs, lint
    except ImportError:
        return "unavailable", "cfn-lint is not installed", []
    template, index = render(graph)
    if not template["Resources"]:
        return "skipped", "no resource with a CloudFormation schema", []
    if len(template["Resources"]) > MAX_RESOURCES:
        # cfn-lint's cost grows faster than the number of resources (250/500: 28/152 s on a loaded machine):
        # past this size the graph gets iacqa's own (linear) checks only.
        return "skipped", f"cfn-lint not run: {len(template['Resources'])} resources (over {MAX_RESOURCES})", []
    matches = lint(json.dumps(template, default=str), config=ManualArgs(regions=["us-east-1"]))
    out: list[Finding] = []
    for m in matches:
        rid = m.rule.id
        path = [str(p) for p in getattr(m, "path", []) or []]
        if rid not in KEEP and not (rid == "E3002" and RESERVED.search(m.message)):
            continue
        if len(path) < 2 or path[0] != "Resources" or path[1] not in index:
            continue
        res = index[path[1]]
        if _major_version_ok(rid, m.message) or "${" in m.message:
            continue  # "${...}": a value known only at deploy time (an unresolved reference), not the user's value
        prop = ".".join(p for p in path[3:] if not p.isdigit()) or None
        if prop is None and rid in ("E3690", "W3690", "E3691", "W3691"):
            prop = "EngineVersion"  # cfn-lint points at Properties; the user wrote the version
        # W3690/W3691 say the version "cannot be used to create new" clusters/instances: a deploy failure.
        severity = Severity.CRITICAL if rid.startswith("E") or rid in ("W3690", "W3691") else Severity.MEDIUM
        if RESERVED.search(m.message):
            value = m.message.split("'")[1] if "'" in m.message else "?"
            msg = f"{res.native_name(prop) if prop else 'value'}={value!r} is a reserved word for this engine"
            error = f"InvalidParameterValue: MasterUsername {value} cannot be used as it is a reserved word used by the engine"
        else:
            msg = m.message
            error = (f"InvalidParameterCombination: {m.message}" if rid in ("E3690", "W3690", "E3691", "W3691")
                     else f"{rid}: {m.message}")
        found = CfnLintValue.finding(msg, resource=res, attribute=prop, severity=severity, error=error,
                                     fix=_fix(rid, m.message), symbol=rid)
        if not graph.on_unknown_inputs(found):  # a resource the program ended before resolving: only known values
            out.append(found)
    return "ok", f"cfn-lint over {len(template['Resources'])} resources: {len(out)} findings", out


def _major_version_ok(rid: str, message: str) -> bool:
    """RDS accepts a major version ("8.0") and picks its default minor; cfn-lint's list holds full versions only."""
    if rid not in ("E3691", "E3690"):
        return False
    m = re.match(r"'([^']+)' is not one of \[(.*)\]", message)
    if not m:
        return False
    value, allowed = m.group(1), re.findall(r"'([^']+)'", m.group(2))
    return any(a.startswith(value + ".") for a in allowed)


def _fix(rid: str, message: str) -> str:
    if rid in ("E3690", "W3690", "E3691", "W3691"):
        return "use an engine version that RDS currently offers (aws rds describe-db-engine-versions)"
    if "reserved" in message or "should not be valid" in message:
        return "choose another master user name (e.g. dbadmin)"
    return "use a value the service accepts for this combination"
