"""What triggers each function, and the event each trigger sends, shaped like the AWS documentation examples.

Payloads are built from what the handler reads (string keys it subscripts, `.get`s or tests with `in`), with values
chosen by name (an `amount` is 150.75, a `*_id` a string, a `timestamp` an integer, nested objects stay nested), and
from JSON examples in the task's PROMPT.md when it has them. A handler that checks an HMAC signature header against
a secret the stack defines gets a valid signature.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from iacqa.model import Resource, ResourceGraph

REGION = "us-east-1"
ACCOUNT = "123456789012"


@dataclass
class Trigger:
    kind: str  # api-rest | api-http | url | sqs | ddb-stream | kinesis | sns | s3 | schedule | eventbridge |
    # authorizer | direct
    function: str  # function resource id
    source: str | None = None  # resource id of the queue/table/topic/bucket/rule/api
    detail: dict[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        d = self.detail
        if self.kind in ("api-rest", "api-http", "url"):
            return f"{self.kind} {d.get('method', 'POST')} {d.get('path', '/')}"
        if self.kind == "schedule":
            return f"schedule {d.get('expression', '')}".strip()
        return f"{self.kind} {self.source or ''}".strip()


# -- triggers from the graph ----------------------------------------------------------------------------------------


def _fn_in(graph: ResourceGraph, value: Any) -> Resource | None:
    if not isinstance(value, str) or not value:
        return None
    fn = graph.function_for(value)
    if fn is not None:
        return fn
    for f in graph.functions():
        arn = f.outputs.get("Arn")
        # the whole ARN, not a prefix of a longer one (`function:auth` inside `function:authreq/invocations`)
        if isinstance(arn, str) and arn and re.search(re.escape(arn) + r"(?![\w-])", value):
            return f
    return None


def _rest_path(graph: ResourceGraph, resource_id: Any) -> str:
    parts: list[str] = []
    seen = set()
    cur = resource_id
    while isinstance(cur, str) and cur not in seen:
        seen.add(cur)
        node = next((r for r in graph.of_type("AWS::ApiGateway::Resource") if r.outputs.get("Id") == cur), None)
        if node is None:
            break
        parts.append(str(node.get("PathPart") or ""))
        cur = node.get("ParentId")
    return "/" + "/".join(reversed([p for p in parts if p]))


def triggers(graph: ResourceGraph) -> list[Trigger]:
    out: list[Trigger] = []
    for integ in graph.of_type("AWS::ApiGateway::Integration"):
        fn = _fn_in(graph, integ.get("Uri"))
        if fn is None:
            continue
        method = str(integ.get("HttpMethod") or "POST").upper()
        out.append(Trigger("api-rest", fn.id, integ.id, {
            "method": "POST" if method == "ANY" else method, "path": _rest_path(graph, integ.get("ResourceId")),
            "proxy": integ.get("Type") in ("AWS_PROXY", None)}))
    for integ in graph.of_type("AWS::ApiGatewayV2::Integration"):
        fn = _fn_in(graph, integ.get("IntegrationUri"))
        if fn is None:
            continue
        iid = integ.outputs.get("Id")
        keys = [str(rt.get("RouteKey")) for rt in graph.of_type("AWS::ApiGatewayV2::Route")
                if isinstance(rt.get("Target"), str) and iid and rt.get("Target").endswith(str(iid))]
        for key in keys or ["$default"]:
            method, _, path = key.partition(" ") if " " in key else ("POST", "", "/")
            method = "POST" if method in ("ANY", "$default") else method
            # Terraform/Pulumi default the payload format to 1.0 (REST-shaped events).
            fmt = str(integ.get("PayloadFormatVersion") or "1.0")
            out.append(Trigger("api-http", fn.id, integ.id, {"method": method, "path": path or "/",
                                                             "route_key": key, "format": fmt}))
    for url in graph.of_type("AWS::Lambda::Url"):
        fn = _fn_in(graph, url.get("TargetFunctionArn"))
        if fn is not None:
            out.append(Trigger("url", fn.id, url.id, {"method": "POST", "path": "/"}))
    for esm in graph.of_type("AWS::Lambda::EventSourceMapping"):
        fn = _fn_in(graph, esm.get("FunctionName"))
        src = graph.resolve(esm.get("EventSourceArn"))
        if fn is None or src is None:
            continue
        res, attr = src
        kind = {"AWS::SQS::Queue": "sqs", "AWS::DynamoDB::Table": "ddb-stream",
                "AWS::Kinesis::Stream": "kinesis"}.get(res.type)
        if kind:
            out.append(Trigger(kind, fn.id, res.id, {"batch_size": esm.get("BatchSize") or 10,
                                                     "mapping": esm.id,
                                                     "report_failures": "ReportBatchItemFailures" in (
                                                         esm.get("FunctionResponseTypes") or [])}))
    for sub in graph.of_type("AWS::SNS::Subscription"):
        if str(sub.get("Protocol")) != "lambda":
            continue
        fn = _fn_in(graph, sub.get("Endpoint"))
        topic = graph.resolve_resource(sub.get("TopicArn"))
        if fn is not None:
            out.append(Trigger("sns", fn.id, topic.id if topic else None, {"subscription": sub.id}))
    queued: list[Trigger] = []
    for n in s3_notifications(graph):
        detail = {"prefix": n.prefix, "suffix": n.suffix, "event": n.event}
        if n.kind == "lambda":
            fn = _fn_in(graph, n.target)
            if fn is not None:
                out.append(Trigger("s3", fn.id, n.bucket.id if n.bucket else None, detail))
        elif n.bucket is not None:
            dest = graph.resolve_resource(n.target)
            if dest is not None:  # the queue or topic receives S3 event notifications as its messages
                queued.append(Trigger(n.kind, "", dest.id, {**detail, "bucket": n.bucket.id}))
    for t in out:
        if t.kind in ("sqs", "sns") and "s3" not in t.detail:
            src = next((q for q in queued if q.kind == t.kind and q.source == t.source), None)
            if src is not None:
                t.detail["s3"] = src.detail
    rules = {r.outputs.get("Name"): r for r in graph.of_type("AWS::Events::Rule")}
    for tgt in graph.of_type("AWS::Events::Target"):
        fn = _fn_in(graph, tgt.get("Arn"))
        rule = rules.get(tgt.get("Rule")) or graph.resolve_resource(tgt.get("Rule"))
        if fn is not None:
            out.append(_rule_trigger(fn, rule, tgt.get("Input")))
    for rule in graph.of_type("AWS::Events::Rule"):
        for t in rule.get("Targets") or []:
            fn = _fn_in(graph, t.get("Arn")) if isinstance(t, dict) else None
            if fn is not None:
                out.append(_rule_trigger(fn, rule, t.get("Input")))
    # Lambda authorizers: API Gateway calls them with an authorizer event (a token, or the request's headers), never
    # with a business payload; a direct invocation shaped like one would fail on `event["headers"]`.
    for auth in [*graph.of_type("AWS::ApiGateway::Authorizer"), *graph.of_type("AWS::ApiGatewayV2::Authorizer")]:
        fn = _fn_in(graph, auth.get("AuthorizerUri"))
        kind = str(auth.get("Type") or auth.get("AuthorizerType") or "TOKEN").upper()
        if fn is not None and kind in ("TOKEN", "REQUEST"):
            v2 = auth.type == "AWS::ApiGatewayV2::Authorizer"
            out.append(Trigger("authorizer", fn.id, auth.id, {
                "type": kind, "v2": v2, "format": str(auth.get("AuthorizerPayloadFormatVersion") or "1.0")}))
    have = {t.function for t in out}
    for fn in graph.functions():
        if fn.id not in have:
            out.append(Trigger("direct", fn.id))
    return out


@dataclass
class S3Notification:
    """One destination of a bucket's event notifications, whichever way the IaC wrote it."""

    bucket: Resource | None
    kind: str  # lambda | sqs | sns
    target: Any  # the function / queue / topic ARN as the graph holds it
    prefix: str = ""
    suffix: str = ""
    event: str = "s3:ObjectCreated:*"


