"""PRM009: a CodeBuild project whose service role CodeBuild cannot assume, or that cannot write the build's logs
or artifacts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.knowledge.iam import RolePermissions, action_matches, principal_matches, resource_matches, role_permissions
from iacqa.knowledge.iam import statements as policy_statements
from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, one, prop, unknown_value

PROJECT = ("AWS::CodeBuild::Project", "aws_codebuild_project", "aws:codebuild/project:Project")
CODEBUILD = "codebuild.amazonaws.com"
ACCOUNT, REGION = "123456789012", "us-east-1"  # the synthetic identity every front end uses (frontends/identity.py)
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def _role(graph: ResourceGraph, ref: Any) -> Resource | None:
    if not isinstance(ref, str) or unknown_value(ref):
        return None
    res = graph.resolve_resource(ref)
    if res is not None and res.type == "AWS::IAM::Role":
        return res
    name = ref.rsplit("/", 1)[-1]
    return next((r for r in graph.of_type("AWS::IAM::Role")
                 if name in (r.outputs.get("Name"), r.get("RoleName"), r.outputs.get("Id"))), None)


def _trusts_codebuild(role: Resource) -> bool | None:
    """Whether the trust policy lets CodeBuild assume the role; None when it cannot be read."""
    doc = role.get("AssumeRolePolicyDocument")
    if doc is None:
        doc = role.native_properties.get("assume_role_policy")
    if doc is None or unknown_value(doc):
        return None
    stmts = policy_statements(doc, "trust")
    if not stmts:
        return None
    for st in stmts:
        if st.get("Effect") != "Allow":
            continue
        if not any(action_matches(a, "sts:AssumeRole") for a in st.get("Action", [])):
            continue
        if principal_matches(st.get("Principal"), CODEBUILD) == "direct":
            return True
    return False


def _allowed_loosely(perms: RolePermissions, action: str, arns: list[str], needle: str) -> bool:
    """Allowed on one of `arns`, or by some Allow statement whose resource names `needle` (a policy written for
    another account or region id than the synthetic one still counts)."""
    if any(perms.allows(action, arn) for arn in arns):
        return True
    for st in perms.statements:
        if st.get("Effect") != "Allow" or not any(action_matches(a, action) for a in st.get("Action", [])):
            continue
        if any(needle in r or resource_matches(r, arns[0]) for r in st.get("Resource", [])):
            return True
    return False


def _project_name(p: Resource) -> str | None:
    for v in (p.get("Name"), p.native_properties.get("name"), p.outputs.get("Name")):
        if isinstance(v, str) and v and not unknown_value(v):
            return v
    return None


def _bucket_arn(graph: ResourceGraph, location: Any) -> tuple[Resource, str] | None:
    if not isinstance(location, str) or not location or unknown_value(location):
        return None
    name = location.removeprefix("arn:aws:s3:::").split("/", 1)[0]
    for b in graph.of_type("AWS::S3::Bucket"):
        if name in (b.outputs.get("Name"), b.outputs.get("Id"), b.get("BucketName")):
            arn = b.outputs.get("Arn")
            return (b, arn) if isinstance(arn, str) else None
    return None


class CodeBuildServiceRole(Rule):
    """A CodeBuild project's service role does not let CodeBuild in, or cannot write the build's logs or artifacts.

    What it finds: a CodeBuild project (`AWS::CodeBuild::Project`, `aws.codebuild.Project`,
    `aws_codebuild_project`) whose `ServiceRole` (`service_role`) is a role of the stack, and
    - the role's trust policy has no statement letting `codebuild.amazonaws.com` call `sts:AssumeRole`
      (critical: CreateProject refuses the role);
    - with CloudWatch Logs not disabled in `LogsConfig`, nothing attached to the role allows
      `logs:CreateLogStream` and `logs:PutLogEvents` on the project's log group (`/aws/codebuild/<name>`, or
      `GroupName`) (high: every build fails);
    - with `Artifacts.Type` S3 into a bucket of the stack, nothing allows `s3:PutObject` on objects of it (high).
    Silent when the role has attachments the stack does not show (an AWS managed policy iacqa does not know, a
    policy ARN from outside), when names or documents are not known before deploy, and on a partial graph.
    Why it breaks: CodeBuild runs every build as the service role. CreateProject checks that CodeBuild may assume
    it; a build checks the Logs permissions before its first phase and stops when it cannot create its log stream;
    UPLOAD_ARTIFACTS writes the output with the role's S3 permissions.
    Bad: a role trusted by `codepipeline.amazonaws.com` only, or one whose policy grants only `s3:GetObject`, as
    `service_role` of an `aws.codebuild.Project`.
    Good: trust `{"Service": "codebuild.amazonaws.com"}`, and allow `logs:CreateLogGroup`,
    `logs:CreateLogStream`, `logs:PutLogEvents` on `arn:aws:logs:<region>:<account>:log-group:/aws/codebuild/<name>*`
    and `s3:PutObject` (with `s3:GetObject`, `s3:GetObjectVersion` for sources) on `<artifact bucket ARN>/*`.
    What AWS says: CreateProject answers `InvalidInputException: CodeBuild is not authorized to perform:
    sts:AssumeRole on <role ARN>`; a build without the Logs permissions ends in its first phase with
    `ACCESS_DENIED: Service role <role ARN> does not allow AWS CodeBuild to create Amazon CloudWatch Logs log
    streams for build <build ARN>`; without `s3:PutObject` UPLOAD_ARTIFACTS fails with `AccessDenied`.
    References: https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html ,
    https://docs.aws.amazon.com/codebuild/latest/userguide/troubleshooting.html
    """

    id = "PRM009"
    category = Category.IAM_MISSING
    severity = Severity.HIGH
    title = "CodeBuild service role misses what CodeBuild needs"
    resource_types = PROJECT

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return  # a partial graph: a policy may be among what it misses
        g = ctx.graph
        for p in g:
            if not is_type(p, PROJECT):
                continue
            ref, attr = prop(p, "ServiceRole", "service_role")
            role = _role(g, ref)
            if role is None:
                continue
            trusted = _trusts_codebuild(role)
            if trusted is False:
                yield self.finding(
                    f"project {p.id} runs as role {role.id}, whose trust policy does not let {CODEBUILD} assume it: "
                    "CreateProject refuses the role", resource=p, attribute=attr, severity=Severity.CRITICAL,
                    error=(f"InvalidInputException: CodeBuild is not authorized to perform: sts:AssumeRole on "
                           f"{role.outputs.get('Arn') or role.id}"),
                    fix=(f'add {{"Effect": "Allow", "Principal": {{"Service": "{CODEBUILD}"}}, "Action": '
                         f'"sts:AssumeRole"}} to the assume_role_policy of {role.id}'), role=role.id)
            perms = role_permissions(g, role)
            if not perms.complete:
                continue
            yield from self._logs(p, role, perms, attr)
            yield from self._artifacts(g, p, role, perms)

    def _logs(self, p: Resource, role: Resource, perms: RolePermissions, attr: str) -> Iterator[Finding]:
        cw = one(prop(p, "LogsConfig.CloudWatchLogs", "logs_config.cloudwatch_logs")[0])
        cw = cw if isinstance(cw, dict) else {}
        status = cw.get("Status", cw.get("status"))
        if isinstance(status, str) and status.upper() == "DISABLED":
            return
        name = _project_name(p)
        group = cw.get("GroupName", cw.get("group_name")) or (f"/aws/codebuild/{name}" if name else None)
        if not isinstance(group, str) or unknown_value(group):
            return
        group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
        arns = [f"{group_arn}:log-stream:build-1", f"{group_arn}:*", group_arn]
        missing = [a for a in LOG_ACTIONS if not _allowed_loosely(perms, a, arns, group)]
        if not missing:
            return
        yield self.finding(
            f"project {p.id} logs to CloudWatch Logs group {group}, but its service role {role.id} does not allow "
            f"{', '.join(missing)} there: every build stops before its first phase", resource=p, attribute=attr,
            symbol=missing[0],
            error=(f"nothing at deploy; every build fails with ACCESS_DENIED: Service role "
                   f"{role.outputs.get('Arn') or role.id} does not allow AWS CodeBuild to create Amazon CloudWatch "
                   "Logs log streams for build <build ARN>"),
            fix=(f'add {{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", '
                 f'"logs:PutLogEvents"], "Resource": ["{group_arn}", "{group_arn}:*"]}} to {role.id}, or disable '
                 "CloudWatch logs in logs_config and use S3 logs"),
            role=role.id, actions=missing)

    def _artifacts(self, g: ResourceGraph, p: Resource, role: Resource, perms: RolePermissions) -> Iterator[Finding]:
        art, art_attr = prop(p, "Artifacts", "artifacts")
        art = one(art)
        if not isinstance(art, dict):
            return
        kind = art.get("Type", art.get("type"))
        if not isinstance(kind, str) or kind.upper() != "S3":
            return
        hit = _bucket_arn(g, art.get("Location", art.get("location")))
        if hit is None:
            return
        bucket, arn = hit
        if _allowed_loosely(perms, "s3:PutObject", [f"{arn}/builds/artifact.zip"], arn + "/"):
            return
        yield self.finding(
            f"project {p.id} uploads its artifacts to bucket {bucket.id}, but its service role {role.id} does not "
            "allow s3:PutObject on its objects: every build fails in UPLOAD_ARTIFACTS", resource=p,
            attribute=art_attr, symbol="s3:PutObject",
            error="nothing at deploy; every build fails in the UPLOAD_ARTIFACTS phase with AccessDenied from S3",
            fix=(f'add {{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"], '
                 f'"Resource": "{arn}/*"}} to {role.id}'),
            role=role.id, actions=["s3:PutObject"], bucket=bucket.id)
