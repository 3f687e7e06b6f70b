"""WIR011: S3 server access logging delivered to the bucket itself, or to a bucket whose KMS key S3's log delivery
cannot use."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.knowledge.iam import key_policy_allows
from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, many, one, prop, unknown_value
from iacqa.rules.wiring._refs import kms_key

LOGGING = ("AWS::S3::BucketLogging", "aws_s3_bucket_logging", "aws:s3/bucketLogging:BucketLogging",
           "aws:s3/bucketLoggingV2:BucketLoggingV2")
SSE = ("AWS::S3::BucketServerSideEncryptionConfiguration", "aws_s3_bucket_server_side_encryption_configuration",
       "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
       "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
LOG_DELIVERY = "logging.s3.amazonaws.com"


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


def _algorithms(value: Any) -> list[tuple[Any, Any]]:
    """(SSE algorithm, KMS key) of each rule of an encryption configuration, whatever the front end's shape."""
    out = []
    for rule in many(value):
        if not isinstance(rule, dict):
            continue
        d = one(rule.get("ServerSideEncryptionByDefault") or rule.get("ApplyServerSideEncryptionByDefault")
                or rule.get("apply_server_side_encryption_by_default"))
        if isinstance(d, dict):
            algo = d.get("SSEAlgorithm") or d.get("SseAlgorithm") or d.get("sse_algorithm")
            key = d.get("KMSMasterKeyID") or d.get("KmsMasterKeyId") or d.get("kms_master_key_id")
            out.append((algo, key))
    return out


@dataclass
class KmsDefault:
    setter: Resource  # the bucket or the encryption configuration resource
    algorithm: str
    key: Any  # KMSMasterKeyID as written (None: the AWS managed key aws/s3)


def kms_encrypted(graph: ResourceGraph, bucket: Resource) -> KmsDefault | None:
    """The bucket's default encryption when it is SSE-KMS (None for SSE-S3 or when not known before deploy)."""
    algos = [(bucket, a, k) for a, k in _algorithms(bucket.get("BucketEncryption.ServerSideEncryptionConfiguration"))]
    for r in graph:
        if not is_type(r, SSE):
            continue
        if _bucket(graph, prop(r, "Bucket", "bucket")[0]) is not bucket:
            continue
        rules = r.get("Rules") if r.has("Rules") else (r.native_properties.get("rules")
                                                       or r.native_properties.get("rule"))
        algos += [(r, a, k) for a, k in _algorithms(rules)]
    if any(not isinstance(a, str) or unknown_value(a) for _, a, _ in algos):
        return None
    return next((KmsDefault(r, a, k or None) for r, a, k in algos if a.lower() in KMS_ALGORITHMS), None)


def _aws_managed(key: Any) -> bool:
    return key is None or (isinstance(key, str) and key.endswith("alias/aws/s3"))


def log_delivery_blocked(graph: ResourceGraph, kms: KmsDefault) -> str | None:
    """Why S3's log delivery cannot encrypt with the key, or None when it may (or it cannot be told)."""
    if _aws_managed(kms.key):
        return "the AWS managed key aws/s3, whose key policy S3's log delivery service cannot be given"
    if unknown_value(kms.key):
        return None
    key = kms_key(graph, kms.key)
    if key is None:
        return None  # a key outside the stack: its policy is not visible here
    policy = key.get("KeyPolicy")
    if policy is None:
        policy = key.native_properties.get("policy")
    if unknown_value(policy):
        return None
    if key_policy_allows(policy, LOG_DELIVERY, "kms:GenerateDataKey"):
        return None
    return f"key {key.id}, whose key policy does not let {LOG_DELIVERY} use it (kms:GenerateDataKey)"


class AccessLogDestination(Rule):
    """S3 server access logs delivered to the logged bucket itself, or to a bucket encrypted with a KMS key S3's log
    delivery cannot use.

    What it finds: an S3 server access logging setting (`LoggingConfiguration` of `AWS::S3::Bucket`, the bucket's
    `loggings`/`logging`, `aws.s3.BucketLoggingV2`, `aws_s3_bucket_logging`) whose destination is
    - the source bucket itself (a CloudFormation `LoggingConfiguration` without `DestinationBucketName`, which is
      what CDK's `server_access_logs_prefix` without `server_access_logs_bucket` writes, is that too): medium;
    - a bucket of the stack whose default encryption (`BucketEncryption`, `aws.s3.BucketServerSideEncryption
      ConfigurationV2`, `aws_s3_bucket_server_side_encryption_configuration`) is SSE-KMS (`aws:kms`,
      `aws:kms:dsse`) with the AWS managed key (no `KMSMasterKeyID`, or `alias/aws/s3`), or with a customer
      managed key of the stack whose key policy does not let `logging.s3.amazonaws.com` call
      `kms:GenerateDataKey`: high.
    Silent when a destination, algorithm, key or key policy is not known before deploy, for keys and buckets
    outside the stack, and (for the encryption case) on a partial graph.
    Why it breaks: logging into the logged bucket logs the log deliveries too, an endless loop of objects that
    grows the bill and buries the real accesses. Log delivery writes as the service principal
    `logging.s3.amazonaws.com`: it can encrypt with SSE-S3, or with a customer managed key whose policy lets it;
    the AWS managed key's policy cannot be changed, so with it (or a key policy without the grant) the logging
    setting is accepted and no log file is ever delivered.
    Bad: `aws.s3.BucketLoggingV2("l", bucket=data.id, target_bucket=data.id, target_prefix="logs/")`, or a
    target bucket with `sse_algorithm="aws:kms"` and a key whose policy only names the account.
    Good: a separate log bucket encrypted with SSE-S3 (`sse_algorithm="AES256"`), with a bucket policy allowing
    `logging.s3.amazonaws.com` to `s3:PutObject`, as `target_bucket`.
    What AWS says: nothing at deploy. The S3 user guide: "When your source bucket and destination bucket are the
    same bucket, additional logs are created for the logs that are written to the bucket, which creates an
    infinite loop of logs." aws-cdk-lib's `Bucket` refuses the KMS case at synth (`KmsManagedKeyNotSupportedFor
    AccessLogs`: "Default bucket encryption with KMS managed or DSSE managed key is not supported for Server Access
    Logging target buckets") and, for a customer managed key, grants `logging.s3.amazonaws.com` encrypt/decrypt on
    it.
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html ,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
    """

    id = "WIR011"
    category = Category.WIRING
    severity = Severity.HIGH
    title = "S3 access logs to the bucket itself or to a KMS bucket log delivery cannot use"
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
            why = log_delivery_blocked(g, kms) if kms is not None else None
            if kms is None or why is None:
                continue
            yield self.finding(
                f"bucket {s.source.id} delivers server access logs to {s.target.id}, whose default encryption is "
                f"{kms.algorithm} with {why} (set by {kms.setter.id}): no log file is ever delivered",
                resource=s.owner, attribute=s.attribute,
                error=("nothing at deploy; at run time no access log is delivered (aws-cdk-lib refuses the same "
                       "setting: \"Default bucket encryption with KMS managed or DSSE managed key is not supported "
                       "for Server Access Logging target buckets\")"),
                fix=(f"encrypt {s.target.id} with SSE-S3 (sse_algorithm=\"AES256\"), or with a customer managed key "
                     f"whose key policy allows {LOG_DELIVERY} kms:GenerateDataKey"),
                target_bucket=s.target.id, sse_algorithm=kms.algorithm)