# Where each shape keeps its destinations: (kind, list key, target key) per notification type.
_S3_DESTINATIONS = {
    # CloudFormation AWS::S3::Bucket NotificationConfiguration
    "cfn": (("lambda", "LambdaConfigurations", "Function"), ("sqs", "QueueConfigurations", "Queue"),
            ("sns", "TopicConfigurations", "Topic")),
    # Terraform aws_s3_bucket_notification / Pulumi BucketNotification (pseudo AWS::S3::BucketNotification)
    "tf": (("lambda", "LambdaFunctions", "LambdaFunctionArn"), ("sqs", "Queues", "QueueArn"),
           ("sns", "Topics", "TopicArn")),
    # the S3 API's PutBucketNotificationConfiguration shape, which aws-cdk-lib's Custom::S3BucketNotifications
    # passes through (bucket.add_event_notification / addEventNotification)
    "api": (("lambda", "LambdaFunctionConfigurations", "LambdaFunctionArn"), ("sqs", "QueueConfigurations", "QueueArn"),
            ("sns", "TopicConfigurations", "TopicArn")),
}


def s3_notifications(graph: ResourceGraph) -> list[S3Notification]:
    """Every bucket -> Lambda/SQS/SNS notification in the graph: CloudFormation's bucket NotificationConfiguration,
    Terraform's/Pulumi's bucket notification resource, and CDK's Custom::S3BucketNotifications (whose
    NotificationConfiguration is the S3 API's, applied to BucketName by a handler aws-cdk-lib provides)."""
    out: list[S3Notification] = []
    for res in graph.of_type("AWS::S3::Bucket", "AWS::S3::BucketNotification", "Custom::S3BucketNotifications"):
        if res.type == "AWS::S3::Bucket":
            bucket, conf, shapes = res, res.get("NotificationConfiguration"), _S3_DESTINATIONS["cfn"]
        elif res.type == "AWS::S3::BucketNotification":
            bucket, conf, shapes = graph.resolve_resource(res.get("Bucket")), res.properties, _S3_DESTINATIONS["tf"]
        else:
            bucket = graph.resolve_resource(res.get("BucketName"))
            conf, shapes = res.get("NotificationConfiguration"), _S3_DESTINATIONS["api"]
        if bucket is not None and bucket.type != "AWS::S3::Bucket":
            bucket = None
        if not isinstance(conf, dict):
            continue
        for kind, key, target in shapes:
            items = conf.get(key) or []
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                prefix, suffix = _s3_filter(item)
                events = item.get("Events") or [item.get("Event") or "s3:ObjectCreated:*"]
                event = events[0] if isinstance(events, list) and events else str(events)
                out.append(S3Notification(bucket, kind, item.get(target) or item.get("Function"), prefix, suffix,
                                          str(event)))
    return out


