"""WIR015: an S3 event notification whose destination does not let S3 deliver, or is not ordered after the grant."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete, policies_on
from iacqa.rules.wiring._native import unknown_value
from iacqa.rules.wiring._ordering import Ordering, declared_way, permissions_for

S3 = "s3.amazonaws.com"
ERROR = ("InvalidArgument: Unable to validate the following destination configurations "
         "(PutBucketNotificationConfiguration)")
# Where each shape keeps its destinations: (kind, list key, target key). The same three shapes the emulator reads.
SHAPES = {
    "AWS::S3::Bucket": ("NotificationConfiguration", (("lambda", "LambdaConfigurations", "Function"),
                                                      ("sqs", "QueueConfigurations", "Queue"),
                                                      ("sns", "TopicConfigurations", "Topic"))),
    # Terraform aws_s3_bucket_notification / Pulumi BucketNotification
    "AWS::S3::BucketNotification": ("", (("lambda", "LambdaFunctions", "LambdaFunctionArn"),
                                         ("sqs", "Queues", "QueueArn"), ("sns", "Topics", "TopicArn"))),
    # aws-cdk-lib's custom resource: the S3 API's own shape, applied by a handler CDK provides
    "Custom::S3BucketNotifications": ("NotificationConfiguration", (
        ("lambda", "LambdaFunctionConfigurations", "LambdaFunctionArn"), ("sqs", "QueueConfigurations", "QueueArn"),
        ("sns", "TopicConfigurations", "TopicArn"))),
}
QUEUE_OR_TOPIC = {"sqs": ("AWS::SQS::Queue", "sqs:SendMessage", "queue", "queue policy",
                          "aws.sqs.QueuePolicy / aws_sqs_queue_policy / AWS::SQS::QueuePolicy"),
                  "sns": ("AWS::SNS::Topic", "sns:Publish", "topic", "topic policy",
                          "aws.sns.TopicPolicy / aws_sns_topic_policy / AWS::SNS::TopicPolicy")}
EVIDENCE = ("S3 PutBucketNotificationConfiguration checks every destination when the configuration is written "
            "(S3 user guide, 'Granting permissions to publish event notification messages to a destination'; "
            "AWS knowledge center 'Unable to validate the following destination configurations'); CloudFormation/"
            "Terraform/Pulumi create resources in parallel unless a reference or depends_on orders them")


@dataclass
class Notification:
    owner: Resource  # the bucket (CloudFormation) or the notification resource
    attribute: str  # CFN path of the destination on `owner`
    kind: str  # lambda | sqs | sns
    target: Any
    bucket: Resource | None


def notifications(graph: ResourceGraph) -> Iterator[Notification]:
    for res in graph.of_type(*SHAPES):
        root, shapes = SHAPES[res.type]
        conf = res.get(root) if root else res.properties
        if res.type == "AWS::S3::Bucket":
            bucket: Resource | None = res
        else:
            bucket = graph.resolve_resource(res.get("BucketName" if root else "Bucket"))
            bucket = bucket if bucket is not None and bucket.type == "AWS::S3::Bucket" else None
        if not isinstance(conf, dict):
            continue
        for kind, key, target in shapes:
            items = conf.get(key)
            for i, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict):
                    path = ".".join(p for p in (root, key, str(i), target) if p)
                    yield Notification(res, path, kind, item.get(target), bucket)


class S3NotificationNotGranted(Rule):
    """An S3 event notification to a function, queue or topic that S3 cannot validate when the configuration is put.

    What it finds: a bucket notification (`NotificationConfiguration` of `AWS::S3::Bucket`,
    `aws_s3_bucket_notification`, `aws.s3.BucketNotification`, CDK's `Custom::S3BucketNotifications`) whose
    destination is in the stack and
    - is a Lambda function with no lambda permission (`AWS::Lambda::Permission`, `aws_lambda_permission`,
      `aws.lambda_.Permission`) letting `s3.amazonaws.com` invoke it (from this bucket, when the permission names
      a source): critical;
    - is a queue or topic with no queue/topic policy (a separate policy resource or the resource's own `policy`)
      allowing `s3.amazonaws.com` to `sqs:SendMessage` / `sns:Publish` on it: critical;
    - is a Lambda function with that permission, but nothing orders the notification after it: no
      `DependsOn`/`depends_on` naming the permission (directly or through what the notification waits for), no
      reference to it: high (the engine creates both in parallel, and S3 checks the function's policy at once).
      A queue or topic policy is not held to that: it waits only for the queue, the notification for the bucket
      too, so the policy is in place first in practice.
    Silent when a permission or policy holds values not known before deploy, when a policy of the stack sits on
    something the graph cannot name, when the destination is outside the stack, and on a partial graph. CDK adds
    the permission, the policy and the dependency itself, so its synthesized notifications pass.
    Why it breaks: S3 checks every destination while it writes the notification configuration: it asks Lambda
    whether it may invoke the function and sends a test message to the queue or topic. Without the grant (or before
    it exists) the whole configuration is refused and the deploy fails.
    Bad: `aws.s3.BucketNotification("n", bucket=bucket.id, lambda_functions=[{"lambda_function_arn": fn.arn,
    "events": ["s3:ObjectCreated:*"]}])` with the `aws.lambda_.Permission(principal="s3.amazonaws.com")` declared
    beside it and no `depends_on`.
    Good: the same notification with `opts=ResourceOptions(depends_on=[permission])` (Terraform `depends_on =
    [aws_lambda_permission.allow_bucket]`, CloudFormation `DependsOn: [AllowS3Invoke]` on the bucket); for a
    queue, an `aws.sqs.QueuePolicy` allowing `{"Service": "s3.amazonaws.com"}` `sqs:SendMessage` with
    `aws:SourceArn` = the bucket ARN, and the notification depending on it.
    What AWS says: `InvalidArgument: Unable to validate the following destination configurations` (the deploy
    stops at the notification).
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html ,
    https://repost.aws/knowledge-center/unable-validate-destination-s3 ,
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_notification
    """

    id = "WIR015"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "S3 notification destination S3 cannot validate"
    resource_types = ("AWS::S3::Bucket", "AWS::S3::BucketNotification", "Custom::S3BucketNotifications")
    docs_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return  # a partial graph: the grant may be among what it misses
        g = ctx.graph
        order = Ordering(g)
        for n in notifications(g):
            if not isinstance(n.target, str) or unknown_value(n.target):
                continue
            if n.kind == "lambda":
                yield from self._function(g, order, n)
            else:
                yield from self._queue_or_topic(g, order, n)

    def _function(self, g: ResourceGraph, order: Ordering, n: Notification) -> Iterator[Finding]:
        fn = g.function_for(n.target)
        if fn is None:
            return
        bucket_arn = n.bucket.outputs.get("Arn") if n.bucket is not None else None
        perms, uncertain = permissions_for(g, fn, S3, bucket_arn)
        if uncertain:
            return
        bucket = n.bucket.id if n.bucket is not None else "the bucket"
        src = f", source_arn=<{bucket} ARN>" if n.bucket is not None else ""
        if not perms:
            yield self.finding(
                f"{n.owner.id}: S3 notification of {bucket} invokes function {fn.id}, but no lambda permission lets "
                f"{S3} invoke it: S3 refuses the notification configuration", resource=n.owner,
                attribute=n.attribute, error=ERROR,
                fix=(f'add aws.lambda_.Permission / aws_lambda_permission / AWS::Lambda::Permission(action='
                     f'"lambda:InvokeFunction", function=<{fn.id} name>, principal="{S3}"{src}) and make the '
                     f"notification depend on it ({declared_way(n.owner)})"),
                evidence=EVIDENCE, destination=fn.id)
            return
        if order.after(n.owner, [p.id for p in perms]):
            return
        names = ", ".join(p.id for p in perms)
        yield self.finding(
            f"{n.owner.id}: S3 notification of {bucket} invokes function {fn.id}, and permission {names} lets "
            f"{S3} invoke it, but nothing orders the notification after the permission: both are created in "
            "parallel and S3 validates the destination before the permission exists",
            resource=n.owner, attribute=n.attribute, severity=Severity.HIGH, error=ERROR,
            fix=f"make {n.owner.id} depend on {names} ({declared_way(n.owner)})", evidence=EVIDENCE,
            destination=fn.id, grant=[p.id for p in perms])

    def _queue_or_topic(self, g: ResourceGraph, order: Ordering, n: Notification) -> Iterator[Finding]:
        rtype, action, noun, policy_word, policy_types = QUEUE_OR_TOPIC[n.kind]
        res = next((r for r in g.of_type(rtype) if n.target in (r.outputs.get("Arn"), r.outputs.get("Id"))), None)
        if res is None:
            return
        pols = policies_on(g, res)
        if pols.uncertain:
            return
        arn = res.outputs.get("Arn") if isinstance(res.outputs.get("Arn"), str) else n.target
        bucket = n.bucket.id if n.bucket is not None else "the bucket"
        if not pols.allows(S3, action, [arn]):
            why = (f"its {policy_word} ({', '.join(p.id for p, _ in pols.docs)}) does not allow {S3} to {action}"
                   if pols.exists else f"no {policy_word} of the stack allows {S3} to {action}")
            yield self.finding(
                f"{n.owner.id}: S3 notification of {bucket} sends to {noun} {res.id}, but {why}: S3 refuses the "
                "notification configuration", resource=n.owner, attribute=n.attribute, error=ERROR,
                fix=(f"add a {policy_word} on {res.id} ({policy_types}) with {_grant(action, arn, n.bucket)} and "
                     f"make the notification depend on it ({declared_way(n.owner)})"),
                evidence=EVIDENCE, destination=res.id)
            return
        # A separate queue/topic policy not ordered before the notification is not reported: it waits only for the
        # queue while the notification also waits for the bucket, so it is in place first in practice (published
        # patterns deploy so, e.g. serverless-patterns s3-sqs-lambda-terraform).


def _grant(action: str, arn: str, bucket: Resource | None) -> str:
    stmt: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": S3}, "Action": action, "Resource": arn}
    if bucket is not None and isinstance(bucket.outputs.get("Arn"), str):
        stmt["Condition"] = {"ArnLike": {"aws:SourceArn": bucket.outputs["Arn"]}}
    return json.dumps(stmt)
