"""PRM007 (rotation function Secrets Manager cannot invoke) and PRM008 (Condition grammar) over hand-built graphs in
the shapes each front end produces: CloudFormation properties, Terraform/Pulumi unmapped rotations with native
snake_case arguments, policies as objects and as JSON strings."""

from __future__ import annotations

import json

import pytest

from iacqa.model import Location, Resource, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing.condition_grammar import OPERATORS
from iacqa.rules.iam_missing.condition_grammar import ConditionGrammar as PRM008
from iacqa.rules.iam_missing.rotation import RotationFunctionNotInvokable as PRM007
from tests.rules.wiring import wiring_graphkit as gk

ACCT, REG = gk.ACCT, gk.REG


def _res(rid, cfn, native="", props=None, outputs=None, native_props=None, mapped=True) -> Resource:
    return Resource(id=rid, type=cfn, native_type=native or cfn, properties=props or {},
                    native_properties=native_props or {}, outputs=outputs or {"Id": rid}, mapped=mapped,
                    location=Location("main.tf", 1))


def secret(rid="Secret"):
    arn = f"arn:aws:secretsmanager:{REG}:{ACCT}:secret:{rid}-abc123"
    return _res(rid, "AWS::SecretsManager::Secret", props={"Name": rid},
                outputs={"Arn": arn, "Id": arn, "Name": rid})


def cfn_rotation(secret_ref, fn_arn=None, **extra):
    props = {"SecretId": secret_ref, "RotationRules": {"AutomaticallyAfterDays": 30}, **extra}
    if fn_arn is not None:
        props["RotationLambdaARN"] = fn_arn
    return _res("Rotation", "AWS::SecretsManager::RotationSchedule", props=props)


def tf_rotation(secret_ref, fn_arn=None):
    native = {"secret_id": secret_ref, "rotation_rules": [{"automatically_after_days": 30}]}
    if fn_arn is not None:
        native["rotation_lambda_arn"] = fn_arn
    return _res("aws_secretsmanager_secret_rotation.r", "aws_secretsmanager_secret_rotation",
                native_props=native, mapped=False)


def permission(fn_name, principal="secretsmanager.amazonaws.com", action="lambda:InvokeFunction"):
    return _res("Perm", "AWS::Lambda::Permission",
                props={"FunctionName": fn_name, "Action": action, "Principal": principal})


# -- PRM007 --------------------------------------------------------------------------------------------------------

def test_prm007_cfn_rotation_without_permission():
    s, fn = secret(), gk.function("Rotator")
    out = gk.run(PRM007, s, fn, cfn_rotation(s.outputs["Arn"], fn.outputs["Arn"]))
    assert len(out) == 1
    f = out[0]
    assert f.rule == "PRM007" and f.severity == Severity.CRITICAL
    assert f.resource == "Rotation" and f.attribute == "RotationLambdaARN"
    assert "Secrets Manager cannot invoke the specified Lambda function" in f.error
    assert "secretsmanager.amazonaws.com" in f.fix


def test_prm007_permission_by_name_or_arn_is_enough():
    s, fn = secret(), gk.function("Rotator")
    rot = cfn_rotation(s.outputs["Arn"], fn.outputs["Arn"])
    assert gk.run(PRM007, s, fn, rot, permission(fn.outputs["Name"])) == []
    assert gk.run(PRM007, s, fn, rot, permission(fn.outputs["Arn"])) == []
    assert gk.run(PRM007, s, fn, rot, permission(fn.outputs["Name"], principal="*")) == []
    assert gk.run(PRM007, s, fn, rot, permission(fn.outputs["Name"], action="lambda:*")) == []


def test_prm007_permission_for_another_principal_function_or_action():
    s, fn, other = secret(), gk.function("Rotator"), gk.function("Other")
    rot = cfn_rotation(s.outputs["Arn"], fn.outputs["Arn"])
    assert len(gk.run(PRM007, s, fn, rot, permission(fn.outputs["Name"], principal="events.amazonaws.com"))) == 1
    assert len(gk.run(PRM007, s, fn, other, rot, permission(other.outputs["Name"]))) == 1
    assert len(gk.run(PRM007, s, fn, rot, permission(fn.outputs["Name"], action="lambda:GetFunction"))) == 1


def test_prm007_terraform_rotation_without_function():
    s = secret("aws_secretsmanager_secret.db")
    out = gk.run(PRM007, s, tf_rotation(s.outputs["Id"]))
    assert len(out) == 1
    assert "No Lambda rotation function ARN is associated with this secret" in out[0].error
    assert "names no rotation function" in out[0].message