def _s3_filter(item: dict[str, Any]) -> tuple[str, str]:
    """(prefix, suffix) of one notification: FilterPrefix/FilterSuffix (Terraform), Filter.S3Key.Rules
    (CloudFormation) or Filter.Key.FilterRules (the S3 API, CDK)."""
    prefix, suffix = str(item.get("FilterPrefix") or ""), str(item.get("FilterSuffix") or "")
    flt = item.get("Filter") if isinstance(item.get("Filter"), dict) else {}
    key = flt.get("S3Key") or flt.get("Key") or {}
    rules = (key.get("Rules") or key.get("FilterRules") or []) if isinstance(key, dict) else []
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        name = str(rule.get("Name", "")).lower()
        if name == "prefix":
            prefix = str(rule.get("Value") or "")
        elif name == "suffix":
            suffix = str(rule.get("Value") or "")
    return prefix, suffix


def _rule_trigger(fn: Resource, rule: Resource | None, input_: Any) -> Trigger:
    if rule is not None and rule.get("ScheduleExpression"):
        return Trigger("schedule", fn.id, rule.id, {"expression": rule.get("ScheduleExpression"), "input": input_})
    pattern = rule.get("EventPattern") if rule is not None else None
    if isinstance(pattern, str):
        try:
            pattern = json.loads(pattern)
        except ValueError:
            pattern = None
    return Trigger("eventbridge", fn.id, rule.id if rule else None, {"pattern": pattern or {}, "input": input_})


