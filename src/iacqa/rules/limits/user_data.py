"""LIM016: EC2 user data in the wrong encoding for the argument it is given to.

Launch templates take user data base64-encoded (EC2 RequestLaunchTemplateData.UserData; the AWS provider passes
`user_data` of aws_launch_template through unchanged); instances take it as text and the provider encodes it
(`user_data_base64` is the argument for data that is already encoded). Only the native (Pulumi, Terraform, CDKTF)
shapes are read: CloudFormation writes `Fn::Base64` and CDK's UserData class encodes for you.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from iacqa.knowledge.evidence import version
from iacqa.model import Category, Finding, Location, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import declaration_span
from iacqa.rules.wiring._native import unknown_value

TEMPLATES = ("aws:ec2/launchTemplate:LaunchTemplate", "aws_launch_template")
INSTANCES = ("aws:ec2/instance:Instance", "aws_instance")
# botocore ec2 model, RequestLaunchTemplateData.UserData
_DOC = "The user data to make available to the instance. You must provide base64-encoded text."
_B64 = re.compile(r"[A-Za-z0-9+/\s]+={0,2}\s*")
_ENCODE_CALL = re.compile(r"^\s*user_data\s*=\s*(base64encode|base64gzip|filebase64)\s*\(")


def _is_base64(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    if not compact or len(compact) % 4 or not _B64.fullmatch(text):
        return False
    try:
        base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _plain_script(text: Any) -> bool:
    """A user data text that is clearly not base64: a script, cloud-config or PowerShell block."""
    return isinstance(text, str) and not unknown_value(text) and not _is_base64(text) and (
        text.lstrip().startswith(("#!", "#cloud-config", "<powershell>", "<script>", "Content-Type:", "MIME-Version"))
        or "\n" in text.strip() or " " in text.strip())


class UserDataEncoding(Rule):
    """EC2 user data in the wrong encoding: plain text on a launch template, or base64 on an instance's `user_data`.

    What it finds: `aws.ec2.LaunchTemplate(user_data=...)` / `aws_launch_template.user_data` holding a script as
    text (`#!/bin/bash ...`) instead of base64 (critical); `aws_instance.user_data = base64encode(...)` (or an
    `aws.ec2.Instance` whose `user_data` is already base64) where `user_data_base64` is meant (low).
    Why it breaks: EC2 takes launch template user data only base64-encoded, and the AWS provider does not encode it
    for launch templates: CreateLaunchTemplate rejects the text. For instances the provider encodes `user_data`
    itself; handed base64 it passes it through with a warning, so it works but reads as double encoding.
    Bad: `aws.ec2.LaunchTemplate("lt", user_data=pulumi.Output.concat("#!/bin/bash\\n", ...))`;
    `user_data = base64encode(templatefile("init.sh", {}))` on `aws_instance`.
    Good: `user_data=base64.b64encode(script.encode()).decode()` (TS `Buffer.from(s).toString('base64')`, HCL
    `base64encode(...)`) on launch templates; `user_data = templatefile(...)` or
    `user_data_base64 = base64encode(...)` on instances.
    What AWS says: `InvalidUserData.Malformed: Invalid BASE64 encoding of user data` (CreateLaunchTemplate); for
    instances nothing, the provider warns and passes the value through.
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template#user_data,
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance#user_data,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RequestLaunchTemplateData.html
    """

    id = "LIM016"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "user data in the wrong encoding"
    docs_url = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RequestLaunchTemplateData.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            value = r.native_properties.get("user_data")
            if r.native_type in TEMPLATES and _plain_script(value):
                first = value.strip().splitlines()[0][:60]
                yield self.finding(
                    f"{r.id}: user_data holds the script as text ({first!r}...); launch templates take user data "
                    "base64-encoded and the provider does not encode it", resource=r,
                    location=self._at(r, "user_data"),
                    error="InvalidUserData.Malformed: Invalid BASE64 encoding of user data",
                    fix="base64-encode it: Python `base64.b64encode(script.encode()).decode()`, TS "
                    "`Buffer.from(script).toString('base64')` (inside .apply for Outputs), HCL `base64encode(...)`",
                    evidence=f"botocore {version('botocore')} ec2 model, RequestLaunchTemplateData.UserData: "
                    f"\"{_DOC}\"; pulumi_aws {version('pulumi_aws')} LaunchTemplate.user_data: \"The base64-encoded "
                    "user data to provide when launching the instance.\"")
            elif r.native_type in INSTANCES:
                loc = self._encoded_instance(ctx, r, value)
                if loc is not None:
                    yield self.finding(
                        f"{r.id}: user_data is given base64-encoded; the provider encodes user_data itself and passes "
                        "encoded input through with a warning: user_data_base64 is the argument for it", resource=r,
                        location=loc, severity=Severity.LOW,
                        error="nothing at deploy; the AWS provider warns and passes the value through",
                        fix="user_data = <the text> (or user_data_base64 = base64encode(...))")

    def _encoded_instance(self, ctx: RuleContext, r: Resource, value: Any) -> Location | None:
        if isinstance(value, str) and not unknown_value(value) and len(value) >= 16 and _is_base64(value):
            try:
                decoded = base64.b64decode(re.sub(r"\s+", "", value)).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return None  # binary (gzip) data: only user_data_base64 can carry it, but that is another message
            if decoded.lstrip().startswith(("#!", "#cloud-config", "<powershell>", "Content-Type:")):
                return self._at(r, "user_data")
        if r.native_type == "aws_instance":  # the offline evaluation may leave base64encode(...) unresolved
            file, start, end = declaration_span(ctx, r)
            lines = ctx.lines(file) if file else []
            for i in range(max(start, 1), min(end, len(lines)) + 1):
                if _ENCODE_CALL.search(lines[i - 1]):
                    return Location(file, i)
        return None

    @staticmethod
    def _at(r: Resource, attr: str) -> Location:
        for key in (attr, re.sub(r"_(\w)", lambda m: m.group(1).upper(), attr)):
            if key in r.attr_locations:
                return r.attr_locations[key]
        return r.location
