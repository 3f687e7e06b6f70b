"""LIM009: a VPC flow log aggregation interval other than 60 or 600 seconds (600 on a transit gateway).

Not a LIM001 row: the cfn-lint schema of AWS::EC2::FlowLog types MaxAggregationInterval as a bare integer (no enum,
so LIM001 has nothing to compare against on any platform), and the Terraform/Pulumi flow log resources are not in
the type map, so their graphs keep them unmapped (native names only). This rule reads every shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import is_type, prop

TYPES = ("AWS::EC2::FlowLog", "aws_flow_log", "aws:ec2/flowLog:FlowLog")
ALLOWED = (60, 600)
# botocore ec2 model (2016-11-15), CreateFlowLogsRequest.MaxAggregationInterval.
_DOC = ("The maximum interval of time during which a flow of packets is captured and aggregated into a flow log "
        "record. The possible values are 60 seconds (1 minute) or 600 seconds (10 minutes). This parameter must be "
        "60 seconds for transit gateway and Cloud WAN resource types.")


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        return float(value)
    return None


def _transit_gateway(r: Resource) -> bool:
    """A flow log on a transit gateway or one of its attachments (60 s only)."""
    kind, _ = prop(r, "ResourceType", "resource_type")
    if isinstance(kind, str) and kind.startswith("TransitGateway"):
        return True
    n = r.native_properties
    return any(n.get(k) not in (None, "") for k in ("transit_gateway_id", "transit_gateway_attachment_id"))


class FlowLogAggregationInterval(Rule):
    """A VPC flow log whose maximum aggregation interval is not 60 or 600 seconds.

    What it finds: `max_aggregation_interval` (CloudFormation `MaxAggregationInterval`) of a flow log set to
    anything but 60 or 600 (300, "5 minutes" worth of seconds, is the usual one), or to 600 on a flow log of a
    transit gateway or transit gateway attachment, which accepts 60 only.
    Why it breaks: the Terraform provider's validator (`validation.IntInSlice([]int{60, 600})`) stops the plan;
    CloudFormation and the API reject the CreateFlowLogs call, so the flow log is not created and the deploy stops.
    Bad: `aws.ec2.FlowLog("vpc-flow", vpc_id=vpc.id, traffic_type="ALL", max_aggregation_interval=300, ...)`.
    Good: `max_aggregation_interval=60` (or 600, the default).
    What AWS says: `InvalidParameter: max_aggregation_interval parameter invalid. Valid values are 60, 600`
    (seen on a real deploy); the provider: `expected max_aggregation_interval to be one of [60 600], got 300`.
    botocore's ec2 model (CreateFlowLogs, MaxAggregationInterval): "The possible values are 60 seconds (1 minute)
    or 600 seconds (10 minutes). This parameter must be 60 seconds for transit gateway and Cloud WAN resource
    types."
    References: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html ,
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/flow_log#max_aggregation_interval
    """

    id = "LIM009"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "flow log aggregation interval other than 60 or 600 seconds"
    resource_types = ("AWS::EC2::FlowLog",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if not is_type(r, TYPES):
                continue
            value, path = prop(r, "MaxAggregationInterval", "max_aggregation_interval")
            n = _number(value)
            if n is None:
                continue
            shown = int(n) if float(n).is_integer() else n
            if n not in ALLOWED:
                closest = min(ALLOWED, key=lambda a: abs(a - n))
                yield self.finding(
                    f"flow log {r.id} sets {path} = {shown}; flow logs aggregate over 60 or 600 seconds only",
                    resource=r, attribute=path,
                    error=f"InvalidParameter: max_aggregation_interval parameter invalid. Valid values are 60, 600 "
                    f"(provider: expected max_aggregation_interval to be one of [60 600], got {shown})",
                    fix=f"set {path} = {closest} (the closest allowed value)",
                    evidence=f"botocore ec2 model, CreateFlowLogs MaxAggregationInterval: \"{_DOC}\"",
                    authority="botocore ec2 model; Terraform AWS provider validator", value=shown)
            elif n == 600 and _transit_gateway(r):
                yield self.finding(
                    f"flow log {r.id} on a transit gateway sets {path} = 600; transit gateway flow logs aggregate "
                    "over 60 seconds only", resource=r, attribute=path,
                    error="InvalidParameter: max_aggregation_interval parameter invalid (transit gateway flow logs "
                    "support 60 seconds only)",
                    fix=f"set {path} = 60",
                    evidence=f"botocore ec2 model, CreateFlowLogs MaxAggregationInterval: \"{_DOC}\"",
                    authority="botocore ec2 model", value=shown)
