"""SEC008: a security group created by the Terraform AWS provider (Terraform, CDKTF, Pulumi) without any egress
rule, attached to something that opens connections (a VPC Lambda, an ECS task, an instance, a load balancer).

AWS gives every new VPC security group an allow-all egress rule, and CloudFormation (and CDK, which writes
CloudFormation) keeps it when `SecurityGroupEgress` is omitted. The Terraform AWS provider removes that rule when
it creates the group ("NOTE on Egress rules" in the `aws_security_group` documentation); Pulumi's `aws` package is
generated from that provider and says the same in `pulumi_aws/ec2/security_group.py`. So only the native types of
those front ends are read here: `aws_security_group` (Terraform, CDKTF) and `aws:ec2/securityGroup:SecurityGroup`
(Pulumi Python and TypeScript). The graph keeps both under their native type with their native arguments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import call_span
from iacqa.rules.leaves import leaves

# Groups whose default egress the provider revokes at creation.
_SG_NATIVE = ("aws_security_group", "aws:ec2/securityGroup:SecurityGroup")
# Standalone egress rules: (native type, does it need `type = "egress"`).
_EGRESS_RULES = {"aws_security_group_rule": True, "aws:ec2/securityGroupRule:SecurityGroupRule": True,
                 "aws_vpc_security_group_egress_rule": False,
                 "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": False,
                 "AWS::EC2::SecurityGroupEgress": False}
_GROUP_KEYS = ("security_group_id", "securityGroupId", "GroupId")

# Resources whose network interfaces open connections themselves; what breaks when they cannot.
# (CloudFormation type or native type) -> (what it is, what fails)
_INITIATORS: dict[str, tuple[str, str]] = {}
for _names, _what, _breaks in (
    (("AWS::Lambda::Function", "aws_lambda_function", "aws:lambda/function:Function"), "Lambda function",
     "every call the function makes (AWS APIs through endpoints or NAT, the database, HTTP) times out"),
    (("AWS::ECS::Service", "aws_ecs_service", "aws:ecs/service:Service"), "ECS service",
     "its tasks cannot pull their image from ECR or reach anything (CannotPullContainerError on Fargate)"),
    (("AWS::EC2::Instance", "aws_instance", "aws:ec2/instance:Instance"), "EC2 instance",
     "the instance cannot reach package repositories, SSM, CloudWatch or any AWS API"),
    (("AWS::EC2::LaunchTemplate", "aws_launch_template", "aws:ec2/launchTemplate:LaunchTemplate",
      "AWS::AutoScaling::LaunchConfiguration", "aws_launch_configuration",
      "aws:ec2/launchConfiguration:LaunchConfiguration"), "launch template",
     "instances launched from it cannot reach package repositories, SSM, CloudWatch or any AWS API"),
    (("AWS::ElasticLoadBalancingV2::LoadBalancer", "aws_lb", "aws_alb", "aws:lb/loadBalancer:LoadBalancer",
      "aws:alb/loadBalancer:LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer", "aws_elb",
      "aws:elb/loadBalancer:LoadBalancer"), "load balancer",
     "it cannot reach its targets: health checks fail and every request gets 502/503"),
    (("AWS::CodeBuild::Project", "aws_codebuild_project", "aws:codebuild/project:Project"), "CodeBuild project",
     "builds cannot download sources or dependencies"),
    (("AWS::Batch::ComputeEnvironment", "aws_batch_compute_environment",
      "aws:batch/computeEnvironment:ComputeEnvironment"), "Batch compute environment",
     "jobs cannot pull images or reach any AWS API"),
    (("AWS::RDS::DBProxy", "aws_db_proxy", "aws:rds/proxy:Proxy"), "RDS proxy",
     "the proxy cannot connect to the database or read its Secrets Manager secret"),
    (("AWS::DMS::ReplicationInstance", "aws_dms_replication_instance",
      "aws:dms/replicationInstance:ReplicationInstance"), "DMS replication instance",
     "it cannot connect to its source and target endpoints"),
    (("AWS::AppRunner::VpcConnector", "aws_apprunner_vpc_connector", "aws:apprunner/vpcConnector:VpcConnector"),
     "App Runner VPC connector", "the service cannot reach anything in the VPC"),
    (("AWS::Glue::Connection", "aws_glue_connection", "aws:glue/connection:Connection"), "Glue connection",
     "jobs using the connection cannot reach their data store"),
    (("AWS::SageMaker::NotebookInstance", "aws_sagemaker_notebook_instance",
      "aws:sagemaker/notebookInstance:NotebookInstance"), "SageMaker notebook instance",
     "the notebook cannot reach S3 or any AWS API"),
):
    for _n in _names:
        _INITIATORS[_n] = (_what, _breaks)

# Where a resource names its security groups (every front end's spelling): any path segment like these.
_SG_PATH = re.compile(r"(?i)(^|\.)(vpc_?)?security_?groups?(_?ids?)?(_?list)?$")
_TF_FIX = 'add an egress block: egress { from_port = 0  to_port = 0  protocol = "-1"  cidr_blocks = ["0.0.0.0/0"] }'
_PULUMI_FIX = ('add egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}] '
               "(TypeScript: egress: [{protocol: \"-1\", fromPort: 0, toPort: 0, cidrBlocks: [\"0.0.0.0/0\"]}])")
_EGRESS_WORD = re.compile(r"(?i)\begress\b")


def _unknown(value: Any) -> bool:
    return isinstance(value, str) and ("<unresolved" in value or "${" in value or value.startswith("mock-")
                                       or value.lower() == "unknown")


def _is_group(r: Resource | None) -> bool:
    return r is not None and (r.native_type in _SG_NATIVE or r.type == "AWS::EC2::SecurityGroup")


def _egress_rules(graph: ResourceGraph) -> tuple[set[str], bool]:
    """Ids of the groups that get egress from a standalone rule resource, and whether some rule names a group
    the graph cannot resolve (then any group might have egress)."""
    covered: set[str] = set()
    unknown = False
    for r in graph:
        kind = r.native_type if r.native_type in _EGRESS_RULES else r.type
        if kind not in _EGRESS_RULES:
            continue
        n = r.native_properties
        if _EGRESS_RULES[kind] and str(n.get("type", "")).lower() != "egress":
            continue
        ref = next((v for v in (n.get(k) for k in _GROUP_KEYS) if v is not None), None)
        if ref is None:
            ref = r.get("GroupId")
        hit = graph.resolve_resource(ref) if isinstance(ref, str) and not _unknown(ref) else None
        if _is_group(hit):
            covered.add(hit.id)  # type: ignore[union-attr]
        else:
            unknown = True
    return covered, unknown


def _declaration(ctx: RuleContext, r: Resource) -> str:
    """The source text of the resource's declaration (the Python call, the Terraform block), '' when unknown."""
    file, start, end = call_span(ctx, r)
    lines = ctx.lines(file)
    if not lines or not start:
        return ""
    if not (file or "").endswith(".py"):
        loc = r.location
        if loc.end_line:
            end = loc.end_line
        else:  # up to the next resource declared in the same file
            later = [o.location.line for o in ctx.graph if o.location.file == loc.file and o.location.line
                     and o.location.line > start]
            end = min(later) - 1 if later else len(lines)
    return "\n".join(lines[start - 1:max(start, end)])