# -- what the handler reads -----------------------------------------------------------------------------------------

EVENT_KEYS = {"body", "Records", "headers", "httpMethod", "requestContext", "detail", "pathParameters",
              "queryStringParameters", "statusCode", "isBase64Encoded", "multiValueHeaders", "resource", "path",
              "rawPath", "routeKey", "Sns", "Message", "s3", "bucket", "object", "dynamodb", "NewImage", "OldImage",
              "Keys", "eventName", "eventSource", "eventSourceARN", "messageId", "receiptHandle", "Items", "Item",
              "LastEvaluatedKey", "ExclusiveStartKey", "Attributes", "ResponseMetadata", "MessageId", "Contents",
              "Body", "detail-type", "source", "version", "stageVariables", "http", "method", "Count", "Payload",
              "SecretString", "Parameter", "Value", "key", "name", "awsRegion", "attributes", "messageAttributes",
              "QueueUrl", "TopicArn", "Messages", "ScannedCount", "Responses", "UnprocessedItems", "Buckets",
              "KeyCount", "ContentType", "ETag", "size", "eTag", "sequencer", "time", "region", "account",
              "resources", "SequenceNumber", "StreamViewType", "ApproximateCreationDateTime", "SizeBytes"}


def handler_keys(sources: dict[str, str]) -> dict[str, Any]:
    """String keys the code reads from dicts, with hints: {"keys": [...], "headers": [...], "required": [...]}."""
    keys: list[str] = []
    strings: set[str] = set()
    headers: list[str] = []
    required: list[str] = []
    env_names: set[str] = set()
    for path, text in sources.items():
        if not path.endswith(".py"):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        var_key: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                v = node.value
                k = None
                if isinstance(v, ast.Subscript) and isinstance(v.slice, ast.Constant):
                    k = v.slice.value
                elif (isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "get"
                      and v.args and isinstance(v.args[0], ast.Constant)):
                    k = v.args[0].value
                if isinstance(k, str):
                    var_key[node.targets[0].id] = k
                    if re.search(r"csv|text|content|str|line|message|raw|b64|encoded", node.targets[0].id, re.I):
                        strings.add(k)
            if isinstance(node, ast.keyword) and node.arg in ("Body", "MessageBody", "Message", "Data") \
                    and isinstance(node.value, ast.Name) and node.value.id in var_key:
                strings.add(var_key[node.value.id])
        for node in ast.walk(tree):
            key, target = None, None
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                key, target = node.slice.value, node.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("get", "pop", "setdefault") and node.args
                  and isinstance(node.args[0], ast.Constant)):
                key, target = node.args[0].value, node.func.value
            elif (isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant)
                  and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)):
                key, target = node.left.value, node.comparators[0]
            elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List, ast.Set)):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(re.search(r"REQUIRED|FIELDS|KEYS", n, re.I) for n in names):
                    required += [e.value for e in node.value.elts
                                 if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                continue
            if not isinstance(key, str) or not key:
                continue
            tgt = ast.unparse(target) if target is not None else ""
            if "environ" in tgt or tgt.endswith("getenv"):
                env_names.add(key)
                continue
            if "header" in tgt.lower() or key.lower().startswith("x-") or key.lower() in (
                    "content-type", "authorization", "user-agent"):
                headers.append(key)
                continue
            keys.append(key)
    keys = [k for k in dict.fromkeys(keys) if k not in EVENT_KEYS and k not in env_names and not k.isupper()
            and re.fullmatch(r"[A-Za-z_][\w-]{0,40}", k)]
    return {"keys": keys, "headers": list(dict.fromkeys(headers)), "required": list(dict.fromkeys(required)),
            "strings": sorted(strings)}


def value_for(key: str) -> Any:
    k = key.lower()
    if re.search(r"amount|price|total|cost|balance|value|rate|score|temperature|latitude|longitude|weight", k):
        return 150.75
    if re.search(r"(^|_)(count|quantity|qty|age|size|limit|retries|attempts|duration|port|year)$", k):
        return 3
    if re.search(r"timestamp|epoch|created_at_ms|_ts$|^ts$", k):
        return 1700000000
    if re.search(r"(^|_)(date|time|created_at|updated_at)$", k):
        return "2026-01-15T10:30:00Z"
    if "email" in k:
        return "user@example.com"
    if k in ("currency", "currency_code"):
        return "USD"
    if re.search(r"(^|_)(items|records|entries|events|transactions|list|tags)$", k):
        return [{"id": "item-1", "amount": 10.5}, {"id": "item-2", "amount": 20.25}]
    if re.search(r"(metadata|details|data|payload|attributes|address|context|config)$", k):
        return {"source": "iacqa", "nested": {"level": 2, "ratio": 0.5}}
    if re.search(r"(^is_|^has_|enabled|active|flag|valid)", k):
        return True
    if k in ("status", "state"):
        return "pending"
    if k in ("type", "event_type", "kind", "category"):
        return "payment"
    if k.endswith("id") or k.endswith("_key") or k in ("id", "key", "sku"):
        return f"{k.replace('_', '-')}-0001"
    if k in ("provider", "source", "merchant", "vendor", "name", "customer", "user", "region"):
        return "example-" + k
    return f"test-{k}"


def prompt_examples(prompt: str | None) -> list[dict[str, Any]]:
    """JSON objects written in the task's PROMPT.md (example requests and messages)."""
    if not prompt:
        return []
    out: list[dict[str, Any]] = []
    for block in re.findall(r"```(?:json|javascript|js)?\s*\n(.*?)```", prompt, re.S):
        try:
            v = json.loads(block)
        except ValueError:
            continue
        if isinstance(v, dict) and len(v) >= 2:
            out.append(v)
    for m in re.finditer(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}", prompt):
        try:
            v = json.loads(m.group(0))
        except ValueError:
            continue
        if isinstance(v, dict) and len(v) >= 2 and v not in out:
            out.append(v)
    return out[:5]


def payload(sources: dict[str, str], prompt: str | None = None) -> dict[str, Any]:
    """A realistic request body: the keys the handler reads, typed by name; a PROMPT.md example when one fits."""
    hints = handler_keys(sources)
    keys = list(dict.fromkeys([*hints["required"], *hints["keys"]]))
    examples = prompt_examples(prompt)
    best = None
    for ex in examples:
        overlap = len(set(ex) & set(keys))
        if overlap and (best is None or overlap > best[0]):
            best = (overlap, ex)
    body: dict[str, Any] = dict(best[1]) if best else {}
    for k in keys:
        if k in hints["strings"]:
            body.setdefault(k, "id,symbol,price,quantity\n1,ACME,150.75,3\n2,INIT,20.5,1\n" if re.search(
                r"csv|data|content|body", k, re.I) else f"test-{k}")
        body.setdefault(k, value_for(k))
    if not body:
        body = {"id": "item-0001", "amount": 150.75, "quantity": 3, "description": "iacqa test",
                "metadata": {"source": "iacqa", "nested": {"ratio": 0.5}}}
    return body


# -- signatures -----------------------------------------------------------------------------------------------------


def signature_headers(sources: dict[str, str], hints: dict[str, Any], body: str,
                      secrets: list[str]) -> dict[str, str]:
    """Headers the handler reads, with a valid HMAC-SHA256 signature when it verifies one against a secret."""
    headers: dict[str, str] = {}
    text = "\n".join(sources.values())
    for h in hints.get("headers", []):
        if "signature" in h.lower() and "hmac" in text and secrets:
            digest = hmac.new(secrets[0].encode(), body.encode(), hashlib.sha256)
            if re.search(r"base64|b64encode", text):
                sig = base64.b64encode(digest.digest()).decode()
            else:
                sig = digest.hexdigest()
            if "sha256=" in text:
                sig = "sha256=" + sig
            headers[h] = sig
        elif h.lower() == "content-type":
            headers[h] = "application/json"
        elif "timestamp" in h.lower():
            headers[h] = str(int(time.time()))
        elif h.lower() == "authorization":
            headers[h] = "Bearer iacqa-test-token"
        else:
            headers[h] = "iacqa-test"
    return headers


# -- events ---------------------------------------------------------------------------------------------------------


def _rid() -> str:
    return str(uuid.uuid4())


def authorizer(kind: str, v2: bool = False, fmt: str = "1.0", headers: dict[str, str] | None = None
               ) -> dict[str, Any]:
    """What API Gateway sends a Lambda authorizer: TOKEN {type, authorizationToken, methodArn}; REQUEST the request's
    headers, query, path and context (REST, or HTTP API payload 1.0/2.0)."""
    token = "Bearer iacqa-test-token"
    method_arn = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:abc123/prod/GET/items"
    if kind == "TOKEN":
        return {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
    hdrs = {"Authorization": token, "Host": "abc123.execute-api.us-east-1.amazonaws.com", **(headers or {})}
    if v2 and fmt == "2.0":
        return {"version": "2.0", "type": "REQUEST", "routeArn": method_arn, "identitySource": [token],
                "routeKey": "GET /items", "rawPath": "/items", "rawQueryString": "",
                "headers": {k.lower(): v for k, v in hdrs.items()}, "queryStringParameters": {},
                "requestContext": {"accountId": ACCOUNT, "apiId": "abc123", "stage": "prod", "requestId": _rid(),
                                   "http": {"method": "GET", "path": "/items", "sourceIp": "127.0.0.1"}}}
    return {"type": "REQUEST", "methodArn": method_arn, "resource": "/items", "path": "/items", "httpMethod": "GET",
            "headers": hdrs, "multiValueHeaders": {k: [v] for k, v in hdrs.items()}, "queryStringParameters": {},
            "pathParameters": {}, "stageVariables": {},
            "requestContext": {"accountId": ACCOUNT, "apiId": "abc123", "stage": "prod", "requestId": _rid(),
                               "httpMethod": "GET", "resourcePath": "/items",
                               "identity": {"sourceIp": "127.0.0.1"}}}


def api_rest(method: str, path: str, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    params = {p: f"{p}-0001" for p in re.findall(r"\{(\w+)\+?\}", path)}
    concrete = re.sub(r"\{(\w+)\+?\}", lambda m: f"{m.group(1)}-0001", path)
    hdrs = {"Content-Type": "application/json", "Host": "abc123.execute-api.us-east-1.amazonaws.com",
            "User-Agent": "iacqa/1.0", "X-Forwarded-For": "127.0.0.1", **(headers or {})}
    return {
        "resource": path, "path": concrete, "httpMethod": method, "headers": hdrs,
        "multiValueHeaders": {k: [v] for k, v in hdrs.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": params or None, "stageVariables": None,
        "requestContext": {"resourcePath": path, "httpMethod": method, "path": f"/prod{concrete}",
                           "stage": "prod", "requestId": _rid(), "accountId": ACCOUNT, "apiId": "abc123",
                           "identity": {"sourceIp": "127.0.0.1", "userAgent": "iacqa/1.0"},
                           "requestTimeEpoch": int(time.time() * 1000), "protocol": "HTTP/1.1"},
        "body": body if body is None or isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
    }


def api_http(method: str, path: str, body: Any, headers: dict[str, str] | None = None,
             route_key: str | None = None) -> dict[str, Any]:
    concrete = re.sub(r"\{(\w+)\+?\}", lambda m: f"{m.group(1)}-0001", path)
    hdrs = {"content-type": "application/json", "host": "abc123.execute-api.us-east-1.amazonaws.com",
            "user-agent": "iacqa/1.0", **{k.lower(): v for k, v in (headers or {}).items()}}
    return {
        "version": "2.0", "routeKey": route_key or f"{method} {path}", "rawPath": concrete, "rawQueryString": "",
        "headers": hdrs, "pathParameters": {p: f"{p}-0001" for p in re.findall(r"\{(\w+)\+?\}", path)} or None,
        "requestContext": {"accountId": ACCOUNT, "apiId": "abc123", "domainName": hdrs["host"], "stage": "$default",
                           "requestId": _rid(), "routeKey": route_key or f"{method} {path}",
                           "http": {"method": method, "path": concrete, "protocol": "HTTP/1.1",
                                    "sourceIp": "127.0.0.1", "userAgent": "iacqa/1.0"},
                           "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
                           "timeEpoch": int(time.time() * 1000)},
        "body": body if body is None or isinstance(body, str) else json.dumps(body), "isBase64Encoded": False,
    }


def sqs(queue_arn: str, bodies: list[str], fifo: bool = False,
        attributes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    recs = []
    for i, b in enumerate(bodies):
        attrs = {"ApproximateReceiveCount": "1", "SentTimestamp": str(int(time.time() * 1000)),
                 "SenderId": "AROAIACQA", "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000))}
        if fifo:
            attrs.update({"MessageGroupId": "group-1", "MessageDeduplicationId": _rid(),
                          "SequenceNumber": str(18849496460467696128 + i)})
        recs.append({"messageId": _rid(), "receiptHandle": f"rh-{_rid()}", "body": b, "attributes": attrs,
                     "messageAttributes": (attributes[i] if attributes and i < len(attributes) else {}),
                     "md5OfBody": hashlib.md5(b.encode()).hexdigest(), "eventSource": "aws:sqs",
                     "eventSourceARN": queue_arn, "awsRegion": REGION})
    return {"Records": recs}


def sns(topic_arn: str, message: str, subject: str | None = None) -> dict[str, Any]:
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                         "EventSubscriptionArn": f"{topic_arn}:{_rid()}",
                         "Sns": {"Type": "Notification", "MessageId": _rid(), "TopicArn": topic_arn,
                                 "Subject": subject, "Message": message,
                                 "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                                 "SignatureVersion": "1", "Signature": "EXAMPLE", "SigningCertUrl": "EXAMPLE",
                                 "UnsubscribeUrl": "EXAMPLE", "MessageAttributes": {}}}]}


def s3(bucket: str, key: str, size: int, event: str = "ObjectCreated:Put") -> dict[str, Any]:
    return {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
                         "eventTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                         "eventName": event.replace("s3:", "").replace("*", "Put"),
                         "userIdentity": {"principalId": "AWS:AIDAIACQA"},
                         "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                         "responseElements": {"x-amz-request-id": "IACQA", "x-amz-id-2": "IACQA"},
                         "s3": {"s3SchemaVersion": "1.0", "configurationId": "iacqa",
                                "bucket": {"name": bucket, "ownerIdentity": {"principalId": "IACQA"},
                                           "arn": f"arn:aws:s3:::{bucket}"},
                                "object": {"key": key, "size": size, "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                                           "sequencer": "0A1B2C3D4E5F678901"}}}]}


def schedule(rule_arn: str) -> dict[str, Any]:
    return {"version": "0", "id": _rid(), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": ACCOUNT, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "region": REGION,
            "resources": [rule_arn], "detail": {}}


def eventbridge(pattern: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    def first(v: Any, default: Any) -> Any:
        if isinstance(v, list) and v and not isinstance(v[0], dict):
            return v[0]
        return default

    det = dict(detail)
    source = first(pattern.get("source"), "iacqa.test")
    if source == "aws.s3":
        det = {**s3_detail(pattern), **{k: v for k, v in det.items() if k not in ("bucket", "object")}}
    for k, v in (pattern.get("detail") or {}).items():
        val = first(v, None)
        if val is not None:
            det[k] = val
        elif isinstance(v, dict) and source == "aws.s3" and isinstance(det.get(k), dict):
            continue  # s3_detail already followed the pattern's bucket/object filters
        elif isinstance(v, dict):
            det.setdefault(k, {kk: first(vv, "x") for kk, vv in v.items()})
    return {"version": "0", "id": _rid(), "detail-type": first(pattern.get("detail-type"), "iacqa.test"),
            "source": first(pattern.get("source"), "iacqa.test"), "account": ACCOUNT,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "region": REGION, "resources": [],
            "detail": det}


def s3_detail(pattern: dict[str, Any]) -> dict[str, Any]:
    """The `detail` of an S3 "Object Created" event delivered by EventBridge, as S3 sends it (handlers read
    `detail["bucket"]["name"]` and `detail["object"]["key"]`), following the rule's bucket name and key
    prefix/suffix filters."""
    pd = pattern.get("detail") or {}
    bucket_f = (pd.get("bucket") or {}).get("name") if isinstance(pd.get("bucket"), dict) else None
    bucket = next((b for b in bucket_f or [] if isinstance(b, str)), "iacqa-bucket")
    key_f = (pd.get("object") or {}).get("key") if isinstance(pd.get("object"), dict) else None
    prefix, suffix = "uploads/", ".json"
    for f in key_f or []:
        if isinstance(f, str):
            prefix, suffix = f, ""
        elif isinstance(f, dict):
            prefix = f.get("prefix", prefix) if isinstance(f.get("prefix"), str) else prefix
            suffix = f.get("suffix", suffix) if isinstance(f.get("suffix"), str) else suffix
    key = prefix if not suffix and key_f and isinstance(key_f[0], str) else f"{prefix}sample-0001{suffix}"
    return {"version": "0", "bucket": {"name": bucket},
            "object": {"key": key, "size": 1024, "etag": "d41d8cd98f00b204e9800998ecf8427e",
                       "sequencer": "0062E99A88DC407460"},
            "request-id": _rid(), "requester": ACCOUNT, "source-ip-address": "203.0.113.10",
            "reason": "PutObject"}


def _ddb_value(v: Any) -> dict[str, Any]:
    if isinstance(v, bool):
        return {"BOOL": v}
    if isinstance(v, (int, float)):
        return {"N": str(v)}
    if isinstance(v, dict):
        return {"M": {k: _ddb_value(x) for k, x in v.items()}}
    if isinstance(v, list):
        return {"L": [_ddb_value(x) for x in v]}
    if v is None:
        return {"NULL": True}
    return {"S": str(v)}


def ddb_stream_synthetic(table: Resource, stream_arn: str, item: dict[str, Any]) -> dict[str, Any]:
    """A stream INSERT record for an item of `table` (keys filled from the key schema)."""
    item = dict(item)
    types = {a.get("AttributeName"): a.get("AttributeType") for a in table.get("AttributeDefinitions") or []}
    keys = {}
    for ks in table.get("KeySchema") or []:
        name = ks.get("AttributeName")
        if name not in item:
            item[name] = 1700000000 if types.get(name) == "N" else f"{name}-0001"
        keys[name] = _ddb_value(item[name])
    view = table.get("StreamSpecification.StreamViewType") or "NEW_AND_OLD_IMAGES"
    rec = {"Keys": keys, "SequenceNumber": "111", "SizeBytes": 128, "StreamViewType": view,
           "ApproximateCreationDateTime": int(time.time())}
    if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        rec["NewImage"] = {k: _ddb_value(v) for k, v in item.items()}
    return {"Records": [{"eventID": _rid().replace("-", ""), "eventName": "INSERT", "eventVersion": "1.1",
                         "eventSource": "aws:dynamodb", "awsRegion": REGION, "dynamodb": rec,
                         "eventSourceARN": stream_arn}]}


def ddb_stream_records(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """Real records from the emulator's stream, in the shape Lambda delivers."""
    out = []
    for r in records:
        rec = dict(r)
        rec["eventSourceARN"] = stream_arn
        rec.setdefault("awsRegion", REGION)
        dyn = dict(rec.get("dynamodb") or {})
        ts = dyn.get("ApproximateCreationDateTime")
        if ts is not None and not isinstance(ts, (int, float)):
            dyn["ApproximateCreationDateTime"] = int(ts.timestamp()) if hasattr(ts, "timestamp") else ts
        rec["dynamodb"] = dyn
        out.append(rec)
    return {"Records": out}


def kinesis(stream_arn: str, payloads: list[str]) -> dict[str, Any]:
    return {"Records": [{"kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "pk-1",
                                     "sequenceNumber": f"4959{i:020d}",
                                     "data": base64.b64encode(p.encode()).decode(),
                                     "approximateArrivalTimestamp": time.time()},
                         "eventSource": "aws:kinesis", "eventVersion": "1.0", "eventID": f"shardId-000:{i}",
                         "eventName": "aws:kinesis:record", "invokeIdentityArn": "arn:aws:iam::123456789012:role/x",
                         "awsRegion": REGION, "eventSourceARN": stream_arn} for i, p in enumerate(payloads)]}
