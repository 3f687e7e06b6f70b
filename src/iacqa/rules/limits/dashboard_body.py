"""LIM010: a CloudWatch dashboard body PutDashboard rejects (widget shape, metric arrays, region, sizes).

Only what the body says for certain is judged: the body must parse as JSON (a template the front end could not
resolve is skipped), and a place holding an unresolved value (a list built from an unknown variable) is not judged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import is_type, prop
from iacqa.rules.wiring._native import unknown_value as _unresolved

TYPES = ("AWS::CloudWatch::Dashboard", "aws_cloudwatch_dashboard", "aws:cloudwatch/dashboard:Dashboard")
# Widget position and size, from the Dashboard Body Structure reference (x 0-23, width 1-24, height 1-1000).
BOUNDS = {"x": (0, 23), "y": (0, None), "width": (1, 24), "height": (1, 1000)}
# Keys that name the metric itself, put in a metric's rendering-options object instead of the array. The options
# object holds rendering properties only (color, label, period, region, stat, visible, yAxis, id, accountId...);
# these are never among them. Only they are judged, so a rendering property this list does not know is never
# called invalid.
MISPLACED = {"dimensions", "Dimensions", "dimension", "namespace", "Namespace", "metricName", "MetricName",
             "metric_name", "metric"}
_REF = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html"


def _body(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict) and "widgets" in value:
        return value  # a front end that kept the object (CloudFormation YAML with a JSON body already parsed)
    if not isinstance(value, str):
        return None
    try:
        body = json.loads(value)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def unknown_value(v: Any) -> bool:
    """A value the front end could not know; None too (a computed attribute some front ends leave empty)."""
    return v is None or _unresolved(v)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _metric_row(row: Any, path: str) -> Iterator[tuple[str, str]]:
    """(dataPath, message) for one entry of a metric widget's `metrics`."""
    if unknown_value(row) and not isinstance(row, list):
        return
    if not isinstance(row, list):
        yield path, "Should be array (a metric is [namespace, metric name, dimension name, dimension value, ..., " \
            "{options}])"
        return
    objects = [i for i, item in enumerate(row) if isinstance(item, dict)]
    for i, item in enumerate(row):
        if isinstance(item, dict):
            if i != len(row) - 1:
                yield f"{path}/{i}", "Should be string (the options object must be the last item of the metric " \
                    "array)"
            bad = sorted(k for k in item if k in MISPLACED)
            if bad:
                yield f"{path}/{i}", f"Should NOT have additional properties ('{bad[0]}': dimensions and names " \
                    "belong in the array itself as strings, not in the options object)"
        elif not isinstance(item, str) and not unknown_value(item):
            yield f"{path}/{i}", "Should be string"
    strings = [item for item in row if isinstance(item, str)]
    if len(objects) > 1 or any(not isinstance(i, (str, dict)) for i in row) or any(unknown_value(s) for s in strings):
        return
    if "..." in strings:
        return  # "..." repeats the dimensions of the row above: the count is not the array's
    if not strings:
        if objects and "expression" not in row[objects[0]]:
            yield path, "Should have the namespace and metric name, or an options object with an expression"
        return
    if len(strings) < 2:
        yield path, "Should NOT have fewer than 2 items (namespace and metric name)"
    elif len(strings) % 2:
        yield path, f"dimension '{strings[-1]}' has no value: after the namespace and metric name, dimensions " \
            "come in name, value pairs"


def _widget(w: Any, path: str) -> Iterator[tuple[str, str]]:
    if unknown_value(w) and not isinstance(w, dict):
        return
    if not isinstance(w, dict):
        yield path, "Should be object"
        return
    for key in ("type", "properties"):
        if key not in w:
            yield path, f"Should have required property '{key}'"
    for key, (lo, hi) in BOUNDS.items():
        if key not in w or unknown_value(w[key]):
            continue
        v = w[key]
        if not _is_int(v):
            yield f"{path}/{key}", "Should be integer"
        elif v < lo:
            yield f"{path}/{key}", f"Should be >= {lo}"
        elif hi is not None and v > hi:
            yield f"{path}/{key}", f"Should be <= {hi}"
    props = w.get("properties")
    if not isinstance(props, dict):
        return
    kind = w.get("type")
    if kind == "text" and "markdown" not in props:
        yield f"{path}/properties", "Should have required property 'markdown'"
    if kind != "metric":
        return
    metrics = props.get("metrics")
    if metrics is not None and unknown_value(metrics) and not isinstance(metrics, list):
        return
    if metrics is not None and not isinstance(metrics, list):
        yield f"{path}/properties/metrics", "Should be array"
        return
    rows = metrics or []
    per_metric_region = bool(rows) and all(
        isinstance(r, list) and r and isinstance(r[-1], dict) and "region" in r[-1] for r in rows)
    if "region" not in props and not per_metric_region:
        yield f"{path}/properties", "Should have required property 'region'"
    for i, row in enumerate(rows):
        yield from _metric_row(row, f"{path}/properties/metrics/{i}")


