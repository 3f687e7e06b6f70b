"""PRM005: an EventBridge rule target whose resource policy does not let EventBridge deliver to it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.knowledge.iam import action_matches, principal_matches, resource_matches
from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_broad._policies import unknown
from iacqa.rules.iam_missing._resource_policies import graph_complete, policies_on
from iacqa.rules.wiring._refs import arn_service

EVENTS = "events.amazonaws.com"
# Target kind -> (the graph type it must resolve to, the action EventBridge performs, words for messages)
DELIVERY = {
    "sqs": ("AWS::SQS::Queue", "sqs:SendMessage", "queue", "queue policy"),
    "sns": ("AWS::SNS::Topic", "sns:Publish", "topic", "topic policy"),
}
POLICY_TYPES = {"sqs": "aws.sqs.QueuePolicy / aws_sqs_queue_policy / AWS::SQS::QueuePolicy",
                "sns": "aws.sns.TopicPolicy / aws_sns_topic_policy / AWS::SNS::TopicPolicy"}


@dataclass
class EventTarget:
    """One target of an EventBridge rule, wherever the front end put it."""

    owner: Resource  # the AWS::Events::Rule (CloudFormation) or the AWS::Events::Target (Pulumi/Terraform)
    attribute: str  # CFN path of the target ARN on `owner`
    arn: Any
    role_arn: Any
    rule: Resource | None


def event_targets(graph: ResourceGraph) -> Iterator[EventTarget]:
    for r in graph.of_type("AWS::Events::Rule"):
        targets = r.get("Targets")
        for i, t in enumerate(targets if isinstance(targets, list) else []):
            if isinstance(t, dict):
                yield EventTarget(r, f"Targets.{i}.Arn", t.get("Arn"), t.get("RoleArn"), r)
    for r in graph.of_type("AWS::Events::Target"):
        rule = _rule_of(graph, r.get("Rule"))
        role = r.get("RoleArn") if r.has("RoleArn") else r.native_properties.get("role_arn")
        yield EventTarget(r, "Arn", r.get("Arn"), role, rule)


def _rule_of(graph: ResourceGraph, ref: Any) -> Resource | None:
    if not isinstance(ref, str) or not ref:
        return None
    for r in graph.of_type("AWS::Events::Rule"):
        if ref in (r.outputs.get("Name"), r.outputs.get("Arn"), r.outputs.get("Id"), r.get("Name")):
            return r
    return None


def _resolve(graph: ResourceGraph, value: str, rtype: str) -> Resource | None:
    """The resource of type `rtype` whose ARN is `value` (an EventBridge target also carries the ARN it points at
    among its outputs, so `graph.resolve` alone may answer with the target)."""
    for r in graph.of_type(rtype):
        if value in (r.outputs.get("Arn"), r.outputs.get("QualifiedArn")):
            return r
    return None


class EventTargetNotAllowed(Rule):
    """An EventBridge rule targets a queue, topic or function that does not let EventBridge deliver to it.

    What it finds: an EventBridge rule target (`Targets` of `AWS::Events::Rule`, `aws.cloudwatch.EventTarget`,
    `aws_cloudwatch_event_target`) that is
    - an SQS queue of the stack with no queue policy (`AWS::SQS::QueuePolicy`, `aws.sqs.QueuePolicy`, the queue's
      own `policy`) allowing the service principal `events.amazonaws.com` to `sqs:SendMessage` on it;
    - an SNS topic of the stack with no topic policy (`AWS::SNS::TopicPolicy`, `aws.sns.TopicPolicy`, the topic's
      own `policy`) allowing `events.amazonaws.com` to `sns:Publish` on it;
    - a Lambda function of the stack with no `AWS::Lambda::Permission` (`aws.lambda_.Permission`) letting
      `events.amazonaws.com` call `lambda:InvokeFunction` (from this rule, when the permission names a source).
    Silent when the target carries a `RoleArn`, when a policy's document holds values that are not known before
    deploy, or when some queue/topic policy of the stack sits on something the graph cannot name. Conditions
    (`aws:SourceArn`) are not evaluated: a conditional allow counts.
    Why it breaks: EventBridge delivers to SQS, SNS and Lambda with the target's resource-based policy, not with a
    role. Without the grant the rule matches, every delivery is refused and the event is dropped after the
    retries (or parked in the target's dead-letter queue); consumers never see an event.
    Bad: `aws.cloudwatch.EventTarget("t", rule=rule.name, arn=queue.arn)` and no `aws.sqs.QueuePolicy` for it.
    Good: `aws.sqs.QueuePolicy("p", queue_url=queue.id, policy=<Allow {"Service": "events.amazonaws.com"}
    "sqs:SendMessage" on queue.arn, Condition ArnEquals aws:SourceArn = rule.arn>)`; for a function
    `aws.lambda_.Permission("p", action="lambda:InvokeFunction", function=fn.name,
    principal="events.amazonaws.com", source_arn=rule.arn)`.
    What AWS says: nothing at deploy. At run time every invocation of the target fails: the rule's
    `FailedInvocations` CloudWatch metric counts each event and the target never receives one.
    References: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html ,
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html
    """

    id = "PRM005"
    category = Category.IAM_MISSING
    severity = Severity.HIGH
    title = "EventBridge target does not allow EventBridge to deliver"
    resource_types = ("AWS::Events::Rule", "AWS::Events::Target")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return  # a partial graph: the policy may be among what it misses
        g = ctx.graph
        for t in event_targets(g):
            if not isinstance(t.arn, str) or not t.arn.startswith("arn:") or unknown(t.arn):
                continue
            if t.role_arn:  # a role-based target: the resource policy is not what EventBridge uses
                continue
            kind = arn_service(t.arn)
            if kind in DELIVERY:
                yield from self._resource_policy(ctx, t, kind)
            elif kind == "lambda":
                yield from self._lambda(ctx, t)

    def _resource_policy(self, ctx: RuleContext, t: EventTarget, kind: str) -> Iterator[Finding]:
        rtype, action, noun, policy_word = DELIVERY[kind]
        res = _resolve(ctx.graph, t.arn, rtype)
        if res is None:
            return  # outside the stack: its policy is not visible here
        pols = policies_on(ctx.graph, res)
        if pols.uncertain or pols.allows(EVENTS, action, [t.arn]):
            return
        if pols.exists:
            names = ", ".join(p.id for p, _ in pols.docs)
            why = f"its {policy_word} ({names}) does not allow {EVENTS} to {action}"
        else:
            why = f"no {policy_word} of the stack allows {EVENTS} to {action}"
        rule = f"rule {t.rule.id}" if t.rule is not None else "the rule"
        policy_type = POLICY_TYPES[kind]
        yield self.finding(
            f"EventBridge {rule} targets {noun} {res.id}, but {why}: every matched event fails to be delivered",
            resource=t.owner, attribute=t.attribute,
            error=(f"nothing at deploy; at run time EventBridge's {action} to `{t.arn}` is denied, the rule's "
                   "FailedInvocations metric counts every event and the target receives none"),
            fix=f"add a {policy_word} on {res.id} ({policy_type}) with {_grant(action, t.arn, t.rule)}",
            target=t.arn, actions=[action], principal=EVENTS)

    def _lambda(self, ctx: RuleContext, t: EventTarget) -> Iterator[Finding]:
        g = ctx.graph
        fn = g.function_for(t.arn)
        if fn is None:
            return
        rule_arn = t.rule.outputs.get("Arn") if t.rule is not None else None
        for perm in g.of_type("AWS::Lambda::Permission"):
            if _permission_covers(g, perm, fn, rule_arn):
                return
        rule = f"rule {t.rule.id}" if t.rule is not None else "the rule"
        src = f', source_arn=<{t.rule.id} ARN>' if t.rule is not None else ""
        yield self.finding(
            f"EventBridge {rule} targets function {fn.id}, but no lambda permission lets {EVENTS} invoke it: "
            "every matched event fails to be delivered", resource=t.owner, attribute=t.attribute,
            error=(f"nothing at deploy; at run time EventBridge's lambda:InvokeFunction on `{t.arn}` is denied, the "
                   "rule's FailedInvocations metric counts every event and the function is never invoked"),
            fix=(f'add aws.lambda_.Permission / AWS::Lambda::Permission(action="lambda:InvokeFunction", '
                 f'function=<{fn.id} name>, principal="{EVENTS}"{src})'),
            target=t.arn, actions=["lambda:InvokeFunction"], principal=EVENTS)


def _grant(action: str, arn: str, rule: Resource | None) -> str:
    stmt: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": EVENTS}, "Action": action, "Resource": arn}
    if rule is not None and isinstance(rule.outputs.get("Arn"), str):
        stmt["Condition"] = {"ArnEquals": {"aws:SourceArn": rule.outputs["Arn"]}}
    return json.dumps(stmt)


def _open(value: Any) -> bool:
    """A value that is not known before deploy: it may be anything."""
    return isinstance(value, str) and (unknown(value) or "${" in value)


def _permission_covers(graph: ResourceGraph, perm: Resource, fn: Resource, rule_arn: Any) -> bool:
    """Whether a lambda permission may let EventBridge (from `rule_arn`) invoke `fn`; unknown values count."""
    name = perm.get("FunctionName")
    if name is None or _open(name):
        return True
    if not isinstance(name, str):
        return True
    target = graph.function_for(name)
    if target is None or target.id != fn.id:
        return False
    principal = perm.get("Principal")
    if isinstance(principal, str) and not _open(principal):
        if principal_matches({"Service": principal} if "." in principal else principal, EVENTS) != "direct":
            return False
    action = perm.get("Action")
    if isinstance(action, str) and not _open(action) and not action_matches(action, "lambda:InvokeFunction"):
        return False
    source = perm.get("SourceArn")
    if isinstance(source, str) and source and not _open(source) and isinstance(rule_arn, str):
        return resource_matches(source, rule_arn)
    return True
