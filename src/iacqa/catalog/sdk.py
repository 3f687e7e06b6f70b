"""Ids emitted by the SDK symbol check (frontends/pulumi_py/static_check.py) and by running the program."""

from __future__ import annotations

from iacqa.model import Category, Severity
from iacqa.rules.base import Rule


class MissingSymbol(Rule):
    """A module, class, function or attribute that the installed SDK does not have.

    What it finds: every name the program takes from `pulumi` and `pulumi_aws` (imports, attribute chains such as
    `aws.lambda_.FunctionCodeArgs`), checked against the installed packages; also seen at run time under mocks.
    Why it breaks: Python raises AttributeError/ImportError when the program runs: `pulumi preview` fails.
    Bad: `code=aws.lambda_.FunctionCodeArgs(zip_file=src)` (a CDK-style construct).
    Good: `code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(src)})`.
    What AWS says: nothing; Python says `AttributeError: module 'pulumi_aws.lambda_' has no attribute
    'FunctionCodeArgs'`.
    References: https://www.pulumi.com/registry/packages/aws/api-docs/
    """

    id = "SDK001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "SDK name does not exist"
    stage = "frontend"


class UnknownKeyword(Rule):
    """A keyword argument that the SDK class or function does not accept.

    What it finds: keyword arguments of calls to `pulumi_aws` resources, Args classes and functions that are not
    in their signature (read from the installed SDK).
    Why it breaks: `TypeError: ..._internal_init() got an unexpected keyword argument` at synth.
    Bad: `aws.lambda_.Function("f", memory=512, ...)`.
    Good: `aws.lambda_.Function("f", memory_size=512, ...)`.
    What AWS says: nothing; Python raises TypeError before any API call.
    References: https://www.pulumi.com/registry/packages/aws/api-docs/lambda/function/
    """

    id = "SDK002"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "unknown keyword argument"
    stage = "frontend"


class OutputInJson(Rule):
    """`json.dumps` over a Pulumi Output.

    What it finds: `json.dumps({... resource.arn ...})` outside `.apply()`: the Output is not a string yet.
    Why it breaks: `TypeError: Object of type Output is not JSON serializable` at synth.
    Bad: `policy=json.dumps({"Resource": table.arn})`
    Good: `policy=table.arn.apply(lambda arn: json.dumps({"Resource": arn}))`
    What AWS says: nothing; the program fails first.
    References: https://www.pulumi.com/docs/iac/concepts/inputs-outputs/
    """

    id = "SDK003"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "json.dumps over an Output"
    stage = "frontend"


class PlainDictForArchive(Rule):
    """A plain dict passed where the SDK needs an Archive.

    What it finds: `code={...}` on Lambda functions and layers.
    Why it breaks: Pulumi type-checks the input: `TypeError: expected Archive`.
    Bad: `code={"zip_file": src}`
    Good: `code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(src)})`
    What AWS says: nothing; the program fails first.
    References: https://www.pulumi.com/docs/iac/concepts/assets-archives/
    """

    id = "SDK006"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "plain dict where the SDK needs an Archive"
    stage = "frontend"
