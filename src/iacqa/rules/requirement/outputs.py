"""Stack outputs: the TAP pipeline writes them to cfn-outputs/flat-outputs.json for the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, Location, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext


class NoStackOutputs(Rule):
    """The stack exports no outputs.

    What it finds: a program that ran to the end under the IaC engine without a single stack output
    (`pulumi.export`, `TerraformOutput`, `CfnOutput`, `output` blocks, template `Outputs`), although it creates
    resources that tests and users must find (endpoints, table names, queue URLs).
    Why it breaks: the pipeline's `cfn-outputs/flat-outputs.json` is empty, so integration tests cannot find the
    deployed resources; outputs exported only from a component (register_outputs) do not reach the stack.
    Bad: `TapStack("pulumi-infra", TapStackArgs(...))` with no `pulumi.export(...)` in tap.py.
    Good: `pulumi.export("api_url", stack.api_url)` for each resource the tests use.
    What AWS says: nothing; the integration tests fail with KeyError / missing outputs.
    References: https://www.pulumi.com/docs/iac/concepts/stacks/#outputs
    """

    id = "REQ001"
    category = Category.REQUIREMENT
    severity = Severity.MEDIUM
    title = "stack exports no outputs"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.graph_status != "ok" or ctx.graph.outputs or len(ctx.graph) == 0:
            return
        interesting = [r for r in ctx.graph if r.type in (
            "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::DynamoDB::Table", "AWS::SQS::Queue",
            "AWS::SNS::Topic", "AWS::S3::Bucket", "AWS::Lambda::Function", "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "AWS::RDS::DBCluster", "AWS::RDS::DBInstance")]
        if not interesting:
            return
        entry = ctx.entry
        lines = ctx.lines(entry)
        # Point at the statement that creates the stack: that is where the exports belong.
        line = next((i for i, ln in enumerate(lines, 1) if "Stack(" in ln and not ln.lstrip().startswith(("#", "class"))),
                    1 if lines else None)
        names = ", ".join(sorted({r.id for r in interesting})[:5])
        yield self.finding(f"the stack declares {len(ctx.graph)} resources but exports no outputs; integration "
                           f"tests cannot find e.g. {names}", location=Location(entry, line),
                           error="cfn-outputs/flat-outputs.json is empty after deploy",
                           fix="export what the tests need from the entry point, e.g. pulumi.export('table_name', "
                           "stack.table.name)")
