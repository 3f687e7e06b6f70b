"""LIM004: a Lambda environment variable whose key the Lambda runtime reserves (AWS_REGION, AWS_ACCESS_KEY_ID...)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

# cfn-lint ships the reserved keys as a schema extension of AWS::Lambda::Function (rule E3663); reading that file
# keeps the list where AWS's own tooling maintains it instead of copying it here.
_KEYS_FILE = ("data", "schemas", "extensions", "aws_lambda_function", "environment_variable_keys.json")


@lru_cache(maxsize=1)
def reserved_keys() -> frozenset[str]:
    """The reserved keys from cfn-lint's data (without importing cfn-lint); empty when cfn-lint is not installed."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.origin:
        return frozenset()
    try:
        data = json.loads(Path(spec.origin).parent.joinpath(*_KEYS_FILE).read_text())
        return frozenset(data["propertyNames"]["not"]["enum"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


class ReservedEnvironmentKey(Rule):
    """A Lambda function sets an environment variable the Lambda runtime reserves.

    What it finds: a key of `environment.variables` (CloudFormation `Environment.Variables`) among the keys the
    Lambda runtime sets itself: `AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_LAMBDA_FUNCTION_NAME`, `AWS_ACCESS_KEY_ID`,
    `_HANDLER`, `LAMBDA_TASK_ROOT` and the others in the Lambda documentation (the list is read from cfn-lint's
    data, rule E3663).
    Why it breaks: CreateFunction and UpdateFunctionConfiguration reject the whole environment; the function is
    not created and the deploy stops. The handler does not need the key: the runtime already sets it
    (`os.environ["AWS_REGION"]` works in every function).
    Bad: `environment={"variables": {"AWS_REGION": "us-east-1", "TABLE": table.name}}`.
    Good: `environment={"variables": {"TABLE": table.name}}` and `os.environ["AWS_REGION"]` in the handler.
    What AWS says: `InvalidParameterValueException: Lambda was unable to configure your environment variables
    because the environment variables you have provided contains reserved keys that are currently not supported
    for modification. Reserved keys used in this request: AWS_REGION`.
    References: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
    """

    id = "LIM004"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "reserved Lambda environment variable"
    resource_types = ("AWS::Lambda::Function",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        reserved = reserved_keys()
        if not reserved:
            return
        for fn in ctx.graph.functions():
            variables = fn.get("Environment.Variables")
            if not isinstance(variables, dict):
                continue
            bad = sorted(k for k in variables if k in reserved)
            for key in bad:
                yield self.finding(
                    f"function {fn.id} sets the reserved environment variable {key}: Lambda rejects the "
                    "function's environment and the deploy stops", resource=fn,
                    attribute=f"Environment.Variables.{key}",
                    error="InvalidParameterValueException: Lambda was unable to configure your environment "
                    "variables because the environment variables you have provided contains reserved keys that are "
                    f"currently not supported for modification. Reserved keys used in this request: {', '.join(bad)}",
                    fix=f"remove {key} from the environment of {fn.id}: the runtime sets it (read "
                    f"os.environ['{key}'] in the handler as it is)", variable=key)
