"""Drive the emulated deployment: fire each entry trigger, run the handler, deliver what it produced, repeat.

An entry trigger is what the outside world does (an API request, a schedule firing, an object uploaded, a direct
invoke). After each handler run, what it produced is delivered for a bounded number of hops: messages on queues
with an event source mapping become the consumer's SQS batch (received from the emulator, so they are the real
bodies), items written to a table with a stream become stream records (read from the emulator's stream),
publishes to topics with Lambda subscriptions become SNS events, objects put into buckets with notifications
become S3 events, `lambda.invoke` calls run the target, and destinations / DLQs of asynchronous invocations
receive their records. Functions that no flow reached run once on a synthetic event of their trigger.

Every run is one hop of the trace (JSON-able dicts); findings are collected by `Emulation.findings`.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.emulate import events as ev
from iacqa.emulate import fixes as fx
from iacqa.emulate.deploy import Deployment, FunctionSpec
from iacqa.emulate.runner import invoke, lambda_env
from iacqa.model import Finding, Options, ResourceGraph

ENTRY_ORDER = {"api-rest": 0, "api-http": 0, "url": 0, "authorizer": 0, "s3": 1, "eventbridge": 2, "direct": 3,
               "schedule": 4}
DOWNSTREAM = ("sqs", "ddb-stream", "kinesis", "sns")
ASYNC = ("sns", "s3", "eventbridge", "schedule")


@dataclass
class Delivery:
    trigger: ev.Trigger
    event: Any
    depth: int = 0
    cause: str | None = None  # hop id that produced it
    revealed_by: str | None = None  # fingerprint: the delivery exists only under an assumed fix
    variant: str = "valid"


@dataclass
class Emulation:
    graph: ResourceGraph
    dep: Deployment
    backend: Any
    prompt: str | None = None
    options: Options = field(default_factory=Options)
    root: Path | None = None  # the project directory, to read source lines for locations
    trace: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ran: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    _iters: dict[str, str] = field(default_factory=dict)  # table rid -> shard iterator
    _payloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    _seen_findings: set[str] = field(default_factory=set)
    perms_cache: dict[str, Any] = field(default_factory=dict)
    _attempts: dict[int, tuple[list[dict[str, Any]], str | None]] = field(default_factory=dict)
    _base_rss: float = 0.0

    # -- setup ------------------------------------------------------------------------------------------------
    def __post_init__(self) -> None:
        self.triggers = ev.triggers(self.graph)
        self.options = Options.of(self.options)
        self.max_runs = int(self.options.emulate_max_runs)
        self.max_depth = int(self.options.emulate_max_hops)
        self.timeout_cap = float(self.options.handler_timeout)
        try:
            import psutil

            self._base_rss = psutil.Process().memory_info().rss / 2**20
        except ImportError:
            self._base_rss = 200.0
        self._stream_start()

    def _stream_start(self) -> None:
        client = None
        for t in self.triggers:
            if t.kind != "ddb-stream" or t.source not in self.dep.streams or t.source in self._iters:
                continue
            client = client or self.backend.client("dynamodbstreams")
            arn = self.dep.streams[t.source]
            try:
                shards = client.describe_stream(StreamArn=arn)["StreamDescription"].get("Shards", [])
                if shards:
                    self._iters[t.source] = client.get_shard_iterator(
                        StreamArn=arn, ShardId=shards[0]["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            except Exception as exc:  # noqa: BLE001
                self.notes.append(f"stream of {t.source} not readable in the emulator: {exc}")

    def sources(self, spec: FunctionSpec) -> dict[str, str]:
        from iacqa.emulate.checks import reachable

        return reachable(spec.artifact.files, spec.handler) if spec.artifact else {}

    def payload(self, spec: FunctionSpec) -> dict[str, Any]:
        if spec.rid not in self._payloads:
            self._payloads[spec.rid] = ev.payload(self.sources(spec), self.prompt)
        return self._payloads[spec.rid]

    # -- events -----------------------------------------------------------------------------------------------
    def entry_event(self, t: ev.Trigger, variant: str = "valid") -> Any:
        spec = self.dep.functions[t.function]
        body: Any = self.payload(spec)
        if variant == "empty":
            body = {}
        d = t.detail
        if t.kind in ("api-rest", "api-http", "url"):
            text = json.dumps(body)
            files = self.sources(spec)
            hints = ev.handler_keys(files)
            headers = ev.signature_headers(files, hints, text, self._secrets_for(spec))
            if d.get("method") in ("GET", "DELETE", "HEAD", "OPTIONS"):
                text = None
            if t.kind == "api-rest" or (t.kind == "api-http" and d.get("format") == "1.0"):
                e = ev.api_rest(d.get("method", "POST"), d.get("path", "/"), text, headers)
                if d.get("method") == "GET":
                    e["queryStringParameters"] = {k: str(v) for k, v in body.items()
                                                  if not isinstance(v, (dict, list))} or None
                return e
            return ev.api_http(d.get("method", "POST"), d.get("path", "/"), text, headers, d.get("route_key"))
        if t.kind == "schedule":
            if d.get("input"):
                try:
                    return json.loads(d["input"])
                except (TypeError, ValueError):
                    pass
            rule = self.graph.resources.get(t.source or "")
            arn = self.dep.real(rule.outputs.get("Arn")) if rule else "arn:aws:events:us-east-1:123456789012:rule/x"
            return ev.schedule(arn)
        if t.kind == "authorizer":
            files = self.sources(spec)
            hdrs = {h: "iacqa-test" for h in ev.handler_keys(files)["headers"]}
            return ev.authorizer(d.get("type", "TOKEN"), bool(d.get("v2")), d.get("format", "1.0"), hdrs)
        if t.kind == "eventbridge":
            return ev.eventbridge(d.get("pattern") or {}, body)
        if t.kind == "s3":
            return self._s3_event(t, body)
        if t.kind in ("sqs", "sns") and d.get("s3"):
            # the queue/topic is a bucket's notification destination: its messages are S3 event notifications
            body = self._s3_event(ev.Trigger("s3", t.function, d["s3"].get("bucket"), d["s3"]), body)
        if t.kind == "sqs":
            arn = self.dep.queue_arns.get(t.source or "", "")
            return ev.sqs(arn, [json.dumps(body)], fifo=arn.endswith(".fifo"))
        if t.kind == "sns":
            topic = self.dep.topics.get(t.source or "", "arn:aws:sns:us-east-1:123456789012:topic")
            subject = "Amazon S3 Notification" if d.get("s3") else "iacqa test"
            return ev.sns(topic, json.dumps(body), subject)
        if t.kind == "ddb-stream":
            table = self.graph.resources[t.source]
            return ev.ddb_stream_synthetic(table, self.dep.streams.get(t.source, ""), body)
        if t.kind == "kinesis":
            res = self.graph.resources.get(t.source or "")
            return ev.kinesis(self.dep.real(res.outputs.get("Arn")) if res else "", [json.dumps(body)])
        return body

    def _secrets_for(self, spec: FunctionSpec) -> list[str]:
        out = []
        for k, v in spec.env.items():
            if v in self.dep.secret_values:
                val = self.dep.secret_values[v]
                try:
                    parsed = json.loads(val)
                    if isinstance(parsed, dict) and len(parsed) == 1:
                        val = str(next(iter(parsed.values())))
                except ValueError:
                    pass
                out.append(val)
            elif re.search(r"SECRET|SIGNING|HMAC", k) and v and not v.startswith("arn:"):
                out.append(v)
        if not out and len(self.dep.secret_values) == 2:  # one secret, by ARN and by name
            out.append(next(iter(self.dep.secret_values.values())))
        return out

    def _s3_event(self, t: ev.Trigger, body: dict[str, Any]) -> Any:
        bucket = self.dep.buckets.get(t.source or "", "bucket")
        suffix = t.detail.get("suffix") or ".json"
        key = f"{t.detail.get('prefix') or 'uploads/'}iacqa-test{suffix}"
        if suffix.endswith(".csv"):
            data = b"id,amount,description\nitem-1,150.75,first\nitem-2,20,second\n"
        elif re.search(r"\.(jpe?g|png|gif)$", suffix):
            data = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        else:
            data = json.dumps(body).encode()
        try:
            self.backend.client("s3").put_object(Bucket=bucket, Key=key, Body=data)
        except Exception as exc:  # noqa: BLE001
            self.notes.append(f"could not upload the test object to {bucket}: {exc}")
        return ev.s3(bucket, key, len(data), t.detail.get("event") or "ObjectCreated:Put")

    # -- running ----------------------------------------------------------------------------------------------
    def run(self) -> None:
        entries = sorted((t for t in self.triggers if t.kind not in DOWNSTREAM),
                         key=lambda t: ENTRY_ORDER.get(t.kind, 9))
        for t in entries:
            if t.function not in self.dep.functions:
                continue
            self.deliver(Delivery(t, self.entry_event(t)))
        for t in self.triggers:
            if t.kind in DOWNSTREAM and t.function not in self.ran and t.function in self.dep.functions:
                self.deliver(Delivery(t, self.entry_event(t)))
        for t in entries:  # a request with no fields at all must be answered, not crash
            if t.kind in ("api-rest", "api-http", "url") and t.function in self.dep.functions \
                    and self.payload(self.dep.functions[t.function]):
                if len(self.trace) < self.max_runs:
                    self.run_one(Delivery(t, self.entry_event(t, "empty"), variant="empty"))

    def deliver(self, first: Delivery) -> None:
        queue = [first]
        while queue and len(self.trace) < self.max_runs:
            d = queue.pop(0)
            hop = self.run_one(d)
            if d.depth + 1 <= self.max_depth:
                queue.extend(self.produced(hop, d))
        if queue:
            self.notes.append(f"flow stopped after {self.max_runs} runs / {self.max_depth} hops; "
                              f"{len(queue)} deliveries not made")

    def run_one(self, d: Delivery) -> dict[str, Any]:
        spec = self.dep.functions[d.trigger.function]
        hop: dict[str, Any] = {"hop": len(self.trace) + 1, "function": spec.rid, "trigger": d.trigger.label(),
                               "kind": d.trigger.kind, "variant": d.variant, "depth": d.depth, "cause": d.cause,
                               "event": _summary(d.event)}
        self.ran.add(spec.rid)
        from iacqa.emulate import node_runner  # Node.js handlers: the same record, run by node

        is_node = node_runner.supported(str(spec.runtime))
        if spec.code_dir is None or not (str(spec.runtime).startswith("python") or is_node):
            hop.update(status="unchecked", detail=("no code" if spec.code_dir is None else
                                                   f"runtime {spec.runtime or '?'} is not run by iacqa yet"))
            self.trace.append(hop)
            return hop
        if is_node:
            attempts = [node_runner.invoke(spec, d.event, self.backend.url, lambda_env(spec, str(spec.code_dir)),
                                           timeout_cap=self.timeout_cap)]
        else:
            attempts = fx.run_with_fixes(lambda fixes: invoke(spec, d.event, self.backend.url, fixes,
                                                              timeout_cap=self.timeout_cap,
                                                              base_rss_mb=self._base_rss))
        found = fx.findings_for(self, spec, d, attempts)
        if is_node:
            found = node_runner.adjust_findings(self, spec, attempts, found)
        for f in found:
            if f.fingerprint not in self._seen_findings:
                self._seen_findings.add(f.fingerprint)
                self.findings.append(f)
        last = attempts[-1]
        hop.update(status=attempts[0]["status"], seconds=round(sum(a["seconds"] for a in attempts), 3),
                   calls=[_call_summary(c) for c in last["calls"]][:30],
                   attempts=[{"fixes": a["fixes"], "status": a["status"],
                              "error": _error_text(a)} for a in attempts])
        if len(attempts) > 1:
            hop["status_assuming_fixes"] = last["status"]
        if "result" in last:
            hop["result"] = _summary(last["result"])
        if found:
            hop["findings"] = [f.fingerprint for f in found]
        self.trace.append(hop)
        self._attempts[hop["hop"]] = (attempts, found[0].fingerprint if len(attempts) > 1 and found
                                      else d.revealed_by)
        return hop

    # -- what a run produced --------------------------------------------------------------------------------
    def produced(self, hop: dict[str, Any], d: Delivery) -> list[Delivery]:
        attempts, revealed = self._attempts.pop(hop["hop"], (None, None))
        if not attempts:
            return []
        last = attempts[-1]
        out: list[Delivery] = []
        hid = f"hop{hop['hop']}"

        def add(t: ev.Trigger, event: Any) -> None:
            out.append(Delivery(t, event, d.depth + 1, hid, revealed))

        calls = [c for c in last["calls"] if not c.get("error")]
        for c in calls:
            p = c.get("params", {})
            if c["operation"] in ("Publish", "PublishBatch"):
                topic_rid = self._rid_of(p.get("TopicArn") or p.get("TargetArn"), self.dep.topics)
                entries = p.get("PublishBatchRequestEntries") or [{"Message": p.get("Message"),
                                                                    "Subject": p.get("Subject")}]
                for t in self._downstream("sns", topic_rid):
                    for e in entries:
                        add(t, ev.sns(self.dep.topics[topic_rid], str(e.get("Message")), e.get("Subject")))
            elif c["operation"] in ("PutObject", "CopyObject", "UploadPart", "CompleteMultipartUpload"):
                bucket_rid = self._rid_of(p.get("Bucket"), self.dep.buckets)
                key = str(p.get("Key") or "")
                for t in self._downstream("s3", bucket_rid):
                    if key.startswith(t.detail.get("prefix") or "") and key.endswith(t.detail.get("suffix") or ""):
                        add(t, ev.s3(self.dep.buckets[bucket_rid], key, 100))
                for t in self.triggers:  # queues/topics the bucket notifies, consumed by a function
                    s3 = t.detail.get("s3") or {}
                    if t.kind in ("sqs", "sns") and bucket_rid and s3.get("bucket") == bucket_rid \
                            and t.function in self.dep.functions and key.startswith(s3.get("prefix") or "") \
                            and key.endswith(s3.get("suffix") or ""):
                        note = json.dumps(ev.s3(self.dep.buckets[bucket_rid], key, 100))
                        if t.kind == "sqs":
                            arn = self.dep.queue_arns.get(t.source or "", "")
                            add(t, ev.sqs(arn, [note], fifo=arn.endswith(".fifo")))
                        else:
                            add(t, ev.sns(self.dep.topics.get(t.source or "", ""), note, "Amazon S3 Notification"))
            elif c["operation"] == "PutEvents":
                for entry in p.get("Entries") or []:
                    for t in self.triggers:
                        if t.kind == "eventbridge" and _matches(t.detail.get("pattern") or {}, entry):
                            try:
                                detail = json.loads(entry.get("Detail") or "{}")
                            except (TypeError, ValueError):
                                detail = {}
                            add(t, {"version": "0", "id": "iacqa", "detail-type": entry.get("DetailType"),
                                    "source": entry.get("Source"), "account": ev.ACCOUNT, "region": ev.REGION,
                                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                    "resources": entry.get("Resources") or [], "detail": detail})
            elif c["operation"] == "Invoke":
                target = self._function_named(p.get("FunctionName"))
                if target is not None:
                    try:
                        payload = json.loads(p.get("Payload") or "{}")
                    except (TypeError, ValueError):
                        payload = {}
                    add(ev.Trigger("direct", target.rid, detail={"via": "lambda.invoke"}), payload)
        # Queues and streams: read what is really there now.
        for t in self.triggers:
            if t.kind == "sqs" and t.source in self.dep.queues:
                msgs = self._drain(self.dep.queues[t.source], int(t.detail.get("batch_size") or 10))
                if msgs:
                    arn = self.dep.queue_arns[t.source]
                    add(t, ev.sqs(arn, [m["Body"] for m in msgs], fifo=arn.endswith(".fifo")))
            elif t.kind == "ddb-stream" and t.source in self._iters:
                recs = self._stream_records(t.source)
                if recs:
                    add(t, ev.ddb_stream_records(recs, self.dep.streams[t.source]))
        out.extend(self._destinations(d, last, hid, revealed))
        return out

    def _destinations(self, d: Delivery, last: dict[str, Any], hid: str, revealed: str | None) -> list[Delivery]:
        """Async invocations: on failure the DLQ / OnFailure destination, on success OnSuccess."""
        if d.trigger.kind not in ASYNC:
            return []
        spec = self.dep.functions[d.trigger.function]
        failed = last["status"] != "ok"
        fn_res = self.graph.resources[spec.rid]
        targets = []
        for cfg in self.graph.of_type("AWS::Lambda::EventInvokeConfig"):
            if self.graph.function_for(cfg.get("FunctionName")) is fn_res:
                dest = cfg.get("DestinationConfig.OnFailure.Destination" if failed else
                               "DestinationConfig.OnSuccess.Destination")
                if dest:
                    targets.append(dest)
        if failed and fn_res.get("DeadLetterConfig.TargetArn"):
            targets.append(fn_res.get("DeadLetterConfig.TargetArn"))
        out: list[Delivery] = []
        record = {"version": "1.0", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                  "requestContext": {"functionArn": spec.arn + ":$LATEST",
                                     "condition": "RetriesExhausted" if failed else "Success",
                                     "approximateInvokeCount": 3 if failed else 1},
                  "requestPayload": d.event,
                  "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                                      **({"functionError": "Unhandled"} if failed else {})},
                  "responsePayload": ({"errorMessage": _error_text(last)} if failed else last.get("result"))}
        for dest in targets:
            res = self.graph.resolve_resource(dest)
            if res is None:
                continue
            try:
                if res.type == "AWS::SQS::Queue" and res.id in self.dep.queues:
                    body = json.dumps(d.event if dest == fn_res.get("DeadLetterConfig.TargetArn") else record,
                                      default=str)
                    kwargs: dict[str, Any] = {"QueueUrl": self.dep.queues[res.id], "MessageBody": body}
                    if self.dep.queues[res.id].endswith(".fifo"):
                        kwargs.update(MessageGroupId="iacqa", MessageDeduplicationId=str(time.time_ns()))
                    self.backend.client("sqs").send_message(**kwargs)
                    self.trace[-1].setdefault("delivered", []).append(f"{'failure' if failed else 'success'} "
                                                                      f"record -> queue {res.id}")
                elif res.type == "AWS::SNS::Topic" and res.id in self.dep.topics:
                    self.backend.client("sns").publish(TopicArn=self.dep.topics[res.id],
                                                       Message=json.dumps(record, default=str))
                    for t in self._downstream("sns", res.id):
                        out.append(Delivery(t, ev.sns(self.dep.topics[res.id], json.dumps(record, default=str)),
                                            d.depth + 1, hid, revealed))
                elif res.type == "AWS::Lambda::Function" and res.id in self.dep.functions:
                    out.append(Delivery(ev.Trigger("direct", res.id, detail={"via": "destination"}),
                                        record, d.depth + 1, hid, revealed))
            except Exception as exc:  # noqa: BLE001
                self.notes.append(f"destination {res.id} not delivered: {exc}")
        # Messages the destination put on queues with consumers are picked up by the next produced() pass.
        return out

    def _downstream(self, kind: str, source: str | None) -> list[ev.Trigger]:
        return [t for t in self.triggers if t.kind == kind and source and t.source == source
                and t.function in self.dep.functions]

    def _rid_of(self, value: Any, table: dict[str, str]) -> str | None:
        if not isinstance(value, str):
            return None
        for rid, real in table.items():
            if value == real or value == rid:
                return rid
        res = self.graph.resolve_resource(self.dep.synthetic(value))
        return res.id if res is not None and res.id in table else None

    def _function_named(self, ref: Any) -> FunctionSpec | None:
        if not isinstance(ref, str):
            return None
        for spec in self.dep.functions.values():
            if ref in (spec.name, spec.arn) or ref.startswith(spec.arn + ":"):
                return spec
        return None

    def _drain(self, url: str, batch: int) -> list[dict[str, Any]]:
        sqs = self.backend.client("sqs")
        msgs: list[dict[str, Any]] = []
        while len(msgs) < batch:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(10, batch - len(msgs)),
                                      WaitTimeSeconds=0).get("Messages", [])
            if not got:
                break
            msgs.extend(got)
            for m in got:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return msgs

    def _stream_records(self, table_rid: str) -> list[dict[str, Any]]:
        client = self.backend.client("dynamodbstreams")
        it = self._iters.get(table_rid)
        if not it:
            return []
        try:
            out = client.get_records(ShardIterator=it)
        except Exception as exc:  # noqa: BLE001
            self.notes.append(f"stream of {table_rid} not readable: {exc}")
            self._iters.pop(table_rid, None)
            return []
        self._iters[table_rid] = out.get("NextShardIterator") or it
        return out.get("Records", [])


def _matches(pattern: dict[str, Any], entry: dict[str, Any]) -> bool:
    for key, field_ in (("source", "Source"), ("detail-type", "DetailType")):
        want = pattern.get(key)
        if isinstance(want, list) and entry.get(field_) not in want:
            return False
    return True


def _summary(value: Any, limit: int = 600) -> Any:
    text = json.dumps(value, default=str)
    if len(text) <= limit:
        return value
    return text[:limit] + "..."


def _call_summary(c: dict[str, Any]) -> str:
    p = c.get("params", {})
    target = next((str(p[k]) for k in ("TableName", "QueueUrl", "TopicArn", "Bucket", "FunctionName", "SecretId",
                                      "Name", "StateMachineArn", "KeyId", "EventBusName") if k in p), "")
    err = f" -> {c['error'][:120]}" if c.get("error") else ""
    return f"{c['prefix']}:{c['operation']} {target}{err}".strip()


def _error_text(attempt: dict[str, Any]) -> str | None:
    f = attempt.get("failure")
    if not f:
        return None
    if attempt["status"] == "import-error":
        return f"Runtime.ImportModuleError: {f.get('message')}"
    if attempt["status"] == "handler-missing":
        return f"Runtime.HandlerNotFound: Handler '{f.get('function')}' missing on module '{f.get('module')}'"
    return f"{f.get('type')}: {f.get('message')}"