def _without_egress(ctx: RuleContext) -> list[Resource]:
    """Groups of the provider's native types that declare no egress anywhere."""
    covered, unknown = _egress_rules(ctx.graph)
    if unknown:
        return []
    out = []
    for r in ctx.graph:
        if r.native_type not in _SG_NATIVE or r.id in covered:
            continue
        n = r.native_properties
        if "egress" in n and n["egress"] is not None:
            continue  # declared (an empty list is an explicit "no outbound traffic")
        text = _declaration(ctx, r)
        if _EGRESS_WORD.search(text):
            continue  # written in a form the graph may not show (a dynamic "egress" block, a computed list)
        out.append(r)
    return out


def _groups_named(graph: ResourceGraph, r: Resource) -> tuple[list[Resource], bool]:
    """The security groups a resource puts on its interfaces, and whether it also names one the graph does not
    hold (created elsewhere: its egress is unknown)."""
    groups: dict[str, Resource] = {}
    foreign = False
    for path, v in [*leaves(r.properties), *leaves(r.native_properties)]:
        if not isinstance(v, str) or not _SG_PATH.search(path) or path.lower().startswith("tags"):
            continue
        hit = graph.resolve_resource(v) if not _unknown(v) else None
        if _is_group(hit):
            groups[hit.id] = hit  # type: ignore[union-attr]
        else:
            foreign = True
    return list(groups.values()), foreign


