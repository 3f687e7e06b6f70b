"""SEC006: security-group ingress open to the whole internet on ports other than HTTP/HTTPS, or on every protocol.

Security groups are not mapped into CloudFormation vocabulary for every front end (Pulumi and Terraform keep their
native shapes: `ingress` blocks, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`), so the rule
reads each shape itself and turns every ingress entry into one `Opening`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.model import Category, Finding, Location, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import call_span
from iacqa.rules.leaves import leaves

WORLD = ("0.0.0.0/0", "::/0")
WEB_PORTS = frozenset({80, 443})
ALL_PROTOCOLS = ("-1", "all")
# ICMP "ports" are ICMP types and codes: an open ping is not a service exposed to the internet.
ICMP = ("icmp", "icmpv6", "1", "58")
NAMED_PORTS = {22: "SSH", 3389: "RDP", 3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle",
               6379: "Redis", 11211: "Memcached", 27017: "MongoDB", 9200: "Elasticsearch", 2049: "NFS",
               5439: "Redshift", 23: "Telnet", 21: "FTP", 445: "SMB"}

# native types: security group with inline ingress blocks, standalone rules (type=ingress), per-rule resources
_SG_NATIVE = ("aws:ec2/securityGroup:SecurityGroup", "aws_security_group")
_RULE_NATIVE = ("aws:ec2/securityGroupRule:SecurityGroupRule", "aws_security_group_rule")
_INGRESS_NATIVE = ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                   "aws_vpc_security_group_ingress_rule")


@dataclass
class Opening:
    """One ingress entry from a world CIDR."""

    resource: Resource
    attribute: str  # CFN path (mapped resources) or native path of the CIDR
    cidr: str
    protocol: str  # normalized: "all", "tcp", "udp" or the number AWS was given
    ports: tuple[int, int] | None  # inclusive range; None for every protocol


def _get(entry: dict[str, Any], *keys: str) -> Any:
    """The first key present: snake_case (Pulumi Python, Terraform), camelCase (Pulumi TS) or CloudFormation."""
    for k in keys:
        if k in entry and entry[k] is not None:
            return entry[k]
    return None


def _unknown(value: Any) -> bool:
    return isinstance(value, str) and ("<unresolved" in value or "${" in value or value.startswith("mock-")
                                       or value.lower() == "unknown")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _port(value: Any) -> int | None:
    if isinstance(value, bool) or _unknown(value):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _protocol(value: Any) -> str | None:
    if value is None or _unknown(value):
        return None
    p = str(value).strip().lower()
    return {"6": "tcp", "17": "udp"}.get(p, "all" if p in ALL_PROTOCOLS else p)


def _entries(r: Resource) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """(path prefix, entry, CIDR keys) for each ingress entry a resource declares."""
    if r.type == "AWS::EC2::SecurityGroup" and r.mapped and r.properties:
        for i, e in enumerate(_as_list(r.get("SecurityGroupIngress"))):
            if isinstance(e, dict):
                yield f"SecurityGroupIngress.{i}", e, ("CidrIp", "CidrIpv6")
    elif r.type == "AWS::EC2::SecurityGroupIngress" and r.mapped:
        yield "", r.properties, ("CidrIp", "CidrIpv6")
    elif r.native_type in _SG_NATIVE:
        for i, e in enumerate(_as_list(r.native_properties.get("ingress"))):
            if isinstance(e, dict):
                yield f"ingress.{i}", e, ("cidr_blocks", "cidrBlocks", "ipv6_cidr_blocks", "ipv6CidrBlocks")
    elif r.native_type in _RULE_NATIVE:
        if str(r.native_properties.get("type", "")).lower() == "ingress":
            yield "", r.native_properties, ("cidr_blocks", "cidrBlocks", "ipv6_cidr_blocks", "ipv6CidrBlocks")
    elif r.native_type in _INGRESS_NATIVE:
        yield "", r.native_properties, ("cidr_ipv4", "cidrIpv4", "cidr_ipv6", "cidrIpv6")


def openings(graph: ResourceGraph) -> Iterator[Opening]:
    """Every ingress entry from 0.0.0.0/0 or ::/0, whatever the port (the rule decides which are reported)."""
    for r in graph:
        for prefix, e, cidr_keys in _entries(r):
            proto = _protocol(_get(e, "IpProtocol", "protocol", "ip_protocol", "ipProtocol"))
            if proto is None:
                continue
            for key in cidr_keys:
                for cidr in _as_list(e.get(key)):
                    if not isinstance(cidr, str) or cidr.strip() not in WORLD:
                        continue
                    ports: tuple[int, int] | None = None
                    if proto != "all":
                        lo = _port(_get(e, "FromPort", "from_port", "fromPort"))
                        hi = _port(_get(e, "ToPort", "to_port", "toPort"))
                        if lo is None or hi is None:
                            continue
                        if lo == -1 and hi == -1:  # CloudFormation: -1 with tcp/udp means every port
                            lo, hi = 0, 65535
                        ports = (lo, hi)
                    attr = f"{prefix}.{key}" if prefix else key
                    yield Opening(r, attr, cidr.strip(), proto, ports)


def _exposed(o: Opening) -> bool:
    if o.protocol == "all":
        return True
    if o.protocol in ICMP or o.ports is None:
        return False
    lo, hi = max(o.ports[0], 1), min(o.ports[1], 65535)
    if lo > hi:
        return False  # port 0 only (or an empty range): nothing listens there
    return hi - lo > 1 or lo not in WEB_PORTS or hi not in WEB_PORTS  # 80 and 443 are not adjacent


def _what(o: Opening) -> str:
    """`SSH port 22`, `TCP ports 0-65535 (including SSH 22 and RDP 3389)`, `every protocol and port`."""
    if o.protocol == "all" or o.ports is None:
        return "every protocol and port (including SSH 22 and RDP 3389)"
    lo, hi = o.ports
    proto = o.protocol.upper() if o.protocol in ("tcp", "udp") else f"protocol {o.protocol}"
    if lo == hi:
        name = NAMED_PORTS.get(lo)
        return f"{name} port {lo} ({proto})" if name else f"{proto} port {lo}"
    named = [f"{NAMED_PORTS[p]} {p}" for p in (22, 3389) if lo <= p <= hi]
    inside = f" (including {' and '.join(named)})" if named else ""
    return f"{proto} ports {lo}-{hi}{inside}"


# Resources that never get a public address: a group attached only to these is not reachable from the internet,
# whatever its CIDR (a VPC Lambda, an EFS mount target, a cache, a VPC endpoint's interfaces).
_PRIVATE_TYPES = ("AWS::Lambda::Function", "AWS::ElastiCache::", "AWS::EFS::MountTarget", "AWS::EC2::VPCEndpoint",
                  "AWS::MemoryDB::", "AWS::DocDB::", "AWS::Neptune::", "AWS::MSK::")
_PRIVATE_NATIVE = re.compile(r"(?i)elasticache|efs/mountTarget|efs_mount_target|vpcEndpoint|vpc_endpoint|memorydb|"
                             r"docdb|neptune|msk")
_PUBLIC_FLAG = re.compile(r"(?i)(^|\.)(publicly_?accessible|assign_?public_?ip)$")


def _group_of(graph: ResourceGraph, r: Resource) -> Resource | None:
    """The security group an ingress entry belongs to: the group itself, or the one a rule resource names."""
    if r.type == "AWS::EC2::SecurityGroup" or r.native_type in _SG_NATIVE:
        return r
    ref = r.get("GroupId") or r.native_properties.get("security_group_id") or r.native_properties.get(
        "securityGroupId")
    hit = graph.resolve_resource(ref) if isinstance(ref, str) and not _unknown(ref) else None
    if hit is not None and (hit.type == "AWS::EC2::SecurityGroup" or hit.native_type in _SG_NATIVE):
        return hit
    return None


def _consumers(graph: ResourceGraph, sg: Resource) -> list[Resource]:
    """Resources that put the group on their network interfaces (any property naming it), rules excluded."""
    ids = {v for k, v in sg.outputs.items() if k in ("Id", "Arn", "Name") and isinstance(v, str)}
    out = []
    for r in graph:
        if r.id == sg.id or "securitygroup" in (r.type + r.native_type).lower().replace("_", ""):
            continue
        values = [v for _, v in [*leaves(r.properties), *leaves(r.native_properties)] if isinstance(v, str)]
        if any(v in ids or (graph.resolve_resource(v) is sg) for v in values):
            out.append(r)
    return out


def _public_flag(r: Resource) -> bool:
    for path, v in [*leaves(r.properties), *leaves(r.native_properties)]:
        if _PUBLIC_FLAG.search(path) and (v is True or (isinstance(v, str) and v.lower() in ("true", "enabled"))):
            return True
    return False


def _private(graph: ResourceGraph, r: Resource) -> bool:
    """Whether the resource can never be reached from the internet directly (no public address)."""
    if r.type == "AWS::RDS::DBInstance" or r.type == "AWS::Redshift::Cluster":
        return not _public_flag(r)
    if r.type == "AWS::RDS::DBCluster":  # Aurora: public access is set on the cluster's instances
        return not any(_public_flag(i) for i in graph.of_type("AWS::RDS::DBInstance"))
    if r.type == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        return str(r.get("Scheme", "")).lower() == "internal"
    if "ecs" in r.type.lower() + r.native_type.lower() and "service" in r.type.lower() + r.native_type.lower():
        return not _public_flag(r)  # awsvpc tasks get a public IP only with assign_public_ip
    return r.type.startswith(_PRIVATE_TYPES) or bool(_PRIVATE_NATIVE.search(r.native_type))


def unreachable(graph: ResourceGraph, r: Resource) -> list[Resource] | None:
    """The group's consumers when there are some and none of them has a public address; else None."""
    sg = _group_of(graph, r)
    if sg is None:
        return None
    users = _consumers(graph, sg)
    return users if users and all(_private(graph, u) for u in users) else None


