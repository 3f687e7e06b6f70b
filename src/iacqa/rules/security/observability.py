"""SEC002, SEC005: log groups kept forever, and functions left out of X-Ray tracing."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext


class LogRetentionMissing(Rule):
    """A log group keeps its logs forever.

    What it finds: `aws.cloudwatch.LogGroup` without `retention_in_days` (or with 0, which means never expire).
    Why it breaks: nothing fails; logs (with whatever the functions print, sometimes personal data) are stored
    and billed indefinitely, and task prompts usually ask for a retention period.
    Bad: `aws.cloudwatch.LogGroup("fn-logs", name=f"/aws/lambda/{name}")`
    Good: `aws.cloudwatch.LogGroup("fn-logs", name=f"/aws/lambda/{name}", retention_in_days=14)`
    What AWS says: "By default, log data is stored in CloudWatch Logs indefinitely."
    References: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html
    """

    id = "SEC002"
    category = Category.SECURITY
    severity = Severity.MEDIUM
    title = "log group without retention"
    resource_types = ("AWS::Logs::LogGroup",)
    docs_url = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in self.resources(ctx):
            days = r.get("RetentionInDays")
            if days in (None, 0, "0"):
                yield self.finding(
                    f"log group {r.id} has no retention_in_days: logs are kept (and billed) forever",
                    resource=r, attribute="RetentionInDays" if r.has("RetentionInDays") else None,
                    fix="retention_in_days=14 (or what the task asks for)")


class TracingInconsistent(Rule):
    """Some functions are traced with X-Ray and this one is not.

    What it finds: a Lambda function without `tracing_config={"mode": "Active"}` in a stack where another function
    has active tracing.
    Why it breaks: nothing fails; the X-Ray service map has a hole where this function runs, so the traces the
    stack was built to give stop at it.
    Bad: two functions with `tracing_config={"mode": "Active"}` and a third without.
    Good: `tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active")` on every function (and
    `xray:PutTraceSegments`, `xray:PutTelemetryRecords` in their roles).
    What AWS says: "Lambda ... sends traces to X-Ray when active tracing is enabled on the function."
    References: https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
    """

    id = "SEC005"
    category = Category.SECURITY
    severity = Severity.LOW
    title = "function without tracing where others have it"
    resource_types = ("AWS::Lambda::Function",)
    docs_url = "https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        fns = list(self.resources(ctx))
        traced = [f for f in fns if str(f.get("TracingConfig.Mode", "")).lower() == "active"]
        if not traced:
            return
        for f in fns:
            if any(f.id == t.id for t in traced):
                continue
            yield self.finding(
                f"function {f.id} has no active X-Ray tracing while {traced[0].id} has", resource=f,
                attribute="TracingConfig.Mode" if f.has("TracingConfig.Mode") else None,
                fix='tracing_config={"mode": "Active"}')
