"""iacqa.knowledge.iam: statement normalization, matching, evaluation, and a role's policies in the graph."""

from __future__ import annotations

import json

import pytest

from iacqa.knowledge import iam
from tests.rules.wiring import wiring_graphkit as gk

Q = "arn:aws:sqs:us-east-1:123456789012:orders"


def doc(*stmts):
    return {"Version": "2012-10-17", "Statement": list(stmts)}


def test_statements_from_json_dict_and_single_statement():
    s = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": Q}
    for form in (json.dumps(doc(s)), doc(s), s, [doc(s)], {"Version": "2012-10-17", "Statement": s}):
        out = iam.statements(form)
        assert len(out) == 1
        assert out[0]["Action"] == ["sqs:SendMessage"] and out[0]["Resource"] == [Q]
    assert iam.statements("not json") == []
    assert iam.statements(None) == []


@pytest.mark.parametrize("pattern,action,ok", [
    ("sqs:SendMessage", "sqs:SendMessage", True),
    ("SQS:sendmessage", "sqs:SendMessage", True),
    ("sqs:*", "sqs:SendMessage", True),
    ("sqs:Send*", "sqs:SendMessageBatch", True),
    ("sqs:Get*", "sqs:SendMessage", False),
    ("*", "kms:Decrypt", True),
    ("sns:Publish", "sqs:SendMessage", False),
    ("dynamodb:Get?tem", "dynamodb:GetItem", True),
])
def test_action_matches(pattern, action, ok):
    assert iam.action_matches(pattern, action) is ok


@pytest.mark.parametrize("pattern,arn,ok", [
    ("*", Q, True),
    (Q, Q, True),
    ("arn:aws:sqs:*:*:orders", Q, True),
    ("arn:aws:sqs:us-east-1:123456789012:ord*", Q, True),
    ("arn:aws:sqs:us-east-1:123456789012:other", Q, False),
    ("arn:aws:SQS:us-east-1:123456789012:orders", Q, False),  # resources are case-sensitive
    ("arn:aws:dynamodb:us-east-1:123456789012:table/t", "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
     False),
    ("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/*",
     "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x", True),
    ("arn:aws:logs:*:*:*", "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/x:*", True),
    ("arn:aws:s3:::${aws:username}/*", "arn:aws:s3:::bob/key", True),
    ("arn:aws:sqs:*:*:orders", "*", False),
])
def test_resource_matches(pattern, arn, ok):
    assert iam.resource_matches(pattern, arn) is ok


def test_allows_with_deny_precedence_and_not_action():
    allow = {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "sqs:DeleteMessage", "Resource": Q}
    assert iam.allows([doc(allow)], "sqs:DeleteMessage", Q)
    assert not iam.allows([doc(allow, deny)], "sqs:DeleteMessage", Q)
    assert iam.evaluate([doc(allow, deny)], "sqs:DeleteMessage", Q) == "deny"
    assert iam.evaluate([doc(allow)], "sns:Publish", Q) == "implicit"
    # a conditional Deny is not evaluated (leans to allowed); a conditional Allow counts
    cond_deny = dict(deny, Condition={"Bool": {"aws:SecureTransport": "false"}})
    assert iam.allows([doc(allow, cond_deny)], "sqs:DeleteMessage", Q)
    not_action = {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}
    assert iam.allows(doc(not_action), "sqs:SendMessage", Q)
    assert not iam.allows(doc(not_action), "iam:PassRole", "*")
    not_res = {"Effect": "Allow", "Action": "sqs:*", "NotResource": Q}
    assert not iam.allows(doc(not_res), "sqs:SendMessage", Q)
    assert iam.missing_actions(doc(allow, deny), ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Q) == [
        "sqs:DeleteMessage"]


def test_aws_managed_policy_table():
    mp = iam.aws_managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole")
    assert mp is not None and mp.name == "AWSLambdaSQSQueueExecutionRole"
    assert iam.allows(mp.statements, "sqs:ReceiveMessage", Q)
    assert not iam.allows(mp.statements, "sqs:SendMessage", Q)
    basic = iam.aws_managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")  # wrong path: by name
    assert basic is not None and basic.arn.endswith("service-role/AWSLambdaBasicExecutionRole")
    assert iam.aws_managed_policy("arn:aws:iam::aws:policy/NoSuchPolicyForSure") is None
    assert iam.aws_managed_policy("arn:aws:iam::123456789012:policy/mine") is None
    xray = iam.AWS_MANAGED_POLICIES["AWSXRayDaemonWriteAccess"]
    assert xray.arn == "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
    assert iam.allows(xray.statements, "xray:PutTraceSegments")
    kms_pu = iam.AWS_MANAGED_POLICIES["AWSKeyManagementServicePowerUser"]
    assert not iam.allows(kms_pu.statements, "kms:Decrypt", "arn:aws:kms:us-east-1:1:key/x")


