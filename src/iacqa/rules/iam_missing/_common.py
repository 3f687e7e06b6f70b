"""Shared by the PRM rules: the permissions a role needs to reach a target, and how to say what is missing."""

from __future__ import annotations

from iacqa.knowledge.iam import RolePermissions, function_role, role_permissions
from iacqa.model import Resource, ResourceGraph

# Target kind -> the action a role needs to deliver to it (DLQs and destinations).
SEND_ACTION = {
    "sqs": "sqs:SendMessage",
    "sns": "sns:Publish",
    "lambda": "lambda:InvokeFunction",
    "events": "events:PutEvents",
    "s3": "s3:PutObject",
}

# AWS error wording uses the bare API name and the service's short name.
SERVICE_WORD = {"sqs": "SQS", "sns": "SNS", "lambda": "Lambda", "events": "EventBridge", "s3": "S3",
                "kinesis": "Kinesis", "dynamodb": "DynamoDB"}


def permissions_for(graph: ResourceGraph, fn: Resource) -> RolePermissions | None:
    """The function's role permissions, or None when the role is not in the graph or not fully readable."""
    role = function_role(graph, fn)
    if role is None:
        return None
    perms = role_permissions(graph, role)
    return perms if perms.complete else None


def api_name(action: str) -> str:
    return action.split(":", 1)[-1]


def grant_snippet(actions: list[str], resource: str) -> str:
    acts = ", ".join(f'"{a}"' for a in actions)
    return f'{{"Effect": "Allow", "Action": [{acts}], "Resource": "{resource}"}}'
