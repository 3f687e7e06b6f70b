"""Hand-built results with the content of seed 001 (webhook processor, Pulumi Python) and its ideal response."""

from __future__ import annotations

from pathlib import Path

from iacqa.model import Category, Finding, Severity, StageResult, TaskInfo, TaskResult

C, S = Category, Severity
STACK = "lib/tap_stack.py"
HANDLER = "lib/lambda/webhook/index.py"


def sdk001() -> Finding:
    return Finding(
        rule="SDK001", category=C.SDK_API, severity=S.CRITICAL, title="symbol not in the installed SDK",
        message="`aws.lambda_.FunctionCodeArgs` does not exist in pulumi_aws 6.x",
        file=STACK, line=88, md_line=424, resource_type="aws:lambda/function:Function",
        resource="webhook-processor-dev", attribute="code", symbol="pulumi_aws.lambda_.FunctionCodeArgs",
        error="AttributeError: module 'pulumi_aws.lambda_' has no attribute 'FunctionCodeArgs'",
        fix="code=pulumi.AssetArchive({'index.py': pulumi.StringAsset(function_code)})",
        snippet="            code=aws.lambda_.FunctionCodeArgs(", stage="graph",
    )


def lim001(line: int = 120) -> Finding:
    return Finding(
        rule="LIM001", category=C.AWS_LIMIT, severity=S.CRITICAL, title="value outside what the AWS API accepts",
        message="maximum_retry_attempts=5 is outside 0..2 for aws.lambda_.FunctionEventInvokeConfig",
        file=STACK, line=line, md_line=456,
        resource_type="aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        resource="webhook-lambda-config-dev", attribute="maximum_retry_attempts",
        error="expected maximum_retry_attempts to be in the range (0 - 2), got 5",
        fix="maximum_retry_attempts=2 (the AWS maximum); document that the prompt's 5 retries are not possible",
        snippet="            maximum_retry_attempts=5,", stage="check",
    )


def qta001(line: int = 95) -> Finding:
    return Finding(
        rule="QTA001", category=C.AWS_QUOTA, severity=S.CRITICAL,
        title="reserved concurrency exceeds the account quota",
        message="reserved_concurrent_executions=100 leaves fewer than 100 unreserved executions in a 150 account",
        file=STACK, line=line, md_line=431, resource_type="aws:lambda/function:Function",
        resource="webhook-processor-dev", attribute="reserved_concurrent_executions",
        error="InvalidParameterValueException: Specified ReservedConcurrentExecutions for function decreases "
        "account's UnreservedConcurrentExecution below its minimum value of [100]",
        fix="Remove reserved_concurrent_executions, or keep the sum under the account's limit minus 100",
        snippet="            reserved_concurrent_executions=100,", stage="check",
    )


def rte_float() -> Finding:
    return Finding(
        rule="RTE001", category=C.RUNTIME_ERROR, severity=S.CRITICAL, title="handler fails on a realistic event",
        message="table.put_item fails: the item holds a float ('amount')",
        file=HANDLER, line=42, resource_type="aws:lambda/function:Function", resource="webhook-processor-dev",
        error="Traceback (most recent call last):\n  File \"index.py\", line 42, in handler\n"
        "    table.put_item(Item=transaction_data)\nTypeError: Float types are not supported. Use Decimal types instead.",
        fix="'amount': Decimal(str(body.get('amount', 0)))",
        snippet="    table.put_item(Item=transaction_data)", stage="emulate",
    )


def rte_decimal() -> Finding:
    return Finding(
        rule="RTE001", category=C.RUNTIME_ERROR, severity=S.CRITICAL, title="handler fails on a realistic event",
        message="json.dumps fails: the SNS message holds a Decimal ('data.amount')",
        file=HANDLER, line=55, resource_type="aws:lambda/function:Function", resource="webhook-processor-dev",
        symbol="json.dumps",
        error="TypeError: Object of type Decimal is not JSON serializable",
        fix="Convert Decimal back to float (or use a JSONEncoder) before json.dumps",
        snippet="        Message=json.dumps(sns_message),", stage="emulate", revealed_by=rte_float().fingerprint,
    )


def g004(lines: list[int]) -> list[Finding]:
    return [
        Finding(rule="LNT-G004", category=C.LINT, severity=S.HIGH, title="logging call formatted with an f-string",
                message="Logging statement uses f-string", file=HANDLER, line=n, md_line=500 + n,
                error="W1203 logging-fstring-interpolation", fix='logger.info("Received event: %s", event)',
                snippet=f'    logger.info(f"step {n}: {{event}}")', stage="lint")
        for n in lines
    ]


