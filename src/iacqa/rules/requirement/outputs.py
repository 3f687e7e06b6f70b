"""Stack outputs: the TAP pipeline writes them to cfn-outputs/flat-outputs.json for the integration tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from iacqa.model import Category, Finding, Location, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

_INTERESTING = ("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::DynamoDB::Table", "AWS::SQS::Queue",
                "AWS::SNS::Topic", "AWS::S3::Bucket", "AWS::Lambda::Function",
                "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance")

# Any of these anywhere in the project's code may declare a stack output: the source is then not judged.
# Broad on purpose (an `export const` of a helper, a Python `export(` of anything): a miss, never a false finding.
_OUTPUT_DECL = {
    ".py": re.compile(r"\bexport\s*\(|\bTerraformOutput\b|\bCfnOutput\b"),
    ".ts": re.compile(r"\bexport\s+(?:const|let|var|default|\{|\*)|\bexports\.\w+|\bmodule\.exports\b|"
                      r"\bTerraformOutput\b|\bCfnOutput\b"),
    ".tf": re.compile(r"^\s*output\s+\"", re.M),
    ".json": re.compile(r"\"(?:Outputs|output)\"\s*:"),
    ".yaml": re.compile(r"^\s*outputs\s*:", re.M | re.I),  # CloudFormation `Outputs:`, Pulumi YAML `outputs:`
}
# Code in a language whose output declarations are not read here (ctx.Export in Go...): the source is not judged.
_OTHER_CODE = {".go", ".cs", ".java", ".fs", ".vb", ".kt", ".scala", ".rb", ".rs"}
_OUTPUT_DECL.update({".js": _OUTPUT_DECL[".ts"], ".mjs": _OUTPUT_DECL[".ts"], ".cjs": _OUTPUT_DECL[".ts"],
                     ".tsx": _OUTPUT_DECL[".ts"], ".yml": _OUTPUT_DECL[".yaml"]})
# A constructor (or block) of a resource the tests read, when the graph holds none: the program declares it.
_DECLARES = re.compile(
    r"\b(?:DynamodbTable|S3Bucket|LambdaFunction|SqsQueue|SnsTopic|RdsCluster|DbInstance|Apigatewayv2Api|"
    r"ApiGatewayRestApi)\s*\(|"
    r"\baws\.(?:dynamodb\.Table|s3\.Bucket(?:V2)?|lambda_?\.Function|sqs\.Queue|sns\.Topic|lb\.LoadBalancer|"
    r"alb\.LoadBalancer|rds\.(?:Cluster|Instance)|apigateway\.RestApi|apigatewayv2\.Api)\s*\(|"
    r"\b(?:dynamodb\.Table(?:V2)?|s3\.Bucket|lambda_?\.Function|sqs\.Queue|sns\.Topic|"
    r"elbv2\.ApplicationLoadBalancer|rds\.Database(?:Cluster|Instance)|apigw\w*\.(?:RestApi|LambdaRestApi))\s*\(|"
    r"^\s*resource\s+\"aws_(?:dynamodb_table|s3_bucket|lambda_function|sqs_queue|sns_topic|lb|alb|rds_cluster|"
    r"db_instance|api_gateway_rest_api|apigatewayv2_api)\"", re.M)
_SKIP_DIRS = {"test", "tests", "node_modules", "cdktf.out", "cdk.out", ".gen", "imports", "__pycache__", ".venv",
              ".terraform", "dist", "build", "coverage", ".git"}


def _sources(root: Path, limit: int = 400) -> list[tuple[str, str]]:
    """(project-relative path, text) of the code files, tests and generated/vendored trees left out; nothing when
    the project has code in a language whose outputs this rule does not read."""
    out: list[tuple[str, str]] = []
    for path in sorted(root.rglob("*")):
        if len(out) >= limit:
            break
        rel = path.relative_to(root)
        if any(part in _SKIP_DIRS for part in rel.parts[:-1]) or not path.is_file():
            continue
        if path.suffix in _OTHER_CODE:
            return []
        if path.suffix not in _OUTPUT_DECL or path.name.endswith((".d.ts", "package.json", "package-lock.json",
                                                                  "tsconfig.json", "cdktf.json", "cdk.json")):
            continue
        try:
            out.append((rel.as_posix(), path.read_text(errors="replace")))
        except OSError:
            continue
    return out


class NoStackOutputs(Rule):
    """The stack exports no outputs.

    What it finds: a program without a single stack output (`pulumi.export`, `TerraformOutput`, `CfnOutput`,
    `output` blocks, template `Outputs`), although it creates resources that tests and users must find (endpoints,
    table names, queue URLs). When the program ran to the end, the graph says so; when it stopped early (the graph
    stage failed), the source is read instead, and only a project with no output declaration anywhere in its code
    and with such a resource declared (in the partial graph or by its constructor in the code) is reported.
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
        if ctx.graph.outputs:
            return
        interesting = [r for r in ctx.graph if r.type in _INTERESTING]
        names = ", ".join(sorted({r.id for r in interesting})[:5])
        if ctx.graph_status == "ok":
            if not interesting:
                return
            count = f"{len(ctx.graph)} resources"
            entry = ctx.entry
            how = ""
        else:
            judged = self._from_source(ctx, bool(interesting))
            if judged is None:
                return
            entry, declared = judged
            names = names or declared
            count = f"{len(ctx.graph)} resources" if interesting else "resources"
            how = " (read from the source: the program did not run to the end, and no file declares an output)"
        lines = ctx.lines(entry)
        # Point at the statement that creates the stack: that is where the exports belong.
        line = next((i for i, ln in enumerate(lines, 1) if "Stack(" in ln and not ln.lstrip().startswith(("#", "class"))),
                    None)
        if line is None:  # no entry in the project (the scaffold brings it): the stack class takes the outputs
            line = next((i for i, ln in enumerate(lines, 1) if re.match(r"\s*(?:export\s+)?class\s+\w*Stack\b", ln)),
                        1 if lines else None)
        yield self.finding(f"the stack declares {count} but exports no outputs{how}; integration "
                           f"tests cannot find e.g. {names}", location=Location(entry, line),
                           error="cfn-outputs/flat-outputs.json is empty after deploy",
                           fix="export what the tests need from the entry point, e.g. pulumi.export('table_name', "
                           "stack.table.name)")

    @staticmethod
    def _from_source(ctx: RuleContext, graph_has_them: bool) -> tuple[str | None, str] | None:
        """(file to point at, what it declares) when the source alone shows a stack without outputs; None when
        it cannot tell (no project, an output-like declaration somewhere, nothing the tests would read)."""
        if ctx.root is None or not ctx.root.is_dir():
            return None
        sources = _sources(ctx.root)
        if not sources or any(_OUTPUT_DECL[Path(rel).suffix].search(text) for rel, text in sources):
            return None
        first = next(((rel, m.group(0).strip()) for rel, text in sources for m in [_DECLARES.search(text)] if m),
                     None)
        if not graph_has_them and first is None:
            return None
        entry = ctx.entry or (first[0] if first else None)
        return entry, (first[1].rstrip("( ") if first else "")
