"""Every policy document written in the stack, with where it is written and what kind of policy it is."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from iacqa.knowledge.iam import statements
from iacqa.model import Resource, ResourceGraph

ACCOUNT_FIELD = re.compile(r"^arn:([^:]*):([^:]*):([^:]*):([^:]*):")

# identity policies: CFN type -> CFN path of the document
IDENTITY = {
    "AWS::IAM::RolePolicy": "PolicyDocument",
    "AWS::IAM::Policy": "PolicyDocument",
    "AWS::IAM::ManagedPolicy": "PolicyDocument",
    "AWS::IAM::UserPolicy": "PolicyDocument",
    "AWS::IAM::GroupPolicy": "PolicyDocument",
}
# resource policies: the statement's Resource is (mostly) the resource the policy sits on
RESOURCE = {
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
}
# unmapped Pulumi IAM resources carrying an identity policy in `policy`
NATIVE_IDENTITY = ("aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy", "aws:iam/policy:Policy",
                   "aws:iam/rolePolicy:RolePolicy")


@dataclass
class PolicyDoc:
    resource: Resource
    attribute: str  # CFN path used to locate it
    label: str  # human words: "inline policy `logs` of role fn-role"
    statements: list[dict[str, Any]]
    kind: str  # identity | resource


def documents(graph: ResourceGraph) -> Iterator[PolicyDoc]:
    for r in graph:
        if r.type == "AWS::IAM::Role":
            for i, pol in enumerate(r.get("Policies") or []):
                if not isinstance(pol, dict):
                    continue
                name = pol.get("PolicyName") or f"#{i}"
                label = f"inline policy `{name}` of role {r.id}"
                yield PolicyDoc(r, "Policies.PolicyDocument", label, statements(pol.get("PolicyDocument"), label),
                                "identity")
            continue
        path = IDENTITY.get(r.type) or RESOURCE.get(r.type)
        if path is not None:
            doc = r.get(path)
            if doc is None:
                doc = r.native_properties.get("policy")
            kind = "identity" if r.type in IDENTITY else "resource"
            label = f"policy {r.id}" if kind == "identity" else f"{r.type.split('::')[-1]} policy {r.id}"
            yield PolicyDoc(r, path, label, statements(doc, label), kind)
        elif not r.mapped and r.native_type in NATIVE_IDENTITY:
            label = f"policy {r.id}"
            yield PolicyDoc(r, "policy", label, statements(r.native_properties.get("policy"), label), "identity")


def unknown(value: str) -> bool:
    """A value the front end could not know (an Output, a mock placeholder)."""
    return "<unresolved" in value or value.startswith("mock-") or value.lower() == "unknown"


def quote(stmt: dict[str, Any], limit: int = 240) -> str:
    text = json.dumps({k: v for k, v in stmt.items() if not k.startswith("_")}, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_account_root(principal: Any, account: str) -> bool:
    """Principal is the account itself ({"AWS": "arn:aws:iam::ACCOUNT:root"} or the bare account id)."""
    if not isinstance(principal, dict):
        return False
    values = principal.get("AWS")
    values = values if isinstance(values, list) else [values]
    if not values or any(not isinstance(v, str) for v in values):
        return False
    return all(v == account or re.fullmatch(r"arn:aws[\w-]*:iam::\d{12}:root", v) for v in values)


def is_public(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        aws = principal.get("AWS")
        aws = aws if isinstance(aws, list) else [aws]
        return "*" in aws
    return False


# -- which actions support resource-level permissions -------------------------------------------------------------

# Actions whose documented resource types exist but that are granted on "*" by AWS's own managed policies and
# documentation (VPC Lambda network interfaces, custom metrics): not worth a finding.
PRACTICAL_STAR = {
    "ec2:createnetworkinterface", "ec2:deletenetworkinterface", "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses", "ec2:describenetworkinterfaces", "cloudwatch:putmetricdata",
    "xray:puttracesegments", "xray:puttelemetryrecords", "xray:getsamplingrules", "xray:getsamplingtargets",
    "xray:getsamplingstatisticsummaries", "logs:describeloggroups", "sts:getcalleridentity",
}
# Reads of metadata (Describe*, List*) are granted on "*" as a matter of course; not reported.
_METADATA = ("describe", "list")
# Used only when cfn-lint's action table is not installed: services whose usual actions take resource ARNs.
FALLBACK_SCOPED = {"s3", "dynamodb", "sqs", "sns", "lambda", "kms", "secretsmanager", "ssm", "logs", "kinesis",
                   "events", "states", "iam", "rds", "elasticache", "firehose", "ecr"}


@lru_cache(maxsize=1)
def _action_table() -> dict[str, dict[str, bool]] | None:
    """service -> action (lower case) -> supports resource-level permissions, from cfn-lint's Policies.json."""
    try:
        from importlib import resources

        data = json.loads(resources.files("cfnlint.data.AdditionalSpecs").joinpath("Policies.json").read_text())
    except (ImportError, FileNotFoundError, ModuleNotFoundError, OSError, ValueError):
        return None
    return {svc: {a: bool(spec.get("Resources")) for a, spec in (body.get("Actions") or {}).items()}
            for svc, body in data.items() if isinstance(body, dict)}


def scoped_actions(pattern: str) -> list[str]:
    """The actions matched by `pattern` that could be limited to specific resources (so `"*"` is broader than
    needed). Empty when every matched action works only with `"*"` or the service is unknown."""
    if ":" not in pattern:
        return []
    svc, _, act = pattern.lower().partition(":")
    table = _action_table()
    if table is None:
        if svc in FALLBACK_SCOPED and f"{svc}:{act}" not in PRACTICAL_STAR and not act.startswith(_METADATA):
            return [pattern]
        return []
    actions = table.get(svc)
    if not actions:
        return []
    rx = re.compile("^" + re.escape(act).replace(r"\*", ".*").replace(r"\?", ".") + "$")
    return sorted(f"{svc}:{a}" for a, scoped in actions.items()
                  if scoped and rx.match(a) and f"{svc}:{a}" not in PRACTICAL_STAR and not a.startswith(_METADATA))


def arn_wildcards(value: str) -> tuple[bool, bool]:
    """(account field is a wildcard, region field is a wildcard) of an ARN; global services have empty fields."""
    m = ACCOUNT_FIELD.match(value)
    if not m:
        return False, False
    region, account = m.group(3), m.group(4)
    return ("*" in account), ("*" in region and account not in ("", "aws"))
