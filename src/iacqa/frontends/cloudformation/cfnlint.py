"""cfn-lint over a CloudFormation template as the user wrote it; matches become findings in iacqa's categories.

cfn-lint is run in process (it is a dependency, not user code). Ids it shares with iacqa's own graph checks are
dropped so each problem is reported once: value ranges/enums/patterns/lengths (LIM001 over the graph, same
schemas), engine versions and reserved names (LIM003 via linters/cfnlint_graph.py), deprecated runtimes (LIM002).
"""

from __future__ import annotations

import re
from pathlib import Path

from iacqa.catalog.cfn import CfnReference, CfnSchema, CfnSection, CfnValue, CfnWarning
from iacqa.catalog.program import ConfigSyntaxError
from iacqa.model import Finding, Location, Severity

# Reported by iacqa's own rules over the graph (see module docstring).
COVERED = {"E3030", "E3031", "E3032", "E3033", "E3034", "E3690", "E3691", "W3690", "W3691", "E2531", "W2531",
           "E2533", "W2533", "E3002-reserved"}
SCHEMA = {"E3001", "E3002", "E3003", "E3006", "E3017", "E3018", "E3020", "E1001", "E3007"}
REFERENCE_PREFIXES = ("E10", "E8", "E3004", "E3005", "E3008")  # E3004: circular dependency
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


# Fixes for the cfn-lint ids the corpus shows most; anything else gets cfn-lint's own message as the guide.
_FIXES = {
    "W3005": "remove the DependsOn entry: the Ref/GetAtt already orders the two resources",
    "W3011": "set UpdateReplacePolicy to the same value as DeletionPolicy",
    "W1011": "read the secret with a dynamic reference ({{resolve:secretsmanager:...}}) instead of a parameter",
    "W2001": "remove the parameter, or use it",
    "W1020": "use a plain string: Fn::Sub has no ${} variable to substitute here",
    "W3010": "use Fn::GetAZs (or a parameter) instead of a hard-coded Availability Zone",
    "W1001": "give the referencing resource the same Condition as the resource it references",
    "W3687": "leave the ports out: the protocol (all or ICMP) ignores them",
    "W1031": "make the resolved value match the pattern the property documents (S3 bucket names: lowercase, 3-63)",
}


def _fix(rule_id: str, message: str) -> str:
    m = re.search(r"[Dd]id you mean '?([A-Za-z0-9:.]+)'?", message)
    if m:
        return f"use {m.group(1)}"
    if rule_id in _FIXES:
        return _FIXES[rule_id]
    m = re.search(r"is (greater|less) than the (maximum|minimum) of (\S+)", message)
    if m:
        return f"use a value {'at most' if m.group(2) == 'maximum' else 'at least'} {m.group(3)}"
    m = re.search(r"'([^']+)' is not one of \[(.*)\]", message)
    if m:
        import difflib

        options = re.findall(r"'([^']+)'", m.group(2))
        wrong = m.group(1)
        # `QueueArn` for `Arn`, `TableStreamArn` for `StreamArn`: the valid name is a suffix of the wrong one.
        guess = max((o for o in options if wrong.endswith(o)), key=len, default=None) or next(
            iter(difflib.get_close_matches(wrong, options, n=1, cutoff=0.6)), None)
        if guess:
            return f"use {guess}"
        return f"use one of {', '.join(options[:12])}"
    if rule_id == "E3002":
        return "remove the property or use the name the resource type documents"
    if rule_id == "E3003":
        m = re.search(r"'([A-Za-z0-9]+)' is a required property", message)
        return f"add {m.group(1)}" if m else "add the required property"
    if rule_id.startswith("E10"):
        return "reference a parameter or resource the template declares, with an attribute its type returns"
    return "change the template as cfn-lint's message says"


def _schema_keys(rtype: str, path: list[str]) -> list[str]:
    """The property names the resource schema allows at `path` (below Properties; list indexes ignored)."""
    try:
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", rtype).schema
    except Exception:  # noqa: BLE001 - unknown type (E3001 says so) or a schema cfn-lint cannot load
        return []
    read_only = {r.rsplit("/", 1)[-1] for r in schema.get("readOnlyProperties", []) if r.count("/") == 2}
    node: dict = schema
    for part in path:
        node = _deref(schema, node)
        if part.isdigit():
            node = _deref(schema, node.get("items") or {})
            continue
        node = (node.get("properties") or {}).get(part) or {}
    node = _deref(schema, node)
    node = _deref(schema, node.get("items") or {}) if node.get("type") == "array" else node
    keys = list(node.get("properties") or {})
    return [k for k in keys if k not in read_only] if not path else keys


def _deref(schema: dict, node: dict) -> dict:
    for _ in range(10):  # $ref chains are short; bounded so a cyclic schema cannot hang the run
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/definitions/"):
            break
        node = (schema.get("definitions") or {}).get(ref.rsplit("/", 1)[-1]) or {}
    return node if isinstance(node, dict) else {}