def validation_errors(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(dataPath, message) for what PutDashboard's validation of the body would report."""
    widgets = body.get("widgets")
    if widgets is None:
        return [("", "Should have required property 'widgets'")]
    if unknown_value(widgets) and not isinstance(widgets, list):
        return []
    if not isinstance(widgets, list):
        return [("/widgets", "Should be array")]
    out: list[tuple[str, str]] = []
    for i, w in enumerate(widgets):
        out.extend(_widget(w, f"/widgets/{i}"))
    return out


class DashboardBodyInvalid(Rule):
    """A CloudWatch dashboard whose body PutDashboard rejects.

    What it finds: in `dashboard_body` (CloudFormation `DashboardBody`), parsed as JSON: no `widgets` list; a
    widget without `type` or `properties`; `x`, `y`, `width`, `height` that are not integers or out of range
    (width 1-24, height 1-1000, x 0-23); a metric widget without `region` (and no region in each metric's
    options); a `metrics` entry that is not an array, whose options object is not last or carries the metric's
    dimensions or name (`{"stat": "Sum", "dimensions": {...}}`), or whose dimension has no value; a text widget
    without `markdown`. Every error of the body is listed in one finding, as PutDashboard lists them. A body that is
    not resolved JSON is not judged.
    Why it breaks: PutDashboard validates the body against the dashboard schema and refuses the whole dashboard:
    the resource fails and the deploy stops (CloudFormation rolls back; Terraform and Pulumi stop at the dashboard).
    Bad: `"metrics": [["AWS/RDS", "DatabaseConnections", {"stat": "Sum", "dimensions": {"DBClusterIdentifier":
    cluster_id}}]]` in a widget without `"region"`.
    Good: `"metrics": [["AWS/RDS", "DatabaseConnections", "DBClusterIdentifier", cluster_id, {"stat": "Sum"}]]`,
    `"region": "us-east-1"` in the widget's properties.
    What AWS says: `InvalidParameterInput: The dashboard body is invalid, there are 4 validation errors: [ {
    "dataPath": "/widgets/1/properties/metrics/0", "message": "Should NOT have more than 2 items" } ... ]` (a real
    deploy); the schema is AWS's Dashboard Body Structure and Syntax reference, which botocore's CloudWatch model
    names for PutDashboard's DashboardBody ("For more information about the syntax, see Dashboard Body Structure
    and Syntax").
    References: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html ,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
    """

    id = "LIM010"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "CloudWatch dashboard body PutDashboard rejects"
    resource_types = ("AWS::CloudWatch::Dashboard",)
    docs_url = _REF

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if not is_type(r, TYPES):
                continue
            value, path = prop(r, "DashboardBody", "dashboard_body")
            body = _body(value)
            if body is None:
                continue
            errors = validation_errors(body)
            if not errors:
                continue
            shown = ", ".join(f'{{ "dataPath": "{p}", "message": "{m}" }}' for p, m in errors[:6])
            more = f", ... {len(errors) - 6} more" if len(errors) > 6 else ""
            first = errors[0]
            yield self.finding(
                f"dashboard {r.id}: PutDashboard rejects its body ({len(errors)} error(s)); first: "
                f"{first[0] or '/'}: {first[1]}", resource=r, attribute=path,
                error=f"InvalidParameterInput: The dashboard body is invalid, there are {len(errors)} validation "
                f"errors: [ {shown}{more} ]",
                fix="write each metric as [namespace, metric name, dimension name, dimension value, ..., "
                "{rendering options}], give every metric widget \"region\" and every widget \"type\" and "
                "\"properties\", keep width 1-24",
                authority=f"CloudWatch Dashboard Body Structure and Syntax ({_REF})",
                errors=[{"dataPath": p, "message": m} for p, m in errors])
