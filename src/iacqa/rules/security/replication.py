"""SEC013, SEC014: S3 replication configurations that S3 refuses (PutBucketReplication answers InvalidRequest).

Replication is declared in three shapes: `ReplicationConfiguration` of `AWS::S3::Bucket` (CloudFormation, CDK),
`replication_configuration` of a Pulumi `aws.s3.Bucket`/`BucketV2` (kept native by the graph), and a standalone
`aws_s3_bucket_replication_configuration` / `aws.s3.BucketReplicationConfig` naming its bucket. Versioning comes from
the bucket (`VersioningConfiguration`, Pulumi's `versioning` block, mapped to the same) or from an
`aws_s3_bucket_versioning` / `aws.s3.BucketVersioning` resource (the graph's `AWS::S3::BucketVersioning`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

_STANDALONE = ("aws_s3_bucket_replication_configuration", "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
_S3_DOC = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html"


def _unknown(value: Any) -> bool:
    return isinstance(value, str) and ("<unresolved" in value or "${" in value or value.startswith("mock-")
                                       or value.lower() == "unknown")


def _one(value: Any) -> Any:
    """A nested block: Terraform keeps it as a one-item list."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _key(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if k in d and d[k] is not None:
            return d[k]
    return None


@dataclass
class Replication:
    """One replication configuration: where it is declared, its source bucket and its rules (native or CFN)."""

    owner: Resource  # the resource that declares it (the bucket, or the standalone configuration)
    attribute: str  # CFN path on the owner, for the location
    source: Resource | None
    rules: list[dict[str, Any]] = field(default_factory=list)
    cfn: bool = False  # CloudFormation vocabulary (PascalCase keys)


def _bucket_for(graph: ResourceGraph, ref: Any) -> Resource | None:
    """The bucket an id, name or ARN names (a `bucket/prefix` ARN too)."""
    if not isinstance(ref, str) or not ref or _unknown(ref):
        return None
    hit = graph.resolve_resource(ref)
    if hit is not None and hit.type == "AWS::S3::Bucket":
        return hit
    name = ref.split(":::", 1)[1].split("/", 1)[0] if ref.startswith("arn:aws:s3:::") else ref
    for b in graph.of_type("AWS::S3::Bucket"):
        if name in (b.outputs.get("Name"), b.outputs.get("Id"), b.get("BucketName"), b.outputs.get("Arn")):
            return b
    return None


def replications(graph: ResourceGraph) -> Iterator[Replication]:
    for r in graph:
        if r.type == "AWS::S3::Bucket":
            cfg = r.get("ReplicationConfiguration")
            if isinstance(cfg, dict):
                yield Replication(r, "ReplicationConfiguration", r,
                                  [x for x in _items(cfg.get("Rules")) if isinstance(x, dict)], cfn=True)
                continue
            n = r.native_properties
            cfg = _one(_key(n, "replication_configuration", "replicationConfiguration"))
            if isinstance(cfg, dict):
                yield Replication(r, "replication_configuration", r,
                                  [x for x in _items(_key(cfg, "rules", "rule")) if isinstance(x, dict)])
        elif r.native_type in _STANDALONE or r.type in _STANDALONE:
            n = r.native_properties
            yield Replication(r, "rule" if "rule" in n else "rules", _bucket_for(graph, n.get("bucket")),
                              [x for x in _items(_key(n, "rules", "rule")) if isinstance(x, dict)])


def _status_enabled(cfg: Any) -> bool | None:
    """True/False for a versioning block's status, None when not known at synth time."""
    cfg = _one(cfg)
    if not isinstance(cfg, dict):
        return False
    status = _key(cfg, "status", "Status", "enabled")
    if status is None:
        return False
    if isinstance(status, bool):
        return status
    if _unknown(status):
        return None
    return str(status).lower() in ("enabled", "true")


