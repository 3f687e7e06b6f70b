"""HYG008: the stack relies on the account's default VPC (a lookup, or the aws_default_vpc/subnet resources).

Lookups (Terraform data sources, Pulumi `get_vpc`, CDK `Vpc.from_lookup`) are not resources, so they are not in the
graph: the rule reads the source (Python by its syntax tree, HCL and TypeScript/JavaScript by their text).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Location, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import tree
from iacqa.rules.hygiene._text import code_lines, text_sources

# Calls that look a VPC up, and the keyword that asks for the default one.
_LOOKUPS = {"get_vpc", "get_vpc_output", "DataAwsVpc", "from_lookup", "getVpc", "getVpcOutput", "fromLookup"}
_DEFAULT_KW = {"default", "is_default", "isDefault"}
# Resources that adopt the account's default VPC / subnets (Terraform, CDKTF, Pulumi).
_ADOPT = {"DefaultVpc", "DefaultSubnet"}
_TF_ADOPT = re.compile(r"""^\s*resource\s+"(aws_default_vpc|aws_default_subnet)"\s""")
_TF_DATA_VPC = re.compile(r"""^\s*data\s+"aws_vpc"\s+"[\w-]+"\s*\{""")
_TF_DEFAULT = re.compile(r"""^\s*default\s*=\s*true\b""")
_JS_LOOKUP = re.compile(r"\b(getVpc|getVpcOutput|DataAwsVpc|fromLookup)\s*\(")
_JS_DEFAULT = re.compile(r"\b(?:default|isDefault)\s*:\s*true\b")
_JS_ADOPT = re.compile(r"\bnew\s+(?:[\w$]+\.)*(DefaultVpc|DefaultSubnet)\s*\(")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _python_hits(ctx: RuleContext, file: str) -> Iterator[tuple[int, str, bool]]:
    """(line, what was written, adopts) for each default-VPC use in a Python file."""
    mod = tree(ctx, file)
    if mod is None:
        return
    for node in ast.walk(mod):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in _ADOPT:
            yield node.lineno, f"{name}(...)", True
        elif name in _LOOKUPS:
            for kw in node.keywords:
                if kw.arg in _DEFAULT_KW and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                    yield node.lineno, f"{name}(..., {kw.arg}=True)", False


def _text_hits(ctx: RuleContext, file: str) -> Iterator[tuple[int, str, bool]]:
    """The same for HCL (block text) and TypeScript/JavaScript (a call and its next lines)."""
    lines = list(code_lines(ctx, file))
    hcl = file.endswith((".tf", ".hcl"))
    for i, (no, line) in enumerate(lines):
        if hcl:
            m = _TF_ADOPT.match(line)
            if m:
                yield no, f'resource "{m.group(1)}"', True
            elif _TF_DATA_VPC.match(line):
                depth = 0
                for _, body in lines[i:]:
                    if depth == 1 and _TF_DEFAULT.match(body):
                        yield no, 'data "aws_vpc" { default = true }', False
                        break
                    depth += body.count("{") - body.count("}")
                    if depth <= 0 and "}" in body:
                        break
            continue
        m = _JS_ADOPT.search(line)
        if m:
            yield no, f"new {m.group(1)}(...)", True
            continue
        m = _JS_LOOKUP.search(line)
        if m:
            window = " ".join(text for _, text in lines[i:i + 8])
            call = window[window.find(m.group(0)):]
            end = call.find(")")
            if _JS_DEFAULT.search(call if end < 0 else call[:end]):
                yield no, f"{m.group(1)}({{ ...default: true }})", False


class DefaultVpcReliance(Rule):
    """The stack relies on the account's default VPC.

    What it finds: lookups of the default VPC (Terraform `data "aws_vpc" { default = true }`, CDKTF
    `DataAwsVpc(default=True)`, Pulumi `aws.ec2.get_vpc(default=True)`, CDK `ec2.Vpc.from_lookup(is_default=True)`)
    and resources that adopt it (`aws_default_vpc`, `aws_default_subnet`, Pulumi/CDKTF `DefaultVpc`,
    `DefaultSubnet`).
    Why it breaks: many organisations delete the default VPC (and accounts vended by Control Tower have none), so
    the lookup finds nothing and the plan or synth fails; where it exists, its subnets are public, shared with
    everything else in the account, and never removed with the stack. Adopting resources change that shared VPC
    instead of owning one.
    Bad: `vpc = aws.ec2.get_vpc(default=True)`
    Good: create the network in the stack (`aws.ec2.Vpc(...)` with subnets, CDK `ec2.Vpc(self, "Vpc")`), or take
    the VPC id as configuration.
    What AWS says: Terraform `Error: no matching EC2 VPC found`; CDK `Could not find any VPCs matching
    {"isDefault":"true"}`; Pulumi `aws:ec2/getVpc:getVpc: no matching EC2 VPC found`.
    References: https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html
    """

    id = "HYG008"
    category = Category.HYGIENE
    severity = Severity.MEDIUM
    title = "relies on the account's default VPC"
    docs_url = "https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for file in text_sources(ctx):
            if file.endswith(".py"):
                hits = _python_hits(ctx, file)
            elif file.endswith((".tf", ".hcl", ".ts", ".js", ".mjs")):
                hits = _text_hits(ctx, file)
            else:
                continue
            for line, what, adopts in sorted(set(hits)):
                if adopts:
                    msg = (f"`{what}` adopts the account's default VPC/subnet: the stack edits a network shared "
                           "with everything else in the account, which accounts without one do not have")
                    error = "the default VPC is deleted in many organisations' accounts; teardown leaves it behind"
                else:
                    msg = (f"`{what}` looks the account's default VPC up: in accounts without one (deleted, or "
                           "vended by Control Tower) the lookup finds nothing and the deploy fails")
                    error = "no matching EC2 VPC found"
                yield self.finding(msg, location=Location(file, line), error=error,
                                   fix="create the VPC and subnets in the stack, or take the VPC id from "
                                   "configuration", construct=what)
