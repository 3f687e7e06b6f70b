"""Ids emitted while compiling, parsing and running the IaC program (the syntax stage, the front ends): SYN002,
SYN004, SDK004, SDK005, PKG002."""

from __future__ import annotations

import re
from typing import Any

from iacqa.catalog.base import Entry
from iacqa.model import Category, Finding, Location, Severity


class PythonSyntaxError(Entry):
    """A Python file that does not compile.

    What it finds: `SyntaxError` / `IndentationError` in any Python file of the project.
    Why it breaks: the IaC program (or the Lambda handler) cannot even be imported.
    Bad: `def handler(event, context)` without the colon.
    Good: code that `python -m py_compile` accepts.
    What AWS says: `SyntaxError: expected ':'` at synth/preview, or `Runtime.UserCodeSyntaxError` at invoke.
    References: https://docs.python.org/3/library/exceptions.html#SyntaxError
    """

    id = "SYN002"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "Python syntax error"
    emitters = (
        "iacqa.pipeline",
        "iacqa.frontends.cdk_py.frontend",
        "iacqa.frontends.cdktf_py.frontend",
        "iacqa.frontends.pulumi_py.frontend",
        "iacqa.frontends.pulumi_py.keep_going",
    )
    stage = "ingest"


class ConfigSyntaxError(Entry):
    """An IaC configuration file (Terraform HCL, CloudFormation YAML/JSON) that does not parse.

    What it finds: HCL that python-hcl2's grammar (the HCL spec) rejects, templates that are not valid YAML/JSON.
    Why it breaks: `terraform init`/`validate` (or the CloudFormation API) rejects the file before planning.
    Bad: `resource "aws_sqs_queue" "q" { name = "x" ` (block never closed).
    Good: a file `terraform fmt` / `cfn-lint` accepts.
    What AWS says: terraform: `Error: Unclosed configuration block`; CloudFormation: `Template format error`.
    References: https://developer.hashicorp.com/terraform/language/syntax/configuration
    """

    id = "SYN004"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "configuration file does not parse"
    emitters = (
        "iacqa.frontends.cloudformation.frontend",
        "iacqa.frontends.terraform.frontend",
        "iacqa.frontends.cloudformation.cfnlint",
    )
    stage = "frontend"


class ProgramError(Entry):
    """The IaC program raises an exception when the IaC engine runs it.

    What it finds: any exception the program raises under the Pulumi mock runtime (preview would raise the
    same): wrong argument types the SDK rejects, `KeyError`/`TypeError` in the program's own logic, failing
    imports of project modules.
    Why it breaks: `pulumi preview`/`up` stops at the first exception; nothing after it is deployed.
    Bad: `aws.lambda_.Function("f", code={"zip_file": src})` -> `TypeError: expected Archive`.
    Good: arguments of the types the SDK documents.
    What AWS says: nothing: the engine fails before any API call.
    References: https://www.pulumi.com/docs/iac/concepts/testing/unit/
    """

    id = "SDK004"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "program fails under the IaC engine"
    emitters = (
        "iacqa.frontends.cdk_py.frontend",
        "iacqa.frontends.cdktf_py.frontend",
        "iacqa.frontends.pulumi_py.frontend",
        "iacqa.frontends.terraform.graph",
    )
    stage = "frontend"

    @classmethod
    def from_event(cls, e: dict[str, Any], loc: Location, entry: str) -> Finding:
        etype, msg = e.get("type", "Error"), e.get("message", "")
        syn = e.get("syntax")
        if syn:
            return PythonSyntaxError.finding(
                f"{syn.get('file')}:{syn.get('line')} does not compile: {syn.get('msg')}",
                location=Location(syn.get("file"), syn.get("line")), error=f"{etype}: {syn.get('msg')}",
                fix="fix the syntax error; the whole program fails to load", snippet=syn.get("text"))
        if etype == "FileNotFoundError":
            return MissingFile.finding(f"the program reads a file that the project does not contain{' at ' + str(loc) if loc.file else ''}: {msg}",
                                       location=loc, error=f"{etype}: {msg}",
                                       fix="ship the file with the code (or build it in the program, e.g. "
                                       "pulumi.AssetArchive / FileArchive over a directory that exists)")
        if etype in ("ModuleNotFoundError", "ImportError") and not re.search(r"pulumi", msg):
            fix = ("package the module with the project, or fix the import path (the TAP layout runs tap.py from the "
                   "project root, with IaC code under lib/)")
        elif etype == "TypeError" and re.search(r"expected|Expected", msg):
            fix = "pass the type the SDK expects (for Lambda code: pulumi.AssetArchive / pulumi.FileArchive)"
        else:
            fix = "fix the exception; the engine stops at the first one and deploys nothing after it"
        where = f" at {loc}" if loc.file else f" while running {entry}"
        frames = " <- ".join(f"{f}:{ln}" for f, ln, _ in list(reversed(e.get("frames") or []))[:4] if not f.startswith("<"))
        return cls.finding(f"the program raises {etype}{where}: {msg}" + (f" (stack: {frames})" if frames else ""),
                           location=loc, error=f"{etype}: {msg}", fix=fix)


