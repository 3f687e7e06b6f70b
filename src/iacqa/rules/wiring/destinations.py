"""WIR005: dead-letter queues and destinations of a kind the service cannot send to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._refs import ARN_OUTPUTS, KIND_LABEL, Target, attr_name, dead_letter_target, target

_LAMBDA_DLQ = {"sqs", "sns"}
_ASYNC_SUCCESS = {"sqs", "sns", "lambda", "events"}
_ASYNC_FAILURE = {"sqs", "sns", "lambda", "events", "s3"}
_ESM_FAILURE = {"sqs", "sns", "s3", "kafka"}
_ESM_STREAMS = {"dynamodb", "kinesis", "kafka"}


def _allowed_text(kinds: set[str]) -> str:
    order = ["sqs", "sns", "lambda", "events", "s3", "kafka"]
    labels = [KIND_LABEL[k] for k in order if k in kinds]
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]


class WrongDestinationKind(Rule):
    """A dead-letter queue or destination that is not of a kind the service can deliver to.

    What it finds:
    - a function `dead_letter_config.target_arn` that is not an SQS queue or SNS topic ARN;
    - an event invoke config destination that is not an SQS queue, SNS topic, Lambda function or EventBridge bus
      (S3 buckets are accepted for on-failure);
    - an event source mapping on-failure destination that is not an SQS queue, SNS topic or S3 bucket, or any
      destination on a mapping that reads an SQS queue (SQS sources do not support destinations: use the
      queue's own redrive policy);
    - a queue `redrive_policy` whose `deadLetterTargetArn` is not an SQS queue;
    - any of these given a queue URL, a name or an id where an ARN is needed (`queue.url`, `queue.id`).
    Why it breaks: Lambda and SQS validate the target ARN when the function, config, mapping or queue attribute
    is created; the deploy stops there.
    Bad: `dead_letter_config={"target_arn": dlq.url}`; `on_failure={"destination": table.arn}`.
    Good: `dead_letter_config={"target_arn": dlq.arn}`; `on_failure={"destination": failures_queue.arn}`.
    What AWS says: `ValidationException: 1 validation error detected: Value '...' at 'deadLetterConfig.targetArn'
    failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()`;
    `InvalidParameterValueException: The destination ARN ... is invalid.`;
    `InvalidParameterValueException: Unsupported DestinationConfig parameter for given event source mapping type.`
    References: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html ,
    https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
    """

    id = "WIR005"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "destination or dead-letter queue of the wrong kind"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for fn in g.functions():
            yield from self._check(ctx, fn, "DeadLetterConfig.TargetArn", fn.get("DeadLetterConfig.TargetArn"),
                                   _LAMBDA_DLQ, "a Lambda dead-letter queue")
        for cfg in g.of_type("AWS::Lambda::EventInvokeConfig"):
            yield from self._check(ctx, cfg, "DestinationConfig.OnSuccess.Destination",
                                   cfg.get("DestinationConfig.OnSuccess.Destination"), _ASYNC_SUCCESS,
                                   "an on-success destination")
            yield from self._check(ctx, cfg, "DestinationConfig.OnFailure.Destination",
                                   cfg.get("DestinationConfig.OnFailure.Destination"), _ASYNC_FAILURE,
                                   "an on-failure destination")
        for esm in g.of_type("AWS::Lambda::EventSourceMapping"):
            src = target(g, esm.get("EventSourceArn"))
            dest = esm.get("DestinationConfig.OnFailure.Destination")
            if src is not None and src.kind == "sqs" and dest:
                yield self.finding(
                    f"{esm.id} reads an SQS queue and sets {attr_name(esm, 'DestinationConfig')}; mappings on "
                    "SQS queues do not support destinations", resource=esm,
                    attribute="DestinationConfig.OnFailure.Destination",
                    error="InvalidParameterValueException: Unsupported DestinationConfig parameter for given event "
                    "source mapping type.",
                    fix="remove destination_config and give the source queue a redrive_policy to a dead-letter queue")
                continue
            yield from self._check(ctx, esm, "DestinationConfig.OnFailure.Destination", dest, _ESM_FAILURE,
                                   "an event source mapping on-failure destination")
        for q in g.of_type("AWS::SQS::Queue"):
            yield from self._check(ctx, q, "RedrivePolicy", dead_letter_target(q), {"sqs"},
                                   "a dead-letter queue (deadLetterTargetArn)")

    def _check(self, ctx: RuleContext, r: Resource, path: str, value: Any, kinds: set[str],
               what: str) -> Iterator[Finding]:
        t = target(ctx.graph, value)
        if t is None:
            return
        attr = attr_name(r, path)
        allowed = _allowed_text(kinds)
        error = self._error(path, t)
        if t.resource is not None and t.attr not in ARN_OUTPUTS:
            label = "URL" if t.attr in ("Url",) or t.value.startswith("https://") else (t.attr or "name").lower()
            arn_out = "arn"
            yield self.finding(
                f"{attr} of {r.id} is the {label} of {t.label}, not its ARN; {what} needs an ARN",
                resource=r, attribute=path, error=error, fix=f"use {t.resource.id}.{arn_out}")
            return
        if t.resource is None and not t.is_arn:
            if t.value.startswith("https://sqs."):
                yield self.finding(
                    f"{attr} of {r.id} is a queue URL (`{t.value}`), not an ARN; {what} needs an ARN",
                    resource=r, attribute=path, error=error, fix="use the queue's ARN (queue.arn)")
            return
        if t.kind is None or t.kind in kinds:
            return
        yield self.finding(
            f"{attr} of {r.id} is {t.label}; {what} must be {allowed}", resource=r, attribute=path,
            error=error, fix=f"point it at {allowed}")

    @staticmethod
    def _error(path: str, t: Target) -> str:
        if path == "DeadLetterConfig.TargetArn" and not t.is_arn:
            return (f"ValidationException: 1 validation error detected: Value '{t.value}' at "
                    "'deadLetterConfig.targetArn' failed to satisfy constraint: Member must satisfy regular "
                    "expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()")
        if path == "RedrivePolicy":
            return ("InvalidParameterValue: Value for parameter RedrivePolicy is invalid. Reason: Invalid value "
                    "for deadLetterTargetArn.")
        return f"InvalidParameterValueException: The destination ARN {t.value} is invalid."