def versioning(graph: ResourceGraph) -> tuple[dict[str, bool | None], bool]:
    """Bucket id -> versioning enabled (None: not known), and whether a versioning resource names a bucket the
    graph cannot find (then no bucket can be said to lack versioning)."""
    out: dict[str, bool | None] = {}
    for b in graph.of_type("AWS::S3::Bucket"):
        status = b.get("VersioningConfiguration.Status")
        if status is not None:
            out[b.id] = None if _unknown(status) else str(status) == "Enabled"
    lost = False
    for v in graph.of_type("AWS::S3::BucketVersioning"):
        n = v.native_properties
        target = _bucket_for(graph, n.get("bucket"))
        if target is None:
            lost = True
            continue
        state = _status_enabled(_key(n, "versioning_configuration", "versioningConfiguration"))
        if out.get(target.id) is not True:
            out[target.id] = state
    return out, lost


def _destinations(rep: Replication) -> list[Any]:
    out = []
    for rule in rep.rules:
        dest = _one(_key(rule, "Destination", "destination"))
        if isinstance(dest, dict):
            out.append(_key(dest, "Bucket", "bucket"))
    return out


class ReplicationWithoutVersioning(Rule):
    """An S3 replication configuration whose source or destination bucket does not have versioning enabled.

    What it finds: a replication configuration (`ReplicationConfiguration` of `AWS::S3::Bucket`,
    `aws_s3_bucket_replication_configuration`, `aws.s3.BucketReplicationConfig`, the inline
    `replication_configuration` of a Pulumi `aws.s3.Bucket`) on a bucket without versioning enabled (no
    `VersioningConfiguration` `Enabled`, no `aws_s3_bucket_versioning` with `status = "Enabled"`), or whose
    destination bucket, declared in the same program, lacks it. A destination outside the program, or a versioning
    status not known at synth time, is not judged.
    Why it breaks: S3 refuses the replication configuration, so the deploy fails at that resource (CloudFormation
    rolls the stack back).
    Bad: `aws.s3.BucketReplicationConfig("crr", bucket=primary.id, role=role.arn, rules=[...])` with no
    `aws.s3.BucketVersioning` on `primary` (or on the replica bucket).
    Good: `aws.s3.BucketVersioning("primary-versioning", bucket=primary.id, versioning_configuration={"status":
    "Enabled"})` for both buckets, and `depends_on` it from the replication configuration (Terraform:
    `depends_on = [aws_s3_bucket_versioning.primary]`).
    What AWS says: `InvalidRequest: Versioning must be 'Enabled' on the bucket to apply a replication
    configuration` (source); `InvalidRequest: Destination bucket must have versioning enabled.` (destination). S3
    User Guide, replication requirements: "Both source and destination buckets must have versioning enabled."
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html ,
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
    """

    id = "SEC013"
    category = Category.SECURITY
    severity = Severity.CRITICAL
    title = "S3 replication on a bucket without versioning"
    docs_url = _S3_DOC

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        reps = list(replications(g))
        if not reps:
            return
        versioned, lost = versioning(g)
        if lost:
            return
        for rep in reps:
            if rep.source is not None and versioned.get(rep.source.id, False) is False:
                yield self.finding(
                    f"{rep.owner.id} replicates bucket {rep.source.id}, which does not have versioning enabled: "
                    "S3 refuses the replication configuration", resource=rep.owner,
                    attribute=rep.attribute if rep.owner is rep.source else "bucket",
                    error="InvalidRequest: Versioning must be 'Enabled' on the bucket to apply a replication "
                    "configuration",
                    fix=f"enable versioning on {rep.source.id} (aws_s3_bucket_versioning / aws.s3.BucketVersioning "
                    "with status \"Enabled\", CloudFormation VersioningConfiguration Status: Enabled) and make the "
                    "replication configuration depend on it",
                    evidence="S3 User Guide, replication requirements: both source and destination buckets must "
                    "have versioning enabled", bucket=rep.source.id)
            seen: set[str] = set()
            for ref in _destinations(rep):
                dest = _bucket_for(g, ref)
                if dest is None or dest.id in seen or (rep.source is not None and dest.id == rep.source.id):
                    continue
                seen.add(dest.id)
                if versioned.get(dest.id, False) is False:
                    yield self.finding(
                        f"{rep.owner.id} replicates into bucket {dest.id}, which does not have versioning "
                        "enabled: S3 refuses the replication configuration", resource=rep.owner,
                        attribute=rep.attribute, error="InvalidRequest: Destination bucket must have versioning "
                        "enabled.",
                        fix=f"enable versioning on {dest.id} (aws_s3_bucket_versioning / aws.s3.BucketVersioning "
                        "with status \"Enabled\") and make the replication configuration depend on it",
                        evidence="S3 User Guide, replication requirements: both source and destination buckets "
                        "must have versioning enabled", bucket=dest.id)


