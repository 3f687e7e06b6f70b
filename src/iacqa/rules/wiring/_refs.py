"""Helpers shared by the wiring (WIR*) and iam-missing (PRM*) rules: what a reference in a property points at.

Not a rule module: it defines no Rule subclass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from iacqa.model import Resource, ResourceGraph

# CloudFormation type -> the ARN service word of what it is.
KIND_OF_TYPE = {
    "AWS::SQS::Queue": "sqs",
    "AWS::SNS::Topic": "sns",
    "AWS::Lambda::Function": "lambda",
    "AWS::Lambda::Alias": "lambda",
    "AWS::Lambda::Version": "lambda",
    "AWS::Events::EventBus": "events",
    "AWS::Events::Rule": "events-rule",
    "AWS::S3::Bucket": "s3",
    "AWS::DynamoDB::Table": "dynamodb",
    "AWS::Kinesis::Stream": "kinesis",
    "AWS::KMS::Key": "kms",
    "AWS::KMS::Alias": "kms",
    "AWS::IAM::Role": "iam-role",
    "AWS::IAM::ManagedPolicy": "iam-policy",
    "AWS::Logs::LogGroup": "logs",
    "AWS::StepFunctions::StateMachine": "states",
}

KIND_LABEL = {
    "sqs": "an SQS queue", "sns": "an SNS topic", "lambda": "a Lambda function", "events": "an EventBridge bus",
    "events-rule": "an EventBridge rule", "s3": "an S3 bucket", "dynamodb": "a DynamoDB table",
    "kinesis": "a Kinesis stream", "kms": "a KMS key", "iam-role": "an IAM role", "iam-policy": "an IAM policy",
    "logs": "a log group", "states": "a state machine", "kafka": "a Kafka cluster",
}

# Outputs that are ARNs (a value resolving through any other output is a name, id or URL).
ARN_OUTPUTS = ("Arn", "StreamArn", "QualifiedArn")


@dataclass
class Target:
    """What a property value names."""

    value: str
    kind: str | None  # see KIND_LABEL; from the resolved resource, else from the ARN's service field
    resource: Resource | None = None
    attr: str | None = None  # the output the value equals (Arn, Url, Name, StreamArn, ...)

    @property
    def is_arn(self) -> bool:
        return self.value.startswith("arn:")

    @property
    def named(self) -> str:
        """`queue-id (an SQS queue)` or the raw value when the target is outside the graph."""
        what = KIND_LABEL.get(self.kind or "", "")
        if self.resource is not None:
            return f"{self.resource.id} ({what})" if what else self.resource.id
        return f"`{self.value}`"

    @property
    def label(self) -> str:
        what = KIND_LABEL.get(self.kind or "", f"a {self.kind} resource" if self.kind else "something unknown")
        return f"{what} ({self.resource.id})" if self.resource is not None else what


# What Pulumi calls CFN properties that a rule may mention when the user did not write them.
_PULUMI_NAMES = {
    "VisibilityTimeout": "visibility_timeout_seconds", "Timeout": "timeout", "StartingPosition": "starting_position",
    "FifoQueue": "fifo_queue", "RedrivePolicy": "redrive_policy", "QueueName": "name", "TopicName": "name",
    "FifoTopic": "fifo_topic", "KmsMasterKeyId": "kms_master_key_id", "DestinationConfig": "destination_config",
    "ReservedConcurrentExecutions": "reserved_concurrent_executions", "EventSourceArn": "event_source_arn",
    "FunctionName": "function_name", "Role": "role",
}


def attr_name(res: Resource, path: str) -> str:
    """The user's name for a CFN property path, also when the user did not write it (Pulumi names)."""
    name = res.native_name(path)
    if name == path and path not in res.native_paths and res.native_type.startswith("aws:"):
        head, _, rest = path.partition(".")
        base = _PULUMI_NAMES.get(head)
        if base:
            return base + ("." + rest if rest else "")
    return name


def arn_service(value: Any) -> str | None:
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":")
    if len(parts) < 6:
        return None
    svc = parts[2]
    if svc == "iam":
        res = parts[5]
        return "iam-role" if res.startswith("role/") else "iam-policy" if res.startswith("policy/") else "iam"
    if svc == "events" and parts[5].startswith("rule/"):
        return "events-rule"
    return svc


def is_placeholder(value: Any) -> bool:
    """A value the IaC engine's mocks made up for an output the provider would compute (`mock-stream-arn`).

    Under the mocks, an output that the deployed resource would not have (the stream ARN of a table without a
    stream) comes out as such a placeholder, so it is a value that names nothing."""
    return isinstance(value, str) and value.startswith("mock-")


def target(graph: ResourceGraph, value: Any) -> Target | None:
    """Resolve a reference; None for values that are not non-empty strings, and for mock placeholders."""
    if not isinstance(value, str) or not value or is_placeholder(value):
        return None
    hit = graph.resolve(value)
    if hit is not None:
        res, attr = hit
        kind = KIND_OF_TYPE.get(res.type) or arn_service(res.outputs.get("Arn"))
        return Target(value, kind, res, attr)
    return Target(value, arn_service(value))


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def as_int(value: Any, default: int | None = None) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def as_dict(value: Any) -> dict[str, Any] | None:
    """A dict property that may also be written as a JSON string (RedrivePolicy)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            v = json.loads(value)
        except ValueError:
            return None
        return v if isinstance(v, dict) else None
    return None


def is_fifo_queue(queue: Resource) -> bool:
    if queue.has("FifoQueue"):
        return truthy(queue.get("FifoQueue"))
    name = queue.get("QueueName") or queue.outputs.get("Name")
    return isinstance(name, str) and name.endswith(".fifo")


def is_fifo_topic(topic: Resource) -> bool:
    if topic.has("FifoTopic"):
        return truthy(topic.get("FifoTopic"))
    name = topic.get("TopicName") or topic.outputs.get("Name")
    return isinstance(name, str) and name.endswith(".fifo")


def dead_letter_target(queue: Resource) -> Any:
    rp = as_dict(queue.get("RedrivePolicy"))
    return rp.get("deadLetterTargetArn") if rp else None


def mapping_parts(graph: ResourceGraph, esm: Resource) -> tuple[Target | None, Resource | None]:
    """(event source, function) of an AWS::Lambda::EventSourceMapping."""
    return target(graph, esm.get("EventSourceArn")), graph.function_for(esm.get("FunctionName"))


def source_kind(t: Target | None) -> str | None:
    """sqs | dynamodb (a table stream) | kinesis | kafka | mq | docdb ... for an event source."""
    if t is None:
        return None
    return t.kind


def arn_of(res: Resource) -> str | None:
    v = res.outputs.get("Arn")
    return v if isinstance(v, str) else None


def kms_key(graph: ResourceGraph, ref: Any) -> Resource | None:
    """The AWS::KMS::Key a KmsKeyId / KmsMasterKeyId names (key id, key ARN, alias name or alias ARN)."""
    res = graph.resolve_resource(ref)
    seen = 0
    while res is not None and res.type == "AWS::KMS::Alias" and seen < 3:
        res = graph.resolve_resource(res.get("TargetKeyId"))
        seen += 1
    if res is not None and res.type == "AWS::KMS::Key":
        return res
    if isinstance(ref, str) and ref.startswith("alias/"):
        for alias in graph.of_type("AWS::KMS::Alias"):
            if alias.get("AliasName") == ref or alias.outputs.get("Name") == ref:
                return kms_key(graph, alias.get("TargetKeyId"))
    return None