_EGRESS = re.compile(r"(?i)egress")
_INGRESS = re.compile(r"(?i)ingress")
_DESCRIPTION = re.compile(r"(?i)description")


def _span(ctx: RuleContext, r: Resource) -> tuple[str | None, int, int]:
    """(file, first, last line) of the resource's declaration: the Python call, else up to the next resource
    declared in the same file (Terraform blocks, CloudFormation resources)."""
    file, start, end = call_span(ctx, r)
    if file and file.endswith(".py"):
        return file, start, end
    loc = r.location
    if not loc.file or not loc.line:
        return None, 0, -1
    if loc.end_line:
        return loc.file, loc.line, loc.end_line
    later = [o.location.line for o in ctx.graph if o.location.file == loc.file and o.location.line
             and o.location.line > loc.line]
    return loc.file, loc.line, (min(later) - 1 if later else len(ctx.lines(loc.file)))


def _cidr_lines(ctx: RuleContext, r: Resource, cidr: str) -> list[int]:
    """Lines of the resource's ingress entries holding `cidr`, egress sections skipped."""
    file, start, end = _span(ctx, r)
    lines = ctx.lines(file)
    if not lines or end < start:
        return []
    out, egress = [], False
    for n in range(max(start, 1), min(end, len(lines)) + 1):
        text = lines[n - 1]
        if not _DESCRIPTION.search(text):
            if _EGRESS.search(text):
                egress = True
            elif _INGRESS.search(text):
                egress = False
        if not egress and cidr in text and not text.lstrip().startswith(("#", "//")):
            out.append(n)
    return out


