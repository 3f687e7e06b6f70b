"""Shared by PRM005 and PRM006: the resource policies the stack puts on a queue, topic or bucket, and whether they
let a service principal perform an action.

Not a rule module: it defines no Rule subclass.

Conservative by design (a missing-permission finding on working code is the worst outcome): a policy whose
document cannot be read, or holds values the front end could not know, counts as allowing everything; a policy
resource whose target (queue URL, topic ARN, bucket name) cannot be resolved makes every answer "unknown".
Conditions are not evaluated (an Allow with a condition counts) and Deny statements are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from iacqa.knowledge.iam import action_matches, has_placeholders, principal_matches, resource_matches, statements
from iacqa.model import Resource, ResourceGraph
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_broad._policies import unknown

# Policy resource type -> (CFN property naming what it sits on, native property naming it, what it sits on).
_POLICY_TYPES = {
    "AWS::SQS::QueuePolicy": ("Queues", "queue_url", "AWS::SQS::Queue"),
    "AWS::SNS::TopicPolicy": ("Topics", "arn", "AWS::SNS::Topic"),
    "AWS::S3::BucketPolicy": ("Bucket", "bucket", "AWS::S3::Bucket"),
    # CloudFormation's single-target variants
    "AWS::SQS::QueueInlinePolicy": ("Queue", "queue", "AWS::SQS::Queue"),
    "AWS::SNS::TopicInlinePolicy": ("TopicArn", "topic_arn", "AWS::SNS::Topic"),
}


@dataclass
class ResourcePolicies:
    """The policy documents that sit on one resource.

    docs: (policy resource, normalized statements) for each readable document; `opaque` when a document exists
    but could not be read (it then counts as allowing); `uncertain` when some policy of the stack sits on
    something the graph cannot name, so "no policy" cannot be claimed."""

    target: Resource
    docs: list[tuple[Resource, list[dict[str, Any]]]] = field(default_factory=list)
    opaque: list[Resource] = field(default_factory=list)
    uncertain: bool = False

    @property
    def exists(self) -> bool:
        return bool(self.docs or self.opaque)

    def allows(self, service: str, action: str, arns: Iterable[str]) -> bool:
        """Whether some statement lets `service` perform `action` on one of `arns` (True when unreadable)."""
        if self.opaque:
            return True
        wanted = list(arns)
        return any(_allows(stmts, service, action, wanted) for _, stmts in self.docs)

    def separate(self) -> list[Resource]:
        """The policy resources that are not the target itself (an inline `policy` argument is part of it)."""
        out = [r for r, _ in self.docs if r.id != self.target.id]
        return out + [r for r in self.opaque if r.id != self.target.id]


def graph_complete(ctx: RuleContext) -> bool:
    """Whether the graph holds everything the program declares, so a policy missing from it is missing.

    A front end that stopped early (a program error, a file that does not parse) leaves a partial graph: the policy
    may be declared after the point it stopped. A graph built on a copy with the blocking error fixed
    (`revealed_by`) is whole."""
    return ctx.graph_status in (None, "ok") or ctx.graph.revealed_by is not None


def _allows(stmts: list[dict[str, Any]], service: str, action: str, arns: list[str]) -> bool:
    for st in stmts:
        if st.get("Effect") != "Allow" or "Principal" not in st:
            continue
        if principal_matches(st.get("Principal"), service) != "direct":
            continue
        if "Action" in st:
            if not any(action_matches(p, action) for p in st["Action"]):
                continue
        elif "NotAction" in st:
            if any(action_matches(p, action) for p in st["NotAction"]):
                continue
        else:
            continue
        if "Resource" in st:
            if any(resource_matches(p, arn) for p in st["Resource"] for arn in arns):
                return True
        elif "NotResource" in st:
            if not all(any(resource_matches(p, arn) for p in st["NotResource"]) for arn in arns):
                return True
        else:
            return True  # a resource policy without Resource means the resource it sits on
    return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_unknown(value: Any) -> bool:
    return not isinstance(value, str) or not value or unknown(value) or "${" in value


def _read(owner: Resource, doc: Any, out: ResourcePolicies) -> None:
    if isinstance(doc, str) and (unknown(doc) or "${" in doc):
        out.opaque.append(owner)
        return
    stmts = statements(doc, f"policy {owner.id}")
    if not stmts or has_placeholders(stmts) or _has_unknown_principal(stmts):
        out.opaque.append(owner)
    else:
        out.docs.append((owner, stmts))


def _has_unknown_principal(stmts: list[dict[str, Any]]) -> bool:
    for st in stmts:
        for value in re.findall(r"'([^']*)'|\"([^\"]*)\"", repr(st.get("Principal"))):
            text = value[0] or value[1]
            if "<unresolved" in text or text.startswith("mock-"):
                return True
    return False


def policies_on(graph: ResourceGraph, target: Resource) -> ResourcePolicies:
    """Every policy of the stack that sits on `target` (a queue, topic or bucket), inline or separate."""
    out = ResourcePolicies(target)
    inline = target.native_properties.get("policy")
    if inline is not None and target.type in ("AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::S3::Bucket"):
        _read(target, inline, out)
    for r in graph:
        spec = _POLICY_TYPES.get(r.type)
        if spec is None or spec[2] != target.type:
            continue
        cfn_key, native_key, _ = spec
        refs = _as_list(r.get(cfn_key)) or _as_list(r.native_properties.get(native_key))
        hit = False
        for ref in refs:
            if _is_unknown(ref):
                out.uncertain = True
                continue
            named = graph.resolve_resource(ref)
            if named is None:
                named = _by_name(graph, ref, target.type)
            if named is None:
                out.uncertain = True  # names something outside the graph, or something the graph cannot name
            elif named.id == target.id:
                hit = True
        if not refs:
            out.uncertain = True
        if hit:
            doc = r.get("PolicyDocument")
            _read(r, doc if doc is not None else r.native_properties.get("policy"), out)
    return out


def _by_name(graph: ResourceGraph, ref: str, rtype: str) -> Resource | None:
    """A queue, topic or bucket named by its name, URL or ARN where `graph.resolve` found nothing."""
    for r in graph.of_type(rtype):
        names = {r.outputs.get(k) for k in ("Name", "Id", "Arn", "Url")}
        names |= {r.get("QueueName"), r.get("TopicName"), r.get("BucketName")}
        names.discard(None)
        if ref in names or ref.rstrip("/").rsplit("/", 1)[-1] in names:
            return r
    return None
