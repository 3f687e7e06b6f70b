"""The CloudFormation reading of unmapped native types and of split bucket settings."""

from __future__ import annotations

from iacqa.model import Resource, ResourceGraph
from iacqa.requirements.check import check_requirements
from iacqa.requirements.view import cfn_type_of, view


def _native(rid: str, native_type: str, props: dict) -> Resource:
    return Resource(id=rid, type=native_type, native_type=native_type, native_properties=props, mapped=False)


def test_native_types_are_named() -> None:
    assert cfn_type_of("aws:ec2/vpc:Vpc") == "AWS::EC2::VPC"
    assert cfn_type_of("aws_nat_gateway") == "AWS::EC2::NatGateway"
    assert cfn_type_of("aws:ec2/routeTableAssociation:RouteTableAssociation") == "AWS::EC2::SubnetRouteTableAssociation"
    assert cfn_type_of("aws_something_new") is None


def test_unmapped_vpc_reads_as_cloudformation_and_is_not_reported_missing() -> None:
    g = ResourceGraph(platform="pulumi")
    g.add(_native("vpc", "aws:ec2/vpc:Vpc", {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True,
                                              "tags": {"Environment": "prod"}}))
    twin = next(iter(view(g)))
    assert twin.type == "AWS::EC2::VPC" and twin.properties["CidrBlock"] == "10.0.0.0/16"
    assert twin.properties["Tags"] == {"Environment": "prod"}  # tag keys are not re-cased
    res = check_requirements("## Requirements\n- Create VPC with 10.0.0.0/16 CIDR block and DNS hostnames enabled",
                             g, "ok", "pulumi")
    assert {r.concept: r.status for r in res}["network.vpc_cidr"] == "met"


def test_split_bucket_settings_fold_into_the_bucket() -> None:
    g = ResourceGraph(platform="tf")
    g.add(Resource(id="aws_s3_bucket.b", type="AWS::S3::Bucket", native_type="aws_s3_bucket",
                   properties={"BucketName": "data"}, outputs={"Name": "data"}))
    g.add(Resource(id="aws_s3_bucket_versioning.b", type="AWS::S3::BucketVersioning",
                   native_type="aws_s3_bucket_versioning",
                   properties={"Bucket": "data", "VersioningConfiguration": {"Status": "Enabled"}}))
    bucket = next(r for r in view(g) if r.type == "AWS::S3::Bucket")
    assert bucket.properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "VersioningConfiguration" not in g.resources["aws_s3_bucket.b"].properties  # the graph is not changed
    res = check_requirements("## Constraints\n- All S3 buckets must have versioning enabled", g, "ok", "tf")
    assert [r.status for r in res if r.concept == "s3.versioning"] == ["met"]
