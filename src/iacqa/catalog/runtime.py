"""Ids the emulator emits: handlers run on realistic events against the emulated deployment (stage `emulate`), and
PKG001, which the graph rule rules/runtime/packages.py emits too."""

from __future__ import annotations

from typing import Any

from iacqa.catalog.base import Entry
from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity


class HandlerException(Entry):
    """A Lambda handler raises an exception on a realistic event.

    What it finds: any exception a handler raises when iacqa runs it on the event its trigger sends (API Gateway
    proxy request with decimals, nested objects and missing fields, SQS batch, SNS, S3, EventBridge schedule,
    DynamoDB stream records, direct invoke), with module-level code run at import as Lambda does. The finding
    points at the handler line, mapped into the IaC file when the code is an inline string, and carries the exact
    error text. When the failure is mechanical (a float written to DynamoDB) iacqa re-runs under the assumption
    that it is fixed; what fails next is reported with `revealed_by` naming the first finding.
    Why it breaks: every invocation fails: API Gateway answers 502/500, SQS redelivers the batch until the DLQ,
    asynchronous events are retried then dropped or sent to the DLQ.
    Bad: `table.put_item(Item={"amount": body["amount"]})` with `amount` 150.75 ->
    `TypeError: Float types are not supported. Use Decimal types instead.`; then `json.dumps(item)` with the
    Decimal -> `TypeError: Object of type Decimal is not JSON serializable`.
    Good: `json.loads(body, parse_float=Decimal)` for DynamoDB, a `default=` for json.dumps, errors handled.
    What AWS says: the invocation result is `{"errorMessage": "...", "errorType": "TypeError"}`, logged in
    CloudWatch Logs; API Gateway returns `502 Internal server error`.
    References: https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html,
    https://boto3.amazonaws.com/v1/documentation/api/latest/reference/customizations/dynamodb.html
    """

    id = "RTE001"
    category = Category.RUNTIME_ERROR
    severity = Severity.CRITICAL
    title = "handler raises an exception"
    emitters = ("iacqa.emulate.fixes",)
    stage = "emulate"


class EnvVarNotSet(Entry):
    """The handler reads an environment variable the function does not set.

    What it finds: `os.environ["X"]` (or `os.environ.get("X")` / `os.getenv("X")` without a default, used as if
    set) in the function's code where the function's `environment.variables` has no `X` and the Lambda runtime
    does not define it.
    Why it breaks: `KeyError: 'X'` at import (module level) or at the first invocation; with `.get` the value is
    None and the first AWS call fails with a parameter validation error.
    Bad: code reads `os.environ["TABLE_NAME"]`, the function sets only `TABLE`.
    Good: the function's environment sets every variable the code reads.
    What AWS says: `[ERROR] KeyError: 'TABLE_NAME'` / `Runtime.ImportModuleError`.
    References: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
    """

    id = "RTE002"
    category = Category.RUNTIME_ERROR
    severity = Severity.CRITICAL
    title = "environment variable read but not set"
    emitters = ("iacqa.emulate.checks", "iacqa.emulate.fixes", "iacqa.emulate.node_runner")
    stage = "emulate"


class HandlerNotFound(Entry):
    """The configured handler does not exist in the deployed code.

    What it finds: `handler="index.handler"` where the package has no `index.py`, or `index.py` defines no
    `handler` function.
    Why it breaks: every invocation fails before any code runs.
    Bad: `handler="index.lambda_handler"` with `def handler(event, context)` in index.py.
    Good: the handler setting names the module file and the function it defines.
    What AWS says: `Runtime.ImportModuleError: Unable to import module 'index'` or
    `Runtime.HandlerNotFound: Handler 'lambda_handler' missing on module 'index'`.
    References: https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html
    """

    id = "RTE003"
    category = Category.RUNTIME_ERROR
    severity = Severity.CRITICAL
    title = "handler not found"
    emitters = ("iacqa.emulate.checks", "iacqa.emulate.fixes")
    stage = "emulate"


class MissingPackage(Entry):
    """The handler imports a package that the deployment does not contain and the runtime does not provide.

    What it finds: an import of a third-party package (requests, aws_xray_sdk, pydantic...) by a function whose
    code package does not bundle it and which has no layer; the Python runtimes provide only the standard library
    and boto3/botocore.
    Why it breaks: the module cannot be imported: every invocation fails.
    Bad: `import requests` in index.py deployed from a directory with no vendored packages.
    Good: vendor the package into the deployment directory (pip install -t), add a layer, or use the standard
    library (urllib.request).
    What AWS says: `Runtime.ImportModuleError: Unable to import module 'index': No module named 'requests'`.
    References: https://docs.aws.amazon.com/lambda/latest/dg/python-package.html,
    https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
    """

    id = "RTE004"
    category = Category.RUNTIME_ERROR
    severity = Severity.CRITICAL
    title = "imports a package the deployment does not include"
    emitters = ("iacqa.emulate.fixes",)
    stage = "emulate"


class ServerErrorResponse(Entry):
    """An API handler answers a valid request with a 5xx status.

    What it finds: a handler behind API Gateway or a function URL that, on a well-formed request built from what
    it reads, catches its own failure and returns `statusCode` 500 or more; the logged error is shown.
    Why it breaks: the endpoint never works; the real error is hidden behind a generic 500.
    Bad: `except Exception: return {"statusCode": 500, ...}` around a failing `put_item`.
    Good: the request succeeds; errors that are the caller's fault answer 4xx.
    What AWS says: the client sees the 5xx; the cause is only in the function's CloudWatch logs.
    References: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
    """

    id = "RTE005"
    category = Category.RUNTIME_ERROR
    severity = Severity.HIGH
    title = "handler answers a valid request with a server error"
    emitters = ("iacqa.emulate.fixes",)
    stage = "emulate"


