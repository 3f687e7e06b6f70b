"""HYG004: settings that stop the stack from being destroyed (or leave pieces behind)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Location, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

_PROTECTION = {  # CFN type -> property that blocks deletion when true
    "AWS::DynamoDB::Table": "DeletionProtectionEnabled",
    "AWS::RDS::DBInstance": "DeletionProtection",
    "AWS::RDS::DBCluster": "DeletionProtection",
}
_PROTECTION_ERROR = {
    "AWS::DynamoDB::Table": "ValidationException: Resource cannot be deleted as it is currently protected against "
    "deletion. Disable deletion protection first.",
    "AWS::RDS::DBInstance": "InvalidParameterCombination: Cannot delete protected DB Instance, please disable "
    "deletion protection and try again.",
    "AWS::RDS::DBCluster": "InvalidParameterCombination: Cannot delete protected Cluster, please disable deletion "
    "protection and try again.",
}
# Pulumi tokens and Terraform/CDKTF types of the RDS resources the AWS provider refuses to destroy without a final
# snapshot decision (its Delete checks skip_final_snapshot/final_snapshot_identifier before calling RDS).
_SNAPSHOT_TYPES = ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws_db_instance", "aws_rds_cluster")
_SNAPSHOT_ERROR = "final_snapshot_identifier is required when skip_final_snapshot is false"
_ECR_TYPES = ("aws:ecr/repository:Repository", "aws_ecr_repository")
_ECR_ERROR = ("RepositoryNotEmptyException: The repository with name '...' in registry with id '...' cannot be "
              "deleted because it still contains images")


# Physical-name properties: a retained resource with one blocks the next deployment of the same stack.
_NAME_PROPS = ("BucketName", "TableName", "QueueName", "TopicName", "LogGroupName", "AliasName", "Name",
               "RepositoryName", "UserPoolName", "DBInstanceIdentifier", "DBClusterIdentifier", "FunctionName")


def _true(v: Any) -> bool:
    return v is True or (isinstance(v, str) and v.lower() == "true")


def _unresolved(v: Any) -> bool:
    """A value iacqa could not evaluate (a Terraform variable, a token): it may well be true at deploy."""
    return isinstance(v, str) and any(m in v for m in ("${", "<unresolved", "mock-", "Token["))


class TeardownBlocked(Rule):
    """A setting stops the stack from being destroyed cleanly.

    What it finds: deletion protection on DynamoDB tables (`deletion_protection_enabled=True`), RDS instances and
    clusters (`deletion_protection=True`) and load balancers (`enable_deletion_protection=True`); the Pulumi
    resource options `protect=True` and `retain_on_delete=True`; log groups with `skip_destroy=True`; RDS
    instances/clusters with neither `skip_final_snapshot=True` nor a `final_snapshot_identifier` (Pulumi, Terraform,
    CDKTF: the AWS provider checks it at destroy); versioned S3 buckets without `force_destroy=True`; ECR
    repositories without `force_delete=True` (CloudFormation/CDK: `EmptyOnDelete`); CloudFormation `DeletionPolicy: Retain` (CDK `RemovalPolicy.RETAIN`, the
    default of buckets, tables, keys and log groups in CDK), one finding per template file.
    Why it breaks: the TAP pipeline destroys every stack after its checks. Protected resources make
    `pulumi destroy` fail; retained ones survive it and the next deployment collides with their names; RDS
    refuses to delete without a final snapshot name; a versioned bucket with objects, or an ECR repository with
    images, cannot be deleted.
    Bad: `aws.dynamodb.Table(..., deletion_protection_enabled=True)`;
    `opts=ResourceOptions(retain_on_delete=True)`
    Good: leave protection off in these stacks (or make it a config value that is false for test deployments);
    `aws.rds.Instance(..., skip_final_snapshot=True)`; `aws.s3.BucketV2(..., force_destroy=True)`;
    `aws.ecr.Repository(..., force_delete=True)`.
    What AWS says: `ValidationException: Resource cannot be deleted as it is currently protected against
    deletion`; Pulumi: `resource ... cannot be deleted because it is protected`; `final_snapshot_identifier is
    required when skip_final_snapshot is false`; `BucketNotEmpty: The bucket you tried to delete is not empty`;
    `RepositoryNotEmptyException: ... cannot be deleted because it still contains images`.
    References: https://www.pulumi.com/docs/iac/concepts/options/protect/,
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecr_repository#force_delete,
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#skip_final_snapshot
    """

    id = "HYG004"
    category = Category.HYGIENE
    severity = Severity.HIGH
    title = "setting blocks stack teardown"
    docs_url = "https://www.pulumi.com/docs/iac/concepts/options/protect/"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        versioned = _versioned_buckets(ctx)
        yield from self._retained(ctx)
        for r in ctx.graph:
            yield from self._options(ctx, r)
            prop = _PROTECTION.get(r.type)
            if prop and _true(r.get(prop)):
                yield self.finding(
                    f"{r.id}: {r.native_name(prop)}=True; stack teardown (`pulumi destroy`, `terraform "
                    "destroy`, stack deletion) fails on this resource",
                    resource=r, attribute=prop, error=_PROTECTION_ERROR[r.type],
                    fix=f"remove {r.native_name(prop)} (or set it from config, false for test stacks)")
            n = r.native_properties
            if r.type == "AWS::ElasticLoadBalancingV2::LoadBalancer" and _true(n.get("enable_deletion_protection")):
                yield self.finding(
                    f"{r.id}: enable_deletion_protection=True; stack teardown (`pulumi destroy`, "
                    "`terraform destroy`, stack deletion) fails on this load balancer",
                    resource=r, location=self._at(r, "enable_deletion_protection"),
                    error="OperationNotPermitted: Load balancer ... cannot be deleted because deletion protection "
                    "is enabled", fix="remove enable_deletion_protection (or make it false for test stacks)")
            if r.type == "AWS::Logs::LogGroup" and _true(n.get("skip_destroy")):
                yield self.finding(
                    f"{r.id}: skip_destroy=True keeps the log group after the stack is destroyed; the next deployment "
                    "creates it again and fails on the name", resource=r, location=self._at(r, "skip_destroy"),
                    severity=Severity.MEDIUM, error="ResourceAlreadyExistsException: The specified log group "
                    "already exists", fix="remove skip_destroy")
            yield from self._final_snapshot(r)
            yield from self._ecr(r)
            if r.id in versioned and not _true(n.get("force_destroy")):
                yield self.finding(
                    f"{r.id}: versioned bucket that nothing empties on teardown; once it holds objects (or "
                    "old versions) stack teardown cannot delete it", resource=r,
                    location=self._at(r, "force_destroy"), severity=Severity.LOW,
                    error="BucketNotEmpty: The bucket you tried to delete is not empty. You must delete all versions "
                    "in the bucket.", fix="force_destroy=True (Terraform, Pulumi, CDKTF); autoDeleteObjects=True "
                    "(CDK); CloudFormation: empty the bucket before deleting the stack")

    def _final_snapshot(self, r: Resource) -> Iterator[Finding]:
        """RDS instance/cluster (Pulumi, Terraform, CDKTF) that the AWS provider will not destroy: skip_final_snapshot
        defaults to false and no final_snapshot_identifier names the snapshot to take."""
        if r.native_type not in _SNAPSHOT_TYPES:
            return
        n = r.native_properties
        skip, ident = n.get("skip_final_snapshot"), n.get("final_snapshot_identifier")
        if _true(skip) or ident or _unresolved(skip):
            return
        yield self.finding(
            f"{r.id}: no skip_final_snapshot=True and no final_snapshot_identifier; the AWS provider refuses to "
            "delete it, so stack teardown fails", resource=r, location=self._at(r, "skip_final_snapshot"),
            severity=Severity.MEDIUM, error=f"{_SNAPSHOT_ERROR} (AWS provider, at destroy); RDS itself answers "
            "InvalidParameterCombination: FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified",
            fix="skip_final_snapshot=True (or a final_snapshot_identifier when the data must be kept)")

    def _ecr(self, r: Resource) -> Iterator[Finding]:
        """ECR repository that nothing empties on teardown: deleting a repository that holds images fails."""
        if r.type != "AWS::ECR::Repository" and r.native_type not in _ECR_TYPES:
            return  # (the Pulumi and Terraform repositories may be unmapped: their type is the native one)
        js = (r.location.file or "").endswith((".ts", ".js", ".mjs"))
        if r.native_type.startswith("AWS::"):  # CloudFormation / CDK
            opts = r.native_properties.get("__opts") or {}
            if opts.get("deletion_policy") or _true(r.get("EmptyOnDelete")) or _unresolved(r.get("EmptyOnDelete")):
                return  # retained: reported once per file by _retained
            attr, fix = "EmptyOnDelete", "EmptyOnDelete: true (CDK emptyOnDelete=True with RemovalPolicy.DESTROY)"
            loc = r.location_of("EmptyOnDelete")
        else:
            n = r.native_properties
            if _true(n.get("force_delete")) or _unresolved(n.get("force_delete")):
                return
            attr, fix, loc = "force_delete", "force_delete=True (TypeScript/JavaScript forceDelete: true)", \
                self._at(r, "force_delete")
        yield self.finding(
            f"{r.id}: ECR repository without {'forceDelete' if js and attr == 'force_delete' else attr}; once "
            "images are pushed to it (the reason it exists) stack teardown cannot delete it", resource=r,
            attribute=attr, location=loc, severity=Severity.LOW, error=_ECR_ERROR, fix=fix)

    def _options(self, ctx: RuleContext, r: Resource) -> Iterator[Finding]:
        opts = r.native_properties.get("__opts") or {}
        if opts.get("protect"):
            yield self.finding(
                f"{r.id}: ResourceOptions(protect=True); `pulumi destroy` refuses to delete it",
                resource=r, location=self._at(r, "opts.protect", "opts"),
                error=f"error: resource {r.id} cannot be deleted because it is protected",
                fix="remove protect=True from the resource options")
        if opts.get("retain_on_delete"):
            yield self.finding(
                f"{r.id}: ResourceOptions(retain_on_delete=True) leaves it in the account after `pulumi "
                "destroy`; the next deployment collides with it", resource=r,
                location=self._at(r, "opts.retain_on_delete", "opts"), severity=Severity.MEDIUM,
                fix="remove retain_on_delete=True from the resource options")

    def _retained(self, ctx: RuleContext) -> Iterator[Finding]:
        """CloudFormation DeletionPolicy Retain (CDK RemovalPolicy.RETAIN, the default of stateful CDK constructs):
        one finding per template file, listing every retained resource (a CDK stack has many)."""
        by_file: dict[str | None, list[Resource]] = {}
        for r in ctx.graph:
            if (r.native_properties.get("__opts") or {}).get("deletion_policy"):
                by_file.setdefault(r.location.file, []).append(r)
        for rs in by_file.values():
            first = rs[0]
            named = [(r, k) for r in rs for k in _NAME_PROPS if isinstance(r.get(k), str)]
            others = ", ".join(f"{r.id} (line {r.location.line})" if r.location.line else r.id for r in rs[1:6]) + (
                f" and {len(rs) - 6} more" if len(rs) > 6 else "")
            yield self.finding(
                f"{first.id}: DeletionPolicy {first.native_properties['__opts']['deletion_policy']} (CDK "
                "RemovalPolicy.RETAIN, the default of stateful CDK constructs) leaves it in the account when the "
                "stack is deleted" + (f"; {len(rs) - 1} more in this file: {others}" if len(rs) > 1 else "")
                + (f"; {named[0][0].id} has an explicit {named[0][1]}, so the next deployment of the stack collides "
                   "with it" if named else ""), resource=first, severity=Severity.MEDIUM,
                error="nothing at stack deletion (DELETE_SKIPPED); " + (
                    f"the next create fails: {named[0][0].get(named[0][1])} already exists" if named else
                    "the resources stay behind and are billed"),
                fix="DeletionPolicy: Delete (CDK removal_policy=RemovalPolicy.DESTROY, plus auto_delete_objects=True "
                "on buckets) where the stack must be destroyable", lines=[r.location.line for r in rs])

    @staticmethod
    def _at(r: Resource, *attrs: str) -> Location:
        for a in attrs:
            if a in r.attr_locations:
                return r.attr_locations[a]
        return r.location


def _versioned_buckets(ctx: RuleContext) -> set[str]:
    """Ids of buckets with versioning enabled, on the bucket or through a BucketVersioning resource."""
    out = set()
    buckets = list(ctx.graph.of_type("AWS::S3::Bucket"))
    for b in buckets:
        if b.get("VersioningConfiguration.Status") == "Enabled":
            out.add(b.id)
    for v in ctx.graph.of_type("AWS::S3::BucketVersioning"):
        n = v.native_properties
        cfg = n.get("versioning_configuration") or {}
        if not (isinstance(cfg, dict) and str(cfg.get("status", "")).lower() == "enabled"):
            continue
        target = bucket_named(ctx, n.get("bucket"))
        if target is not None:
            out.add(target.id)
    return out


def bucket_named(ctx: RuleContext, ref: Any) -> Resource | None:
    """The bucket a pseudo S3 resource's `bucket` argument names (id, name or ARN)."""
    if not isinstance(ref, str) or not ref:
        return None
    for b in ctx.graph.of_type("AWS::S3::Bucket"):
        if ref in (b.outputs.get("Name"), b.outputs.get("Id"), b.outputs.get("Arn"), b.get("BucketName")):
            return b
    return None
