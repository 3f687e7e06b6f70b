"""SEC001, SEC003: data stores without encryption at rest, and S3 buckets opened to the public.

Only what AWS does not already do by default is reported: DynamoDB tables, S3 objects (SSE-S3 since January 2023),
CloudWatch log groups, Secrets Manager secrets and, since October 2022, new SQS queues (SSE-SQS) are encrypted at
rest without any setting; new S3 buckets block public access since April 2023.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.knowledge.iam import statements
from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import find_in_span
from iacqa.rules.hygiene.teardown import bucket_named


def _false(v: Any) -> bool:
    return v is False or (isinstance(v, str) and v.lower() == "false")


class NoEncryptionAtRest(Rule):
    """A data store that AWS does not encrypt by default is left unencrypted.

    What it finds: SNS topics without `kms_master_key_id`; SQS queues with `sqs_managed_sse_enabled=False` and
    no `kms_master_key_id`; RDS instances and clusters without `storage_encrypted=True`; Kinesis streams without
    `encryption_type="KMS"`. Not reported, because AWS encrypts them by default: DynamoDB tables, S3 objects,
    log groups, secrets, SQS queues without an SSE setting.
    Why it breaks: nothing fails; data sits unencrypted and the task's encryption requirement (and common
    compliance checks) are not met. RDS storage encryption cannot be switched on later without a snapshot
    restore.
    Bad: `aws.sns.Topic("alerts")`; `aws.rds.Instance(..., storage_encrypted=False)`
    Good: `aws.sns.Topic("alerts", kms_master_key_id="alias/aws/sns")`; `storage_encrypted=True`
    What AWS says: "Server-side encryption (SSE) lets you store sensitive data in encrypted topics" (SNS);
    "Amazon RDS encrypted DB instances ... encrypt data at rest" and encryption is set at creation.
    References: https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
    """

    id = "SEC001"
    category = Category.SECURITY
    severity = Severity.MEDIUM
    title = "no encryption at rest"
    docs_url = "https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if r.type == "AWS::SNS::Topic" and not r.get("KmsMasterKeyId"):
                yield self.finding(f"SNS topic {r.id} has no kms_master_key_id: messages are stored unencrypted",
                                   resource=r, fix='kms_master_key_id="alias/aws/sns" (or a customer key\'s id)')
            elif r.type == "AWS::SQS::Queue" and _false(r.get("SqsManagedSseEnabled")) and not r.get("KmsMasterKeyId"):
                yield self.finding(f"SQS queue {r.id} turns SSE-SQS off and sets no KMS key: messages are stored "
                                   "unencrypted", resource=r, attribute="SqsManagedSseEnabled",
                                   fix="remove sqs_managed_sse_enabled=False (SSE-SQS is the default) or set "
                                   "kms_master_key_id")
            elif r.type in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster") and not r.get("StorageEncrypted") \
                    and not r.get("DBClusterIdentifier" if r.type == "AWS::RDS::DBInstance" else "__none__") \
                    and str(r.get("EngineMode", "")).lower() != "serverless":
                attr = "StorageEncrypted" if r.has("StorageEncrypted") else None
                yield self.finding(f"{r.id}: storage_encrypted is not set to True: the database storage, "
                                   "backups and snapshots are unencrypted", resource=r, attribute=attr,
                                   fix="storage_encrypted=True (optionally kms_key_id)")
            elif r.native_type == "aws:kinesis/stream:Stream" and \
                    str(r.native_properties.get("encryption_type", "NONE")).upper() != "KMS":
                yield self.finding(f"Kinesis stream {r.id} has no encryption_type=\"KMS\": records are stored "
                                   "unencrypted", resource=r, fix='encryption_type="KMS", kms_key_id="alias/aws/kinesis"')


_PUBLIC_ACLS = ("public-read", "public-read-write", "website")
_PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def _public_principal(p: Any) -> bool:
    if p == "*":
        return True
    if isinstance(p, dict):
        aws = p.get("AWS")
        return aws == "*" or (isinstance(aws, list) and "*" in aws)
    return False


class PublicBucket(Rule):
    """An S3 bucket is opened to the public.

    What it finds: a bucket policy statement that allows `Principal: "*"` without a condition; a public canned
    ACL (`acl="public-read"`/`"public-read-write"`) on a bucket or `BucketAclV2`; a `BucketPublicAccessBlock`
    that switches any of its four blocks off. A bucket with no public access block is not reported: S3 blocks
    public access on new buckets by default.
    Why it breaks: anyone can read (or write) the objects; with the default block still on, the public policy or
    ACL is refused at deploy (`AccessDenied ... because public policies are blocked by the BlockPublicPolicy
    block public access setting`).
    Bad: `{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{arn}/*"}`
    Good: grant a CloudFront origin access control or a role, keep `BucketPublicAccessBlock` all `True`.
    What AWS says: "we recommend that you turn on all four settings for Block Public Access".
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    """

    id = "SEC003"
    category = Category.SECURITY
    severity = Severity.HIGH
    title = "public S3 bucket"
    docs_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            n = r.native_properties
            if r.type == "AWS::S3::BucketPolicy":
                doc = r.get("PolicyDocument") if r.has("PolicyDocument") else n.get("policy")
                nth = 0
                for st in statements(doc, f"bucket policy {r.id}"):
                    if st.get("Effect") == "Allow" and _public_principal(st.get("Principal")) \
                            and not st.get("Condition"):
                        rx = re.compile(r"""["']?Principal["']?\s*[:=]\s*(["']\*["']|\{\s*["']AWS["']\s*:\s*"""
                                        r"""\[?\s*["']\*["'])""")
                        loc = find_in_span(ctx, r, rx, nth) or r.location_of("PolicyDocument")
                        nth += 1
                        yield self.finding(
                            f"bucket policy {r.id} allows {', '.join(st.get('Action', []))} to everyone "
                            "(Principal \"*\", no condition)", resource=r, location=loc,
                            fix="grant a specific principal (CloudFront OAC, a role) or add a condition")
            acl = n.get("acl")
            if r.type == "AWS::S3::Bucket" or r.native_type.startswith("aws:s3/bucketAcl"):
                if isinstance(acl, str) and acl in _PUBLIC_ACLS:
                    yield self.finding(f"{r.id}: acl={acl!r} makes the objects public", resource=r,
                                       location=r.attr_locations.get("acl", r.location),
                                       fix="remove the public ACL (ObjectOwnership BucketOwnerEnforced)")
            if r.type == "AWS::S3::BucketPublicAccessBlock":
                off = [f for f in _PAB_FLAGS if _false(n.get(f))]
                if off:
                    target = bucket_named(ctx, n.get("bucket"))
                    name = target.id if target is not None else "its bucket"
                    yield self.finding(
                        f"{r.id} turns off {', '.join(off)} for {name}", resource=r,
                        location=r.attr_locations.get(off[0], r.location), severity=Severity.MEDIUM,
                        fix="set all four (block_public_acls, block_public_policy, ignore_public_acls, "
                        "restrict_public_buckets) to True")
