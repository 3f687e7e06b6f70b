"""PRM010 (S3 access log destination without a policy for logging.s3.amazonaws.com) over hand-built graphs: the
CloudFormation shape of corpus cfn-json Pr5300 (LoggingConfiguration on the source bucket) and Terraform's
separate aws_s3_bucket_logging."""

from __future__ import annotations

import json

from iacqa.model import Location, Resource, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing.log_delivery import LogDeliveryNotAllowed as PRM010
from tests.rules.wiring import wiring_graphkit as gk


def bucket(rid, **props):
    name = rid.split(".")[-1].lower()
    return Resource(id=rid, type="AWS::S3::Bucket", native_type="AWS::S3::Bucket", properties=props,
                    outputs={"Arn": f"arn:aws:s3:::{name}", "Name": name, "Id": name},
                    location=Location("template.json", 1))


def bucket_policy(target, *stmts, rid="LogsPolicy"):
    return Resource(id=rid, type="AWS::S3::BucketPolicy", native_type="AWS::S3::BucketPolicy",
                    properties={"Bucket": target, "PolicyDocument": {"Version": "2012-10-17", "Statement": list(stmts)}},
                    location=Location("template.json", 2))


def delivery(resource, principal="logging.s3.amazonaws.com", action="s3:PutObject"):
    return {"Effect": "Allow", "Principal": {"Service": principal}, "Action": action, "Resource": resource}


def pair(prefix="s3-access-logs/", **target_props):
    logs = bucket("LoggingBucket", **target_props)
    data = bucket("S3Bucket", LoggingConfiguration={"DestinationBucketName": "loggingbucket", "LogFilePrefix": prefix})
    return data, logs


def test_prm010_cfn_destination_without_policy():
    data, logs = pair()
    (f,) = gk.run(PRM010, data, logs)
    assert f.rule == "PRM010" and f.severity == Severity.MEDIUM
    assert f.resource == "S3Bucket" and f.attribute == "LoggingConfiguration.DestinationBucketName"
    assert "no bucket policy allows logging.s3.amazonaws.com" in f.message
    assert json.loads(f.fix.split(" with ", 1)[1].split(" (conditioned")[0])["Resource"] == \
        "arn:aws:s3:::loggingbucket/s3-access-logs/*"


def test_prm010_policy_with_the_grant_or_without_it():
    data, logs = pair()
    ok = bucket_policy("loggingbucket", delivery("arn:aws:s3:::loggingbucket/s3-access-logs/*"))
    assert gk.run(PRM010, data, logs, ok) == []
    elsewhere = bucket_policy("loggingbucket", delivery("arn:aws:s3:::loggingbucket/other/*"))
    (f,) = gk.run(PRM010, data, logs, elsewhere)
    assert "its bucket policy (LogsPolicy) does not allow" in f.message
    wrong_principal = bucket_policy("loggingbucket", delivery("arn:aws:s3:::loggingbucket/*",
                                                              principal="cloudtrail.amazonaws.com"))
    assert len(gk.run(PRM010, data, logs, wrong_principal)) == 1


def test_prm010_acls_may_deliver_instead():
    data, logs = pair(AccessControl="LogDeliveryWrite")
    assert gk.run(PRM010, data, logs) == []
    data, logs = pair(OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    assert gk.run(PRM010, data, logs) == []
    data, logs = pair(OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert len(gk.run(PRM010, data, logs)) == 1


def test_prm010_terraform_logging_resource_and_unknowns():
    data, logs = bucket("aws_s3_bucket.data"), bucket("aws_s3_bucket.logs")

    def logging(prefix):
        return Resource(id="aws_s3_bucket_logging.l", type="AWS::S3::BucketLogging", native_type="aws_s3_bucket_logging",
                        properties={"Bucket": "data", "TargetBucket": "logs", "TargetPrefix": prefix},
                        location=Location("main.tf", 3))

    (f,) = gk.run(PRM010, data, logs, logging("x/"))
    assert f.resource == "aws_s3_bucket_logging.l" and f.attribute == "TargetBucket"
    # a prefix not known before deploy: any grant on the bucket's objects counts
    grant = bucket_policy("logs", delivery("arn:aws:s3:::logs/logs/*"))
    assert gk.run(PRM010, data, logs, grant, logging("<unresolved Output>")) == []
    unknown_policy = bucket_policy("<unresolved Output>", delivery("*"))
    assert gk.run(PRM010, data, logs, unknown_policy, logging("x/")) == []
    acl = Resource(id="aws_s3_bucket_acl.a", type="aws_s3_bucket_acl", native_type="aws_s3_bucket_acl",
                   native_properties={"bucket": "logs", "acl": "log-delivery-write"})
    assert gk.run(PRM010, data, logs, acl, logging("x/")) == []
    partial = RuleContext(graph=gk.graph(data, logs, logging("x/")), graph_status="failed")
    assert list(PRM010().check(partial)) == []


def test_prm010_self_logging_is_left_to_wir011():
    data = bucket("Data", LoggingConfiguration={"LogFilePrefix": "logs/"})
    assert gk.run(PRM010, data) == []
