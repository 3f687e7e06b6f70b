"""Ids emitted by the AWS CDK (Python) front end beyond the shared SDK ids (frontends/cdk_py)."""

from __future__ import annotations

from iacqa.model import Category, Severity
from iacqa.rules.base import Rule


class MissingRequiredArgument(Rule):
    """A CDK construct, struct or method called without a required argument, or with too many positional ones.

    What it finds: calls to `aws_cdk` classes and static methods whose signature (read from the installed
    aws-cdk-lib) has a required keyword-only argument that the call does not pass, or that get more positional
    arguments than the signature takes (construct props are keyword-only in CDK Python).
    Why it breaks: Python raises TypeError when the app runs, so `cdk synth` fails before any template exists.
    Bad: `sqs.DeadLetterQueue(queue=dlq)`; `sqs.Queue(self, "q", "orders")`.
    Good: `sqs.DeadLetterQueue(max_receive_count=3, queue=dlq)`; `sqs.Queue(self, "q", queue_name="orders")`.
    What AWS says: nothing; Python says `TypeError: DeadLetterQueue.__init__() missing 1 required keyword-only
    argument: 'max_receive_count'`.
    References: https://docs.aws.amazon.com/cdk/api/v2/python/
    """

    id = "CDK001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "required argument missing or too many positional arguments"
    stage = "frontend"


class SynthErrorAnnotation(Rule):
    """CDK recorded an error on a construct while synthesizing.

    What it finds: `aws:cdk:error` annotations in the cloud assembly: constructs that CDK itself rejects without
    raising (for example an invalid combination of props, an unresolvable lookup, a failed validation).
    Why it breaks: `cdk synth` and `cdk deploy` print the error and exit non-zero; nothing is deployed.
    Bad: a construct whose validation adds an error, e.g. a SQS-triggered Lambda whose timeout exceeds the
    queue's visibility timeout in CDK versions that annotate instead of raising.
    Good: props that pass CDK's validation, so the assembly carries no error annotation.
    What AWS says: nothing; the CDK CLI says `[Error at /Stack/Construct] <message>` and `Found errors`.
    References: https://docs.aws.amazon.com/cdk/v2/guide/cli.html
    """

    id = "CDK002"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "CDK reports an error at synth"
    stage = "frontend"
