"""PRM001..PRM004 over hand-built graphs."""

from __future__ import annotations

from iacqa.rules.iam_missing.destinations import DeadLetterQueuePermission as PRM002
from iacqa.rules.iam_missing.destinations import DestinationPermission as PRM003
from iacqa.rules.iam_missing.event_sources import EventSourcePollPermissions as PRM001
from iacqa.rules.iam_missing.kms import KmsKeyNotUsable as PRM004
from tests.rules.wiring import wiring_graphkit as gk


def allow(actions, resource="*"):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def fn_with(role, **props):
    return gk.function("fn", role.outputs["Arn"], **props)


# -- PRM001 -------------------------------------------------------------------------------------------------------

def test_prm001_sqs_basic_role_only():
    r = gk.role("fn-role", ManagedPolicyArns=[gk.BASIC])
    q = gk.queue("q")
    out = gk.run(PRM001, r, q, fn_with(r), gk.esm("m", q.outputs["Arn"], "fn"))
    assert len(out) == 1
    f = out[0]
    assert "sqs:ReceiveMessage" in f.message and q.outputs["Arn"] in f.message
    assert f.error == ("InvalidParameterValueException: The provided execution role does not have permissions to "
                       "call ReceiveMessage on SQS")


def test_prm001_sqs_granted_by_managed_policy_or_inline():
    q = gk.queue("q")
    r = gk.role("fn-role", ManagedPolicyArns=[gk.SQS_EXEC])
    assert gk.run(PRM001, r, q, fn_with(r), gk.esm("m", q.outputs["Arn"], "fn")) == []
    r2 = gk.role("fn-role")
    rp = gk.role_policy("p", "fn-role", [allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                                               q.outputs["Arn"])])
    assert gk.run(PRM001, r2, rp, q, fn_with(r2), gk.esm("m", q.outputs["Arn"], "fn")) == []