def _locate(ctx: RuleContext, o: Opening, siblings: list[Opening]) -> Location:
    """The line of the entry's CIDR when the source has one line per world-CIDR entry of that resource, so the
    nth entry is the nth line; otherwise where the attribute is written."""
    same = [s for s in siblings if s.cidr == o.cidr]
    lines = _cidr_lines(ctx, o.resource, o.cidr)
    nth = next((i for i, s in enumerate(same) if s is o), None)
    if len(lines) == len(same) and nth is not None:
        return Location(o.resource.location.file, lines[nth])
    return _cdk_port_line(ctx, o) or o.resource.location_of(o.attribute)


def _cdk_port_line(ctx: RuleContext, o: Opening) -> Location | None:
    """CDK writes no CIDR (`add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22))`): the only line of the file
    naming the entry's port that way."""
    file = o.resource.location.file
    if not file:
        return None
    proto = re.escape(o.protocol)
    if o.protocol == "all" or o.ports is None:
        rx = re.compile(r"Port\.(?:all_traffic|allTraffic)\(\s*\)")
    elif o.ports[0] == o.ports[1]:
        rx = re.compile(rf"Port\.{proto}\(\s*{o.ports[0]}\s*\)")
    elif o.ports == (0, 65535):
        rx = re.compile(rf"Port\.(?:all_{proto}|all{proto.capitalize()})\(\s*\)")
    else:
        rx = re.compile(rf"Port\.(?:{proto}_range|{proto}Range)\(\s*{o.ports[0]}\s*,\s*{o.ports[1]}\s*\)")
    hits = [n for n, text in enumerate(ctx.lines(file), 1) if rx.search(text)]
    return Location(file, hits[0]) if len(hits) == 1 else None


