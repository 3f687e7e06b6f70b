"""LIM013: properties the CloudFormation resource schema declares mutually exclusive (`dependentExcluded`) or
dependent on another (`dependentRequired`), read from the schemas cfn-lint ships, over every graph resource.

Where cfn-lint itself read the template (CloudFormation platform), its E3020/E3021 already report these (CFN001 /
CFN002): the rule judges a CloudFormation template only when cfn-lint could not decode it (the graph was salvaged
from the part above a syntax error) or cfn-lint was switched off. CDK's synthesized templates are not linted by
cfn-lint, so they are judged. Terraform, Pulumi and CDKTF resources are judged only on the schema entries the API
enforces the same way whatever the tool (PROVIDER_VETTED): a schema entry can encode a CloudFormation handler's
limit (a security group's egress rules need VpcId in CloudFormation, not through the EC2 API the provider calls)
or a field the provider fills itself (DynamoDB's SSEType when a KMS key is given).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.knowledge.constraints import ITEMS, schema
from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import blank, unknown_value

PROVIDER_PLATFORMS = ("tf", "pulumi", "cdktf")
# (CloudFormation type, object path, kind) whose rule the AWS API states itself, so it holds through the Terraform
# AWS provider (and Pulumi/CDKTF on it) as well: PutMetricAlarm documents that Metrics excludes MetricName,
# Namespace, Statistic, ...; Statistic and ExtendedStatistic, Threshold and ThresholdMetricId exclude each other
# (botocore cloudwatch model; the provider's own ConflictsWith says the same at plan). Not listed on purpose:
# DynamoDB SSESpecification (the provider sends SSEType KMS itself), RDS read replicas (the provider calls
# CreateDBInstanceReadReplica, which takes no MasterUsername), the Aurora password (restores and global
# secondaries take none), security group egress (the EC2 API puts a group without VpcId in the default VPC).
PROVIDER_VETTED = {
    ("AWS::CloudWatch::Alarm", "", "dependentExcluded"),
}
_KINDS = ("dependentExcluded", "dependentRequired")


def _ref(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/definitions/"):
        return node["$ref"].split("/")[-1]
    return None


def _object_paths(s: dict[str, Any]) -> dict[str, list[str]]:
    """Definition name -> the CFN paths ("[]" for list items) of the objects that use it, walked from the root
    properties through `$ref` and `items` (cycles stop)."""
    defs = s.get("definitions") or {}
    out: dict[str, list[str]] = {}

    def walk(props: Any, prefix: str, seen: tuple[str, ...]) -> None:
        if not isinstance(props, dict):
            return
        for name, node in props.items():
            path = f"{prefix}.{name}" if prefix else name
            while isinstance(node, dict) and isinstance(node.get("items"), dict):
                node, path = node["items"], f"{path}.{ITEMS}"
            ref = _ref(node)
            if ref is None or ref in seen or not isinstance(defs.get(ref), dict):
                continue
            out.setdefault(ref, []).append(path)
            walk(defs[ref].get("properties"), path, (*seen, ref))

    walk(s.get("properties"), "", ())
    return out


@lru_cache(maxsize=256)
def dependencies(cfn_type: str) -> tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    """(object path, kind, ((property, (other properties...)), ...)) for every dependentExcluded /
    dependentRequired of the type's schema; "" is the resource's own properties."""
    s = schema(cfn_type)
    if not s:
        return ()
    out: list[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]]] = []

    def add(path: str, node: dict[str, Any]) -> None:
        for kind in _KINDS:
            deps = node.get(kind)
            if isinstance(deps, dict):
                out.append((path, kind, tuple((k, tuple(v)) for k, v in deps.items() if isinstance(v, list))))

    add("", s)
    users = _object_paths(s)
    for name, node in (s.get("definitions") or {}).items():
        if isinstance(node, dict) and any(k in node for k in _KINDS):
            for path in users.get(name, []):
                add(path, node)
    return tuple(out)


def _objects(value: Any, parts: list[str], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(concrete path with list indexes, object) for every object at the CFN path."""
    if not parts:
        if isinstance(value, dict):
            yield path, value
        return
    head, rest = parts[0], parts[1:]
    if head == ITEMS:
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _objects(item, rest, f"{path}.{i}")
        return
    if isinstance(value, dict) and head in value:
        yield from _objects(value[head], rest, f"{path}.{head}" if path else head)