def test_prm007_terraform_rotation_with_function_and_permission():
    s, fn = secret("aws_secretsmanager_secret.db"), gk.function("aws_lambda_function.rot")
    rot = tf_rotation(s.outputs["Id"], fn.outputs["Arn"])
    assert len(gk.run(PRM007, s, fn, rot)) == 1
    assert gk.run(PRM007, s, fn, rot, permission(fn.outputs["Name"])) == []


def test_prm007_silent_when_unsure_or_not_applicable():
    s, fn = secret(), gk.function("Rotator")
    # CloudFormation's hosted rotation creates the function and its permission
    assert gk.run(PRM007, s, cfn_rotation(s.outputs["Arn"], HostedRotationLambda={"RotationType": "MySQLSingleUser"})) == []
    # a secret another service owns (RDS master user secret): managed rotation, not a secret of the stack
    rds_secret = f"arn:aws:secretsmanager:{REG}:{ACCT}:secret:rds!db-1234"
    assert gk.run(PRM007, tf_rotation(rds_secret)) == []
    # function outside the stack, values not known before deploy, unknown permission target
    assert gk.run(PRM007, s, cfn_rotation(s.outputs["Arn"], f"arn:aws:lambda:{REG}:{ACCT}:function:shared")) == []
    assert gk.run(PRM007, s, fn, cfn_rotation(s.outputs["Arn"], "<unresolved Output>")) == []
    assert gk.run(PRM007, s, fn, cfn_rotation(s.outputs["Arn"], fn.outputs["Arn"]),
                  permission("<unresolved Output>")) == []
    # a partial graph: the permission may be among what the front end missed
    partial = RuleContext(graph=gk.graph(s, fn, cfn_rotation(s.outputs["Arn"], fn.outputs["Arn"])),
                          graph_status="failed")
    assert list(PRM007().check(partial)) == []


# -- PRM008 --------------------------------------------------------------------------------------------------------

def stmt(condition, effect="Allow"):
    return {"Effect": effect, "Action": "s3:GetObject", "Resource": "*", "Condition": condition}


def managed_policy(condition, as_json=True):
    doc = {"Version": "2012-10-17", "Statement": [stmt(condition)]}
    return _res("Policy", "AWS::IAM::ManagedPolicy", props={"PolicyDocument": json.dumps(doc) if as_json else doc})


def test_prm008_operators_match_moto_iam_validator():
    validation = pytest.importorskip("moto.iam.policy_validation")
    assert set(validation.VALID_CONDITIONS) == set(OPERATORS)


@pytest.mark.parametrize("op", ["StringEqual", "stringEquals", "ArnEqual", "StringEqualsIgnorecase",
                                "ForAnyValues:StringLike", "IpAddressIfExist"])
def test_prm008_unknown_operator_in_identity_policy_is_critical(op):
    out = gk.run(PRM008, managed_policy({op: {"aws:SourceAccount": ACCT}}))
    assert len(out) == 1
    f = out[0]
    assert f.severity == Severity.CRITICAL and f.attribute == "PolicyDocument"
    assert f.error == "MalformedPolicyDocument: Syntax errors in policy."
    assert f"`{op}` is not a condition operator" in f.message


def test_prm008_hint_names_the_operator_meant():
    out = gk.run(PRM008, managed_policy({"StringEqual": {"aws:SourceAccount": ACCT}}))
    assert "did you mean `StringEquals`?" in out[0].message
    out = gk.run(PRM008, managed_policy({"aws:SourceAccount": ACCT}))
    assert len(out) == 1 and "condition key where the operator belongs" in out[0].message


