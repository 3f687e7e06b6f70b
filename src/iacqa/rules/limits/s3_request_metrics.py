"""LIM011: an alarm on an S3 request metric that S3 never publishes (no FilterId, or no metrics configuration)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import is_type, many, prop, unknown_value

# S3 request metrics (CloudWatch namespace AWS/S3, dimensions BucketName and FilterId), published only for a
# bucket's metrics configurations. The daily storage metrics (BucketSizeBytes, NumberOfObjects) need none.
REQUEST_METRICS = frozenset({
    "AllRequests", "GetRequests", "PutRequests", "DeleteRequests", "HeadRequests", "PostRequests",
    "SelectRequests", "SelectBytesScanned", "SelectBytesReturned", "ListRequests", "BytesDownloaded",
    "BytesUploaded", "4xxErrors", "5xxErrors", "FirstByteLatency", "TotalRequestLatency"})
ALARMS = ("AWS::CloudWatch::Alarm",)
BUCKETS = ("AWS::S3::Bucket", "aws_s3_bucket", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
METRIC_CONFIGS = ("aws_s3_bucket_metric", "aws:s3/bucketMetric:BucketMetric")
_REF = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html"


def _key(name: str) -> str:
    """A dimension name compared loosely: the Pulumi graph can hold `bucket_name` for the `BucketName` written."""
    return {"bucketname": "BucketName", "filterid": "FilterId"}.get(name.replace("_", "").lower(), name)


def _dimensions(alarm: Resource) -> dict[str, Any] | None:
    """The alarm's dimensions as name -> value, from the CloudFormation list or the native map."""
    dims = alarm.get("Dimensions")
    if isinstance(dims, list):
        out = {}
        for d in dims:
            if isinstance(d, dict) and isinstance(d.get("Name"), str):
                out[_key(d["Name"])] = d.get("Value")
        return out
    native = alarm.native_properties.get("dimensions")
    if isinstance(native, dict):
        return {_key(str(k)): v for k, v in native.items()}
    return {} if dims is None and native is None else None


def _same(value: Any, bucket: Resource, ctx: RuleContext) -> bool:
    """Whether a bucket reference (name, id, ARN as the front end wrote it) is this bucket."""
    if not isinstance(value, str):
        return False
    hit = ctx.graph.resolve(value)
    if hit is not None:
        return hit[0].id == bucket.id
    names = {bucket.get("BucketName"), bucket.native_properties.get("bucket"), bucket.outputs.get("Name"),
             bucket.outputs.get("Id"), bucket.outputs.get("id")}
    return value in {n for n in names if isinstance(n, str)}


def _filter_ids(bucket: Resource, ctx: RuleContext) -> set[str] | None:
    """The metrics configuration ids of a bucket (on the bucket or as separate resources); None if one is unknown."""
    ids: set[str] = set()
    for cfg in many(bucket.get("MetricsConfigurations")):
        value = cfg.get("Id") if isinstance(cfg, dict) else None
        if not isinstance(value, str) or unknown_value(value):
            return None
        ids.add(value)
    for r in ctx.graph:
        if not is_type(r, METRIC_CONFIGS):
            continue
        target = r.native_properties.get("bucket")
        if unknown_value(target) or not isinstance(target, str):
            return None  # a configuration whose bucket is not known could be this one
        if _same(target, bucket, ctx):
            name = r.native_properties.get("name")
            if not isinstance(name, str) or unknown_value(name):
                return None
            ids.add(name)
    return ids