@lru_cache(maxsize=32)
def _decodes(path: str) -> bool:
    """Whether a template file reads as YAML/JSON (then cfn-lint decoded it and said E3020/E3021 itself)."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return False
    if text.lstrip().startswith("{"):
        try:
            json.loads(text)
            return True
        except ValueError:
            return False
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML comes with cfn-lint
        return True

    class _Loader(yaml.SafeLoader):
        pass

    # CloudFormation short forms (!Ref, !Sub...) are plain tags to the decoder: accept any tag
    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
        return True
    except yaml.YAMLError:
        return False


def _shown(path: str, native: str) -> str:
    return native if native != path else re.sub(r"\.(\d+)", r"[\1]", path)


class SchemaPropertyDependency(Rule):
    """Properties the CloudFormation resource schema declares mutually exclusive, or that need another property.

    What it finds: on any resource whose CloudFormation schema (as cfn-lint ships it) has `dependentExcluded` or
    `dependentRequired` (top level or on a nested object type): two properties that exclude each other both set
    (CloudWatch alarm `Metrics` with `MetricName`, `Threshold` with `ThresholdMetricId`; subnet `AvailabilityZone`
    with `AvailabilityZoneId`; EC2 instance `SubnetId` with `NetworkInterfaces`; CloudFront origin `S3OriginConfig`
    with `CustomOriginConfig`), or one set without the property it requires (security group `SecurityGroupEgress`
    without `VpcId`; CloudFront `ViewerCertificate.AcmCertificateArn` without `SslSupportMethod`; Aurora
    `MasterUserPassword` without `MasterUsername`). Only properties the graph carries are judged; on Terraform,
    Pulumi and CDKTF only the entries the AWS API itself enforces (CloudWatch alarms).
    Why it breaks: CloudFormation validates the resource against its schema before calling the service and fails
    the resource (and the stack) with a validation error; for the vetted entries the API rejects the request too.
    Bad: `SecurityGroupEgress: [...]` on an `AWS::EC2::SecurityGroup` without `VpcId`;
    `aws_cloudwatch_metric_alarm` with `metric_query { ... }` and `metric_name = "Errors"`.
    Good: add `VpcId: !Ref VPC`; keep the metric in `metric_query` only.
    What AWS says: CloudFormation fails the resource with `Properties validation failed for resource
    EC2SecurityGroup with message: ...` naming the dependency (cfn-lint words it `'VpcId' is a dependency of
    'SecurityGroupEgress'` (E3021), `'ExtendedStatistic' should not be included with 'Statistic'` (E3020));
    botocore's PutMetricAlarm model: "you must specify either Statistic or ExtendedStatistic but not both".
    Authority: the `dependentExcluded` / `dependentRequired` keywords of the CloudFormation resource schemas
    shipped with cfn-lint.
    References: https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html ,
    https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md (E3020, E3021)
    """

    id = "LIM013"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "properties the resource schema declares exclusive or dependent"
    docs_url = "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        platform = ctx.platform or ctx.graph.platform
        for r in ctx.graph:
            if not r.mapped or not r.properties:
                continue
            if platform == "cfn" and ctx.options.cfn_lint and self._linted(ctx, r):
                continue  # cfn-lint read this template: its E3020/E3021 say it (CFN001/CFN002)
            for path, kind, deps in dependencies(r.type):
                if platform in PROVIDER_PLATFORMS and (r.type, path.replace(f".{ITEMS}", ""), kind) \
                        not in PROVIDER_VETTED:
                    continue
                for where, obj in _objects(r.properties, path.split(".") if path else [], ""):
                    yield from self._judge(r, where, kind, deps, obj, platform in PROVIDER_PLATFORMS)

    @staticmethod
    def _linted(ctx: RuleContext, r: Resource) -> bool:
        if ctx.root is None or not r.location.file:
            return True
        if any(n.startswith(f"cfn-lint not run on {r.location.file}:") for n in ctx.graph.notes):
            return False  # over 500 resources: the front end skipped cfn-lint
        return _decodes(str(Path(ctx.root) / r.location.file))

    def _judge(self, r: Resource, where: str, kind: str, deps: tuple[tuple[str, tuple[str, ...]], ...],
               obj: dict[str, Any], provider: bool) -> Iterator[Finding]:
        def full(p: str) -> str:
            return f"{where}.{p}" if where else p

        def name(p: str) -> str:
            return _shown(full(p), r.native_name(full(p)))

        def absent(p: str) -> bool:
            # a template's `S3OriginConfig: {}` is present for the schema; a provider's empty block is "not written"
            return blank(obj.get(p)) if provider else obj.get(p) is None

        said: set[frozenset[str]] = set()
        for prop, others in deps:
            if absent(prop):
                continue
            if kind == "dependentExcluded":
                for other in others:
                    if absent(other) or frozenset((prop, other)) in said:
                        continue
                    said.add(frozenset((prop, other)))
                    yield self.finding(
                        f"{r.id}: {name(prop)} and {name(other)} are both set; the {r.type} schema declares "
                        f"{prop} exclusive of {other}, so the resource is refused", resource=r, attribute=full(other),
                        error=(f"Properties validation failed for resource {r.id}: '{other}' should not be "
                               f"included with '{prop}' (schema dependentExcluded; cfn-lint E3020 words it the same)")
                        if not provider else f"\"{name(other)}\": conflicts with {name(prop)} (the API refuses "
                        f"{prop} with {other})",
                        fix=f"keep one of {name(prop)} and {name(other)}",
                        evidence=f"CloudFormation resource schema {r.type} (cfn-lint data): dependentExcluded "
                        f"{{{prop}: {list(others)}}}", check="dependentExcluded", properties=[prop, other])
            else:
                if unknown_value(obj.get(prop)):
                    continue
                missing = [o for o in others if absent(o)]
                if not missing:
                    continue
                yield self.finding(
                    f"{r.id}: {name(prop)} is set without {', '.join(missing)}; the {r.type} schema makes "
                    f"{prop} depend on {', '.join(others)}, so the resource is refused", resource=r,
                    attribute=full(prop),
                    error=f"Properties validation failed for resource {r.id}: "
                    + "; ".join(f"'{m}' is a dependency of '{prop}'" for m in missing)
                    + " (schema dependentRequired; cfn-lint E3021 words it the same)",
                    fix=f"set {', '.join(missing)} next to {name(prop)}, or remove {name(prop)}",
                    evidence=f"CloudFormation resource schema {r.type} (cfn-lint data): dependentRequired "
                    f"{{{prop}: {list(others)}}}", check="dependentRequired", properties=[prop, *missing])
