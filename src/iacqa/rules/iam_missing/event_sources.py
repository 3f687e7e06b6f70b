"""PRM001: a function's role cannot read its event source."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._common import grant_snippet, permissions_for
from iacqa.rules.wiring._refs import mapping_parts

POLL_ACTIONS = {
    "sqs": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
    "dynamodb": ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream",
                 "dynamodb:ListStreams"],
    "kinesis": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListShards"],
}


class EventSourcePollPermissions(Rule):
    """The role of a function with an SQS, DynamoDB-stream or Kinesis event source cannot poll the source.

    What it finds: an event source mapping whose function's execution role (inline policies, role policies,
    attached customer and AWS managed policies found in the stack) does not allow the actions Lambda uses to
    read the source: `sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:GetQueueAttributes` on the queue;
    `dynamodb:GetRecords`, `dynamodb:GetShardIterator`, `dynamodb:DescribeStream`, `dynamodb:ListStreams` on the
    table's stream (`<table-arn>/stream/*`: a grant on the table ARN alone does not cover it); `kinesis:GetRecords`,
    `kinesis:GetShardIterator`, `kinesis:DescribeStream`, `kinesis:ListShards` on the stream. Silent when the role
    has a policy the stack does not show (an unknown managed policy ARN).
    Why it breaks: Lambda checks the role when the mapping is created and refuses it; the deploy stops.
    Bad: a role with only `AWSLambdaBasicExecutionRole` attached, used by a function mapped to a queue.
    Good: attach `service-role/AWSLambdaSQSQueueExecutionRole` (or `AWSLambdaDynamoDBExecutionRole`), or grant
    the actions on the queue / stream ARN.
    What AWS says: `InvalidParameterValueException: The provided execution role does not have permissions to call
    ReceiveMessage on SQS`; for streams `InvalidParameterValueException: Cannot access stream <arn>. Please
    ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your
    stream in IAM.`
    References: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions ,
    https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#events-dynamodb-permissions
    """

    id = "PRM001"
    category = Category.IAM_MISSING
    severity = Severity.CRITICAL
    title = "execution role cannot read its event source"
    resource_types = ("AWS::Lambda::EventSourceMapping",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for esm in self.resources(ctx):
            src, fn = mapping_parts(ctx.graph, esm)
            if src is None or fn is None or src.kind not in POLL_ACTIONS or not src.is_arn:
                continue
            perms = permissions_for(ctx.graph, fn)
            if perms is None:
                continue
            arn = src.value
            missing = perms.missing(POLL_ACTIONS[src.kind], arn)
            if not missing:
                continue
            role = perms.role
            what = src.resource.id if src.resource is not None else arn
            if src.kind == "sqs":
                error = ("InvalidParameterValueException: The provided execution role does not have permissions to "
                         f"call {missing[0].split(':')[1]} on SQS")
            else:
                acts = [a.split(":")[1] for a in POLL_ACTIONS[src.kind]]
                error = (f"InvalidParameterValueException: Cannot access stream {arn}. Please ensure the role can "
                         f"perform the {', '.join(acts[:-1])}, and {acts[-1]} Actions on your stream in IAM.")
            grant_on = arn
            if src.kind == "dynamodb" and "/stream/" in arn:
                grant_on = arn.split("/stream/")[0] + "/stream/*"
            msg = (f"role {role.id} of function {fn.id} does not allow {', '.join(missing)} on {what} (`{arn}`), "
                   f"which Lambda needs to poll the source of {esm.id}")
            fix = (f"add to role {role.id}: {grant_snippet(missing, grant_on)}"
                   + (", or attach service-role/AWSLambdaSQSQueueExecutionRole" if src.kind == "sqs" else
                      ", or attach service-role/AWSLambdaDynamoDBExecutionRole" if src.kind == "dynamodb" else
                      ", or attach service-role/AWSLambdaKinesisExecutionRole"))
            yield self.finding(msg, resource=esm, attribute="EventSourceArn", error=error, fix=fix,
                               role=role.id, actions=missing, target=arn)
