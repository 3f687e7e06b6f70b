"""PRM007: a Secrets Manager rotation whose rotation function Secrets Manager cannot invoke, or that has none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.knowledge.iam import action_matches, principal_matches
from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, prop, unknown_value

SECRETS = "secretsmanager.amazonaws.com"
ROTATION_TYPES = ("AWS::SecretsManager::RotationSchedule", "aws_secretsmanager_secret_rotation",
                  "aws:secretsmanager/secretRotation:SecretRotation")
# Secrets Manager's own words (troubleshooting guide; RotateSecret answers them before any rotation starts).
NO_INVOKE = ("AccessDeniedException: Secrets Manager cannot invoke the specified Lambda function. Ensure that the "
             "function policy grants access to the principal secretsmanager.amazonaws.com.")
NO_FUNCTION = "InvalidRequestException: No Lambda rotation function ARN is associated with this secret."


def _secret(graph: ResourceGraph, ref: Any) -> Resource | None:
    res = graph.resolve_resource(ref)
    if res is not None and res.type == "AWS::SecretsManager::Secret":
        return res
    if isinstance(ref, str):
        for s in graph.of_type("AWS::SecretsManager::Secret"):
            if ref in (s.get("Name"), s.outputs.get("Name")):
                return s
    return None


def _permission_covers(graph: ResourceGraph, perm: Resource, fn: Resource) -> bool:
    """Whether a lambda permission may let Secrets Manager invoke `fn`; values not known before deploy count."""
    name = perm.get("FunctionName")
    if not isinstance(name, str) or unknown_value(name):
        return True
    target = graph.function_for(name)
    if target is None or target.id != fn.id:
        return False
    principal = perm.get("Principal")
    if isinstance(principal, str) and not unknown_value(principal):
        who = {"Service": principal} if "." in principal else principal
        if principal_matches(who, SECRETS) != "direct":
            return False
    action = perm.get("Action")
    if isinstance(action, str) and not unknown_value(action) and not action_matches(action, "lambda:InvokeFunction"):
        return False
    return True  # a SourceArn is not judged: the rotation's secret ARN is what it should name, and may


class RotationFunctionNotInvokable(Rule):
    """A Secrets Manager rotation names a rotation function Secrets Manager may not invoke, or names none.

    What it finds: a rotation (`AWS::SecretsManager::RotationSchedule`, `aws.secretsmanager.SecretRotation`,
    `aws_secretsmanager_secret_rotation`) of a secret of the stack that
    - names a Lambda function of the stack as `RotationLambdaARN` (`rotation_lambda_arn`) while no lambda
      permission (`AWS::Lambda::Permission`, `aws.lambda_.Permission`, `aws_lambda_permission`) lets the service
      principal `secretsmanager.amazonaws.com` call `lambda:InvokeFunction` on that function; or
    - names no rotation function at all (no `RotationLambdaARN`, no `HostedRotationLambda`), for a secret the stack
      creates itself (managed rotation exists only for secrets another service owns, such as an RDS master user
      secret, which are not `AWS::SecretsManager::Secret` resources of the stack).
    Silent when the function is outside the stack, when a permission's function or principal is not known before
    deploy, and on a partial graph. A permission's `SourceArn` is not compared with the secret.
    Why it breaks: creating the rotation calls RotateSecret, which rotates the secret at once: Secrets Manager
    invokes the function with its own service principal, which needs the function's resource policy; without a
    rotation function there is nothing to rotate with. The call fails and the deploy stops at the rotation.
    Models write the function and the schedule but forget the permission (CDK's `add_rotation_schedule` adds it;
    Terraform, Pulumi and CloudFormation do not), or believe "managed rotation" needs no function.
    Bad: `aws.secretsmanager.SecretRotation("r", secret_id=secret.id, rotation_lambda_arn=fn.arn,
    rotation_rules={"automatically_after_days": 30})` and no `aws.lambda_.Permission` for Secrets Manager.
    Good: add `aws.lambda_.Permission("rotation-invoke", action="lambda:InvokeFunction", function=fn.name,
    principal="secretsmanager.amazonaws.com")` (and `depends_on` it from the rotation); for a database password
    prefer the engine's own managed secret (`manage_master_user_password=True`) or a hosted rotation
    (`HostedRotationLambda`).
    What AWS says: RotateSecret answers `AccessDeniedException: Secrets Manager cannot invoke the specified Lambda
    function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.`, and
    without a function `InvalidRequestException: No Lambda rotation function ARN is associated with this secret.`
    (Secrets Manager troubleshooting guide; the second was seen deploying corpus task cdktf-ts Pr4895).
    References: https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot_rotation.html ,
    https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html ,
    https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
    """

    id = "PRM007"
    category = Category.IAM_MISSING
    severity = Severity.CRITICAL
    title = "secret rotation cannot invoke its rotation function"
    resource_types = ROTATION_TYPES

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return  # a partial graph: the permission may be among what it misses
        g = ctx.graph
        for rot in g:
            if not is_type(rot, ROTATION_TYPES):
                continue
            secret_ref, _ = prop(rot, "SecretId", "secret_id")
            if not isinstance(secret_ref, str) or unknown_value(secret_ref):
                continue
            secret = _secret(g, secret_ref)
            if secret is None:
                continue  # a secret another service owns (managed rotation) or one outside the stack
            fn_ref, attr = prop(rot, "RotationLambdaARN", "rotation_lambda_arn")
            if fn_ref in (None, ""):
                if rot.has("HostedRotationLambda") or rot.native_properties.get("hosted_rotation_lambda"):
                    continue  # CloudFormation creates the function and its permission
                yield self._no_function(rot, secret)
                continue
            if not isinstance(fn_ref, str) or unknown_value(fn_ref):
                continue
            fn = g.function_for(fn_ref)
            if fn is None:
                continue  # outside the stack: its resource policy is not visible here
            if any(_permission_covers(g, p, fn) for p in g.of_type("AWS::Lambda::Permission")):
                continue
            yield self.finding(
                f"rotation {rot.id} of secret {secret.id} uses function {fn.id}, but no lambda permission lets "
                f"{SECRETS} invoke it: RotateSecret fails and the deploy stops at the rotation",
                resource=rot, attribute=attr, error=NO_INVOKE,
                fix=(f'add aws.lambda_.Permission / aws_lambda_permission / AWS::Lambda::Permission(action='
                     f'"lambda:InvokeFunction", function=<{fn.id} name>, principal="{SECRETS}") and make the '
                     f"rotation depend on it"),
                function=fn.id, principal=SECRETS, actions=["lambda:InvokeFunction"])

    def _no_function(self, rot: Resource, secret: Resource) -> Finding:
        return self.finding(
            f"rotation {rot.id} of secret {secret.id} names no rotation function: a secret the stack creates has "
            "no managed rotation, so RotateSecret has nothing to run and the deploy stops at the rotation",
            resource=rot, error=NO_FUNCTION,
            fix=("set rotation_lambda_arn / RotationLambdaARN to a rotation function (with a lambda permission for "
                 f"{SECRETS}), use CloudFormation's HostedRotationLambda, or for a database password let the "
                 "engine manage it (manage_master_user_password=True) and drop the rotation resource"),
            secret=secret.id)