def _rename(unexpected: str, required: list[str], allowed: list[str]) -> str | None:
    """The property the user meant: a required one spelled differently (RoleArn/RoleARN), else the closest name."""
    import difflib

    for name in required:
        if name.lower() == unexpected.lower():
            return name
    close = difflib.get_close_matches(unexpected, required, n=1, cutoff=0.75) or \
        difflib.get_close_matches(unexpected, allowed, n=1, cutoff=0.75)
    return close[0] if close else None


def run(template_path: Path, root: Path, *, drop_covered: bool = True) -> list[Finding]:
    """cfn-lint matches on one template file -> findings (file, line, resource, attribute, cfn-lint id).

    `drop_covered=False` keeps the ids iacqa's graph rules also report (ranges, enums, ...: see COVERED), for a
    caller that runs cfn-lint alone."""
    try:
        from cfnlint.api import ManualArgs, lint_file
    except ImportError:
        return []
    rel = template_path.relative_to(root).as_posix() if template_path.is_relative_to(root) else str(template_path)
    try:
        matches = lint_file(template_path, config=ManualArgs(regions=["us-east-1"]))
    except Exception as exc:  # noqa: BLE001 - cfn-lint on hostile input: report one finding, keep going
        return [CfnWarning.finding(f"cfn-lint could not check {rel}: {type(exc).__name__}: {exc}",
                                   location=Location(rel, None), error=str(exc))]
    # Types only matter for rename suggestions; decode again only when there is an unknown property to explain.
    types = _resource_types(template_path) if any(m.rule.id == "E3002" for m in matches) else {}
    # A misspelt required property is two matches (E3002 'RoleArn' unexpected, E3003 'RoleARN' required): report
    # the E3002 with the rename as its fix and drop the E3003 it explains.
    required: dict[tuple[str, ...], list[str]] = {}
    for m in matches:
        if m.rule.id == "E3003":
            hit = re.search(r"'([^']+)' is a required property", str(m.message))
            if hit:
                required.setdefault(tuple(str(p) for p in getattr(m, "path", None) or []), []).append(hit.group(1))
    explained: set[tuple[tuple[str, ...], str]] = set()
    renames: dict[int, str] = {}
    for i, m in enumerate(matches):
        hit = re.search(r"'([^']+)' was unexpected", str(m.message)) if m.rule.id == "E3002" else None
        path = [str(p) for p in getattr(m, "path", None) or []]
        if hit and len(path) >= 3 and path[0] == "Resources":
            parent = tuple(path[:-1]) if path[-1] == hit.group(1) else tuple(path)
            name = _rename(hit.group(1), required.get(parent, []),
                           _schema_keys(types.get(path[1], ""), list(parent[3:])))
            if name:
                renames[i] = f"rename {hit.group(1)} to {name}"
                explained.add((parent, name))
    out: list[Finding] = []
    for i, m in enumerate(matches):
        rid = m.rule.id
        if drop_covered and rid in COVERED:
            continue
        family = _family(rid)
        if family is None:
            continue
        path = [str(p) for p in getattr(m, "path", []) or []]
        msg = str(m.message)
        if rid == "E3003":
            hit = re.search(r"'([^']+)' is a required property", msg)
            if hit and (tuple(path), hit.group(1)) in explained:
                continue
        resource = path[1] if len(path) > 1 and path[0] == "Resources" else None
        # The property as the user names it: no list indexes, no intrinsic function keys (`EventSourceArn`).
        props = [p for p in path[3:] if not p.isdigit()]
        props = props[:next((i for i, p in enumerate(props) if p.startswith("Fn::") or p == "Ref"), len(props))]
        attribute = ".".join(props) or None
        severity = None
        if family is CfnWarning and rid.startswith("W3"):
            severity = Severity.MEDIUM  # resource-level warnings (e.g. W3005 redundant DependsOn) matter more
        out.append(family.finding(
            f"{resource + ': ' if resource else ''}{msg}", location=Location(rel, m.linenumber),
            error=f"{rid}: {msg}", fix=renames.get(i) or _fix(rid, msg), severity=severity, symbol=rid,
        ).with_(resource=resource, attribute=attribute, stage="frontend"))
    return out


def _resource_types(template_path: Path) -> dict[str, str]:
    """Logical id -> type, for the schema lookups behind rename suggestions (empty if the file does not decode)."""
    try:
        from cfnlint.decode import decode

        template, _ = decode(str(template_path))
    except Exception:  # noqa: BLE001 - cfn-lint already reported the decode problem as E0000
        return {}
    res = (template or {}).get("Resources") if isinstance(template, dict) else None
    return {str(k): str(v.get("Type", "")) for k, v in (res or {}).items() if isinstance(v, dict)}
