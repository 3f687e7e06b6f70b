"""PRM002, PRM003: a function's role cannot deliver to its dead-letter queue or destinations."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.knowledge.iam import RolePermissions
from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._common import SEND_ACTION, SERVICE_WORD, api_name, grant_snippet, permissions_for
from iacqa.rules.wiring._refs import Target, target


def _checked_arn(t: Target) -> str:
    """The ARN the send action is evaluated on (objects inside a bucket for S3)."""
    return t.value + "/failed-event" if t.kind == "s3" else t.value


def _missing(perms: RolePermissions, t: Target) -> str | None:
    action = SEND_ACTION.get(t.kind or "")
    if action is None or not t.is_arn:
        return None
    return None if perms.allows(action, _checked_arn(t)) else action


class DeadLetterQueuePermission(Rule):
    """The role of a function with a dead-letter queue cannot send to it.

    What it finds: a function whose `dead_letter_config.target_arn` is an SQS queue or SNS topic while its
    execution role (everything attached to it in the stack) allows no `sqs:SendMessage` / `sns:Publish` on that
    ARN. Silent when the role has a policy the stack does not show.
    Why it breaks: Lambda checks the permission when the function is created or updated and refuses the
    configuration; the deploy stops at the function.
    Bad: `dead_letter_config={"target_arn": dlq.arn}` with a role that only has AWSLambdaBasicExecutionRole.
    Good: add `{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": dlq_arn}` to the role.
    What AWS says: `InvalidParameterValueException: The provided execution role does not have permissions to call
    SendMessage on SQS` (or `... to call Publish on SNS`).
    References: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq
    """

    id = "PRM002"
    category = Category.IAM_MISSING
    severity = Severity.CRITICAL
    title = "execution role cannot send to the dead-letter queue"
    resource_types = ("AWS::Lambda::Function",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for fn in self.resources(ctx):
            t = target(ctx.graph, fn.get("DeadLetterConfig.TargetArn"))
            if t is None or t.kind not in ("sqs", "sns"):
                continue
            perms = permissions_for(ctx.graph, fn)
            if perms is None:
                continue
            action = _missing(perms, t)
            if action is None:
                continue
            role = perms.role
            yield self.finding(
                f"role {role.id} of function {fn.id} does not allow {action} on its dead-letter queue "
                f"{t.named}: `{t.value}`", resource=fn, attribute="DeadLetterConfig.TargetArn",
                error=("InvalidParameterValueException: The provided execution role does not have permissions to "
                       f"call {api_name(action)} on {SERVICE_WORD[t.kind or '']}"),
                fix=f"add to role {role.id}: {grant_snippet([action], t.value)}",
                role=role.id, actions=[action], target=t.value)


class DestinationPermission(Rule):
    """The role of a function cannot deliver to its asynchronous or event-source-mapping destination.

    What it finds: an event invoke config (`aws.lambda_.FunctionEventInvokeConfig`) on-success or on-failure
    destination, or an event source mapping on-failure destination, that the function's execution role may not
    send to: `sqs:SendMessage` (queue), `sns:Publish` (topic), `lambda:InvokeFunction` (function),
    `events:PutEvents` (event bus), `s3:PutObject` (bucket). Silent when the role has a policy the stack does not
    show.
    Why it breaks: Lambda checks the role when the configuration is created and refuses it; the deploy stops.
    Bad: `destination_config={"on_success": {"destination": topic.arn}}` with no `sns:Publish` in the role.
    Good: grant `sns:Publish` on `topic.arn` in the function's role.
    What AWS says: `InvalidParameterValueException: The function's execution role does not have permissions to
    call Publish on arn:aws:sns:...`
    References: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-async-destinations ,
    https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html
    """

    id = "PRM003"
    category = Category.IAM_MISSING
    severity = Severity.CRITICAL
    title = "execution role cannot deliver to a destination"
    resource_types = ("AWS::Lambda::EventInvokeConfig", "AWS::Lambda::EventSourceMapping")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for r in self.resources(ctx):
            fn = g.function_for(r.get("FunctionName"))
            if fn is None:
                continue
            paths = ["DestinationConfig.OnFailure.Destination"]
            if r.type == "AWS::Lambda::EventInvokeConfig":
                paths.insert(0, "DestinationConfig.OnSuccess.Destination")
            else:
                src = target(g, r.get("EventSourceArn"))
                if src is not None and src.kind == "sqs":
                    continue  # not supported at all: WIR005
            perms = None
            for path in paths:
                t = target(g, r.get(path))
                if t is None:
                    continue
                perms = perms or permissions_for(g, fn)
                if perms is None:
                    break
                action = _missing(perms, t)
                if action is not None:
                    yield self._finding(ctx, r, fn, perms, path, t, action)

    def _finding(self, ctx: RuleContext, r: Resource, fn: Resource, perms: RolePermissions, path: str, t: Target,
                 action: str) -> Finding:
        which = "on-success" if ".OnSuccess." in path else "on-failure"
        res = _checked_arn(t) if t.kind != "s3" else t.value + "/*"
        return self.finding(
            f"role {perms.role.id} of function {fn.id} does not allow {action} on the {which} destination "
            f"{t.named} of {r.id}: `{t.value}`", resource=r, attribute=path,
            error=("InvalidParameterValueException: The function's execution role does not have permissions to call "
                   f"{api_name(action)} on {t.value}"),
            fix=f"add to role {perms.role.id}: {grant_snippet([action], res)}",
            role=perms.role.id, actions=[action], target=t.value)
