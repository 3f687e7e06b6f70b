"""PRM010: an S3 server access log destination whose bucket policy does not let S3's log delivery write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import ResourcePolicies, graph_complete, policies_on
from iacqa.rules.wiring._native import is_type, many, one, prop, unknown_value
from iacqa.rules.wiring.access_logging import LOGGING, LogSetting, settings

LOG_DELIVERY = "logging.s3.amazonaws.com"
# Anything that may grant the legacy Log Delivery group through ACLs instead of the bucket policy.
ACL_TYPES = ("aws_s3_bucket_acl", "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl")
OWNERSHIP = ("AWS::S3::BucketOwnershipControls",)


def _acl_possible(graph: ResourceGraph, bucket: Resource) -> bool:
    """Whether the destination may take logs through an ACL (then the policy is not the only way in)."""
    if bucket.has("AccessControl") or any(bucket.native_properties.get(k) for k in ("acl", "grants", "grant")):
        return True
    rules = bucket.get("OwnershipControls.Rules")
    if any(isinstance(r, dict) and r.get("ObjectOwnership") not in (None, "BucketOwnerEnforced")
           for r in many(rules)):
        return True
    for r in graph:
        if is_type(r, ACL_TYPES):
            return True  # an ACL somewhere in the stack: do not judge which bucket it opens
        if is_type(r, OWNERSHIP):
            own = one(r.get("Rule") or r.native_properties.get("rule"))
            value = own.get("ObjectOwnership", own.get("object_ownership")) if isinstance(own, dict) else None
            if value != "BucketOwnerEnforced":
                return True
    return False


def _prefix(s: LogSetting) -> Any:
    if s.owner.type == "AWS::S3::Bucket":
        for native in ("loggings", "logging"):
            for item in many(s.owner.native_properties.get(native)):
                if isinstance(item, dict) and "target_prefix" in item:
                    return item["target_prefix"]
        return s.owner.get("LoggingConfiguration.LogFilePrefix", "")
    return prop(s.owner, "TargetPrefix", "target_prefix")[0] or ""


def _allows_objects(pols: ResourcePolicies, arn: str, prefix: Any) -> bool:
    if isinstance(prefix, str) and not unknown_value(prefix):
        return pols.allows(LOG_DELIVERY, "s3:PutObject", [f"{arn}/{prefix}2026-01-01-00-00-00-ABCDEF0123456789"])
    # a prefix not known before deploy: any grant on objects of the bucket counts
    for _, stmts in pols.docs:
        for st in stmts:
            for pattern in st.get("Resource", ["*"]):
                if (pattern == "*" or pattern.startswith(arn + "/")) and pols.allows(
                        LOG_DELIVERY, "s3:PutObject", [pattern.replace("*", "x")]):
                    return True
    return False


class LogDeliveryNotAllowed(Rule):
    """An S3 server access log destination bucket whose policy does not let S3's log delivery write to it.

    What it finds: an S3 server access logging setting (`LoggingConfiguration.DestinationBucketName`, the bucket's
    `loggings`/`logging`, `aws.s3.BucketLoggingV2`, `aws_s3_bucket_logging`) whose destination is another bucket
    of the stack with no bucket policy (`AWS::S3::BucketPolicy`, `aws.s3.BucketPolicy`, `aws_s3_bucket_policy`)
    allowing the service principal `logging.s3.amazonaws.com` to `s3:PutObject` under the log prefix. Silent when
    the destination may take logs through ACLs instead (an `AccessControl`/`acl`/grants setting, Object Ownership
    other than BucketOwnerEnforced, any bucket ACL resource in the stack), when the logging setting has target
    grants, when a policy's document or target is not known before deploy, and on a partial graph. Conditions
    (`aws:SourceArn`, `aws:SourceAccount`) are not evaluated: a conditional allow counts. CDK's
    `server_access_logs_bucket` writes the statement itself.
    Why it breaks: buckets are created with ACLs disabled (Object Ownership BucketOwnerEnforced, the default since
    April 2023), so the Log Delivery group's ACL grant no longer exists and S3 delivers server access logs only
    when the destination's bucket policy allows `logging.s3.amazonaws.com`. Without it the logging setting is
    accepted and no log file ever arrives: the audit trail the template promises is empty (corpus: cfn-json
    Pr5300, "causing S3 access logging ... to fail silently").
    Bad: `LoggingConfiguration: {DestinationBucketName: !Ref LoggingBucket}` and no `AWS::S3::BucketPolicy` on
    LoggingBucket.
    Good: an `AWS::S3::BucketPolicy` on the log bucket with `{"Effect": "Allow", "Principal": {"Service":
    "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "<log bucket ARN>/<prefix>*", "Condition":
    {"ArnLike": {"aws:SourceArn": "<source bucket ARN>"}, "StringEquals": {"aws:SourceAccount": "<account>"}}}`.
    What AWS says: nothing at deploy; no log object is ever written. The S3 user guide ("Permissions for log
    delivery"): "If the destination bucket uses the Bucket owner enforced setting for Object Ownership, ACLs are
    disabled and no longer affect permissions. You must update the bucket policy on the destination bucket to
    grant access to the logging service principal."
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html ,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
    """

    id = "PRM010"
    category = Category.IAM_MISSING
    severity = Severity.MEDIUM
    title = "access log bucket policy does not let S3 log delivery write"
    resource_types = ("AWS::S3::Bucket", *LOGGING)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return  # a partial graph: the policy may be among what it misses
        g = ctx.graph
        for s in settings(g):
            if s.target is s.source:
                continue  # WIR011 reports a bucket that logs into itself
            if prop(s.owner, "TargetGrants", "target_grant")[0] or _acl_possible(g, s.target):
                continue
            arn = s.target.outputs.get("Arn")
            if not isinstance(arn, str) or not arn.startswith("arn:"):
                continue
            pols = policies_on(g, s.target)
            if pols.uncertain:
                continue
            prefix = _prefix(s)
            if _allows_objects(pols, arn, prefix):
                continue
            names = ", ".join(p.id for p, _ in pols.docs)
            why = (f"its bucket policy ({names}) does not allow" if pols.exists else "no bucket policy allows")
            stmt = {"Effect": "Allow", "Principal": {"Service": LOG_DELIVERY}, "Action": "s3:PutObject",
                    "Resource": f"{arn}/{prefix if isinstance(prefix, str) else ''}*"}
            yield self.finding(
                f"bucket {s.source.id} delivers server access logs to {s.target.id}, but {why} {LOG_DELIVERY} to "
                "s3:PutObject there: with ACLs disabled (the default) no log file is ever delivered",
                resource=s.owner, attribute=s.attribute,
                error=("nothing at deploy; at run time S3 delivers no access log (the destination's ACLs are disabled "
                       f"and its bucket policy does not grant {LOG_DELIVERY})"),
                fix=f"add a bucket policy on {s.target.id} with {json.dumps(stmt)} (conditioned on aws:SourceArn of "
                    f"{s.source.id} and aws:SourceAccount)",
                target_bucket=s.target.id, principal=LOG_DELIVERY)
