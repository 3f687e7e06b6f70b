"""SEC015: EC2 instances and launch templates that still answer IMDSv1 (instance metadata without a session token)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import is_type, one, unknown_value

# AMIs registered with ImdsSupport v2.0 launch with tokens required: Amazon Linux 2023 (its SSM parameters and
# image names say al2023). Other AMIs follow the account default, which is IMDSv1-and-v2 unless changed.
INSTANCES = ("AWS::EC2::Instance", "aws_instance", "aws:ec2/instance:Instance")
TEMPLATES = ("AWS::EC2::LaunchTemplate", "aws_launch_template", "aws:ec2/launchTemplate:LaunchTemplate")
_V2_AMI = re.compile(r"al2023|amazon-linux-2023", re.I)


def _ami_requires_v2(graph: ResourceGraph, image: Any) -> bool:
    if isinstance(image, str) and _V2_AMI.search(image):
        return True
    src = graph.resolve_resource(image) if isinstance(image, str) else None
    if src is None:
        return False
    text = " ".join(str(v) for v in (*src.properties.values(), *src.native_properties.values()))
    return bool(_V2_AMI.search(text))


def _tokens(options: Any) -> Any:
    options = one(options)
    if not isinstance(options, dict):
        return None
    return options.get("HttpTokens", options.get("http_tokens"))


class ImdsV1Allowed(Rule):
    """An EC2 instance or launch template that still answers IMDSv1.

    What it finds: an `AWS::EC2::Instance` (without a launch template) or an `AWS::EC2::LaunchTemplate` whose
    metadata options do not set `HttpTokens: required` (Terraform `metadata_options { http_tokens = "required" }`,
    CDK `require_imdsv2=True`), unless the image is Amazon Linux 2023 (registered with ImdsSupport v2.0, so tokens
    are required anyway) or the metadata endpoint is disabled. Values not known before deploy are skipped.
    Why it breaks: nothing fails at deploy. With IMDSv1 any SSRF in the instance's software can read the instance
    role's credentials from 169.254.169.254 without a token; Security Hub control EC2.8 fails. The account's own
    IMDS default may already require tokens: iacqa cannot see it, so this is medium.
    Bad: `aws.ec2.Instance(..., ami="ami-0abc...")` with no `metadata_options`.
    Good: `metadata_options={"http_tokens": "required", "http_endpoint": "enabled"}`.
    What AWS says: "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)" (Security Hub EC2.8).
    References: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8,
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html
    """

    id = "SEC015"
    category = Category.SECURITY
    severity = Severity.MEDIUM
    title = "instance metadata answers IMDSv1"
    docs_url = "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for inst in (r for r in g if is_type(r, INSTANCES)):
            if inst.has("LaunchTemplate") or inst.native_properties.get("launch_template"):
                continue  # judged on the template
            yield from self._judge(g, inst, inst.get("MetadataOptions", inst.native_properties.get("metadata_options")),
                                   inst.get("ImageId", inst.native_properties.get("ami")), "MetadataOptions")
        for lt in (r for r in g if is_type(r, TEMPLATES)):
            data = lt.get("LaunchTemplateData") or {}
            options = data.get("MetadataOptions") if isinstance(data, dict) else None
            image = data.get("ImageId") if isinstance(data, dict) else None
            if options is None:
                options = lt.native_properties.get("metadata_options")
            if image is None:
                image = lt.native_properties.get("image_id")
            yield from self._judge(g, lt, options, image, "LaunchTemplateData.MetadataOptions")

    def _judge(self, g: ResourceGraph, res: Resource, options: Any, image: Any, attr: str) -> Iterator[Finding]:
        tokens = _tokens(options)
        endpoint = (one(options) or {}).get("HttpEndpoint", (one(options) or {}).get("http_endpoint")) \
            if isinstance(one(options), dict) else None
        if tokens == "required" or endpoint == "disabled" or unknown_value(tokens) or unknown_value(image):
            return
        if _ami_requires_v2(g, image):
            return
        if not res.mapped and options is not None:
            attr = "metadata_options"  # the native block as written, located at its own line
        said = "HttpTokens optional" if tokens == "optional" else "no HttpTokens setting (IMDSv1 stays on)"
        yield self.finding(
            f"{res.id}: {said}: any process or SSRF on the instance can read its role credentials from the metadata "
            "service without a session token", resource=res, attribute=attr,
            error="nothing at deploy; Security Hub EC2.8 fails (EC2 instances should use IMDSv2)",
            fix='metadata_options {http_tokens = "required"} (CloudFormation MetadataOptions.HttpTokens: required; '
            "CDK require_imdsv2=True)", evidence="Security Hub control EC2.8; EC2 user guide, configure IMDS options")
