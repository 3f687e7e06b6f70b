"""IAM004: broad AWS managed policies (AdministratorAccess, PowerUserAccess, *FullAccess) on workload roles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.knowledge.iam import refers_to, statements
from iacqa.model import Category, Finding, Location, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import find_in_span

_MANAGED_ARN = re.compile(r"^arn:aws[\w-]*:iam::aws:policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$")
# Every action on every resource, or everything but IAM/Organizations (PowerUser), or IAM itself (a role with
# IAMFullAccess can attach AdministratorAccess to itself).
ADMIN = {"AdministratorAccess": "every action on every resource",
         "PowerUserAccess": "every action except IAM and Organizations management",
         "IAMFullAccess": "every IAM action, so it can grant itself AdministratorAccess"}
FULL_ACCESS = re.compile(r"FullAccess", re.I)
# Principals that run the stack's own code: their role's permissions are what a bug or a leaked credential gets.
# Deployment services (CodeBuild, CodePipeline, CloudFormation) are not here: deploying a stack legitimately needs
# broad rights. SageMaker is not here either: AWS documents AmazonSageMakerFullAccess as its execution role policy.
WORKLOAD_PRINCIPALS = ("lambda", "edgelambda", "ecs-tasks", "ec2", "states", "glue", "pods.eks", "tasks.apprunner")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_ATTACH_TYPES = ("AWS::IAM::RolePolicyAttachment", "AWS::IAM::PolicyAttachment")
_ATTACH_NATIVE = ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment",
                  "aws_iam_policy_attachment", "aws_iam_role_policy_attachment")


@dataclass
class Attached:
    role: Resource
    name: str  # policy name (AdministratorAccess)
    arn: str
    via: Resource  # the role itself (ManagedPolicyArns) or the attachment resource
    attribute: str  # CFN (or native) path on `via`


def _unknown(value: Any) -> bool:
    return not isinstance(value, str) or "<unresolved" in value or "${" in value or value.startswith("mock-")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def workload_principals(role: Resource) -> list[str]:
    """The workload service principals the role's trust policy lets assume it (`lambda.amazonaws.com`)."""
    doc = role.get("AssumeRolePolicyDocument")
    if doc is None:
        doc = role.native_properties.get("assume_role_policy")
    out: list[str] = []
    for st in statements(doc, "trust"):
        if st.get("Effect") != "Allow" or not isinstance(st.get("Principal"), dict):
            continue
        for svc in _as_list(st["Principal"].get("Service")):
            if not isinstance(svc, str):
                continue
            base = svc.lower().removesuffix(".amazonaws.com.cn").removesuffix(".amazonaws.com")
            head, _, region = base.rpartition(".")
            if _REGION.match(region):  # regional form: states.us-east-1.amazonaws.com
                base = head
            if base in WORKLOAD_PRINCIPALS and svc not in out:
                out.append(svc)
    return out


def _policy_name(arn: Any) -> str | None:
    if _unknown(arn):
        return None
    m = _MANAGED_ARN.match(arn)
    return m.group(1) if m else None


def _attachment_roles(r: Resource) -> tuple[list[Any], Any, str]:
    """(role references, policy ARN, attribute of the ARN) of a policy attachment resource."""
    roles = _as_list(r.get("Role")) + _as_list(r.get("Roles"))
    if not roles:
        roles = _as_list(r.native_properties.get("role")) + _as_list(r.native_properties.get("roles"))
    arn = r.get("PolicyArn") or r.native_properties.get("policy_arn") or r.native_properties.get("policyArn")
    return roles, arn, "PolicyArn" if r.mapped else "policy_arn"


def attached(graph: ResourceGraph, role: Resource) -> Iterator[Attached]:
    """AWS managed policies attached to `role`: its ManagedPolicyArns and attachment resources naming it."""
    for i, arn in enumerate(_as_list(role.get("ManagedPolicyArns"))):
        name = _policy_name(arn)
        if name:
            yield Attached(role, name, arn, role, f"ManagedPolicyArns.{i}")
    for r in graph:
        if r.id == role.id or not (r.type in _ATTACH_TYPES or r.native_type in _ATTACH_NATIVE):
            continue
        roles, arn, attr = _attachment_roles(r)
        name = _policy_name(arn)
        if name and any(refers_to(graph, v, role) for v in roles):
            yield Attached(role, name, arn, r, attr)


