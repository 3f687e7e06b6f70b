"""IAM004 on hand-built graphs: ManagedPolicyArns, Terraform/Pulumi attachments, trust principals."""

from __future__ import annotations

import json
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_broad.managed import BroadManagedPolicy, workload_principals

ACCT = "123456789012"


def _trust(service: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service},
                                                    "Action": "sts:AssumeRole"}]}


def _role(rid: str, service: str, arns: list[str] | None = None, as_json: bool = False) -> Resource:
    props: dict[str, Any] = {"AssumeRolePolicyDocument": json.dumps(_trust(service)) if as_json else _trust(service)}
    if arns:
        props["ManagedPolicyArns"] = arns
    return Resource(id=rid, type="AWS::IAM::Role", native_type="aws_iam_role", properties=props,
                    location=Location("main.tf", 1),
                    outputs={"Arn": f"arn:aws:iam::{ACCT}:role/{rid}", "Name": rid, "Id": rid})


def _attach(rid: str, role: str, arn: str, native_type: str = "aws_iam_role_policy_attachment") -> Resource:
    if native_type == "aws_iam_role_policy_attachment":
        return Resource(id=rid, type="AWS::IAM::RolePolicyAttachment", native_type=native_type,
                        properties={"Role": role, "PolicyArn": arn}, location=Location("main.tf", 20))
    return Resource(id=rid, type=native_type, native_type=native_type, mapped=False,
                    native_properties={"roles": [role], "policy_arn": arn}, location=Location("main.tf", 30))


def _check(*res: Resource) -> list:
    g = ResourceGraph(platform="tf")
    for r in res:
        g.add(r)
    return list(BroadManagedPolicy().check(RuleContext(graph=g)))


def test_admin_on_lambda_role_is_high_full_access_medium() -> None:
    found = _check(_role("fn", "lambda.amazonaws.com", [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]))
    assert [(f.extra["policy"], f.severity) for f in found] == [
        ("AdministratorAccess", Severity.HIGH), ("AmazonDynamoDBFullAccess", Severity.MEDIUM)]
    assert found[0].attribute == "ManagedPolicyArns.1"
    assert "assumed by lambda.amazonaws.com" in found[0].message


def test_attachments_terraform_and_policy_attachment() -> None:
    role = _role("task", "ecs-tasks.amazonaws.com", as_json=True)
    found = _check(role, _attach("a", "task", "arn:aws:iam::aws:policy/PowerUserAccess"),
                   _attach("b", "task", "arn:aws:iam::aws:policy/IAMFullAccess", "aws_iam_policy_attachment"),
                   _attach("c", "other", "arn:aws:iam::aws:policy/AdministratorAccess"))
    assert sorted((f.resource, f.extra["policy"], f.severity.value) for f in found) == [
        ("a", "PowerUserAccess", "high"), ("b", "IAMFullAccess", "high")]


def test_deployment_and_sagemaker_roles_and_customer_policies_are_not_reported() -> None:
    assert _check(_role("build", "codebuild.amazonaws.com", ["arn:aws:iam::aws:policy/AdministratorAccess"])) == []
    assert _check(_role("sm", "sagemaker.amazonaws.com", ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"])) == []
    assert _check(_role("fn", "lambda.amazonaws.com", [f"arn:aws:iam::{ACCT}:policy/AdministratorAccess",
                                                       "arn:aws:iam::aws:policy/ReadOnlyAccess",
                                                       "<unresolved Output>"])) == []


def test_workload_principals_regional_and_lists() -> None:
    role = _role("r", "lambda.amazonaws.com")
    role.properties["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] = [
        "ec2.amazonaws.com.cn", "config.amazonaws.com", "states.us-east-1.amazonaws.com"]
    assert workload_principals(role) == ["ec2.amazonaws.com.cn", "states.us-east-1.amazonaws.com"]