def test_role_permissions_gathers_every_source():
    r = gk.role("fn-role", Policies=[{"PolicyName": "inline", "PolicyDocument": doc(
        {"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"})}], ManagedPolicyArns=[gk.BASIC])
    by_name = gk.role_policy("rp-name", "fn-role", [{"Effect": "Allow", "Action": "sqs:SendMessage",
                                                     "Resource": Q}])
    by_arn = gk.role_policy("rp-arn", r.outputs["Arn"], [{"Effect": "Allow", "Action": "dynamodb:PutItem",
                                                          "Resource": "*"}])
    other = gk.role_policy("rp-other", "other-role", [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])
    mp = gk.managed_policy("custom", [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}])
    att1 = gk.attachment("att1", "fn-role", mp.outputs["Arn"])
    att2 = gk.attachment("att2", "fn-role", gk.SQS_EXEC)
    g = gk.graph(r, by_name, by_arn, other, mp, att1, att2)
    perms = iam.role_permissions(g, r)
    assert perms.complete
    for action, res in [("sns:Publish", "*"), ("logs:PutLogEvents", "*"), ("sqs:SendMessage", Q),
                        ("dynamodb:PutItem", "*"), ("kms:Decrypt", "*"), ("sqs:ReceiveMessage", Q)]:
        assert perms.allows(action, res), action
    assert not perms.allows("s3:GetObject", "arn:aws:s3:::b/k")
    sources = {s["_source"] for s in iam.role_policies(g, r)}
    assert any("AWSLambdaBasicExecutionRole" in s for s in sources)
    assert any("rp-name" in s for s in sources)


def test_role_permissions_unknown_policy_is_reported():
    r = gk.role("fn-role", ManagedPolicyArns=["arn:aws:iam::aws:policy/service-role/SomethingNotInTheTable",
                                              "arn:aws:iam::999999999999:policy/outside"])
    perms = iam.role_permissions(gk.graph(r), r)
    assert not perms.complete and len(perms.unknown) == 2


def test_function_role():
    r = gk.role("fn-role")
    fn = gk.function("fn", r.outputs["Arn"])
    assert iam.function_role(gk.graph(r, fn), fn) is r
    outside = gk.function("fn2", "arn:aws:iam::123456789012:role/elsewhere")
    assert iam.function_role(gk.graph(r, outside), outside) is None


def test_key_policy_allows():
    role_arn = "arn:aws:iam::123456789012:role/fn-role"
    # default key policy: the account root -> IAM decides
    assert not iam.key_policy_allows(None, "logs.us-east-1.amazonaws.com", "kms:Encrypt")
    assert not iam.key_policy_allows(None, role_arn, "kms:Decrypt", [])
    grant = [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]
    assert iam.key_policy_allows(None, role_arn, "kms:Decrypt", grant, "arn:aws:kms:us-east-1:1:key/k")
    logs = doc({"Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], "Resource": "*"})
    assert iam.key_policy_allows(json.dumps(logs), "logs.us-east-1.amazonaws.com", "kms:GenerateDataKey")
    assert not iam.key_policy_allows(logs, "logs.eu-west-1.amazonaws.com", "kms:Encrypt")
    generic = doc({"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "kms:*",
                   "Resource": "*"})
    assert iam.key_policy_allows(generic, "logs.us-east-1.amazonaws.com", "kms:Encrypt")
    direct = doc({"Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": "kms:Decrypt", "Resource": "*"})
    assert iam.key_policy_allows(direct, role_arn, "kms:Decrypt", [])
    # no root statement: IAM grants alone do not help
    assert not iam.key_policy_allows(logs, role_arn, "kms:Decrypt", grant)
    assert iam.principal_matches("*", role_arn) == "direct"
    assert iam.principal_matches({"AWS": "123456789012"}, role_arn) == "account"


def test_role_permissions_with_unresolved_values_is_incomplete():
    r = gk.role("fn-role", Policies=[{"PolicyName": "p", "PolicyDocument": doc(
        {"Effect": "Allow", "Action": "sqs:*", "Resource": ["<unresolved Output>"]})}])
    perms = iam.role_permissions(gk.graph(r), r)
    assert not perms.complete and "not known at synth time" in perms.unknown[0]