def _grade(name: str) -> tuple[Severity, str] | None:
    if name in ADMIN:
        return Severity.HIGH, ADMIN[name]
    if FULL_ACCESS.search(name):
        return Severity.MEDIUM, "every action of its service on every resource of the account"
    return None


def _locate(ctx: RuleContext, a: Attached) -> Location:
    """The line where the policy is named (its ARN, or a name such as `ManagedPolicy.ADMINISTRATOR_ACCESS` /
    `from_aws_managed_policy_name("AdministratorAccess")`); else the attribute's line."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", a.name).upper()  # ADMINISTRATOR_ACCESS (Pulumi's enum)
    rx = re.compile(rf"{re.escape(a.name)}\b|\b{re.escape(words)}\b")
    return find_in_span(ctx, a.via, rx) or a.via.location_of(a.attribute)


class BroadManagedPolicy(Rule):
    """A workload's role has a broad AWS managed policy attached: AdministratorAccess, PowerUserAccess, *FullAccess.

    What it finds: an IAM role whose trust policy lets a workload assume it (a service principal such as
    `lambda.amazonaws.com`, `ecs-tasks.amazonaws.com`, `ec2.amazonaws.com`, `states.amazonaws.com`) and that has
    `AdministratorAccess`, `PowerUserAccess` or `IAMFullAccess` attached (high), or a service's `*FullAccess`
    policy (`AmazonS3FullAccess`, `AmazonDynamoDBFullAccess`, `AWSLambda_FullAccess`: medium), through
    `managed_policy_arns` / `ManagedPolicyArns` or a `RolePolicyAttachment` / `PolicyAttachment` resource.
    Deployment roles (CodeBuild, CodePipeline, CloudFormation) and SageMaker execution roles are not reported.
    Why it breaks: nothing fails at deploy; a bug, an injected input or a leaked credential of the function or
    container can then delete every table or bucket in the account, or (admin, IAM) take over the account. Inline
    wildcards are IAM001; this is the same grant hidden behind a managed policy name.
    Bad: `aws.iam.RolePolicyAttachment("admin", role=role.name,
    policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")`
    Good: `aws.iam.RolePolicy("app", role=role.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": table_arn}]}))`
    What AWS says: "AWS managed policies ... might not grant least-privilege permissions for your specific use
    cases" and "we recommend that you ... define customer managed policies" (IAM User Guide, security best
    practices); Security Hub IAM.1 flags policies that allow full "*" administrative privileges.
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-use-aws-defined-policies ,
    https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
    """

    id = "IAM004"
    category = Category.IAM_BROAD
    severity = Severity.HIGH
    title = "broad AWS managed policy on a workload role"
    docs_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-use-aws-defined-policies"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for role in g.of_type("AWS::IAM::Role"):
            principals = workload_principals(role)
            if not principals:
                continue
            seen: set[str] = set()
            for a in attached(g, role):
                graded = _grade(a.name)
                if graded is None or a.name in seen:
                    continue
                seen.add(a.name)
                severity, grants = graded
                how = role.native_name("ManagedPolicyArns") if a.via is role else f"attachment {a.via.id}"
                yield self.finding(
                    f"role {role.id}, assumed by {', '.join(principals)}, has the AWS managed policy {a.name} "
                    f"attached ({how}): its code may perform {grants}",
                    resource=a.via, attribute=a.attribute, location=_locate(ctx, a), severity=severity,
                    error="nothing at deploy; at run time the workload holds these rights",
                    fix=f"remove {a.name}; attach an inline or customer managed policy listing the actions the "
                    "code calls on the resources it uses (e.g. dynamodb:GetItem/PutItem on table.arn), or a narrow "
                    "AWS managed policy (AWSLambdaBasicExecutionRole, AmazonS3ReadOnlyAccess)",
                    policy=a.name, policy_arn=a.arn, role=role.id, principals=principals)