class SecurityGroupWithoutEgress(Rule):
    """A security group made by the Terraform AWS provider has no egress rule, and what uses it opens connections.

    What it finds: an `aws_security_group` (Terraform, CDKTF) or `aws.ec2.SecurityGroup` (Pulumi) with no
    `egress` block and no standalone egress rule for it (`aws_security_group_rule` with `type = "egress"`,
    `aws_vpc_security_group_egress_rule`, their Pulumi twins), attached to a resource that opens connections
    itself: a VPC Lambda function, an ECS service, an instance or launch template, a load balancer, a CodeBuild
    project, an RDS proxy. (Not an EKS cluster: EKS also puts its own cluster security group, which allows all
    egress, on the control plane's interfaces.) When the resource has several groups, it is reported only if none
    of them has egress. Not reported: CloudFormation and CDK groups (CloudFormation keeps AWS's default allow-all
    egress), groups with an explicit empty `egress = []` (a deliberate choice), groups used only by resources
    that only answer connections (databases, caches, VPC endpoints, EFS), and resources that also use a group
    created outside the program.
    Why it breaks: AWS gives a new VPC security group an allow-all egress rule, but the Terraform AWS provider
    (and Pulumi's `aws`, generated from it) revokes it when it creates the group. With no egress rule, nothing in
    the group can open an outbound connection: a Lambda times out on its first AWS call, Fargate tasks cannot pull
    their image, a load balancer cannot reach its targets. Security groups are stateful, so answers to inbound
    requests still flow, which hides the problem until the first outbound call.
    Bad: `resource "aws_security_group" "lambda" { vpc_id = aws_vpc.main.id }` used in the function's
    `vpc_config`; `aws.ec2.SecurityGroup("lambda-sg", vpc_id=vpc.id, ingress=[...])` with no `egress`.
    Good: `egress { from_port = 0  to_port = 0  protocol = "-1"  cidr_blocks = ["0.0.0.0/0"] }` (or only the
    ports and prefixes the code needs: 443 to the VPC endpoints, the database port to its group).
    What AWS says: nothing at deploy; at run time the connections time out (`ConnectTimeoutError: Connect timeout
    on endpoint URL`, `Task timed out after N seconds`). The provider documentation: "By default, AWS creates an
    ALLOW ALL egress rule when creating a new Security Group inside of a VPC. When creating a new Security Group
    inside a VPC, Terraform will remove this default rule, and require you specifically re-create it".
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group ,
    https://www.pulumi.com/registry/packages/aws/api-docs/ec2/securitygroup/
    """

    id = "SEC008"
    category = Category.SECURITY
    severity = Severity.HIGH
    title = "security group without egress where its users open connections"
    docs_url = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        bare = {g.id: g for g in _without_egress(ctx)}
        if not bare:
            return
        users: dict[str, list[tuple[Resource, str, str]]] = {}
        for r in ctx.graph:
            kind = _INITIATORS.get(r.type) or _INITIATORS.get(r.native_type)
            if kind is None:
                continue
            groups, foreign = _groups_named(ctx.graph, r)
            if foreign or not groups or any(g.id not in bare for g in groups):
                continue  # another group of its interfaces may allow the traffic
            for g in groups:
                users.setdefault(g.id, []).append((r, *kind))
        for gid, used in users.items():
            g = bare[gid]
            names = [f"{what} {r.id}" for r, what, _ in used]
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            _, what, breaks = used[0]
            tool = "Pulumi's aws provider" if g.native_type.startswith("aws:") else "the Terraform AWS provider"
            yield self.finding(
                f"security group {g.id} has no egress rule ({tool} removes AWS's default allow-all egress), and "
                f"{shown} use{'s' if len(names) == 1 else ''} it: {breaks}",
                resource=g,
                error="nothing at deploy; at run time every outbound connection times out (e.g. botocore "
                "`ConnectTimeoutError: Connect timeout on endpoint URL`, Lambda `Task timed out after N seconds`)",
                fix=(_PULUMI_FIX if g.native_type.startswith("aws:") else _TF_FIX)
                + ", or only the ports and destinations the code needs (443 to the VPC endpoints, the database port)",
                evidence="aws_security_group documentation (Terraform AWS provider; restated in pulumi_aws."
                "ec2.SecurityGroup): the provider revokes the default egress rule of a new VPC group",
                users=[r.id for r, _, _ in used])
