"""WIR006: a dead-letter queue that nothing sends its failed messages to."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.leaves import leaves

DLQ_NAME = re.compile(r"(?:^|[^a-z])dlq(?:[^a-z]|$)|dead[-_ ]?letter|deadletter", re.I)
# Property paths through which a queue receives failed messages: SQS redrive, Lambda DLQ and on-failure
# destinations, event source mapping on-failure, SNS subscription redrive, EventBridge target DLQ, Pipes, ...
ATTACHING = re.compile(r"dead.?letter|redrive|on.?failure|destination", re.I)
UNSURE = re.compile(r"dead.?letter|redrive|on.?failure", re.I)


class UnattachedDeadLetterQueue(Rule):
    """A queue created as a dead-letter queue that no queue, function or target sends failed messages to.

    What it finds: an SQS queue whose name or id says it is a dead-letter queue (`dlq`, `dead-letter`) while no
    resource of the stack names it in a dead-letter or failure setting: no queue's `redrive_policy`
    `deadLetterTargetArn`, no function's `dead_letter_config`, no on-failure destination of an event invoke
    config or event source mapping, no SNS subscription or EventBridge target `dead_letter_config`.
    Why it breaks: the deploy succeeds, but messages that fail processing are retried and then dropped (or retried
    forever) instead of landing in the queue; the alarm on its depth never fires. Reviewers report it as "DLQ
    created but never attached".
    Bad: `dlq = aws.sqs.Queue("orders-dlq")` and `aws.sqs.Queue("orders")` without `redrive_policy`.
    Good: `aws.sqs.Queue("orders", redrive_policy=dlq.arn.apply(lambda a: json.dumps({"deadLetterTargetArn": a,
    "maxReceiveCount": 5})))`.
    What AWS says: nothing: the queue exists and stays empty.
    References: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    """

    id = "WIR006"
    category = Category.WIRING
    severity = Severity.MEDIUM
    title = "dead-letter queue never attached"
    resource_types = ("AWS::SQS::Queue",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        dlqs = [q for q in g.of_type("AWS::SQS::Queue") if _looks_dlq(q)]
        if not dlqs:
            return
        attached: set[str] = set()
        for r in g:
            # native properties too: an unmapped type (an EventBridge target, a pipe) has no CloudFormation ones
            for path, value in [*leaves(r.properties, json_strings=True), *leaves(r.native_properties, json_strings=True)]:
                if not isinstance(value, str) or not ATTACHING.search(path):
                    continue
                hit = g.resolve(value)
                if hit is not None:
                    attached.add(hit[0].id)
                elif UNSURE.search(path) and not value.startswith("arn:"):
                    return  # a dead-letter setting whose value is unresolved: cannot tell which queue it names
        for q in dlqs:
            if q.id in attached:
                continue
            yield self.finding(
                f"queue {q.id} is named as a dead-letter queue, but no queue, function, event source mapping or "
                "target of the stack sends failed messages to it", resource=q,
                fix=f"attach {q.id}: redrive_policy={{deadLetterTargetArn: <{q.id} ARN>, maxReceiveCount: N}} on the "
                "source queue, or dead_letter_config / an on-failure destination on the function or target")


def _looks_dlq(q: Resource) -> bool:
    name = q.get("QueueName") or q.outputs.get("Name") or ""
    return bool(DLQ_NAME.search(q.id) or (isinstance(name, str) and DLQ_NAME.search(name)))
