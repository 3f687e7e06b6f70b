"""LIM012: an S3 ACL set on a bucket whose Object Ownership disables ACLs (every new bucket since April 2023), and
CloudFront standard logging into such a bucket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import is_type, many, one, prop, unknown_value

ACL_TYPES = ("aws_s3_bucket_acl", "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl")
OWNERSHIP_TYPES = ("AWS::S3::BucketOwnershipControls", "aws_s3_bucket_ownership_controls",
                   "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
# Canned ACLs that grant someone other than the owner; `private` (the default) is accepted with ACLs disabled.
_CFN_GRANTING = {"PublicRead", "PublicReadWrite", "AuthenticatedRead", "LogDeliveryWrite", "AwsExecRead",
                 "BucketOwnerRead", "BucketOwnerFullControl"}
_GRANTING = {"public-read", "public-read-write", "authenticated-read", "log-delivery-write", "aws-exec-read",
             "bucket-owner-read", "bucket-owner-full-control"}
_UNSET = object()
S3_DOC = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html"


def _ownership(graph: ResourceGraph, bucket: Resource) -> Any:
    """The bucket's Object Ownership: the value, None when nothing sets it (BucketOwnerEnforced, S3's default for
    new buckets since April 2023), or _UNSET when it cannot be known (a controls resource for an unknown bucket)."""
    for r in many(bucket.get("OwnershipControls.Rules")):
        if isinstance(r, dict) and r.get("ObjectOwnership"):
            return r["ObjectOwnership"]
    for r in graph:
        if not is_type(r, OWNERSHIP_TYPES):
            continue
        target, _ = prop(r, "Bucket", "bucket")
        if unknown_value(target) or target is None:
            return _UNSET
        if graph.resolve_resource(target) is not bucket and target not in _names(bucket):
            continue
        rule = one(r.get("Rule") or r.native_properties.get("rule"))
        value = (rule.get("ObjectOwnership") or rule.get("object_ownership")) if isinstance(rule, dict) else None
        return value if isinstance(value, str) and not unknown_value(value) else _UNSET
    return None


def _names(bucket: Resource) -> set[str]:
    return {v for v in (bucket.outputs.get("Id"), bucket.outputs.get("Name"), bucket.get("BucketName"))
            if isinstance(v, str) and v}


def _acls_disabled(value: Any) -> bool:
    return value is None or value == "BucketOwnerEnforced"


class AclOnBucketWithoutAcls(Rule):
    """An S3 ACL on a bucket whose Object Ownership disables ACLs.

    What it finds: a bucket created with a canned ACL that grants someone else (`AccessControl: LogDeliveryWrite`,
    `acl="public-read"`) or a separate ACL resource (`aws_s3_bucket_acl`, `BucketAclV2`) with such an ACL, while the
    bucket's Object Ownership is `BucketOwnerEnforced` or not set (S3's default for every new bucket since April
    2023); and a CloudFront distribution whose standard logging writes to such a bucket (CloudFront delivers logs
    through an ACL grant). Buckets whose ownership controls cannot be matched are not judged.
    Why it breaks: with ACLs disabled S3 refuses to set any ACL but `private`, so the bucket (or the ACL resource)
    fails to create; CloudFront refuses a logging bucket that does not enable ACL access.
    Bad: `AccessControl: LogDeliveryWrite` alone; `aws_s3_bucket_acl { acl = "log-delivery-write" }` alone.
    Good: the same with `OwnershipControls: {Rules: [{ObjectOwnership: BucketOwnerPreferred}]}`
    (`aws_s3_bucket_ownership_controls` with `object_ownership = "BucketOwnerPreferred"`, ordered before the ACL),
    or no ACL and a bucket policy granting `logging.s3.amazonaws.com`.
    What AWS says: `InvalidBucketAclWithObjectOwnership: Bucket cannot have ACLs set with ObjectOwnership's
    BucketOwnerEnforced setting`; `AccessControlListNotSupported: The bucket does not allow ACLs`; CloudFront:
    `InvalidArgument: The S3 bucket that you specified for CloudFront logs does not enable ACL access`.
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html,
    https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html
    """

    id = "LIM012"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "S3 ACL on a bucket with ACLs disabled"
    docs_url = S3_DOC

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for bucket in g.of_type("AWS::S3::Bucket"):
            acl = bucket.get("AccessControl")
            native = bucket.native_properties.get("acl")
            if acl in _CFN_GRANTING or native in _GRANTING:
                own = _ownership(g, bucket)
                if own is not _UNSET and _acls_disabled(own):
                    yield self._finding(bucket, "AccessControl", acl or native, bucket.id,
                                        "InvalidBucketAclWithObjectOwnership: Bucket cannot have ACLs set with "
                                        "ObjectOwnership's BucketOwnerEnforced setting")
        for r in g:
            if not is_type(r, ACL_TYPES):
                continue
            acl, attr = prop(r, "Acl", "acl")
            if acl not in _GRANTING:
                continue
            target, _ = prop(r, "Bucket", "bucket")
            bucket = g.resolve_resource(target) if not unknown_value(target) else None
            if bucket is None or bucket.type != "AWS::S3::Bucket":
                continue
            own = _ownership(g, bucket)
            if own is not _UNSET and _acls_disabled(own):
                yield self._finding(r, attr, acl, bucket.id,
                                    "AccessControlListNotSupported: The bucket does not allow ACLs")
        yield from self._cloudfront(g)

    def _cloudfront(self, g: ResourceGraph) -> Iterator[Finding]:
        for dist in g.of_type("AWS::CloudFront::Distribution"):
            target = dist.get("DistributionConfig.Logging.Bucket")
            if not isinstance(target, str) or unknown_value(target):
                continue
            bucket = g.resolve_resource(target)
            if bucket is None:
                name = target.split(".s3", 1)[0]
                bucket = next((b for b in g.of_type("AWS::S3::Bucket") if name in _names(b)), None)
            if bucket is None:
                continue
            own = _ownership(g, bucket)
            if own is _UNSET or not _acls_disabled(own):
                continue
            yield self.finding(
                f"{dist.id}: standard logging writes to bucket {bucket.id}, whose Object Ownership "
                f"({own or 'not set: BucketOwnerEnforced'}) disables ACLs; CloudFront delivers these logs through "
                "an ACL grant, so the distribution is refused", resource=dist, attribute="DistributionConfig.Logging",
                error="InvalidArgument: The S3 bucket that you specified for CloudFront logs does not enable ACL "
                f"access: {target}",
                fix=f"give bucket {bucket.id} ObjectOwnership BucketOwnerPreferred (OwnershipControls / "
                "aws_s3_bucket_ownership_controls), or use CloudFront standard logging v2 (CloudWatch Logs delivery)",
                evidence="CloudFront developer guide, standard logging (legacy): the bucket must have ACLs enabled")

    def _finding(self, res: Resource, attr: str, acl: Any, bucket: str, error: str) -> Finding:
        return self.finding(
            f"{res.id}: ACL `{acl}` on bucket {bucket}, whose Object Ownership is BucketOwnerEnforced (not set: S3's "
            "default for new buckets since April 2023), so ACLs are disabled and S3 refuses it",
            resource=res, attribute=attr, error=error,
            fix="set Object Ownership to BucketOwnerPreferred (OwnershipControls on the bucket; in Terraform "
            "aws_s3_bucket_ownership_controls and depends_on it from the ACL), or drop the ACL and grant through a "
            "bucket policy (log delivery: logging.s3.amazonaws.com)",
            evidence="S3 user guide, Object Ownership: with BucketOwnerEnforced, requests to set ACLs fail")