@pytest.mark.parametrize("cond", [
    {"StringEquals": {"aws:SourceAccount": ACCT}},
    {"ForAnyValue:StringLike": {"aws:TagKeys": ["team*"]}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
    {"StringEqualsIfExists": {"aws:RequestTag/env": "dev"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:t"}},
    {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}},
    {"Null": {"aws:TokenIssueTime": "true"}},
    {"Bool": {"aws:SecureTransport": False}},
    {"Bool": {"aws:SecureTransport": "False"}},
    {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
    {"DateLessThan": {"aws:EpochTime": "1767225600"}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    {"StringEquals": {"aws:SourceAccount": "<unresolved Output>"}},
])
def test_prm008_valid_grammar_is_silent(cond):
    assert gk.run(PRM008, managed_policy(cond)) == []
    assert gk.run(PRM008, managed_policy(cond, as_json=False)) == []


def test_prm008_value_shapes():
    out = gk.run(PRM008, managed_policy({"Bool": {"aws:SecureTransport": "yes"}}))
    assert len(out) == 1 and out[0].severity == Severity.MEDIUM and "never matches" in out[0].error
    out = gk.run(PRM008, managed_policy({"DateGreaterThan": {"aws:CurrentTime": "yesterday"}}))
    assert len(out) == 1 and out[0].severity == Severity.CRITICAL
    assert out[0].error == "MalformedPolicyDocument: The policy failed legacy parsing"
    out = gk.run(PRM008, managed_policy({"StringEquals": "aws:SourceAccount"}))
    assert len(out) == 1 and "must map condition keys to values" in out[0].message


def test_prm008_role_trust_and_inline_policies():
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEqual": {"aws:SourceAccount": ACCT}}}]}
    inline = {"Version": "2012-10-17", "Statement": [stmt({"ArnEqual": {"aws:SourceArn": "arn:aws:sqs:::q"}})]}
    role = gk.role("Role", AssumeRolePolicyDocument=trust,
                   Policies=[{"PolicyName": "p", "PolicyDocument": inline}])
    out = gk.run(PRM008, role)
    assert sorted(f.attribute for f in out) == ["AssumeRolePolicyDocument", "Policies.0.PolicyDocument"]
    assert all(f.severity == Severity.CRITICAL for f in out)


def test_prm008_resource_policies_by_service():
    key = gk.key("Key", {"Version": "2012-10-17", "Statement": [stmt({"StringEqual": {"kms:ViaService": "s3"}})]})
    (f,) = gk.run(PRM008, key)
    assert f.severity == Severity.CRITICAL and f.error.startswith("MalformedPolicyDocumentException")
    bucket_policy = _res("aws_s3_bucket_policy.p", "AWS::S3::BucketPolicy", "aws_s3_bucket_policy",
                         props={"Bucket": "b", "PolicyDocument": json.dumps(
                             {"Statement": [stmt({"StringEqual": {"aws:SourceAccount": ACCT}}, "Deny")]})})
    (f,) = gk.run(PRM008, bucket_policy)
    assert f.severity == Severity.CRITICAL and f.error.startswith("MalformedPolicy:")
    queue_policy = _res("QP", "AWS::SQS::QueuePolicy",
                        props={"Queues": ["q"], "PolicyDocument": {"Statement": [stmt({"ArnEqual": {"x:y": "z"}})]}})
    (f,) = gk.run(PRM008, queue_policy)
    assert f.severity == Severity.HIGH and f.error.startswith("InvalidAttributeValue")


def test_prm008_unmapped_resource_native_policy_and_no_duplicates():
    doc = json.dumps({"Statement": [stmt({"StringEqual": {"aws:SourceAccount": ACCT}})]})
    r = _res("aws_secretsmanager_secret_policy.p", "aws_secretsmanager_secret_policy",
             native_props={"secret_arn": "arn", "policy": doc}, mapped=False)
    (f,) = gk.run(PRM008, r)
    assert f.attribute == "policy" and f.extra["service"] == "Secrets Manager"
    # the same document under its CFN and native names is one finding
    both = _res("P", "AWS::IAM::ManagedPolicy", "aws_iam_policy", props={"PolicyDocument": doc},
                native_props={"policy": doc})
    assert len(gk.run(PRM008, both)) == 1


def test_prm008_intrinsics_left_in_place_are_not_operators():
    assert gk.run(PRM008, managed_policy({"Fn::If": ["IsProd", {"StringEquals": {"a:b": "c"}}, {}]})) == []


def test_prm008_points_at_the_line_writing_the_operator(tmp_path):
    (tmp_path / "main.tf").write_text(
        'data "aws_iam_policy_document" "d" {\n'
        '  statement {\n'
        '    actions = ["s3:GetObject"]\n'
        '    condition {\n'
        '      test     = "StringEqual"\n'
        '      variable = "aws:SourceAccount"\n'
        '      values   = ["123456789012"]\n'
        '    }\n'
        '  }\n'
        '}\n'
        'resource "aws_iam_policy" "p" {\n'
        '  policy = data.aws_iam_policy_document.d.json\n'
        '}\n')
    doc = json.dumps({"Statement": [stmt({"StringEqual": {"aws:SourceAccount": ACCT}})]})
    pol = Resource(id="aws_iam_policy.p", type="AWS::IAM::ManagedPolicy", native_type="aws_iam_policy",
                   properties={"PolicyDocument": doc}, native_properties={"policy": doc},
                   native_paths={"PolicyDocument": "policy"}, location=Location("main.tf", 11),
                   attr_locations={"policy": Location("main.tf", 12)})
    (f,) = PRM008().check(RuleContext(graph=gk.graph(pol), root=tmp_path))
    assert (f.file, f.line) == ("main.tf", 12)  # the data source is above the attribute: not searched
    pol.attr_locations = {"policy": Location("main.tf", 1)}
    (f,) = PRM008().check(RuleContext(graph=gk.graph(pol), root=tmp_path))
    assert (f.file, f.line) == ("main.tf", 5)
