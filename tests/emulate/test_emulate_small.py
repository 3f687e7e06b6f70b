"""The emulator on small graphs built by hand (no IaC front end): each runtime finding id, the flows, loopback only."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iacqa.model import CodeArtifact, Location, Resource, ResourceGraph

pytest.importorskip("moto")

ACCT, REGION = "123456789012", "us-east-1"
IAC = "lib/stack.py"


def _fn(graph: ResourceGraph, name: str, code: dict[str, str] | None, *, handler: str = "index.handler",
        env: dict[str, str] | None = None, role: str | None = None, timeout: int = 10, line: int = 1,
        kind: str = "inline", source_path: str | None = None) -> Resource:
    arn = f"arn:aws:lambda:{REGION}:{ACCT}:function:{name}"
    r = graph.add(Resource(id=name, type="AWS::Lambda::Function", native_type="aws:lambda/function:Function",
                           properties={"FunctionName": name, "Runtime": "python3.12", "Handler": handler,
                                       "Role": role or f"arn:aws:iam::{ACCT}:role/{name}-role", "Timeout": timeout,
                                       "MemorySize": 256, "Environment": {"Variables": env or {}}},
                           location=Location(IAC, line), outputs={"Arn": arn, "Name": name}))
    art = CodeArtifact(resource=name, kind=kind, source_path=source_path)
    for path, text in (code or {}).items():
        art.files[path] = text
        art.origin[path] = Location(f"lib/{name}/{path}", 1)
    graph.code[name] = art
    return r


def _role(graph: ResourceGraph, name: str, statements: list[dict]) -> str:
    arn = f"arn:aws:iam::{ACCT}:role/{name}"
    graph.add(Resource(id=name, type="AWS::IAM::Role", native_type="aws:iam/role:Role",
                       properties={"RoleName": name, "AssumeRolePolicyDocument": {"Version": "2012-10-17",
                                   "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Principal": {"Service": "lambda.amazonaws.com"}}]},
                                   "Policies": [{"PolicyName": "p", "PolicyDocument": {
                                       "Version": "2012-10-17", "Statement": statements}}]},
                       location=Location(IAC, 5), outputs={"Arn": arn, "Name": name}))
    return arn


WRITER = '''
import json, os
import boto3
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
def handler(event, context):
    body = json.loads(event.get("body") or "{}")
    table.put_item(Item={"pk": body.get("order_id", "x"), "note": body.get("note", "n")})
    return {"statusCode": 201, "body": json.dumps({"ok": True})}
'''
STREAM_READER = '''
import json, os
import boto3
sns = boto3.client("sns")
def handler(event, context):
    for rec in event["Records"]:
        pk = rec["dynamodb"]["NewImage"]["pk"]["S"]
        sns.publish(TopicArn=os.environ["TOPIC"], Message=json.dumps({"pk": pk}))
    return {"n": len(event["Records"])}
'''
SNS_READER = '''
import json
def handler(event, context):
    msg = json.loads(event["Records"][0]["Sns"]["Message"])
    return {"pk": msg["pk"]}
'''
SIGNED = '''
import hashlib, hmac, json, os
def handler(event, context):
    sig = event["headers"].get("X-Signature", "")
    want = hmac.new(os.environ["WEBHOOK_SECRET"].encode(), event["body"].encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sig, want):
        return {"statusCode": 401, "body": "bad signature"}
    return {"statusCode": 200, "body": json.dumps({"amount": json.loads(event["body"]).get("amount")})}
'''


@pytest.fixture(scope="module")
def flow_result(tmp_path_factory: pytest.TempPathFactory):
    from iacqa.emulate import run

    root = tmp_path_factory.mktemp("proj")
    g = ResourceGraph(platform="test")
    table_arn = f"arn:aws:dynamodb:{REGION}:{ACCT}:table/orders"
    g.add(Resource(id="orders", type="AWS::DynamoDB::Table", native_type="aws:dynamodb/table:Table",
                   properties={"TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
                               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                               "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                               "StreamSpecification": {"StreamViewType": "NEW_IMAGE"}},
                   outputs={"Arn": table_arn, "Name": "orders", "StreamArn": f"{table_arn}/stream/2026"}))
    topic_arn = f"arn:aws:sns:{REGION}:{ACCT}:events"
    g.add(Resource(id="events", type="AWS::SNS::Topic", native_type="aws:sns/topic:Topic",
                   properties={"TopicName": "events"}, outputs={"Arn": topic_arn, "Name": "events"}))
    writer_role = _role(g, "writer-role", [{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": table_arn}])
    reader_role = _role(g, "reader-role", [{"Effect": "Allow", "Action": "dynamodb:GetRecords", "Resource": "*"}])
    _fn(g, "writer", {"index.py": WRITER}, env={"TABLE": "orders"}, role=writer_role)
    _fn(g, "stream-reader", {"index.py": STREAM_READER}, env={"TOPIC": topic_arn}, role=reader_role)
    _fn(g, "sns-reader", {"index.py": SNS_READER})
    _fn(g, "signed", {"index.py": SIGNED}, env={"WEBHOOK_SECRET": "s3cr3t"})
    _fn(g, "no-handler", {"index.py": "def main(event, context):\n    return 1\n"})
    _fn(g, "needs-requests", {"index.py": "import requests\n\ndef handler(event, context):\n    return 1\n"})
    _fn(g, "env-missing", {"index.py": "import os\nNAME = os.environ['BUCKET_NAME']\n\n"
                                       "def handler(event, context):\n    return NAME\n"}, env={"BUCKET": "b"})
    _fn(g, "slow", {"index.py": "import time\n\ndef handler(event, context):\n    time.sleep(30)\n"}, timeout=1)
    _fn(g, "no-code", {}, kind="missing", source_path="./lib/lambda/missing")
    # Egress is tried against a listener of this test process on loopback, outside the sandbox: never a real host.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    _fn(g, "egress", {"index.py": "import urllib.request\n\ndef handler(event, context):\n"
                                  f"    return urllib.request.urlopen('http://127.0.0.1:{port}', timeout=3).status\n"})
    for i, (fn, rt) in enumerate([("writer", "POST /orders"), ("signed", "POST /hook")]):
        g.add(Resource(id=f"integ-{fn}", type="AWS::ApiGateway::Integration",
                       native_type="aws:apigateway/integration:Integration",
                       properties={"Type": "AWS_PROXY", "HttpMethod": rt.split()[0], "ResourceId": f"res-{i}",
                                   "Uri": f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
                                          f"arn:aws:lambda:{REGION}:{ACCT}:function:{fn}/invocations"},
                       outputs={"Id": f"integ-{i}"}))
        g.add(Resource(id=f"res-{fn}", type="AWS::ApiGateway::Resource",
                       native_type="aws:apigateway/resource:Resource",
                       properties={"PathPart": rt.split("/")[1], "ParentId": "root"}, outputs={"Id": f"res-{i}"}))
    g.add(Resource(id="esm", type="AWS::Lambda::EventSourceMapping",
                   native_type="aws:lambda/eventSourceMapping:EventSourceMapping",
                   properties={"FunctionName": "stream-reader", "EventSourceArn": f"{table_arn}/stream/2026",
                               "StartingPosition": "LATEST"}))
    g.add(Resource(id="sub", type="AWS::SNS::Subscription", native_type="aws:sns/topicSubscription:TopicSubscription",
                   properties={"TopicArn": topic_arn, "Protocol": "lambda",
                               "Endpoint": f"arn:aws:lambda:{REGION}:{ACCT}:function:sns-reader"}))
    g.outputs = {"table_name": "orders", "topic_arn": topic_arn}
    t0 = time.monotonic()
    res = run(g, root, {"handler_timeout": 5})
    listener.close()
    return res, time.monotonic() - t0


def _by_rule(res, rule: str) -> list:
    return [f for f in res.findings if f.rule == rule]


@pytest.mark.slow
def test_flow_follows_table_stream_and_sns(flow_result) -> None:
    res, _ = flow_result
    assert res.status == "ok", res.detail
    hops = {h["function"]: h for h in res.flows if h["variant"] == "valid"}
    assert hops["writer"]["status"] == "ok" and "dynamodb:PutItem orders" in hops["writer"]["calls"]
    stream = hops["stream-reader"]
    assert stream["kind"] == "ddb-stream" and stream["cause"] == f"hop{hops['writer']['hop']}"
    assert stream["status"] == "ok"
    assert hops["sns-reader"]["cause"] == f"hop{stream['hop']}" and hops["sns-reader"]["result"] == {"pk": "order-id-0001"}
    json.dumps(res.flows)  # the trace is JSON-able
    assert res.outputs["table_name"] == "orders"


@pytest.mark.slow
def test_runtime_finding_ids(flow_result) -> None:
    res, _ = flow_result
    rte003 = _by_rule(res, "RTE003")
    assert [f.resource for f in rte003] == ["no-handler"] and "Runtime.HandlerNotFound" in rte003[0].error
    rte004 = _by_rule(res, "RTE004")
    assert [(f.resource, f.symbol) for f in rte004] == [("needs-requests", "requests")]
    assert rte004[0].file == "lib/needs-requests/index.py" and rte004[0].line == 1
    rte002 = _by_rule(res, "RTE002")
    assert [(f.resource, f.symbol, f.line) for f in rte002] == [("env-missing", "BUCKET_NAME", 2)]
    assert [f.resource for f in _by_rule(res, "RTE006")] == ["slow"]
    assert [f.resource for f in _by_rule(res, "PKG001")] == ["no-code"]


@pytest.mark.slow
def test_iam_gap_named_with_action_and_resource(flow_result) -> None:
    res, _ = flow_result
    prm = _by_rule(res, "PRM101")
    assert [(f.resource, f.symbol) for f in prm] == [("reader-role", "sns:Publish")]
    assert prm[0].extra["resource_arn"] == f"arn:aws:sns:{REGION}:{ACCT}:events"
    assert prm[0].extra["function"] == "stream-reader"


@pytest.mark.slow
def test_signed_webhook_gets_a_valid_signature(flow_result) -> None:
    res, _ = flow_result
    hop = next(h for h in res.flows if h["function"] == "signed" and h["variant"] == "valid")
    assert hop["result"]["statusCode"] == 200, hop
    assert json.loads(hop["result"]["body"])["amount"] == 150.75


@pytest.mark.slow
def test_no_connection_beyond_loopback(flow_result) -> None:
    res, seconds = flow_result
    egress = [f for f in res.findings if f.resource == "egress"]
    assert egress and egress[0].rule == "RTE001"
    assert "iacqa sandbox" in egress[0].error or "refused" in egress[0].error.lower()
    assert seconds < 40


def test_events_payload_from_code_and_prompt() -> None:
    from iacqa.emulate import events as ev

    code = {"index.py": "REQUIRED_FIELDS = ('transaction_id', 'amount')\n"
                        "def handler(e, c):\n    b = e['body']\n    csv_text = b.get('data')\n"
                        "    return b['customer']['tier'], b.get('quantity')\n"}
    body = ev.payload(code, prompt='Example request:\n```json\n{"transaction_id": "t-1", "amount": 99.5}\n```')
    assert body["transaction_id"] == "t-1" and body["amount"] == 99.5  # the prompt's example wins
    assert body["quantity"] == 3 and isinstance(body["data"], str)
    assert ev.payload({"index.py": "def handler(e, c):\n    return e.get('price')\n"})["price"] == 150.75


def test_serve_binds_loopback_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    script = (
        "from pathlib import Path\n"
        "from iacqa.model import Resource, ResourceGraph\n"
        "from iacqa.emulate import serve\n"
        "g = ResourceGraph()\n"
        "g.add(Resource(id='q', type='AWS::SQS::Queue', native_type='aws:sqs/queue:Queue',\n"
        "      properties={'QueueName': 'jobs'}, outputs={'Name': 'jobs',\n"
        "      'Url': 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs'}))\n"
        "g.outputs = {'queue_url': 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs'}\n"
        f"serve(g, Path({str(tmp_path)!r}), {{}})\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    def _terminal_like() -> None:  # the child starts as from a shell: SIGINT neither blocked nor ignored
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=_terminal_like,
                            text=True, env=env)
    lines = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line or not line:
                break
        text = "".join(lines)
        assert "export AWS_ENDPOINT_URL=http://127.0.0.1:" in text, text
        assert "export AWS_ACCESS_KEY_ID=testing" in text
        url = text.split("export AWS_ENDPOINT_URL=")[1].split()[0]
        import boto3

        sqs = boto3.client("sqs", endpoint_url=url, region_name=REGION, aws_access_key_id="testing",
                           aws_secret_access_key="testing")
        assert any(u.endswith("/jobs") for u in sqs.list_queues().get("QueueUrls", []))
        assert json.loads((tmp_path / "cfn-outputs" / "flat-outputs.json").read_text())["queue_url"].endswith("/jobs")
        sqs.close()  # no keep-alive connection left open while the server shuts down
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)  # generous: a loaded CI machine stops moto slowly
        assert "emulator stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()


def test_env_check_reads_only_the_handlers_modules() -> None:
    """Two functions sharing one code directory (corpus Pr7168): each is judged on its own handler's imports."""
    from iacqa.emulate.checks import env_findings, reachable

    files = {"a.py": "import os\nimport util\nX = os.environ['A_ONLY']\ndef handler(e, c):\n    return X\n",
             "b.py": "import os\nY = os.environ['B_ONLY']\ndef handler(e, c):\n    return Y\n",
             "util.py": "import os\nZ = os.environ['SHARED']\n"}
    assert set(reachable(files, "a.handler")) == {"a.py", "util.py"}
    g = ResourceGraph()
    fn = _fn(g, "fa", files, handler="a.handler", env={"A_ONLY": "1"})
    found = env_findings(fn, g.code["fa"], {"A_ONLY": "1"})
    assert [(f.symbol, f.file, f.line) for f in found] == [("SHARED", "lib/fa/util.py", 2)]