class HandlerTimeout(Entry):
    """The handler does not finish within its timeout (or exceeds its memory).

    What it finds: a handler that, against the emulator (which answers in milliseconds), runs past the
    function's timeout or its memory size.
    Why it breaks: Lambda stops the invocation (`Task timed out after N seconds`) and retries or drops the event.
    Bad: `while True: poll()` or a 3 s default timeout for a handler that scans a table.
    Good: bounded loops, a timeout that fits the work.
    What AWS says: `Task timed out after 3.00 seconds` / `Runtime exited with error: signal: killed`.
    References: https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
    """

    id = "RTE006"
    category = Category.RUNTIME_ERROR
    severity = Severity.HIGH
    title = "handler times out or runs out of memory"
    emitters = ("iacqa.emulate.fixes",)
    stage = "emulate"


class CodePackageMissing(Entry):
    """The function's code path does not exist, or its package does not contain the handler file.

    What it finds: `FileArchive("./lib/lambda/x")` / `code=` paths missing from the project, zips that cannot be
    read, and packages without the module the handler names.
    Why it breaks: the deploy fails while packaging (missing path) or every invocation fails
    (`Unable to import module`).
    The missing-path case is known from the graph alone and runs with the graph rules; the emulator reports the
    package contents (a zip without the handler module) when it prepares each function.
    Bad: `code=pulumi.FileArchive("./lambda")` with the code under `lib/lambda`; Terraform
    `filename = "lambda/webhook-processor.zip"` that nothing builds.
    Good: a path relative to where `pulumi up` / `terraform apply` runs that holds the handler module, or a zip the
    configuration builds (`data "archive_file"`, cdktf `TerraformAsset`).
    What AWS says: `pulumi up`: `failed to compute archive hash ... no such file or directory`; terraform:
    `Error: unable to load "x.zip": open x.zip: no such file or directory`; at invoke:
    `Runtime.ImportModuleError: Unable to import module 'index'`.
    References: https://www.pulumi.com/docs/iac/concepts/assets-archives/,
    https://docs.aws.amazon.com/lambda/latest/dg/python-package.html
    """

    id = "PKG001"
    category = Category.PACKAGING
    severity = Severity.CRITICAL
    title = "Lambda code package missing or without the handler"
    # A graph rule (rules/runtime/packages.py) for the missing path, and the emulator for the package contents.
    stage = "check"
    emitters = ("iacqa.rules.runtime.packages", "iacqa.emulate.checks")

    @classmethod
    def missing(cls, graph: ResourceGraph, fn: Resource, root: Any = None) -> Finding | None:
        """The function's code path does not exist (None when it does, or when the code is not a path)."""
        if fn.get("PackageType") == "Image" or fn.get("ImageUri"):
            return None
        art = graph.code.get(fn.id)
        if art is None or not (art.kind == "missing" or (not art.files and art.source_path)):
            return None
        source = art.source_path
        if source and root is not None and source.startswith(str(root)):
            source = "./" + source[len(str(root)):].lstrip("/")
        return cls.finding(
            f"{fn.id}: code path `{source}` does not exist in the project", resource=fn, attribute="Code",
            error=art.missing_error or f"failed to compute archive hash for \"code\": open {source}: no such file "
            "or directory", fix="point the code at the directory (or a zip the configuration builds) that holds the "
            "handler, relative to where the IaC tool runs")


class RuntimeCallNotAllowed(Entry):
    """A call the handler makes at run time that the function's role does not allow.

    What it finds: every AWS API call a handler made while iacqa ran it (action and resource ARN taken from the
    call itself) that the policies attached to the function's role in the stack do not allow. Policies are
    evaluated with iacqa's IAM evaluator (explicit Deny wins, conditions lean to allow); roles with attachments
    iacqa cannot read are not judged.
    Why it breaks: in AWS the call fails with AccessDenied; the emulator does not enforce IAM, so the handler
    seemed to work.
    Bad: the handler calls `sns.publish(TopicArn=...)`, the role allows only `dynamodb:PutItem` and
    `sqs:SendMessage`.
    Good: a statement allowing `sns:Publish` on the topic's ARN.
    What AWS says: `An error occurred (AuthorizationError) when calling the Publish operation: User:
    arn:aws:sts::...:assumed-role/... is not authorized to perform: SNS:Publish on resource: arn:aws:sns:...`.
    References: https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html,
    https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    """

    id = "PRM101"
    category = Category.IAM_MISSING
    severity = Severity.CRITICAL
    title = "role does not allow a call the handler makes"
    emitters = ("iacqa.emulate.fixes",)
    stage = "emulate"


class RouteNotHandled(Entry):
    """An API handler answers 404 on a route its own API defines.

    What it finds: a function behind an API Gateway route (REST resource/method or HTTP API route key) that
    answers 404 when iacqa sends the request that route receives. The usual cause is a handler written for the
    other event shape: HTTP APIs with payload format 2.0 send `rawPath` and `requestContext.http.method`, not
    `path` and `httpMethod`; a handler routing on `event["path"]` sees `None` and falls through to "not found".
    Why it breaks: every request to the route fails although the deploy and the API look right.
    Bad: `payload_format_version="2.0"` with `if event.get("httpMethod") == "GET" and event.get("path") == "/health"`.
    Good: route on the fields the configured payload format sends (or set payload_format_version="1.0").
    What AWS says: the client gets the handler's 404 for `GET /health`.
    References: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
    """

    id = "RTE007"
    category = Category.RUNTIME_ERROR
    severity = Severity.HIGH
    title = "API handler answers 404 on a route its API defines"
    emitters = ("iacqa.emulate.fixes",)
    stage = "emulate"