class WorldOpenIngress(Rule):
    """A security group lets the whole internet (0.0.0.0/0 or ::/0) in on a port other than 80/443.

    What it finds: ingress entries from `0.0.0.0/0` or `::/0` on any port other than 80 and 443, or on every
    protocol (`-1` / `"all"`): `SecurityGroupIngress` of `AWS::EC2::SecurityGroup`, `AWS::EC2::SecurityGroupIngress`,
    Pulumi/Terraform `ingress` blocks of `aws_security_group`, `aws_security_group_rule` with `type = "ingress"`
    and `aws_vpc_security_group_ingress_rule`. SSH (22) and RDP (3389) are named in the message. Egress is not
    reported (open egress is the AWS default). ICMP is not reported. CIDRs or ports not known at synth time are
    skipped. A group attached only to resources that never get a public address (a database or Redshift cluster
    without `publicly_accessible`, an ECS service without `assign_public_ip`, an internal load balancer, a VPC
    Lambda, a cache, an EFS mount target, a VPC endpoint) is not reported: the internet cannot reach them.
    Why it breaks: nothing fails at deploy; every host on the internet can reach the port. Open SSH/RDP and
    database ports are scanned within minutes of creation and brute-forced; reviewers mark it as a security
    failure ("security group allows SSH access from 0.0.0.0/0").
    Bad: `ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]`
    Good: `ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/16"]}]` (or no
    SSH at all: SSM Session Manager), and database ports opened only to the application's security group
    (`security_groups=[app_sg.id]`).
    What AWS says: nothing at deploy; the Well-Architected security pillar and AWS Security Hub control EC2.13
    ("Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22") and EC2.19 (unrestricted
    access to high-risk ports) flag it.
    References: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html ,
    https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
    """

    id = "SEC006"
    category = Category.SECURITY
    severity = Severity.HIGH
    title = "security group open to the internet"
    docs_url = "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        by_resource: dict[str, list[Opening]] = {}
        for o in openings(ctx.graph):
            by_resource.setdefault(o.resource.id, []).append(o)
        for siblings in by_resource.values():
            if not any(_exposed(o) for o in siblings) or unreachable(ctx.graph, siblings[0].resource):
                continue  # attached only to resources without a public address: the internet cannot reach them
            for o in siblings:
                if not _exposed(o):
                    continue
                r = o.resource
                what = _what(o)
                kind = "security group" if r.type == "AWS::EC2::SecurityGroup" or r.native_type in _SG_NATIVE \
                    else "ingress rule"
                remote = o.protocol == "all" or (o.ports is not None and (
                    o.ports[0] <= 22 <= o.ports[1] or o.ports[0] <= 3389 <= o.ports[1]))
                fix = ("restrict the source to the networks that need it (the VPC CIDR, an office range) or "
                       "to another security group (SourceSecurityGroupId; security_groups=[...] / source_security_group_id "
                       "in Pulumi and Terraform)")
                if remote:
                    fix += "; for shell access use SSM Session Manager instead of opening SSH/RDP"
                yield self.finding(
                    f"{kind} {r.id} allows ingress from {o.cidr} (anyone on the internet) on {what}",
                    resource=r, attribute=o.attribute,
                    location=_locate(ctx, o, siblings),
                    error="nothing at deploy; at run time every host on the internet can connect to "
                    f"{what.split(' (')[0]} of whatever the group is attached to",
                    fix=fix, cidr=o.cidr, protocol=o.protocol, ports=list(o.ports) if o.ports else None)