def test_prm001_dynamodb_grant_on_table_arn_does_not_cover_stream():
    t = gk.table("t")
    r = gk.role("fn-role", Policies=[{"PolicyName": "ddb", "PolicyDocument": {"Statement": [
        allow(["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream",
               "dynamodb:ListStreams"], t.outputs["Arn"])]}}])
    out = gk.run(PRM001, r, t, fn_with(r), gk.esm("m", t.outputs["StreamArn"], "fn", StartingPosition="LATEST"))
    assert len(out) == 1 and "Cannot access stream" in out[0].error
    r.properties["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] = t.outputs["Arn"] + "/stream/*"
    assert gk.run(PRM001, r, t, fn_with(r), gk.esm("m", t.outputs["StreamArn"], "fn", StartingPosition="LATEST")) == []


def test_prm001_silent_when_role_unknown_or_incomplete():
    q = gk.queue("q")
    outside = gk.function("fn", "arn:aws:iam::123456789012:role/outside")
    assert gk.run(PRM001, q, outside, gk.esm("m", q.outputs["Arn"], "fn")) == []
    r = gk.role("fn-role", ManagedPolicyArns=["arn:aws:iam::aws:policy/service-role/NotInTheTable"])
    assert gk.run(PRM001, r, q, fn_with(r), gk.esm("m", q.outputs["Arn"], "fn")) == []


def test_prm001_explicit_deny():
    q = gk.queue("q")
    r = gk.role("fn-role", ManagedPolicyArns=[gk.SQS_EXEC], Policies=[{"PolicyName": "d", "PolicyDocument": {
        "Statement": [{"Effect": "Deny", "Action": "sqs:DeleteMessage", "Resource": "*"}]}}])
    out = gk.run(PRM001, r, q, fn_with(r), gk.esm("m", q.outputs["Arn"], "fn"))
    assert len(out) == 1 and "DeleteMessage on SQS" in out[0].error


# -- PRM002 -------------------------------------------------------------------------------------------------------

def test_prm002_dlq_without_send():
    q, tp = gk.queue("dlq"), gk.topic("tp")
    r = gk.role("fn-role", ManagedPolicyArns=[gk.BASIC])
    out = gk.run(PRM002, r, q, fn_with(r, DeadLetterConfig={"TargetArn": q.outputs["Arn"]}))
    assert len(out) == 1 and out[0].error.endswith("call SendMessage on SQS")
    assert out[0].attribute == "DeadLetterConfig.TargetArn"
    out = gk.run(PRM002, r, tp, fn_with(r, DeadLetterConfig={"TargetArn": tp.outputs["Arn"]}))
    assert len(out) == 1 and out[0].error.endswith("call Publish on SNS")
    r2 = gk.role("fn-role", Policies=[{"PolicyName": "x", "PolicyDocument": {"Statement": [
        allow("sqs:SendMessage", q.outputs["Arn"])]}}])
    assert gk.run(PRM002, r2, q, fn_with(r2, DeadLetterConfig={"TargetArn": q.outputs["Arn"]})) == []


# -- PRM003 -------------------------------------------------------------------------------------------------------

def test_prm003_invoke_config_destinations():
    q, tp = gk.queue("q"), gk.topic("tp")
    r = gk.role("fn-role", Policies=[{"PolicyName": "x", "PolicyDocument": {"Statement": [
        allow("sqs:SendMessage", q.outputs["Arn"])]}}])
    cfg = gk.invoke_config("cfg", "fn", success=tp.outputs["Arn"], failure=q.outputs["Arn"])
    out = gk.run(PRM003, r, q, tp, fn_with(r), cfg)
    assert len(out) == 1 and "sns:Publish" in out[0].message and "on-success" in out[0].message
    assert "Publish on arn:aws:sns" in out[0].error


def test_prm003_mapping_on_failure_and_lambda_destination():
    t, q = gk.table("t"), gk.queue("q")
    other = gk.function("other")
    r = gk.role("fn-role", ManagedPolicyArns=[gk.DDB_EXEC])
    m = gk.esm("m", t.outputs["StreamArn"], "fn", StartingPosition="LATEST",
               DestinationConfig={"OnFailure": {"Destination": q.outputs["Arn"]}})
    out = gk.run(PRM003, r, t, q, fn_with(r), m)
    assert len(out) == 1 and "sqs:SendMessage" in out[0].message
    cfg = gk.invoke_config("cfg", "fn", success=other.outputs["Arn"])
    out = gk.run(PRM003, r, other, fn_with(r), cfg)
    assert len(out) == 1 and "lambda:InvokeFunction" in out[0].message
    r2 = gk.role("fn-role", ManagedPolicyArns=["arn:aws:iam::aws:policy/service-role/AWSLambdaRole"])
    assert gk.run(PRM003, r2, other, fn_with(r2), cfg) == []


# -- PRM004 -------------------------------------------------------------------------------------------------------

ROOT = {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*",
        "Resource": "*"}
LOGS = {"Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*"}


def test_prm004_log_group_key_without_logs_principal():
    k = gk.key("k")
    out = gk.run(PRM004, k, gk.log_group("lg", KmsKeyId=k.outputs["Arn"]))
    assert len(out) == 1 and "default key policy" in out[0].message
    assert out[0].error.startswith("AccessDeniedException: The specified KMS key does not exist or is not allowed")
    k2 = gk.key("k", {"Version": "2012-10-17", "Statement": [ROOT, LOGS]})
    assert gk.run(PRM004, k2, gk.log_group("lg", KmsKeyId=k2.outputs["Arn"])) == []
    assert gk.run(PRM004, gk.log_group("lg", KmsKeyId="arn:aws:kms:us-east-1:123456789012:key/outside")) == []


def test_prm004_log_group_key_through_alias():
    k = gk.key("k", {"Version": "2012-10-17", "Statement": [ROOT]})
    alias = gk.Resource(id="a", type="AWS::KMS::Alias", native_type="aws:kms/alias:Alias",
                        properties={"AliasName": "alias/logs", "TargetKeyId": k.outputs["KeyId"]},
                        outputs={"Name": "alias/logs", "Arn": "arn:aws:kms:us-east-1:123456789012:alias/logs"})
    out = gk.run(PRM004, k, alias, gk.log_group("lg", KmsKeyId=alias.outputs["Arn"]))
    assert len(out) == 1


def test_prm004_encrypted_queue_consumer():
    k = gk.key("k")
    q = gk.queue("q", KmsMasterKeyId=k.outputs["Arn"])
    r = gk.role("fn-role", ManagedPolicyArns=[gk.SQS_EXEC])
    out = gk.run(PRM004, k, q, r, fn_with(r), gk.esm("m", q.outputs["Arn"], "fn"))
    assert len(out) == 1 and "kms:Decrypt" in out[0].message and out[0].resource == "m"
    r.properties["Policies"] = [{"PolicyName": "kms", "PolicyDocument": {"Statement": [
        allow("kms:Decrypt", k.outputs["Arn"])]}}]
    assert gk.run(PRM004, k, q, r, fn_with(r), gk.esm("m", q.outputs["Arn"], "fn")) == []
    aws_key = gk.queue("q", KmsMasterKeyId="alias/aws/sqs")
    assert gk.run(PRM004, aws_key, gk.role("fn-role", ManagedPolicyArns=[gk.SQS_EXEC]), fn_with(r),
                  gk.esm("m", aws_key.outputs["Arn"], "fn")) == []


def test_prm004_encrypted_dlq_producer():
    k = gk.key("k")
    q = gk.queue("dlq", KmsMasterKeyId=k.outputs["KeyId"])
    r = gk.role("fn-role", Policies=[{"PolicyName": "x", "PolicyDocument": {"Statement": [
        allow("sqs:SendMessage", q.outputs["Arn"])]}}])
    out = gk.run(PRM004, k, q, r, fn_with(r, DeadLetterConfig={"TargetArn": q.outputs["Arn"]}))
    assert len(out) == 1 and "kms:GenerateDataKey" in out[0].message