def checkov() -> Finding:
    return Finding(rule="CKV_AWS_117", category=C.SECURITY, severity=S.LOW,
                   title="Ensure that AWS Lambda function is configured inside a VPC",
                   message="Lambda function webhook-processor-dev is not configured inside a VPC",
                   file=STACK, line=80, resource_type="aws:lambda/function:Function",
                   resource="webhook-processor-dev", stage="security")


def tests_integration() -> Finding:
    return Finding(rule="TST004", category=C.TESTS_INTEGRATION, severity=S.MEDIUM,
                   title="integration tests cannot find the deployment",
                   message="integration tests read cfn-outputs/flat-outputs.json with no fallback discovery",
                   stage="tests")


def suppressed() -> Finding:
    return Finding(rule="HYG001", category=C.HYGIENE, severity=S.MEDIUM, title="hard-coded region",
                   message="region 'us-east-1' is hard-coded", file=STACK, line=12,
                   suppressed="iacqa: ignore[HYG001] shared account")


STAGES = [
    StageResult("ingest", "ok", 0.12, "5 files from MODEL_RESPONSE.md"),
    StageResult("graph", "failed", 3.402, "program failed under mocks"),
    StageResult("check", "ok", 0.2, "3 findings from graph rules"),
    StageResult("lint", "ok", 0.8, "13 lint findings"),
    StageResult("security", "unavailable", 0.0, "checkov adapter not installed"),
    StageResult("emulate", "ok", 6.5, ""),
]

GRAPH = {
    "platform": "pulumi", "resources": 14, "mapped": 13,
    "by_type": {"AWS::DynamoDB::Table": 1, "AWS::Lambda::Function": 1, "AWS::SNS::Topic": 1},
    "unchecked_types": ["aws:apigateway/integrationResponse:IntegrationResponse"],
    "functions_with_code": ["webhook-processor-dev"],
    "outputs": {"api_endpoint": "https://abc123.execute-api.us-east-1.amazonaws.com/dev/webhook"},
    "config": [],
}

FLOWS = [{
    "name": "POST /webhook",
    "hops": [
        {"source": "apigateway", "target": "webhook-processor-dev", "outcome": "invoked"},
        {"source": "webhook-processor-dev", "target": "transactions-dev", "outcome": "error",
         "detail": "TypeError: Float types are not supported. Use Decimal types instead."},
    ],
}]


def model_result(project_dir: str | None = "/tmp/iacqa-work/seed001-model") -> TaskResult:
    findings = [g004([524, 551, 567, 576, 605, 632, 657, 681, 690, 711, 724, 730, 745])[0], checkov(),
                tests_integration(), rte_decimal(), lim001(), sdk001(), qta001(), rte_float(), suppressed(),
                *g004([524, 551, 567, 576, 605, 632, 657, 681, 690, 711, 724, 730, 745])[1:]]
    return TaskResult(
        task=TaskInfo(path="/corpus/tasks/seed001", platform="pulumi", language="py", response="model",
                      response_file="lib/MODEL_RESPONSE.md", project_dir=project_dir,
                      files=[STACK, HANDLER, "tap.py", "tests/unit/test_tap_stack.py"]),
        stages=list(STAGES), findings=findings, graph=dict(GRAPH), flows=list(FLOWS),
    )


def ideal_result() -> TaskResult:
    iam = Finding(rule="IAM001", category=C.IAM_BROAD, severity=S.HIGH, title="wildcard resource in a policy",
                  message="policy grants sns:Publish on Resource '*'", file=STACK, line=160,
                  resource_type="aws:iam/rolePolicy:RolePolicy", resource="webhook-policy-dev",
                  attribute="policy", stage="check")
    return TaskResult(
        task=TaskInfo(path="/corpus/tasks/seed001", platform="pulumi", language="py", response="ideal",
                      response_file="lib/IDEAL_RESPONSE.md", project_dir="/tmp/iacqa-work/seed001-ideal",
                      files=[STACK, HANDLER]),
        stages=[StageResult("ingest", "ok", 0.1), StageResult("graph", "ok", 3.0)],
        findings=[qta001(line=101), *g004([530, 560]), iam, checkov()],
        graph=dict(GRAPH),
    )


def empty_result() -> TaskResult:
    return TaskResult(task=TaskInfo(path="examples/hello", platform="pulumi", language="py"),
                      stages=[StageResult("ingest", "ok", 0.01)])


def unusable_result() -> TaskResult:
    return TaskResult(task=TaskInfo(path="/nowhere/task"), error="no metadata.json and no response file")


ROOT = Path(__file__).resolve().parents[2]
