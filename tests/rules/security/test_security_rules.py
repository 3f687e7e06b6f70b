"""SEC001-SEC005 on hand-built graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.security.observability import LogRetentionMissing, TracingInconsistent
from iacqa.rules.security.secrets import PlaintextSecret
from iacqa.rules.security.storage import NoEncryptionAtRest, PublicBucket

F = "lib/tap_stack.py"


def _res(rid: str, cfn: str, props: dict[str, Any] | None = None, native: dict[str, Any] | None = None,
         token: str = "x", line: int = 1, **outputs: Any) -> Resource:
    return Resource(id=rid, type=cfn, native_type=token, properties=props or {}, native_properties=native or {},
                    location=Location(F, line), outputs=outputs)


def _ctx(*res: Resource, root: Path | None = None) -> RuleContext:
    g = ResourceGraph(platform="pulumi")
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root)


def test_encryption_only_where_aws_does_not_encrypt_by_default() -> None:
    ctx = _ctx(_res("topic", "AWS::SNS::Topic"),
               _res("topic2", "AWS::SNS::Topic", {"KmsMasterKeyId": "alias/aws/sns"}),
               _res("q", "AWS::SQS::Queue"),
               _res("q2", "AWS::SQS::Queue", {"SqsManagedSseEnabled": False}),
               _res("q3", "AWS::SQS::Queue", {"SqsManagedSseEnabled": False, "KmsMasterKeyId": "k"}),
               _res("t", "AWS::DynamoDB::Table"),
               _res("b", "AWS::S3::Bucket"),
               _res("lg", "AWS::Logs::LogGroup"),
               _res("db", "AWS::RDS::DBInstance", {"Engine": "postgres"}),
               _res("inst", "AWS::RDS::DBInstance", {"DBClusterIdentifier": "c"}),
               _res("s", "aws:kinesis/stream:Stream", {}, {"shard_count": 1}, token="aws:kinesis/stream:Stream"))
    assert [f.resource for f in NoEncryptionAtRest().check(ctx)] == ["topic", "q2", "db", "s"]


def test_log_retention() -> None:
    ctx = _ctx(_res("a", "AWS::Logs::LogGroup"), _res("b", "AWS::Logs::LogGroup", {"RetentionInDays": 0}),
               _res("c", "AWS::Logs::LogGroup", {"RetentionInDays": 14}))
    assert [f.resource for f in LogRetentionMissing().check(ctx)] == ["a", "b"]


def test_tracing_only_when_others_trace() -> None:
    a = _res("a", "AWS::Lambda::Function", {"TracingConfig": {"Mode": "Active"}})
    b = _res("b", "AWS::Lambda::Function", {"TracingConfig": {"Mode": "PassThrough"}})
    c = _res("c", "AWS::Lambda::Function")
    found = list(TracingInconsistent().check(_ctx(a, b, c)))
    assert [f.resource for f in found] == ["b", "c"] and found[0].severity is Severity.LOW
    assert list(TracingInconsistent().check(_ctx(b, c))) == []


def test_public_bucket() -> None:
    bucket = _res("b", "AWS::S3::Bucket", {}, {"acl": "public-read"}, Name="b-1", Id="b-1")
    pol = _res("pol", "AWS::S3::BucketPolicy", {"PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b-1/*"},
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b-1/*",
         "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b-1/*"}]}})
    pab = _res("pab", "AWS::S3::BucketPublicAccessBlock", {}, {"bucket": "b-1", "block_public_acls": False,
                                                               "block_public_policy": True})
    found = list(PublicBucket().check(_ctx(bucket, pol, pab)))
    assert [(f.resource, f.severity) for f in found] == [
        ("b", Severity.HIGH), ("pol", Severity.HIGH), ("pab", Severity.MEDIUM)]
    assert "for b" in found[2].message
    assert list(PublicBucket().check(_ctx(_res("b", "AWS::S3::Bucket")))) == []  # BPA is on by default


def test_plaintext_secrets(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / F).write_text('fn = Function("fn", environment={"variables": {"DB_PASSWORD": "hunter22",\n'
                              '    "API_KEY": config_value, "SECRET_ARN": "arn:aws:secretsmanager:x"}})\n'
                              'db = Instance("db", password="Sup3r!")\n')
    fn = _res("fn", "AWS::Lambda::Function", {"Environment": {"Variables": {
        "DB_PASSWORD": "hunter22", "API_KEY": "from-config", "SECRET_ARN": "arn:aws:secretsmanager:x",
        "TOKEN_TABLE": "tokens"}}})
    plain = _res("p1", "AWS::SSM::Parameter", {"Name": "/app/api_token", "Type": "String", "Value": "x"})
    secure = _res("p2", "AWS::SSM::Parameter", {"Name": "/app/password", "Type": "SecureString", "Value": {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "hunter22"}})
    other = _res("p3", "AWS::SSM::Parameter", {"Name": "/app/url", "Type": "String", "Value": "https://x"})
    db = _res("db", "AWS::RDS::DBInstance", {"MasterUserPassword": "Sup3r!"}, line=3)
    found = list(PlaintextSecret().check(_ctx(fn, plain, secure, other, db, root=tmp_path)))
    got = [(f.resource, f.severity) for f in found]
    assert got == [("fn", Severity.HIGH), ("p1", Severity.HIGH), ("p2", Severity.MEDIUM), ("db", Severity.HIGH)]
    assert "hunter22" not in found[0].message and "DB_PASSWORD" in found[0].message
