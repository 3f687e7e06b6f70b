"""SEC013 (replication without versioning) and SEC014 (filtered rule without DeleteMarkerReplication) on Terraform
block lists, CloudFormation buckets and the legacy Pulumi inline block."""

from __future__ import annotations

from typing import Any

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.security.replication import ReplicationRuleWithoutDeleteMarker, ReplicationWithoutVersioning


def _res(rid: str, rtype: str, native_type: str | None = None, props: dict[str, Any] | None = None,
         native: dict[str, Any] | None = None, outputs: dict[str, Any] | None = None) -> Resource:
    return Resource(id=rid, type=rtype, native_type=native_type or rtype, properties=props or {},
                    native_properties=native if native is not None else dict(props or {}),
                    location=Location("main.tf", 1), outputs=outputs or {})


def _bucket(name: str, **props: Any) -> Resource:
    return _res(f"aws_s3_bucket.{name}", "AWS::S3::Bucket", "aws_s3_bucket", props=props, native={},
                outputs={"Name": f"{name}-bkt", "Id": f"{name}-bkt", "Arn": f"arn:aws:s3:::{name}-bkt"})


def _versioning(name: str, status: str) -> Resource:
    return _res(f"aws_s3_bucket_versioning.{name}", "AWS::S3::BucketVersioning", "aws_s3_bucket_versioning",
                native={"bucket": f"{name}-bkt", "versioning_configuration": [{"status": status}]})


def _tf_replication(rule: dict[str, Any]) -> Resource:
    return _res("aws_s3_bucket_replication_configuration.crr", "aws_s3_bucket_replication_configuration",
                native={"bucket": "src-bkt", "role": "arn:aws:iam::1:role/r", "rule": [rule]})


RULE_V2 = {"id": "all", "status": "Enabled", "filter": [{}], "destination": [{"bucket": "arn:aws:s3:::dst-bkt"}]}


def _run(rule_cls: type, *res: Resource) -> list[Any]:
    g = ResourceGraph(platform="tf")
    for r in res:
        g.add(r)
    return list(rule_cls().check(RuleContext(graph=g)))


def test_terraform_source_and_destination_versioning() -> None:
    rep = _tf_replication({**RULE_V2, "delete_marker_replication": [{"status": "Disabled"}]})
    found = _run(ReplicationWithoutVersioning, _bucket("src"), _bucket("dst"), _versioning("src", "Enabled"), rep)
    assert [(f.extra["bucket"], f.severity) for f in found] == [("aws_s3_bucket.dst", Severity.CRITICAL)]
    assert found[0].error == "InvalidRequest: Destination bucket must have versioning enabled."
    found = _run(ReplicationWithoutVersioning, _bucket("src"), _bucket("dst"), _versioning("src", "Suspended"),
                 _versioning("dst", "Enabled"), rep)
    assert [f.extra["bucket"] for f in found] == ["aws_s3_bucket.src"]
    assert "Versioning must be 'Enabled'" in found[0].error and found[0].attribute == "bucket"
    assert _run(ReplicationWithoutVersioning, _bucket("src"), _bucket("dst"), _versioning("src", "Enabled"),
                _versioning("dst", "Enabled"), rep) == []


def test_unknowns_are_not_judged() -> None:
    rep = _tf_replication(RULE_V2)
    lost = _res("aws_s3_bucket_versioning.x", "AWS::S3::BucketVersioning", "aws_s3_bucket_versioning",
                native={"bucket": "${var.bucket}", "versioning_configuration": [{"status": "Enabled"}]})
    assert _run(ReplicationWithoutVersioning, _bucket("src"), _bucket("dst"), lost, rep) == []
    unknown = _res("aws_s3_bucket_versioning.src", "AWS::S3::BucketVersioning", "aws_s3_bucket_versioning",
                   native={"bucket": "src-bkt", "versioning_configuration": [{"status": "<unresolved var.s>"}]})
    outside = _tf_replication({**RULE_V2, "destination": [{"bucket": "arn:aws:s3:::another-account-bucket"}]})
    assert _run(ReplicationWithoutVersioning, _bucket("src"), unknown, outside) == []


def test_cloudformation_bucket_with_replication() -> None:
    dst = _res("Replica", "AWS::S3::Bucket", props={"VersioningConfiguration": {"Status": "Enabled"}},
               outputs={"Arn": "arn:aws:s3:::replica", "Name": "replica"})
    src = _res("Source", "AWS::S3::Bucket", props={"ReplicationConfiguration": {"Role": "arn:aws:iam::1:role/r", "Rules": [
        {"Status": "Enabled", "Prefix": "", "Destination": {"Bucket": "arn:aws:s3:::replica"}}]}},
        outputs={"Arn": "arn:aws:s3:::source", "Name": "source"})
    found = _run(ReplicationWithoutVersioning, src, dst)
    assert [(f.resource, f.attribute) for f in found] == [("Source", "ReplicationConfiguration")]
    assert _run(ReplicationRuleWithoutDeleteMarker, src, dst) == []  # V1 rule: Prefix, no Filter


def test_delete_marker_needed_only_with_a_filter() -> None:
    assert [f.extra["rules"] for f in _run(ReplicationRuleWithoutDeleteMarker, _tf_replication(RULE_V2))] == [["all"]]
    v1 = {"id": "v1", "status": "Enabled", "prefix": "logs/", "destination": [{"bucket": "arn:aws:s3:::dst-bkt"}]}
    assert _run(ReplicationRuleWithoutDeleteMarker, _tf_replication(v1)) == []
    cfn = _res("Source", "AWS::S3::Bucket", props={"ReplicationConfiguration": {"Rules": [
        {"Status": "Enabled", "Filter": {"Prefix": ""}, "Destination": {"Bucket": "arn:aws:s3:::r"}}]}})
    assert len(_run(ReplicationRuleWithoutDeleteMarker, cfn)) == 1
    legacy = _res("primary", "AWS::S3::Bucket", "aws:s3/bucket:Bucket", props={}, native={
        "replication_configuration": {"role": "r", "rules": [{"status": "Enabled", "filter": {"prefix": ""},
                                                             "destination": {"bucket": "arn:aws:s3:::r"}}]}})
    assert _run(ReplicationRuleWithoutDeleteMarker, legacy) == []
