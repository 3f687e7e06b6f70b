"""PRM009 (CodeBuild service role) over hand-built graphs: a CloudFormation project with a mapped role, and
Terraform's unmapped `aws_codebuild_project` with its native blocks as one-item lists."""

from __future__ import annotations

import json

from iacqa.model import Location, Resource, Severity
from iacqa.rules.iam_missing.codebuild_role import CodeBuildServiceRole as PRM009
from tests.rules.wiring import wiring_graphkit as gk

ACCT, REG = gk.ACCT, gk.REG
LOGS = {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": f"arn:aws:logs:{REG}:{ACCT}:log-group:/aws/codebuild/*"}


def trust(*services):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": list(services)}, "Action": "sts:AssumeRole"}]}


def cfn_project(role_ref, **props):
    return Resource(id="Build", type="AWS::CodeBuild::Project", native_type="AWS::CodeBuild::Project",
                    properties={"Name": "build", "ServiceRole": role_ref, "Artifacts": {"Type": "NO_ARTIFACTS"},
                                **props},
                    outputs={"Arn": f"arn:aws:codebuild:{REG}:{ACCT}:project/build", "Name": "build"},
                    location=Location("template.yaml", 1))


def tf_project(role_ref, **native):
    return Resource(id="aws_codebuild_project.p", type="aws_codebuild_project", native_type="aws_codebuild_project",
                    native_properties={"name": "pkg", "service_role": role_ref, **native}, mapped=False,
                    outputs={"Id": "pkg", "Arn": f"arn:aws:codebuild:{REG}:{ACCT}:project/pkg"},
                    location=Location("main.tf", 1))


def role_with(*stmts, services=("codebuild.amazonaws.com",)):
    role = gk.role("BuildRole", AssumeRolePolicyDocument=trust(*services))
    return role, gk.role_policy("BuildPolicy", role.outputs["Name"], list(stmts))


def test_prm009_trust_policy_without_codebuild_is_critical():
    role, pol = role_with(LOGS, services=("codepipeline.amazonaws.com",))
    (f,) = gk.run(PRM009, role, pol, cfn_project(role.outputs["Arn"]))
    assert f.severity == Severity.CRITICAL and f.attribute == "ServiceRole"
    assert f.error == f"InvalidInputException: CodeBuild is not authorized to perform: sts:AssumeRole on {role.outputs['Arn']}"
    role, pol = role_with(LOGS, services=("codepipeline.amazonaws.com", "codebuild.amazonaws.com"))
    assert gk.run(PRM009, role, pol, cfn_project(role.outputs["Arn"])) == []


def test_prm009_logs_permissions():
    role, pol = role_with({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    (f,) = gk.run(PRM009, role, pol, cfn_project(role.outputs["Arn"]))
    assert f.severity == Severity.HIGH and f.extra["actions"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert "does not allow AWS CodeBuild to create Amazon CloudWatch Logs log streams" in f.error
    # logs disabled, or a custom group the policy names (even with another account id written in it)
    disabled = cfn_project(role.outputs["Arn"], LogsConfig={"CloudWatchLogs": {"Status": "DISABLED"}})
    assert gk.run(PRM009, role, pol, disabled) == []
    custom = {"Effect": "Allow", "Action": "logs:*", "Resource": "arn:aws:logs:eu-west-1:999999999999:log-group:/ci/build:*"}
    role, pol = role_with(custom)
    named = cfn_project(role.outputs["Arn"], LogsConfig={"CloudWatchLogs": {"Status": "ENABLED", "GroupName": "/ci/build"}})
    assert gk.run(PRM009, role, pol, named) == []
    assert len(gk.run(PRM009, role, pol, cfn_project(role.outputs["Arn"]))) == 1


def test_prm009_terraform_artifacts_bucket():
    bucket = gk._res("aws_s3_bucket.a", "AWS::S3::Bucket", "aws_s3_bucket", {"BucketName": "arts"},
                     {"Arn": "arn:aws:s3:::arts", "Name": "arts", "Id": "arts"}, 5)
    role, pol = role_with(LOGS, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::arts/*"})
    proj = tf_project(role.outputs["Arn"], artifacts=[{"type": "S3", "location": "arts"}])
    (f,) = gk.run(PRM009, bucket, role, pol, proj)
    assert f.attribute == "artifacts" and f.extra["bucket"] == "aws_s3_bucket.a"
    role, pol = role_with(LOGS, {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::arts/builds/*"})
    assert gk.run(PRM009, bucket, role, pol, proj) == []


def test_prm009_silent_when_unsure():
    role, pol = role_with()
    role.properties["ManagedPolicyArns"] = ["arn:aws:iam::aws:policy/SomePolicyIacqaDoesNotKnow"]
    assert gk.run(PRM009, role, pol, cfn_project(role.outputs["Arn"])) == []
    assert gk.run(PRM009, cfn_project(f"arn:aws:iam::{ACCT}:role/outside")) == []
    assert gk.run(PRM009, cfn_project("<unresolved Output>")) == []
    unread = gk.role("R", AssumeRolePolicyDocument="<unresolved Output>")
    assert gk.run(PRM009, unread, cfn_project(unread.outputs["Arn"],
                                              LogsConfig={"CloudWatchLogs": {"Status": "DISABLED"}})) == []
    role, pol = role_with(LOGS)
    role.properties["AssumeRolePolicyDocument"] = json.dumps(trust("codebuild.amazonaws.com"))
    assert gk.run(PRM009, role, pol, tf_project(role.outputs["Name"])) == []