class S3RequestMetricWithoutConfiguration(Rule):
    """An alarm on an S3 request metric that S3 never publishes for the bucket.

    What it finds: an alarm on namespace `AWS/S3` and a request metric (`AllRequests`, `4xxErrors`, `5xxErrors`,
    `GetRequests`, `FirstByteLatency`, ...) that either has no `FilterId` dimension, or whose `FilterId` names no
    metrics configuration of the bucket in its `BucketName` dimension (`aws_s3_bucket_metric`, Pulumi
    `s3.BucketMetric`, CloudFormation `MetricsConfigurations`). Buckets that are not in the program, and values
    that are not resolved, are not judged.
    Why it breaks: nothing fails at deploy, but S3 publishes request metrics only for a bucket's metrics
    configurations, each under `FilterId` = the configuration's id. The alarm watches a metric that never gets a data
    point: it stays INSUFFICIENT_DATA and never fires (unless missing data is treated as breaching, when it fires
    all the time).
    Bad: `aws.cloudwatch.MetricAlarm("s3-5xx", namespace="AWS/S3", metric_name="5xxErrors",
    dimensions={"BucketName": bucket.bucket, "FilterId": "EntireBucket"}, ...)` with no `BucketMetric` named
    `EntireBucket`.
    Good: `aws.s3.BucketMetric("entire", bucket=bucket.id, name="EntireBucket")` next to the alarm.
    What AWS says: nothing at deploy; at run time the alarm's state is INSUFFICIENT_DATA. The S3 user guide
    (Metrics and dimensions) lists request metrics with the dimensions BucketName and FilterId, FilterId being the
    id of a request-metrics configuration of the bucket; without one, S3 publishes no request metric.
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html ,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-request-metrics-bucket.html
    """

    id = "LIM011"
    category = Category.WIRING
    severity = Severity.MEDIUM
    title = "alarm on an S3 request metric the bucket does not publish"
    resource_types = ALARMS
    docs_url = _REF

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        buckets = [r for r in ctx.graph if is_type(r, BUCKETS)]
        for alarm in ctx.graph.of_type(*ALARMS):
            namespace, _ = prop(alarm, "Namespace", "namespace")
            metric, metric_path = prop(alarm, "MetricName", "metric_name")
            if namespace != "AWS/S3" or metric not in REQUEST_METRICS:
                continue
            dims = _dimensions(alarm)
            if dims is None or unknown_value(dims):
                continue
            bucket_ref = dims.get("BucketName")
            bucket = next((b for b in buckets if _same(bucket_ref, b, ctx)), None)
            filter_id = dims.get("FilterId")
            if filter_id is None:
                if bucket_ref is None:
                    continue
                yield self.finding(
                    f"alarm {alarm.id} watches AWS/S3 {metric} without a FilterId dimension: S3 publishes request "
                    "metrics only per metrics configuration (FilterId), so this metric never has data",
                    resource=alarm, attribute="Dimensions",
                    error="nothing at deploy; at run time the alarm stays INSUFFICIENT_DATA (no data points)",
                    fix="add a metrics configuration to the bucket (aws_s3_bucket_metric / s3.BucketMetric, name "
                    "\"EntireBucket\") and the dimension FilterId = \"EntireBucket\" to the alarm",
                    metric=metric)
                continue
            if bucket is None or not isinstance(filter_id, str) or unknown_value(filter_id):
                continue
            ids = _filter_ids(bucket, ctx)
            if ids is None or filter_id in ids:
                continue
            yield self.finding(
                f"alarm {alarm.id} watches AWS/S3 {metric} with FilterId {filter_id!r}, but bucket {bucket.id} has "
                f"no metrics configuration {filter_id!r}"
                + (f" (it has: {', '.join(sorted(ids))})" if ids else " (it has none)")
                + ": S3 never publishes the metric and the alarm stays INSUFFICIENT_DATA",
                resource=alarm, attribute="Dimensions" if alarm.has("Dimensions") else metric_path,
                error="nothing at deploy; at run time the alarm stays INSUFFICIENT_DATA (no data points)",
                fix=f"add a metrics configuration named {filter_id!r} to {bucket.id} (Terraform aws_s3_bucket_metric, "
                f"Pulumi s3.BucketMetric, CloudFormation MetricsConfigurations: [{{Id: {filter_id}}}])",
                metric=metric, filter_id=filter_id)
