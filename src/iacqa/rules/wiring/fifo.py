"""WIR003: FIFO and standard queues and topics wired to each other where AWS allows only one kind."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._refs import as_dict, attr_name, dead_letter_target, is_fifo_queue, is_fifo_topic, target

_NAME_ERROR = ("InvalidParameterValue: The name of a FIFO queue can only include alphanumeric characters, hyphens, "
               "or underscores, must end with .fifo suffix and be 1 to 80 in length.")
_STD_NAME_ERROR = ("InvalidParameterValue: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 "
                   "in length")


class FifoMismatch(Rule):
    """FIFO and standard queues or topics wired together where AWS requires one kind.

    What it finds:
    - a queue whose dead-letter queue (`redrive_policy` `deadLetterTargetArn`) is of the other kind
      (FIFO source with a standard DLQ, or the reverse);
    - a FIFO queue (`fifo_queue=True`) whose name does not end in `.fifo`, or a standard queue whose name does;
    - a FIFO topic whose name does not end in `.fifo`;
    - a FIFO queue subscribed to a standard SNS topic;
    - a FIFO queue used as a Lambda dead-letter queue, asynchronous-invocation destination or event source
      mapping on-failure destination (Lambda sends only to standard queues).
    Why it breaks: SQS, SNS and Lambda check the queue kinds when the attribute or subscription is created; the
    deploy stops there.
    Bad: `aws.sqs.Queue("orders", fifo_queue=True, redrive_policy=dlq.arn.apply(...))` with
    `dlq = aws.sqs.Queue("dlq")`.
    Good: `dlq = aws.sqs.Queue("dlq", fifo_queue=True, name=f"orders-dlq-{env}.fifo")`.
    What AWS says: `InvalidParameterValue: Value {...} for parameter RedrivePolicy is invalid. Reason:
    Dead-letter queue must be same type of queue as the source.`; `InvalidParameterValue: The name of a FIFO
    queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1
    to 80 in length.`; `InvalidParameter: Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues
    can not be subscribed to standard SNS topics`.
    References: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html ,
    https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html ,
    https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    """

    id = "WIR003"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "FIFO / standard mismatch"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for q in g.of_type("AWS::SQS::Queue"):
            yield from self._queue(ctx, q)
        for t in g.of_type("AWS::SNS::Topic"):
            name = t.get("TopicName")
            if is_fifo_topic(t) and t.has("FifoTopic") and isinstance(name, str) and not name.endswith(".fifo"):
                yield self.finding(
                    f"topic {t.id} is FIFO but its name `{name}` does not end in .fifo", resource=t,
                    attribute="TopicName", error="InvalidParameter: Invalid parameter: Topic Name",
                    fix="end the topic name with .fifo")
        for sub in g.of_type("AWS::SNS::Subscription"):
            if str(sub.get("Protocol", "")).lower() != "sqs":
                continue
            q, topic = target(g, sub.get("Endpoint")), target(g, sub.get("TopicArn"))
            if not (q and q.resource is not None and q.resource.type == "AWS::SQS::Queue"):
                continue
            if not (topic and topic.resource is not None and topic.resource.type == "AWS::SNS::Topic"):
                continue
            if is_fifo_queue(q.resource) and not is_fifo_topic(topic.resource):
                yield self.finding(
                    f"subscription {sub.id} delivers standard topic {topic.resource.id} to FIFO queue "
                    f"{q.resource.id}; only FIFO topics can deliver to FIFO queues", resource=sub,
                    attribute="Endpoint",
                    error="InvalidParameter: Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues "
                    "can not be subscribed to standard SNS topics",
                    fix="make the topic FIFO (fifo_topic=True, name ending in .fifo) or subscribe a standard queue")
        lambda_targets = [("AWS::Lambda::Function", "DeadLetterConfig.TargetArn", "dead-letter queue"),
                          ("AWS::Lambda::EventInvokeConfig", "DestinationConfig.OnSuccess.Destination",
                           "on-success destination"),
                          ("AWS::Lambda::EventInvokeConfig", "DestinationConfig.OnFailure.Destination",
                           "on-failure destination"),
                          ("AWS::Lambda::EventSourceMapping", "DestinationConfig.OnFailure.Destination",
                           "on-failure destination")]
        for rtype, path, what in lambda_targets:
            for r in g.of_type(rtype):
                t = target(g, r.get(path))
                if t and t.resource is not None and t.resource.type == "AWS::SQS::Queue" and is_fifo_queue(t.resource):
                    yield self.finding(
                        f"the {what} of {r.id} ({attr_name(r, path)}) is FIFO queue {t.resource.id}; Lambda "
                        "sends failed or completed events only to standard queues", resource=r, attribute=path,
                        error="InvalidParameterValueException: FIFO queues are not supported as Lambda "
                        "destinations or dead-letter queues",
                        fix="point it at a standard SQS queue (or an SNS topic)")

    def _queue(self, ctx: RuleContext, q: Resource) -> Iterator[Finding]:
        fifo = is_fifo_queue(q)
        name = q.get("QueueName")
        if isinstance(name, str) and name:
            if fifo and not name.endswith(".fifo"):
                yield self.finding(
                    f"queue {q.id} is FIFO ({attr_name(q, 'FifoQueue')}=True) but its name `{name}` does not "
                    "end in .fifo", resource=q, attribute="QueueName", error=_NAME_ERROR,
                    fix=f"name it `{name}.fifo`")
            elif not fifo and name.endswith(".fifo"):
                yield self.finding(
                    f"queue {q.id} is named `{name}` but is not FIFO; only FIFO queues may end in .fifo",
                    resource=q, attribute="QueueName", error=_STD_NAME_ERROR,
                    fix=f"add {attr_name(q, 'FifoQueue')}=True, or drop the .fifo suffix")
        dlq_ref = dead_letter_target(q)
        t = target(ctx.graph, dlq_ref)
        if t is None or t.resource is None or t.resource.type != "AWS::SQS::Queue":
            return
        dlq = t.resource
        if is_fifo_queue(dlq) != fifo:
            kinds = ("FIFO", "standard") if fifo else ("standard", "FIFO")
            rp = as_dict(q.get("RedrivePolicy")) or {}
            yield self.finding(
                f"queue {q.id} is {kinds[0]} but its dead-letter queue {dlq.id} "
                f"({attr_name(q, 'RedrivePolicy')}) is {kinds[1]}; both must be the same kind", resource=q,
                attribute="RedrivePolicy",
                error=f"InvalidParameterValue: Value {rp and _compact(rp)} for parameter RedrivePolicy is invalid. "
                "Reason: Dead-letter queue must be same type of queue as the source.",
                fix=f"make {dlq.id} {'a FIFO queue (fifo_queue=True, name ending in .fifo)' if fifo else 'standard'}")


def _compact(d: dict) -> str:
    import json

    return json.dumps(d, separators=(",", ":"))
