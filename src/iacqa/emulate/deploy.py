"""Create what the graph declares inside the emulator, in dependency order, and map synthetic ids to real ones.

The graph holds synthetic identifiers (the front end's mock ARNs, names and URLs). Resources are created under the
same physical names, so most ARNs come out identical (same account and region); what the emulator assigns itself
(KMS key ids, API ids, secret suffixes, stream labels) is recorded in `Deployment.ids` (synthetic -> real), and
`Deployment.real()` rewrites any value (function environment variables, redrive policies, stack outputs).

Event source mappings, Lambda subscriptions, Lambda targets and bucket notifications are *not* created in the
emulator: moto would try to invoke the function through Docker. They are recorded as triggers, and iacqa delivers
the events itself (flow.py).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.model import CodeArtifact, Resource, ResourceGraph

LAMBDA_TYPES = ("AWS::Lambda::Function",)
# Types iacqa reads but need nothing in the emulator (metadata, permissions, config the flow reads from the graph).
PASSIVE = {
    "AWS::Lambda::Permission", "AWS::Lambda::EventSourceMapping", "AWS::Lambda::EventInvokeConfig",
    "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::Events::Target", "AWS::S3::BucketNotification",
    "AWS::ApiGateway::Resource", "AWS::ApiGateway::Method", "AWS::ApiGateway::Integration",
    "AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Stage", "AWS::IAM::RolePolicyAttachment",
    "AWS::CloudWatch::Alarm", "AWS::Lambda::Url", "AWS::S3::BucketVersioning", "AWS::S3::BucketPublicAccessBlock",
    "AWS::S3::BucketEncryption", "AWS::S3::BucketLifecycleConfiguration", "AWS::S3::BucketPolicy",
    "AWS::SecretsManager::SecretVersion", "AWS::Lambda::Alias", "AWS::ApiGateway::Account",
    "AWS::Logs::SubscriptionFilter", "AWS::Logs::MetricFilter", "AWS::CloudWatch::Dashboard",
}


@dataclass
class FunctionSpec:
    rid: str
    name: str
    arn: str
    runtime: str
    handler: str
    timeout: int
    memory: int
    env: dict[str, str]  # resolved to real identifiers
    code_dir: Path | None
    artifact: CodeArtifact | None
    role_rid: str | None = None
    layers: list[str] = field(default_factory=list)


@dataclass
class Deployment:
    ids: dict[str, str] = field(default_factory=dict)  # synthetic -> real
    created: list[str] = field(default_factory=list)  # resource ids created in the emulator
    unchecked: list[dict[str, str]] = field(default_factory=list)  # {resource, type, reason}
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)  # rid -> real queue URL
    queue_arns: dict[str, str] = field(default_factory=dict)  # rid -> real queue ARN
    tables: dict[str, str] = field(default_factory=dict)  # rid -> real table name
    streams: dict[str, str] = field(default_factory=dict)  # table rid -> real stream ARN
    topics: dict[str, str] = field(default_factory=dict)  # rid -> real topic ARN
    buckets: dict[str, str] = field(default_factory=dict)  # rid -> bucket name
    secrets: dict[str, str] = field(default_factory=dict)  # rid -> real secret ARN
    secret_values: dict[str, str] = field(default_factory=dict)  # real secret ARN/name -> value
    parameters: dict[str, str] = field(default_factory=dict)  # name -> value

    def real(self, value: Any) -> Any:
        """Rewrite synthetic identifiers inside a value into what the emulator returned."""
        if isinstance(value, str):
            if value in self.ids:
                return self.ids[value]
            out = value
            for syn in sorted((s for s in self.ids if len(s) > 6 and s in value), key=len, reverse=True):
                out = out.replace(syn, self.ids[syn])
            return out
        if isinstance(value, dict):
            return {k: self.real(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.real(v) for v in value]
        return value

    def synthetic(self, value: str) -> str:
        """Real identifier -> the graph's synthetic one (for IAM evaluation against the graph's policies)."""
        for syn, real in self.ids.items():
            if real == value:
                return syn
        out = value
        for syn, real in sorted(self.ids.items(), key=lambda kv: -len(kv[1])):
            if len(real) > 6 and real in out and real != syn:
                out = out.replace(real, syn)
        return out

    def skip(self, r: Resource, reason: str) -> None:
        self.unchecked.append({"resource": r.id, "type": r.native_type, "reason": reason})


def _prop(r: Resource, cfn: str, native: str | None = None, default: Any = None) -> Any:
    v = r.get(cfn)
    if v is None and native:
        cur: Any = r.native_properties
        for part in native.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        v = cur
    return default if v is None else v


def _name(r: Resource, *cfn: str) -> str:
    for key in cfn:
        v = r.get(key)
        if isinstance(v, str) and v:
            return v
    v = r.outputs.get("Name")
    return v if isinstance(v, str) and v else r.id


def _map(dep: Deployment, r: Resource, real: dict[str, str]) -> None:
    """Record synthetic -> real for each output attribute the emulator gave a (possibly different) value for."""
    for attr, val in real.items():
        syn = r.outputs.get(attr)
        if isinstance(syn, str) and syn and isinstance(val, str) and val:
            dep.ids[syn] = val


def code_zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in sorted(files.items()):
            zf.writestr(name, text)
    return buf.getvalue()


ORDER = [
    "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::RolePolicy",
    "AWS::IAM::Policy", "AWS::Logs::LogGroup", "AWS::SSM::Parameter", "AWS::SecretsManager::Secret",
    "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::S3::Bucket", "AWS::SNS::Subscription",
    "AWS::Events::EventBus", "AWS::Lambda::Function", "AWS::Events::Rule", "AWS::ApiGateway::RestApi",
    "AWS::ApiGatewayV2::Api", "AWS::Kinesis::Stream", "AWS::StepFunctions::StateMachine",
]


def deploy(graph: ResourceGraph, backend: Any, workdir: Path) -> Deployment:
    dep = Deployment()
    by_type: dict[str, list[Resource]] = {}
    for r in graph:
        by_type.setdefault(r.type, []).append(r)
    for t in ORDER:
        items = by_type.get(t, [])
        if t == "AWS::SQS::Queue":  # dead-letter queues before the queues that redrive into them
            items = sorted(items, key=lambda q: 1 if _prop(q, "RedrivePolicy") else 0)
        for r in items:
            fn = _CREATORS.get(t)
            if fn is None:
                continue
            try:
                fn(graph, r, backend, dep, workdir)
                dep.created.append(r.id)
            except Exception as exc:  # noqa: BLE001 - one resource the emulator refuses is unchecked, not fatal
                dep.skip(r, f"{type(exc).__name__}: {str(exc)[:300]}")
    for t, items in by_type.items():
        if t in _CREATORS or t in PASSIVE or t.startswith(("aws:s3/bucket", "AWS::S3::Bucket")):
            continue
        for r in items:
            if t.startswith("AWS::EC2::") or t.startswith("AWS::ElasticLoadBalancingV2") or not r.mapped:
                reason = "not deployed by the emulator (no handler path depends on it)"
            else:
                reason = "resource type not deployed by iacqa's emulator yet"
            dep.skip(r, reason)
    return dep


# -- creators -------------------------------------------------------------------------------------------------------


def _kms_key(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    kwargs: dict[str, Any] = {"Description": str(_prop(r, "Description", default=r.id))}
    policy = _prop(r, "KeyPolicy")
    if isinstance(policy, dict):
        kwargs["Policy"] = json.dumps(dep.real(policy))
        kwargs["BypassPolicyLockoutSafetyCheck"] = True
    meta = b.client("kms").create_key(**kwargs)["KeyMetadata"]
    _map(dep, r, {"Arn": meta["Arn"], "KeyId": meta["KeyId"], "Id": meta["KeyId"]})
    # Other resources may refer to the key by the front end's mock name.
    if isinstance(r.outputs.get("Name"), str):
        dep.ids[r.outputs["Name"]] = meta["KeyId"]


def _kms_alias(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    name = _name(r, "AliasName")
    target = dep.real(_prop(r, "TargetKeyId", "target_key_id"))
    b.client("kms").create_alias(AliasName=name, TargetKeyId=target)


def _managed_policy(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    doc = _prop(r, "PolicyDocument", "policy")
    if not isinstance(doc, dict):
        doc = json.loads(doc) if isinstance(doc, str) else {"Version": "2012-10-17", "Statement": []}
    arn = b.client("iam").create_policy(PolicyName=_name(r, "ManagedPolicyName"),
                                        PolicyDocument=json.dumps(dep.real(doc)))["Policy"]["Arn"]
    _map(dep, r, {"Arn": arn})


def _role(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    iam = b.client("iam")
    name = _name(r, "RoleName")
    trust = _prop(r, "AssumeRolePolicyDocument", "assume_role_policy") or {"Version": "2012-10-17", "Statement": []}
    if not isinstance(trust, str):
        trust = json.dumps(trust)
    out = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, Path=_prop(r, "Path", default="/"))
    _map(dep, r, {"Arn": out["Role"]["Arn"]})
    for i, pol in enumerate(_prop(r, "Policies", default=[]) or []):
        if isinstance(pol, dict) and pol.get("PolicyDocument") is not None:
            doc = pol["PolicyDocument"]
            iam.put_role_policy(RoleName=name, PolicyName=str(pol.get("PolicyName") or f"inline-{i}"),
                                PolicyDocument=doc if isinstance(doc, str) else json.dumps(dep.real(doc)))


def _role_policy(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    doc = _prop(r, "PolicyDocument", "policy")
    roles = _prop(r, "Roles") or [_prop(r, "RoleName", "role")]
    for role in roles:
        if not isinstance(role, str):
            continue
        role_name = role.rsplit("/", 1)[-1]
        b.client("iam").put_role_policy(RoleName=role_name, PolicyName=_name(r, "PolicyName"),
                                        PolicyDocument=doc if isinstance(doc, str) else json.dumps(dep.real(doc)))


def _log_group(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    b.client("logs").create_log_group(logGroupName=_name(r, "LogGroupName"))


def _parameter(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    name = _name(r, "Name")
    value = dep.real(_prop(r, "Value", "value", default="placeholder"))
    ptype = _prop(r, "Type", "type", default="String")
    b.client("ssm").put_parameter(Name=name, Value=str(value), Type=ptype if ptype in (
        "String", "StringList", "SecureString") else "String", Overwrite=True)
    dep.parameters[name] = str(value)


def _secret(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    name = _name(r, "Name")
    value = None
    for v in graph.of_type("AWS::SecretsManager::SecretVersion"):
        sid = _prop(v, "SecretId", "secret_id")
        if sid in (r.outputs.get("Arn"), r.outputs.get("Id"), name):
            value = _prop(v, "SecretString", "secret_string")
    if value is None:
        gen = _prop(r, "GenerateSecretString")
        value = json.dumps({"password": "iacqa-Emulated-Secret-1"}) if gen else "iacqa-emulated-secret-value"
    value = value if isinstance(value, str) else json.dumps(value)
    arn = b.client("secretsmanager").create_secret(Name=name, SecretString=value)["ARN"]
    _map(dep, r, {"Arn": arn, "Id": arn})
    dep.secrets[r.id] = arn
    dep.secret_values[arn] = dep.secret_values[name] = value


def _table(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    name = _name(r, "TableName")
    kwargs: dict[str, Any] = {"TableName": name, "KeySchema": r.get("KeySchema"),
                              "AttributeDefinitions": r.get("AttributeDefinitions")}
    if not kwargs["KeySchema"]:
        raise ValueError("the table has no key schema")
    billing = r.get("BillingMode") or "PROVISIONED"
    kwargs["BillingMode"] = billing
    if billing != "PAY_PER_REQUEST":
        kwargs["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        idx = r.get(key)
        if idx:
            idx = [dict(i) for i in idx]
            for i in idx:
                i.setdefault("Projection", {"ProjectionType": "ALL"})
                if billing != "PAY_PER_REQUEST" and key == "GlobalSecondaryIndexes":
                    i["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
                else:
                    i.pop("ProvisionedThroughput", None)
            kwargs[key] = idx
    view = r.get("StreamSpecification.StreamViewType")
    if view:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
    desc = b.client("dynamodb").create_table(**kwargs)["TableDescription"]
    real = {"Arn": desc["TableArn"], "Name": name}
    if desc.get("LatestStreamArn"):
        real["StreamArn"] = desc["LatestStreamArn"]
        dep.streams[r.id] = desc["LatestStreamArn"]
    _map(dep, r, real)
    dep.tables[r.id] = name


_QUEUE_ATTRS = {"VisibilityTimeout": "VisibilityTimeout", "MessageRetentionPeriod": "MessageRetentionPeriod",
                "DelaySeconds": "DelaySeconds", "MaximumMessageSize": "MaximumMessageSize",
                "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
                "ContentBasedDeduplication": "ContentBasedDeduplication", "FifoQueue": "FifoQueue",
                "DeduplicationScope": "DeduplicationScope", "FifoThroughputLimit": "FifoThroughputLimit"}


def _queue(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    name = _name(r, "QueueName")
    attrs: dict[str, str] = {}
    for cfn, api in _QUEUE_ATTRS.items():
        v = r.get(cfn)
        if v is not None:
            attrs[api] = str(v).lower() if isinstance(v, bool) else str(v)
    if name.endswith(".fifo"):
        attrs["FifoQueue"] = "true"
    elif attrs.get("FifoQueue") == "false":
        attrs.pop("FifoQueue")
    redrive = r.get("RedrivePolicy")
    if isinstance(redrive, str):
        redrive = json.loads(redrive)
    if isinstance(redrive, dict) and redrive.get("deadLetterTargetArn"):
        attrs["RedrivePolicy"] = json.dumps(dep.real(redrive))
    sqs = b.client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    if not url.startswith("https://"):
        # The emulator answers with its own host; the AWS-shaped URL works against it too (the SDK sends it to
        # the endpoint, which finds the queue by account and name) and stays valid in the stack outputs.
        acct = arn.split(":")[4]
        url = f"https://sqs.{arn.split(':')[3]}.amazonaws.com/{acct}/{name}"
    _map(dep, r, {"Url": url, "Id": url, "Arn": arn})
    dep.queues[r.id] = url
    dep.queue_arns[r.id] = arn


def _topic(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    name = _name(r, "TopicName")
    attrs = {}
    if r.get("FifoTopic") or name.endswith(".fifo"):
        attrs["FifoTopic"] = "true"
        if r.get("ContentBasedDeduplication"):
            attrs["ContentBasedDeduplication"] = "true"
    arn = b.client("sns").create_topic(Name=name, Attributes=attrs)["TopicArn"]
    _map(dep, r, {"Arn": arn, "Id": arn})
    dep.topics[r.id] = arn


def _subscription(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    protocol = str(r.get("Protocol") or "")
    if protocol != "sqs":
        return  # lambda subscriptions are delivered by flow.py; email/http are outside the stack
    attrs = {}
    if r.get("RawMessageDelivery"):
        attrs["RawMessageDelivery"] = "true"
    if r.get("FilterPolicy"):
        fp = r.get("FilterPolicy")
        attrs["FilterPolicy"] = fp if isinstance(fp, str) else json.dumps(fp)
    b.client("sns").subscribe(TopicArn=dep.real(r.get("TopicArn")), Protocol="sqs",
                              Endpoint=dep.real(r.get("Endpoint")), Attributes=attrs)


def _bucket(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    name = _name(r, "BucketName")
    b.client("s3").create_bucket(Bucket=name)
    dep.buckets[r.id] = name


def _event_bus(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    arn = b.client("events").create_event_bus(Name=_name(r, "Name"))["EventBusArn"]
    _map(dep, r, {"Arn": arn})


def _rule(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    kwargs: dict[str, Any] = {"Name": _name(r, "Name")}
    if r.get("ScheduleExpression"):
        kwargs["ScheduleExpression"] = r.get("ScheduleExpression")
    pattern = r.get("EventPattern")
    if pattern:
        kwargs["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    bus = r.get("EventBusName")
    if bus:
        kwargs["EventBusName"] = dep.real(bus)
    if "ScheduleExpression" not in kwargs and "EventPattern" not in kwargs:
        kwargs["ScheduleExpression"] = "rate(1 day)"
    arn = b.client("events").put_rule(**kwargs)["RuleArn"]
    _map(dep, r, {"Arn": arn})


def _rest_api(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    api = b.client("apigateway").create_rest_api(name=_name(r, "Name"))
    real = {"Id": api["id"], "RootResourceId": api.get("rootResourceId", "")}
    # The front end names the API by its id output in some places and by its physical name in others
    # (stage URLs): map every spelling other resources use.
    names = {r.outputs.get("Id")}
    for other in graph:
        ref = other.get("RestApiId") if other.type.startswith("AWS::ApiGateway::") else None
        if isinstance(ref, str) and (ref == r.outputs.get("Id") or ref.startswith(f"{r.id}-")):
            names.add(ref)
    for syn_id in names:
        if isinstance(syn_id, str) and syn_id:
            dep.ids[f"{syn_id}.execute-api"] = f"{api['id']}.execute-api"
            dep.ids[f":{syn_id}/"] = f":{api['id']}/"
    _map(dep, r, real)


def _http_api(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    api = b.client("apigatewayv2").create_api(Name=_name(r, "Name"), ProtocolType=r.get("ProtocolType") or "HTTP")
    syn_id = r.outputs.get("Id")
    if isinstance(syn_id, str):
        dep.ids[f"{syn_id}.execute-api"] = f"{api['ApiId']}.execute-api"
    _map(dep, r, {"Id": api["ApiId"], "Url": api.get("ApiEndpoint", "")})


def _function(graph: ResourceGraph, r: Resource, b: Any, dep: Deployment, wd: Path) -> None:
    name = _name(r, "FunctionName")
    art = graph.code.get(r.id)
    runtime = str(r.get("Runtime") or "")
    handler = str(r.get("Handler") or "index.handler")
    env = {k: str(dep.real(v)) for k, v in (r.get("Environment.Variables") or {}).items()}
    code_dir = None
    if art is not None and art.files:
        code_dir = wd / "code" / re.sub(r"[^\w.-]", "_", r.id)
        for rel, text in art.files.items():
            p = code_dir / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
    role_res = None
    try:
        from iacqa.knowledge.iam import function_role

        role_res = function_role(graph, r)
    except ImportError:
        pass
    role_arn = dep.real(r.get("Role")) or f"arn:aws:iam::123456789012:role/{name}-role"
    spec = FunctionSpec(rid=r.id, name=name, arn=r.outputs.get("Arn") or "", runtime=runtime, handler=handler,
                        timeout=int(r.get("Timeout") or 3), memory=int(r.get("MemorySize") or 128), env=env,
                        code_dir=code_dir, artifact=art, role_rid=role_res.id if role_res else None,
                        layers=list(r.get("Layers") or []))
    dep.functions[r.id] = spec
    kwargs: dict[str, Any] = {"FunctionName": name, "Role": role_arn, "Handler": handler,
                              "Code": {"ZipFile": code_zip(art.files if art and art.files else {"index.py": ""})},
                              "Timeout": spec.timeout, "MemorySize": spec.memory}
    if runtime:
        kwargs["Runtime"] = runtime
    if env:
        kwargs["Environment"] = {"Variables": env}
    try:
        out = b.client("lambda").create_function(**kwargs)
    except Exception as exc:  # noqa: BLE001 - the role may be one the emulator refused; run the handler anyway
        if "role" not in str(exc).lower():
            raise
        dep.unchecked.append({"resource": r.id, "type": r.native_type,
                              "reason": f"created without its role in the emulator: {exc}"})
        return
    spec.arn = out["FunctionArn"]
    _map(dep, r, {"Arn": out["FunctionArn"]})


_CREATORS = {
    "AWS::KMS::Key": _kms_key, "AWS::KMS::Alias": _kms_alias, "AWS::IAM::ManagedPolicy": _managed_policy,
    "AWS::IAM::Role": _role, "AWS::IAM::RolePolicy": _role_policy, "AWS::IAM::Policy": _role_policy,
    "AWS::Logs::LogGroup": _log_group, "AWS::SSM::Parameter": _parameter, "AWS::SecretsManager::Secret": _secret,
    "AWS::DynamoDB::Table": _table, "AWS::SQS::Queue": _queue, "AWS::SNS::Topic": _topic,
    "AWS::S3::Bucket": _bucket, "AWS::SNS::Subscription": _subscription, "AWS::Events::EventBus": _event_bus,
    "AWS::Lambda::Function": _function, "AWS::Events::Rule": _rule, "AWS::ApiGateway::RestApi": _rest_api,
    "AWS::ApiGatewayV2::Api": _http_api,
}


def outputs(graph: ResourceGraph, dep: Deployment) -> dict[str, Any]:
    """The stack outputs with real identifiers, flat like cfn-outputs/flat-outputs.json."""
    flat: dict[str, Any] = {}
    for k, v in graph.outputs.items():
        if isinstance(v, (dict, list)):
            flat[k] = json.dumps(dep.real(v))
        else:
            flat[k] = dep.real(v)
    return flat