class MissingFile(Entry):
    """The IaC program reads a file at synth time that the project does not contain.

    What it finds: `open()`/`FileArchive`/`filebase64sha256`-style reads of a path that does not exist, such as a
    prebuilt Lambda zip that the response never provides.
    Why it breaks: synth/preview raises FileNotFoundError; nothing is deployed.
    Bad: `code=pulumi.FileArchive("lambda.zip")` with no lambda.zip and nothing that builds it.
    Good: `pulumi.AssetArchive({".": pulumi.FileArchive("./lib/lambda/fn")})` over a directory in the project.
    What AWS says: nothing; the engine fails first.
    References: https://www.pulumi.com/docs/iac/concepts/assets-archives/
    """

    id = "PKG002"
    category = Category.PACKAGING
    severity = Severity.CRITICAL
    title = "file read at synth time does not exist"
    emitters = (
        "iacqa.frontends.cdk_py.frontend",
        "iacqa.frontends.cdktf_py.frontend",
        "iacqa.frontends.pulumi_py.frontend",
        "iacqa.frontends.terraform.graph",
    )
    stage = "frontend"


class ConfigRequired(Entry):
    """The program requires a config value that the pipeline does not set.

    What it finds: `pulumi.Config().require("x")`, a Terraform root `variable` without default, or a CloudFormation
    `Parameter` without `Default`, for a key that neither the TAP defaults (environment suffix, region) nor the
    stack file / tfvars provide.
    Why it breaks: the pipeline deploys without interactive input: `pulumi up` fails with ConfigMissingError,
    `terraform apply -input=false` with "No value for required variable", CloudFormation with "Parameters must
    have values".
    Bad: `config.require("dbPassword")` with no Pulumi.<stack>.yaml entry; `variable "owner" {}`.
    Good: `config.get("dbPassword") or generated secret`; a default; a documented stack file or tfvars.
    What AWS says: `Parameters: [Owner] must have values`; terraform: `Error: No value for required variable`.
    References: https://www.pulumi.com/docs/iac/concepts/config/,
    https://developer.hashicorp.com/terraform/language/values/variables
    """

    id = "SDK005"
    category = Category.SDK_API
    severity = Severity.MEDIUM
    title = "required config value is not set"
    emitters = (
        "iacqa.frontends.cloudformation.graph",
        "iacqa.frontends.pulumi_py.frontend",
        "iacqa.frontends.terraform.graph",
    )
    stage = "frontend"

    @classmethod
    def from_event(cls, e: dict[str, Any], loc: Location) -> Finding:
        key = e.get("key", "?")
        return cls.finding(f"the program requires config `{key}`, which the TAP pipeline does not set "
                           "(iacqa supplied a placeholder to continue)", location=loc,
                           error=f"Missing required configuration variable '{key}'",
                           fix=f"use config.get('{key.split(':')[-1]}') with a default, or ship the value in "
                           "Pulumi.<stack>.yaml", symbol=key)