def test_s3_event_through_eventbridge_has_the_detail_s3_sends() -> None:
    from iacqa.emulate import events

    pattern = {"source": ["aws.s3"], "detail-type": ["Object Created"],
               "detail": {"bucket": {"name": ["uploads-dev"]}, "object": {"key": [{"prefix": "incoming/"}]}}}
    ev = events.eventbridge(pattern, {})
    assert ev["source"] == "aws.s3" and ev["detail-type"] == "Object Created"
    assert ev["detail"]["bucket"]["name"] == "uploads-dev"
    assert ev["detail"]["object"]["key"].startswith("incoming/")
    assert isinstance(ev["detail"]["object"]["size"], int)
    other = events.eventbridge({"source": ["app.orders"], "detail": {"status": ["NEW"]}}, {})
    assert "object" not in other["detail"] and other["detail"]["status"] == "NEW"


def test_runtime_finding_names_the_failing_call() -> None:
    from iacqa.emulate.fixes import failing_call

    assert failing_call([["index.py", 12, "table.put_item(Item=item)"]]) == "table.put_item"
    assert failing_call([["a.py", 1, "x = 1"], ["index.py", 30, "return json.dumps(body)"]]) == "json.dumps"
    assert failing_call([["index.py", 8, "response = client.send_message("]]) == "client.send_message"
    assert failing_call([["index.py", 9, "amount = body['amount'] * 2"]]) is None
    assert failing_call(None) is None


