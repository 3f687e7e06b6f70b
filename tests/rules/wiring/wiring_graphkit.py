"""Hand-built graphs for the WIR/PRM/QTA unit tests: resources with the outputs the Pulumi mocks would give."""

from __future__ import annotations

import json
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph
from iacqa.rules.context import RuleContext

ACCT = "123456789012"
REG = "us-east-1"


def _res(rid: str, cfn: str, native: str, props: dict[str, Any], outputs: dict[str, Any], line: int) -> Resource:
    return Resource(id=rid, type=cfn, native_type=native, properties=props, outputs=outputs,
                    location=Location("lib/tap_stack.py", line))


def queue(rid: str, line: int = 10, **props: Any) -> Resource:
    name = props.get("QueueName") or (rid + ".fifo" if props.get("FifoQueue") else rid)
    url = f"https://sqs.{REG}.amazonaws.com/{ACCT}/{name}"
    return _res(rid, "AWS::SQS::Queue", "aws:sqs/queue:Queue", props,
                {"Arn": f"arn:aws:sqs:{REG}:{ACCT}:{name}", "Name": name, "Id": url, "Url": url}, line)


def topic(rid: str, line: int = 20, **props: Any) -> Resource:
    name = props.get("TopicName") or rid
    return _res(rid, "AWS::SNS::Topic", "aws:sns/topic:Topic", props,
                {"Arn": f"arn:aws:sns:{REG}:{ACCT}:{name}", "Name": name, "Id": f"arn:aws:sns:{REG}:{ACCT}:{name}"},
                line)


def table(rid: str, stream: bool = True, line: int = 30, **props: Any) -> Resource:
    arn = f"arn:aws:dynamodb:{REG}:{ACCT}:table/{rid}"
    outs = {"Arn": arn, "Name": rid, "Id": rid}
    if stream:
        props.setdefault("StreamSpecification", {"StreamViewType": "NEW_AND_OLD_IMAGES"})
        outs["StreamArn"] = f"{arn}/stream/2026-01-01T00:00:00.000"
    return _res(rid, "AWS::DynamoDB::Table", "aws:dynamodb/table:Table", props, outs, line)


def role(rid: str, line: int = 40, **props: Any) -> Resource:
    return _res(rid, "AWS::IAM::Role", "aws:iam/role:Role", props,
                {"Arn": f"arn:aws:iam::{ACCT}:role/{rid}", "Name": rid, "Id": rid}, line)


def function(rid: str, role_arn: Any = None, line: int = 50, **props: Any) -> Resource:
    arn = f"arn:aws:lambda:{REG}:{ACCT}:function:{rid}"
    if role_arn is not None:
        props["Role"] = role_arn
    return _res(rid, "AWS::Lambda::Function", "aws:lambda/function:Function", props,
                {"Arn": arn, "Name": rid, "Id": rid, "QualifiedArn": arn + ":$LATEST"}, line)


def esm(rid: str, source: Any, fn: Any, line: int = 60, **props: Any) -> Resource:
    props = {"EventSourceArn": source, "FunctionName": fn, **props}
    props = {k: v for k, v in props.items() if v is not None}
    return _res(rid, "AWS::Lambda::EventSourceMapping", "aws:lambda/eventSourceMapping:EventSourceMapping", props,
                {"Id": f"uuid-{rid}"}, line)


def invoke_config(rid: str, fn: Any, success: Any = None, failure: Any = None, line: int = 70) -> Resource:
    dc: dict[str, Any] = {}
    if success:
        dc["OnSuccess"] = {"Destination": success}
    if failure:
        dc["OnFailure"] = {"Destination": failure}
    props: dict[str, Any] = {"FunctionName": fn}
    if dc:
        props["DestinationConfig"] = dc
    return _res(rid, "AWS::Lambda::EventInvokeConfig", "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
                props, {"Id": rid}, line)


def role_policy(rid: str, role_ref: Any, statements: list[dict[str, Any]], as_json: bool = True,
                line: int = 80) -> Resource:
    doc: Any = {"Version": "2012-10-17", "Statement": statements}
    return _res(rid, "AWS::IAM::RolePolicy", "aws:iam/rolePolicy:RolePolicy",
                {"RoleName": role_ref, "PolicyDocument": json.dumps(doc) if as_json else doc}, {"Id": rid}, line)


def managed_policy(rid: str, statements: list[dict[str, Any]], line: int = 90) -> Resource:
    return _res(rid, "AWS::IAM::ManagedPolicy", "aws:iam/policy:Policy",
                {"PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": statements})},
                {"Arn": f"arn:aws:iam::{ACCT}:policy/{rid}", "Name": rid, "Id": f"arn:aws:iam::{ACCT}:policy/{rid}"},
                line)


def attachment(rid: str, role_ref: Any, policy_arn: str, line: int = 95) -> Resource:
    return _res(rid, "AWS::IAM::RolePolicyAttachment", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                {"Role": role_ref, "PolicyArn": policy_arn}, {"Id": rid}, line)


def key(rid: str, policy: Any = None, line: int = 100) -> Resource:
    key_id = f"{rid}-0000-4000-8000-000000000000"
    props = {} if policy is None else {"KeyPolicy": json.dumps(policy) if isinstance(policy, dict) else policy}
    return _res(rid, "AWS::KMS::Key", "aws:kms/key:Key", props,
                {"Arn": f"arn:aws:kms:{REG}:{ACCT}:key/{key_id}", "KeyId": key_id, "Id": key_id}, line)


def log_group(rid: str, line: int = 110, **props: Any) -> Resource:
    name = props.get("LogGroupName") or f"/aws/lambda/{rid}"
    return _res(rid, "AWS::Logs::LogGroup", "aws:cloudwatch/logGroup:LogGroup", props,
                {"Arn": f"arn:aws:logs:{REG}:{ACCT}:log-group:{name}", "Name": name, "Id": name}, line)


def graph(*resources: Resource) -> ResourceGraph:
    g = ResourceGraph(platform="pulumi")
    for r in resources:
        g.add(r)
    return g


def ctx(*resources: Resource, **options: Any) -> RuleContext:
    return RuleContext(graph=graph(*resources), options=options)


def run(rule_cls: type, *resources: Resource, **options: Any) -> list:
    return list(rule_cls().check(ctx(*resources, **options)))


BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
SQS_EXEC = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"
DDB_EXEC = "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"
