"""WIR001, WIR002: event source mappings that AWS refuses to create."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._refs import as_int, attr_name, is_placeholder, mapping_parts, truthy

SQS_DEFAULT_VISIBILITY = 30
LAMBDA_DEFAULT_TIMEOUT = 3
ESM = "AWS::Lambda::EventSourceMapping"


class VisibilityTimeoutBelowFunctionTimeout(Rule):
    """SQS visibility timeout shorter than the timeout of the function that consumes the queue.

    What it finds: an event source mapping from an SQS queue to a Lambda function where the queue's
    `visibility_timeout_seconds` (default 30) is less than the function's `timeout` (default 3).
    Why it breaks: Lambda refuses to create the mapping: a message could become visible again, and be processed
    twice, while the first invocation is still running. The deploy stops at the mapping.
    Bad: `aws.sqs.Queue("q")` (30 s by default) consumed by `aws.lambda_.Function("f", timeout=60, ...)`.
    Good: `visibility_timeout_seconds=360` (AWS recommends six times the function timeout) with `timeout=60`.
    What AWS says: `InvalidParameterValueException: Queue visibility timeout: 30 seconds is less than Function
    timeout: 60 seconds`
    References: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
    """

    id = "WIR001"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "SQS visibility timeout below the consuming function's timeout"
    resource_types = (ESM,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: set[tuple[str, str]] = set()
        for esm in self.resources(ctx):
            src, fn = mapping_parts(ctx.graph, esm)
            if src is None or src.kind != "sqs" or src.resource is None or fn is None:
                continue
            queue = src.resource
            if (queue.id, fn.id) in seen:
                continue
            seen.add((queue.id, fn.id))
            vt = as_int(queue.get("VisibilityTimeout"), SQS_DEFAULT_VISIBILITY)
            ft = as_int(fn.get("Timeout"), LAMBDA_DEFAULT_TIMEOUT)
            if vt is None or ft is None or vt >= ft:
                continue
            vt_name = attr_name(queue, "VisibilityTimeout")
            ft_name = attr_name(fn, "Timeout")
            vt_txt = f"{vt_name}={vt}" if queue.has("VisibilityTimeout") else f"{vt_name} not set (default {vt})"
            ft_txt = f"{ft_name}={ft}" if fn.has("Timeout") else f"{ft_name} not set (default {ft})"
            msg = (f"queue {queue.id} has {vt_txt} seconds, less than the {ft_txt} seconds of function {fn.id} "
                   f"that consumes it through {esm.id}; Lambda refuses to create the mapping")
            fix = (f"set {vt_name} on queue {queue.id} to at least {ft} (AWS recommends {6 * ft}, six times the "
                   "function timeout)")
            error = (f"InvalidParameterValueException: Queue visibility timeout: {vt} seconds is less than Function "
                     f"timeout: {ft} seconds")
            if queue.has("VisibilityTimeout") or not fn.has("Timeout"):
                yield self.finding(msg, resource=queue, attribute="VisibilityTimeout", error=error, fix=fix,
                                   function=fn.id, mapping=esm.id)
            else:
                yield self.finding(msg, resource=fn, attribute="Timeout", error=error, fix=fix,
                                   queue=queue.id, mapping=esm.id)


def _has_stream(table: Resource) -> bool:
    return (table.has("StreamSpecification") or truthy(table.native_properties.get("stream_enabled"))
            or (bool(table.outputs.get("StreamArn")) and not is_placeholder(table.outputs.get("StreamArn"))))


def _streamless_tables(graph: ResourceGraph) -> list[Resource]:
    return [t for t in graph.of_type("AWS::DynamoDB::Table") if not _has_stream(t)]


_STREAM_REF = re.compile(r"\bstream_arn\b|\bstreamArn\b|\.attr_stream_arn\b|StreamArn")


class StreamSourceMisconfigured(Rule):
    """Event source mapping on a DynamoDB table without a stream, or on a stream without a starting position.

    What it finds:
    - a mapping whose `event_source_arn` is a table's `stream_arn` while the table has no stream
      (`stream_enabled` not set), so the ARN is empty;
    - a mapping whose `event_source_arn` is the table's own ARN instead of its stream ARN;
    - a mapping on a DynamoDB or Kinesis stream without `starting_position` (required for streams);
    - a mapping on an SQS queue with `starting_position` (not valid for queues).
    Why it breaks: Lambda can only poll a stream; the mapping is rejected when it is created.
    Bad: `aws.dynamodb.Table("t", ...)` without `stream_enabled=True`, then
    `aws.lambda_.EventSourceMapping("m", event_source_arn=table.stream_arn, function_name=fn.name)`.
    Good: `stream_enabled=True, stream_view_type="NEW_AND_OLD_IMAGES"` on the table and
    `starting_position="LATEST"` on the mapping.
    What AWS says: `InvalidParameterValueException: StartingPosition is required` (no position);
    `ValidationException: 1 validation error detected: Value '' at 'eventSourceArn' failed to satisfy
    constraint` (the empty stream ARN of a table without a stream);
    `InvalidParameterValueException: Unrecognized event source, must be kinesis, dynamodb stream or sqs.`
    (a table ARN).
    References: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html ,
    https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
    """

    id = "WIR002"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "stream event source misconfigured"
    resource_types = (ESM,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for esm in self.resources(ctx):
            src, _fn = mapping_parts(ctx.graph, esm)
            arn_name = attr_name(esm, "EventSourceArn")
            if src is None:
                yield from self._empty_source(ctx, esm, arn_name)
                continue
            kind = src.kind
            if kind == "dynamodb" and src.resource is not None and src.attr != "StreamArn":
                table = src.resource
                extra = "" if _has_stream(table) else "; the table has no stream either (set stream_enabled=True)"
                yield self.finding(
                    f"{arn_name} of {esm.id} is the ARN of table {table.id}, not of its stream: Lambda reads "
                    f"DynamoDB through the table's stream{extra}", resource=esm, attribute="EventSourceArn",
                    error="InvalidParameterValueException: Unrecognized event source, must be kinesis, dynamodb "
                    "stream or sqs.",
                    fix=f"use the table's stream ARN ({table.id}.stream_arn) with stream_enabled=True and a "
                    "stream_view_type on the table")
                continue
            table = None
            if kind == "dynamodb" and src.resource is None and "/stream/" in src.value:
                table = ctx.graph.resolve_resource(src.value.split("/stream/")[0])
            if table is not None and table.type == "AWS::DynamoDB::Table" and not _has_stream(table):
                yield self.finding(
                    f"{esm.id} reads the stream of table {table.id}, but the table has no stream "
                    "(StreamSpecification / stream_enabled not set)", resource=table,
                    error="InvalidParameterValueException: Stream not found",
                    fix="set stream_enabled=True and stream_view_type='NEW_AND_OLD_IMAGES' on the table")
                continue
            pos_name = attr_name(esm, "StartingPosition")
            if kind in ("dynamodb", "kinesis", "kafka") and not esm.get("StartingPosition"):
                what = "DynamoDB stream" if kind == "dynamodb" else "Kinesis stream" if kind == "kinesis" else "Kafka"
                yield self.finding(
                    f"{esm.id} reads a {what} but sets no {pos_name}; it is required for stream sources",
                    resource=esm, attribute="EventSourceArn",
                    error="InvalidParameterValueException: StartingPosition is required",
                    fix=f"add {pos_name}='LATEST' (or 'TRIM_HORIZON') to the mapping")
            elif kind == "sqs" and esm.get("StartingPosition"):
                yield self.finding(
                    f"{esm.id} reads an SQS queue but sets {pos_name}, which only stream sources accept",
                    resource=esm, attribute="StartingPosition",
                    error="InvalidParameterValueException: StartingPosition is not valid for SQS event sources.",
                    fix=f"remove {pos_name} from the SQS mapping")

    def _empty_source(self, ctx: RuleContext, esm: Resource, arn_name: str) -> Iterator[Finding]:
        """No usable EventSourceArn: under the IaC engine's mocks the stream_arn output of a table without a
        stream comes out empty or as a placeholder (`mock-stream-arn`)."""
        value = esm.get("EventSourceArn")
        if value and not is_placeholder(value):
            return  # a value the graph does not know: an outside resource
        native = "event_source_arn" if "event_source_arn" in esm.attr_locations else arn_name
        loc = esm.attr_locations.get(native) or esm.location
        if native in esm.attr_locations:
            arn_name = native
        stream_like = isinstance(value, str) and "stream" in value
        if not stream_like:
            if not loc.file or not loc.line:
                return
            text = " ".join(ctx.lines(loc.file)[loc.line - 1:loc.line + 1])
            if not _STREAM_REF.search(text):
                return
        tables = _streamless_tables(ctx.graph)
        if not tables:
            return
        names = ", ".join(t.id for t in tables)
        yield self.finding(
            f"{arn_name} of {esm.id} is a table's stream ARN, but no stream is enabled on "
            f"{'table ' if len(tables) == 1 else 'tables '}{names}, so the ARN is empty",
            resource=esm, location=loc,
            error="ValidationException: 1 validation error detected: Value '' at 'eventSourceArn' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)",
            fix="set stream_enabled=True and stream_view_type='NEW_AND_OLD_IMAGES' on the table")