class ReplicationRuleWithoutDeleteMarker(Rule):
    """An S3 replication rule with a `Filter` (the V2 rule schema) does not say whether delete markers replicate.

    What it finds: a rule of `aws_s3_bucket_replication_configuration` / `aws.s3.BucketReplicationConfig` or of a
    CloudFormation `ReplicationConfiguration` that has a `filter` (even an empty one, or `prefix = ""` inside it)
    but no `delete_marker_replication` / `DeleteMarkerReplication`. Not reported: rules written in the V1 form
    (a rule-level `prefix`, no filter), and the inline `replication_configuration` of the legacy `aws.s3.Bucket`,
    whose provider fills the element in.
    Why it breaks: S3 reads a rule with a filter as the V2 schema, in which the element is required, and refuses
    the whole configuration: the deploy fails at that resource.
    Bad: `rules=[{"id": "all", "status": "Enabled", "filter": {"prefix": ""}, "destination": {"bucket":
    replica.arn}}]`
    Good: add `"delete_marker_replication": {"status": "Disabled"}` (or `"Enabled"` to replicate deletions).
    What AWS says: `InvalidRequest: DeleteMarkerReplication must be specified for this version of Cross Region
    Replication configuration schema.` CloudFormation's `ReplicationRule`: "If you specify a Filter in your
    replication configuration, you must also include a DeleteMarkerReplication element."
    References: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-replicationrule.html ,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
    """

    id = "SEC014"
    category = Category.SECURITY
    severity = Severity.CRITICAL
    title = "S3 replication rule with a filter but no DeleteMarkerReplication"
    docs_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for rep in replications(ctx.graph):
            if rep.owner.type == "AWS::S3::Bucket" and not rep.cfn:
                continue  # legacy inline block: the provider sends DeleteMarkerReplication itself
            bad = []
            for i, rule in enumerate(rep.rules):
                has_filter = any(k in rule and rule[k] is not None for k in ("Filter", "filter"))
                marker = _key(rule, "DeleteMarkerReplication", "delete_marker_replication", "deleteMarkerReplication")
                if has_filter and (marker is None or marker == []):
                    rid = _key(rule, "Id", "id")
                    bad.append(str(rid) if isinstance(rid, str) and not _unknown(rid) else f"#{i + 1}")
            if bad:
                yield self.finding(
                    f"{rep.owner.id}: replication rule(s) {', '.join(bad)} have a filter but no "
                    "delete_marker_replication: S3 refuses the replication configuration",
                    resource=rep.owner, attribute=rep.attribute,
                    error="InvalidRequest: DeleteMarkerReplication must be specified for this version of Cross "
                    "Region Replication configuration schema.",
                    fix='add delete_marker_replication={"status": "Disabled"} (Terraform: delete_marker_replication '
                    '{ status = "Disabled" }; CloudFormation: DeleteMarkerReplication: {Status: Disabled}) to each '
                    "rule, or \"Enabled\" to replicate deletions",
                    evidence="CloudFormation ReplicationRule documentation: a Filter requires a "
                    "DeleteMarkerReplication element", rules=bad)
