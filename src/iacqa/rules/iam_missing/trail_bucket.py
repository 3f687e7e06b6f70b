"""PRM006: a CloudTrail trail whose S3 bucket policy does not let CloudTrail write, or is not in place in time."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_broad._policies import unknown
from iacqa.rules.iam_missing._resource_policies import ResourcePolicies, graph_complete, policies_on

CLOUDTRAIL = "cloudtrail.amazonaws.com"
ACCOUNT = "123456789012"  # the account every front end's synthetic identities use (frontends/identity.py)
TRAIL_TYPES = ("AWS::CloudTrail::Trail", "aws_cloudtrail", "aws:cloudtrail/trail:Trail")
_ACCOUNT_IN_ARN = re.compile(r"AWSLogs/(\d{12})(?:/|\*|$)")
_PY_ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*\S")


@dataclass
class TrailBucket:
    trail: Resource
    attribute: str  # CFN path (or native name for an unmapped resource) of the bucket name
    bucket: Resource
    prefix: str | None  # S3KeyPrefix; None when not set, "*" when not known before deploy
    organization: bool


def _prop(r: Resource, cfn: str, native: str) -> tuple[Any, str]:
    if r.has(cfn):
        return r.get(cfn), cfn
    return r.native_properties.get(native), native


def _trail_bucket(graph: ResourceGraph, trail: Resource) -> TrailBucket | None:
    name, attr = _prop(trail, "S3BucketName", "s3_bucket_name")
    if not isinstance(name, str) or not name or unknown(name) or "${" in name:
        return None
    bucket = graph.resolve_resource(name)
    if bucket is None or bucket.type != "AWS::S3::Bucket":
        bucket = next((b for b in graph.of_type("AWS::S3::Bucket")
                       if name in (b.outputs.get("Name"), b.outputs.get("Id"), b.get("BucketName"))), None)
    if bucket is None:
        return None  # a bucket outside the stack: its policy is not visible here
    prefix, _ = _prop(trail, "S3KeyPrefix", "s3_key_prefix")
    if prefix is not None and (not isinstance(prefix, str) or unknown(prefix) or "${" in prefix):
        prefix = "*"
    org, _ = _prop(trail, "IsOrganizationTrail", "is_organization_trail")
    return TrailBucket(trail, attr, bucket, prefix or None, org is True or str(org).lower() == "true")


def _object_arns(tb: TrailBucket, pols: ResourcePolicies, bucket_arn: str) -> list[str]:
    """The log object ARNs CloudTrail checks it may write: `<bucket>/<prefix>/AWSLogs/<account>/...`.

    The account is the synthetic one, or any account id the policy itself writes after `AWSLogs/` (the real
    account is not known offline, so a literal account in the policy is taken as the right one)."""
    accounts = {ACCOUNT}
    for _, stmts in pols.docs:
        for st in stmts:
            for pattern in st.get("Resource", []):
                accounts.update(_ACCOUNT_IN_ARN.findall(pattern))
    if tb.prefix == "*" or tb.organization:
        # the key is not known: any grant on objects of the bucket counts
        return [f"{bucket_arn}/*"]
    head = f"{bucket_arn}/{tb.prefix.strip('/')}/" if tb.prefix else f"{bucket_arn}/"
    return [f"{head}AWSLogs/{acct}/CloudTrail/us-east-1/2026/01/01/{acct}_CloudTrail_us-east-1_x.json.gz"
            for acct in sorted(accounts)]


def _object_grant(pols: ResourcePolicies, arns: list[str], bucket_arn: str) -> bool:
    if arns == [f"{bucket_arn}/*"]:
        # unknown key: some PutObject grant for CloudTrail on objects of this bucket
        for _, stmts in pols.docs:
            for st in stmts:
                for pattern in st.get("Resource", ["*"]):
                    if (pattern == "*" or pattern.startswith(bucket_arn + "/")) and pols.allows(
                            CLOUDTRAIL, "s3:PutObject", [pattern.replace("*", "x")]):
                        return True
        return pols.allows(CLOUDTRAIL, "s3:PutObject", arns)
    return pols.allows(CLOUDTRAIL, "s3:PutObject", arns)


class TrailBucketPolicy(Rule):
    """A CloudTrail trail writes to a bucket of the stack whose policy does not let CloudTrail write.

    What it finds: a trail (`AWS::CloudTrail::Trail`, `aws.cloudtrail.Trail`, `aws_cloudtrail`) whose
    `S3BucketName` is a bucket of the stack that
    - has no bucket policy at all (`AWS::S3::BucketPolicy`, `aws.s3.BucketPolicy`, `aws_s3_bucket_policy`, or the
      bucket's own `policy`), or
    - has one that does not allow the service principal `cloudtrail.amazonaws.com` both `s3:GetBucketAcl` on the
      bucket and `s3:PutObject` on `<bucket>/<S3KeyPrefix>/AWSLogs/<account>/*` (critical);
    - has a complete policy that nothing orders before the trail: no `DependsOn` / `depends_on` from the trail to
      the policy (directly or through other resources) and no reference to it (medium: the two are created in
      parallel, and the trail fails when it is checked first).
    Silent when the bucket is not in the stack, when a policy's document or target is not known before deploy, and
    for organization trails or prefixes not known before deploy as far as the object key goes. Conditions
    (`aws:SourceArn`, `s3:x-amz-acl`) are not evaluated: a conditional allow counts.
    AWS Config delivery channels are not checked: Config may write with its recorder's role instead of the bucket
    policy, so a missing bucket policy is not an error there.
    Why it breaks: CreateTrail checks the bucket policy before it creates the trail and refuses the trail when
    CloudTrail could not write there; the deploy stops at the trail.
    Bad: `aws.cloudtrail.Trail("t", s3_bucket_name=bucket.id)` with no bucket policy, or with one granting only
    `s3:PutObject`.
    Good: an `aws.s3.BucketPolicy` on the bucket with `{"Principal": {"Service": "cloudtrail.amazonaws.com"},
    "Action": "s3:GetBucketAcl", "Resource": <bucket ARN>}` and `{"Principal": {"Service":
    "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "<bucket ARN>/AWSLogs/<account>/*"}`, and
    `opts=ResourceOptions(depends_on=[policy])` (`depends_on = [aws_s3_bucket_policy.x]`, `DependsOn`) on the
    trail.
    What AWS says: `InsufficientS3BucketPolicyException: Incorrect S3 bucket policy is detected for bucket:
    <bucket name>` (CloudTrail CreateTrail; the error shape is in the botocore cloudtrail model).
    References: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html ,
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
    """

    id = "PRM006"
    category = Category.IAM_MISSING
    severity = Severity.CRITICAL
    title = "CloudTrail bucket policy does not let CloudTrail write"
    resource_types = TRAIL_TYPES

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return  # a partial graph: the policy may be among what it misses
        g = ctx.graph
        for trail in g:
            if trail.type not in TRAIL_TYPES and trail.native_type not in TRAIL_TYPES:
                continue
            tb = _trail_bucket(g, trail)
            if tb is None:
                continue
            pols = policies_on(g, tb.bucket)
            if pols.uncertain:
                continue
            name = tb.bucket.outputs.get("Name") or tb.bucket.get("BucketName") or tb.bucket.id
            bucket_arn = tb.bucket.outputs.get("Arn")
            if not isinstance(bucket_arn, str) or not bucket_arn.startswith("arn:"):
                continue
            error = f"InsufficientS3BucketPolicyException: Incorrect S3 bucket policy is detected for bucket: {name}"
            objects = _object_arns(tb, pols, bucket_arn)
            missing = [] if pols.allows(CLOUDTRAIL, "s3:GetBucketAcl", [bucket_arn]) else ["s3:GetBucketAcl"]
            if not _object_grant(pols, objects, bucket_arn):
                missing.append("s3:PutObject")
            if missing:
                yield self._missing(tb, pols, missing, error, bucket_arn)
                continue
            policies = pols.separate()
            if policies and not any(_ordered(ctx, trail, p) for p in policies):
                yield self._race(tb, policies[0], error)

    def _missing(self, tb: TrailBucket, pols: ResourcePolicies, missing: list[str], error: str,
                 bucket_arn: str) -> Finding:
        key = f"{bucket_arn}/{tb.prefix.strip('/') + '/' if tb.prefix and tb.prefix != '*' else ''}AWSLogs/{ACCOUNT}/*"
        stmts = [{"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": CLOUDTRAIL},
                  "Action": "s3:GetBucketAcl", "Resource": bucket_arn},
                 {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": CLOUDTRAIL},
                  "Action": "s3:PutObject", "Resource": key,
                  "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]
        wanted = [s for s in stmts if s["Action"] in missing]
        if pols.exists:
            names = ", ".join(p.id for p, _ in pols.docs)
            why = f"its bucket policy ({names}) does not allow {CLOUDTRAIL} {' and '.join(missing)}"
            if "s3:PutObject" in missing and tb.prefix and tb.prefix != "*":
                why += f" on `{key}` (the trail's S3KeyPrefix is `{tb.prefix}`)"
        else:
            why = "the bucket has no bucket policy"
        return self.finding(
            f"trail {tb.trail.id} writes to bucket {tb.bucket.id}, but {why}: CloudTrail refuses to create the "
            "trail", resource=tb.trail, attribute=tb.attribute, error=error,
            fix=(f"{'add to the bucket policy of' if pols.exists else 'add a bucket policy on'} {tb.bucket.id}: "
                 + ", ".join(json.dumps(s) for s in wanted)
                 + ("" if pols.exists else f"; and make trail {tb.trail.id} depend on that policy")),
            bucket=tb.bucket.id, actions=missing, principal=CLOUDTRAIL)

    def _race(self, tb: TrailBucket, policy: Resource, error: str) -> Finding:
        return self.finding(
            f"trail {tb.trail.id} does not depend on bucket policy {policy.id} of bucket {tb.bucket.id}: both are "
            "created in parallel, and CreateTrail fails whenever it runs before the policy is in place",
            resource=tb.trail, severity=Severity.MEDIUM, title="CloudTrail trail not ordered after its bucket policy",
            error=f"sometimes, on the first deploy: {error}",
            fix=(f"make trail {tb.trail.id} depend on {policy.id}: `opts=pulumi.ResourceOptions(depends_on=[...])` "
                 "(Pulumi), `depends_on = [aws_s3_bucket_policy...]` (Terraform), `DependsOn` (CloudFormation), "
                 "`trail.node.add_dependency(policy)` (CDK)"),
            bucket=tb.bucket.id, policy=policy.id)


def _bare(name: str) -> str:
    """A Terraform address without module prefix and instance key: module.a.aws_x.y[0] -> aws_x.y"""
    parts = re.sub(r"\[[^\]]*\]", "", name).split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    return ".".join(parts)


def _depends(graph: ResourceGraph, r: Resource) -> tuple[set[str], bool]:
    """Ids `r` depends on, transitively, and whether some dependency names nothing in the graph (a Pulumi
    component, a Terraform module: it may hold the policy)."""
    seen: set[str] = set()
    opaque = False
    todo = list(r.depends_on)
    while todo:
        dep = todo.pop()
        if dep in seen:
            continue
        seen.add(dep)
        hits = [x for x in graph if x.id == dep or _bare(x.id) == _bare(dep) or x.id.startswith(dep + ".")]
        if not hits:
            opaque = True
        for x in hits:
            seen.add(x.id)
            todo.extend(x.depends_on)
    return seen, opaque


def _ordered(ctx: RuleContext, trail: Resource, policy: Resource) -> bool:
    deps, opaque = _depends(ctx.graph, trail)
    if opaque or policy.id in deps:
        return True
    return _mentions(ctx, trail, policy)


def _mentions(ctx: RuleContext, trail: Resource, policy: Resource) -> bool:
    """Whether the trail's own source text refers to the policy (Terraform `aws_s3_bucket_policy.x.bucket`, a
    CloudFormation `Ref`, the Python variable the policy is assigned to): an implicit dependency."""
    text = _block(ctx, trail)
    if not text:
        return False
    words = {_bare(policy.id), policy.id}
    line = _line(ctx, policy.location.file, policy.location.line)
    m = _PY_ASSIGN.match(line) if line else None
    if m:
        words.add(m.group(1))
    return any(re.search(rf"(?<![\w.]){re.escape(w)}(?!\w)", text) for w in words if w)


def _line(ctx: RuleContext, file: str | None, line: int | None) -> str:
    lines = ctx.lines(file)
    return lines[line - 1] if line and 0 < line <= len(lines) else ""


def _block(ctx: RuleContext, r: Resource) -> str:
    """The resource's own source text: its block (end_line known) or, for a call, up to the closing bracket."""
    loc = r.location
    lines = ctx.lines(loc.file)
    if not lines or not loc.line or loc.line > len(lines):
        return ""
    if loc.end_line and loc.end_line >= loc.line:
        return "\n".join(lines[loc.line - 1:loc.end_line])
    depth, out = 0, []
    for text in lines[loc.line - 1:loc.line + 80]:
        out.append(text)
        code = re.sub(r"#.*$", "", text)
        depth += code.count("(") + code.count("[") + code.count("{")
        depth -= code.count(")") + code.count("]") + code.count("}")
        if depth <= 0:
            break
    return "\n".join(out)
