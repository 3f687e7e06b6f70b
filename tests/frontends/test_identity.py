"""Synthetic deploy outputs shared by the front ends: keyed by CloudFormation type, reachable from Pulumi tokens."""

from __future__ import annotations

from iacqa.frontends import identity


def test_pulumi_token_and_cloudformation_type_give_the_same_identity() -> None:
    by_token = identity.outputs_for("aws:sqs/queue:Queue", "orders", {"name": "orders"})
    by_type = identity.outputs_for_type("AWS::SQS::Queue", "orders", {"name": "orders"})
    assert by_token == by_type
    _, state = by_type
    assert state["arn"] == "arn:aws:sqs:us-east-1:123456789012:orders"
    assert state["id"] == state["url"] == "https://sqs.us-east-1.amazonaws.com/123456789012/orders"  # as SQS's Ref


def test_shapes_aws_would_give() -> None:
    _, bucket = identity.outputs_for_type("AWS::S3::Bucket", "b", {"bucket": "logs"})
    assert bucket["arn"] == "arn:aws:s3:::logs" and bucket["bucketDomainName"] == "logs.s3.amazonaws.com"
    _, role = identity.outputs_for_type("AWS::IAM::Role", "r", {"name": "exec"})
    assert role["arn"] == "arn:aws:iam::123456789012:role/exec"
    rid, _ = identity.outputs_for_type("AWS::EC2::VPC", "main", {})
    assert rid.startswith("vpc-") and len(rid) == 4 + 17
    _, fifo = identity.outputs_for_type("AWS::SQS::Queue", "jobs", {"fifoQueue": True})
    assert fifo["name"].endswith(".fifo")


def test_bucket_v2_token_shares_the_bucket_identity() -> None:
    assert identity.outputs_for("aws:s3/bucketV2:BucketV2", "b", {}) == identity.outputs_for("aws:s3/bucket:Bucket",
                                                                                            "b", {})


def test_unknown_type_falls_back_to_the_token() -> None:
    _, state = identity.outputs_for("aws:foo/bar:Baz", "thing", {})
    assert state["arn"].startswith("arn:aws:foo:us-east-1:123456789012:baz/thing-")
    assert identity.outputs_for_type(None, "thing", {})[1]["arn"].startswith("arn:aws:mock:")


def test_graph_outputs_use_cloudformation_attribute_names() -> None:
    got = identity.graph_outputs({"arn": "a", "streamArn": "s", "bucket": "b", "tags": {"x": 1}, "count": 2})
    assert got == {"Arn": "a", "StreamArn": "s", "Name": "b", "count": 2}


def test_data_source_answers() -> None:
    assert identity.invoke("aws:index/getCallerIdentity:getCallerIdentity", {})["accountId"] == identity.ACCOUNT
    doc = identity.invoke("aws:iam/getPolicyDocument:getPolicyDocument",
                          {"statements": [{"actions": ["sqs:SendMessage"], "resources": ["*"]}]})
    assert '"Action": "sqs:SendMessage"' in doc["json"]