def test_lambda_authorizer_gets_an_authorizer_event() -> None:
    """A function wired as an API Gateway Lambda authorizer is invoked as API Gateway calls it (a token, or the
    request's headers), not with a business payload; `raise Exception("Unauthorized")` is its documented 401."""
    from iacqa.emulate import events

    g = ResourceGraph(platform="cloudformation")
    fn = _fn(g, "auth", {"index.py": "def handler(event, context):\n    return event['authorizationToken']\n"})
    req = _fn(g, "authreq", {"index.py": "def handler(event, context):\n    return event['headers']\n"})
    uri = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{fn.outputs['Arn']}/invocations"
    g.add(Resource(id="TokenAuth", type="AWS::ApiGateway::Authorizer", native_type="x",
                   properties={"Type": "TOKEN", "AuthorizerUri": uri}, location=Location(IAC, 9)))
    g.add(Resource(id="ReqAuth", type="AWS::ApiGatewayV2::Authorizer", native_type="x",
                   properties={"AuthorizerType": "REQUEST", "AuthorizerPayloadFormatVersion": "2.0",
                               "AuthorizerUri": uri.replace(fn.outputs["Arn"], req.outputs["Arn"])},
                   location=Location(IAC, 12)))
    trig = {t.function: t for t in events.triggers(g)}
    assert trig["auth"].kind == "authorizer" and trig["auth"].detail["type"] == "TOKEN"
    assert trig["authreq"].kind == "authorizer" and trig["authreq"].detail["v2"] is True
    tok = events.authorizer("TOKEN")
    assert tok["authorizationToken"].startswith("Bearer ") and tok["methodArn"].startswith("arn:aws:execute-api:")
    v2 = events.authorizer("REQUEST", v2=True, fmt="2.0", headers={"X-Api-Key": "k"})
    assert v2["version"] == "2.0" and v2["headers"]["x-api-key"] == "k" and v2["identitySource"]
    rest = events.authorizer("REQUEST")
    assert rest["headers"]["Authorization"] and rest["methodArn"] and rest["httpMethod"] == "GET"
