"""WIR011: S3 server access logging delivered to the bucket itself, or to a bucket encrypted with SSE-KMS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, many, one, prop, unknown_value

LOGGING = ("AWS::S3::BucketLogging", "aws_s3_bucket_logging", "aws:s3/bucketLogging:BucketLogging",
           "aws:s3/bucketLoggingV2:BucketLoggingV2")
SSE = ("AWS::S3::BucketServerSideEncryptionConfiguration", "aws_s3_bucket_server_side_encryption_configuration",
       "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
       "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


@dataclass
class LogSetting:
    owner: Resource  # the bucket (inline setting) or the logging resource
    attribute: str
    source: Resource
    target: Resource


def _bucket(graph: ResourceGraph, ref: Any) -> Resource | None:
    if not isinstance(ref, str) or not ref or unknown_value(ref):
        return None
    res = graph.resolve_resource(ref)
    if res is not None and res.type == "AWS::S3::Bucket":
        return res
    return next((b for b in graph.of_type("AWS::S3::Bucket")
                 if ref in (b.outputs.get("Name"), b.outputs.get("Id"), b.outputs.get("Arn"), b.get("BucketName"))),
                None)


def settings(graph: ResourceGraph) -> Iterator[LogSetting]:
    for b in graph.of_type("AWS::S3::Bucket"):
        if b.has("LoggingConfiguration"):
            dest = b.get("LoggingConfiguration.DestinationBucketName")
            if dest is None:  # CloudFormation: "By default, logs are stored in the bucket where [it] is defined"
                yield LogSetting(b, "LoggingConfiguration", b, b)
            else:
                t = _bucket(graph, dest)
                if t is not None:
                    yield LogSetting(b, "LoggingConfiguration.DestinationBucketName", b, t)
        for native in ("loggings", "logging"):
            for item in many(b.native_properties.get(native)):
                if isinstance(item, dict):
                    t = _bucket(graph, item.get("target_bucket"))
                    if t is not None:
                        yield LogSetting(b, native, b, t)
    for r in graph:
        if not is_type(r, LOGGING):
            continue
        src = _bucket(graph, prop(r, "Bucket", "bucket")[0])
        dest, attr = prop(r, "TargetBucket", "target_bucket")
        t = _bucket(graph, dest)
        if src is not None and t is not None:
            yield LogSetting(r, attr, src, t)


def _algorithms(value: Any) -> list[Any]:
    """SSE algorithms in an encryption configuration, whatever the front end's shape."""
    out = []
    for rule in many(value):
        if not isinstance(rule, dict):
            continue
        d = one(rule.get("ServerSideEncryptionByDefault") or rule.get("ApplyServerSideEncryptionByDefault")
                or rule.get("apply_server_side_encryption_by_default"))
        if isinstance(d, dict):
            out.append(d.get("SSEAlgorithm") or d.get("SseAlgorithm") or d.get("sse_algorithm"))
    return out


def kms_encrypted(graph: ResourceGraph, bucket: Resource) -> tuple[Resource, str] | None:
    """(the resource that sets it, algorithm) when the bucket's default encryption is SSE-KMS."""
    algos = [(bucket, a) for a in _algorithms(bucket.get("BucketEncryption.ServerSideEncryptionConfiguration"))]
    for r in graph:
        if not is_type(r, SSE):
            continue
        if _bucket(graph, prop(r, "Bucket", "bucket")[0]) is not bucket:
            continue
        rules = r.get("Rules") if r.has("Rules") else (r.native_properties.get("rules")
                                                       or r.native_properties.get("rule"))
        algos += [(r, a) for a in _algorithms(rules)]
    if any(not isinstance(a, str) or unknown_value(a) for _, a in algos):
        return None
    return next(((r, a) for r, a in algos if a.lower() in KMS_ALGORITHMS), None)


class AccessLogDestination(Rule):
    """S3 server access logs delivered to the logged bucket itself, or to a bucket whose default encryption is
    SSE-KMS.

    What it finds: an S3 server access logging setting (`LoggingConfiguration` of `AWS::S3::Bucket`, the bucket's
    `loggings`/`logging`, `aws.s3.BucketLoggingV2`, `aws_s3_bucket_logging`) whose destination is
    - the source bucket itself (a CloudFormation `LoggingConfiguration` without `DestinationBucketName` is that
      too): medium;
    - a bucket of the stack whose default encryption (`BucketEncryption`, `aws.s3.BucketServerSideEncryption
      ConfigurationV2`, `aws_s3_bucket_server_side_encryption_configuration`) is SSE-KMS (`aws:kms`,
      `aws:kms:dsse`): high.
    Silent when a destination or algorithm is not known before deploy, and for buckets outside the stack.
    Why it breaks: logging into the logged bucket logs the log deliveries too, an endless loop of objects that
    grows the bill and buries the real accesses. S3's log delivery cannot use KMS keys: with SSE-KMS as the
    destination's default encryption, the logging setting is accepted but no log file is ever delivered, so the
    audit trail the setting was meant to give does not exist.
    Bad: `aws.s3.BucketLoggingV2("l", bucket=data.id, target_bucket=data.id, target_prefix="logs/")`, or a
    target bucket with `sse_algorithm="aws:kms"`.
    Good: a separate log bucket encrypted with SSE-S3 (`sse_algorithm="AES256"`), with a bucket policy allowing
    `logging.s3.amazonaws.com` to `s3:PutObject`, as `target_bucket`.
    What AWS says: nothing at deploy. The S3 user guide: "When your source bucket and destination bucket are the
    same bucket, additional logs are created for the logs that are written to the bucket, which creates an
    infinite loop of logs." and "You can use default bucket encryption on the destination bucket only if you use
    server-side encryption with Amazon S3 managed keys (SSE-S3)... Default server-side encryption with AWS Key
    Management Service (AWS KMS) keys (SSE-KMS) is not supported."
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html ,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
    """

    id = "WIR011"
    category = Category.WIRING
    severity = Severity.HIGH
    title = "S3 access logs to the bucket itself or to an SSE-KMS bucket"
    resource_types = ("AWS::S3::Bucket", *LOGGING)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for s in settings(g):
            if s.target is s.source:
                yield self.finding(
                    f"bucket {s.source.id} delivers its server access logs to itself: every log delivery is logged "
                    "again, an endless loop of log objects", resource=s.owner, attribute=s.attribute,
                    severity=Severity.MEDIUM,
                    error=("nothing at deploy; at run time S3 writes log files for its own log deliveries "
                           "(\"an infinite loop of logs\", S3 user guide)"),
                    fix=f"create a separate log bucket and point the target bucket of {s.source.id} at it",
                    target_bucket=s.target.id)
                continue
            if not graph_complete(ctx):
                continue  # the encryption setting seen may not be the whole story on a partial graph
            kms = kms_encrypted(g, s.target)
            if kms is None:
                continue
            setter, algo = kms
            yield self.finding(
                f"bucket {s.source.id} delivers server access logs to {s.target.id}, whose default encryption is "
                f"{algo} (set by {setter.id}): S3 server access logging does not deliver to SSE-KMS buckets, so no "
                "log file ever arrives", resource=s.owner, attribute=s.attribute,
                error=("nothing at deploy; at run time no access log is delivered (S3 user guide: \"Default "
                       "server-side encryption with AWS Key Management Service (AWS KMS) keys (SSE-KMS) is not "
                       "supported\" for the destination bucket)"),
                fix=(f"encrypt {s.target.id} with SSE-S3 (sse_algorithm=\"AES256\") or log to a separate bucket "
                     "that uses SSE-S3"),
                target_bucket=s.target.id, sse_algorithm=algo)
