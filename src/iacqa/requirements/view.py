"""The graph as the requirement checks read it: resources the front ends keep under their native type get a
CloudFormation reading.

Front ends map a growing set of types to CloudFormation (knowledge/typemap.py); a Pulumi `aws:ec2/vpc:Vpc` or a
Terraform `aws_nat_gateway` that is not mapped yet stays under its native type. A requirement check that looked
only for `AWS::EC2::VPC` would call such a project "no VPC": the worst kind of false "not met". So this view adds,
for each unmapped resource whose native type the table in knowledge/concepts/native_types.json names, a twin with
the CloudFormation type and the native arguments in PascalCase (tag maps and other free-form maps untouched; the
predicates look keys up without regard to case or underscores). The front ends' graph is not changed.

Three more readings, each a fix of a false "not met" seen on real tasks:
- an unmapped type the table does not name gets the CloudFormation type its name spells, when cfn-lint's schemas
  have exactly that type (`aws:servicediscovery/httpNamespace:HttpNamespace` -> AWS::ServiceDiscovery::HttpNamespace);
  its properties are read from the native names, so a property it lacks is unknown, not false ("derived" reading);
- a DynamoDB table with replicas (Terraform/CDKTF `replica` blocks, Pulumi `replicas`, CDK's Custom::DynamoDBReplica
  next to the table) carries them as `Replicas`, as an AWS::DynamoDB::GlobalTable would: it is a global table;
- a Pulumi component from an AWS package whose children the mock runtime does not record (`awsx:ec2:Vpc`, noted by
  the front end as "<name>: component <token>") stands for the type it creates (knowledge/concepts/components.json),
  with every property unknown ("component" reading); `opaque_types` says which types such components may hide.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.model import Resource, ResourceGraph

_TABLE = Path(__file__).resolve().parent.parent / "knowledge" / "concepts" / "native_types.json"
_COMPONENTS = _TABLE.with_name("components.json")
_FREE = {"tags", "tags_all", "variables", "dimensions", "environment_variables", "parameters", "labels"}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    data = json.loads(_TABLE.read_text(encoding="utf-8"))
    return data["types"], data.get("renames", {})


@dataclass
class Reading(Resource):
    """A resource of the view that is not a front end's mapping: `derived` (type spelled by its native name,
    properties by rule) or `component` (a packaged component standing for what it creates, properties unknown).
    The predicates read a property such a resource lacks as unknown rather than absent."""

    reading: str = "derived"


def reading_of(resource: Resource) -> str | None:
    """"derived" / "component" for the view's own readings, None for the front ends' resources and table twins."""
    return resource.reading if isinstance(resource, Reading) else None


# Pulumi modules / Terraform prefixes whose CloudFormation service has another name.
_SERVICE_ALIASES = {"lb": ("elasticloadbalancingv2",), "alb": ("elasticloadbalancingv2",),
                    "elb": ("elasticloadbalancing",), "cfg": ("config",), "sfn": ("stepfunctions",),
                    "acm": ("certificatemanager",), "appautoscaling": ("applicationautoscaling",),
                    "mq": ("amazonmq",), "opensearch": ("opensearchservice",), "ec2transitgateway": ("ec2",),
                    "macie2": ("macie",), "cloudwatch": ("logs", "events"), "cognito": ("cognito",),
                    "servicediscovery": ("servicediscovery",)}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@lru_cache(maxsize=1)
def _cfn_index() -> dict[tuple[str, str], str]:
    """(service, resource) in lower case without separators -> CloudFormation type, from cfn-lint's schemas."""
    try:
        from iacqa.knowledge.constraints import _provider  # the schema index cfn-lint ships; no public listing

        types = list(_provider())
    except Exception:  # noqa: BLE001 - no cfn-lint data: nothing is derived
        return {}
    out: dict[tuple[str, str], str] = {}
    for t in types:
        parts = t.split("::")
        if len(parts) == 3 and parts[0] == "AWS":
            out[(_norm(parts[1]), _norm(parts[2]))] = t
    return out


def derived_cfn_type(native_type: str) -> str | None:
    """The CloudFormation type a native type's name spells exactly (service and resource), or None.

    `aws:servicediscovery/httpNamespace:HttpNamespace` and `aws_service_discovery_http_namespace` ->
    AWS::ServiceDiscovery::HttpNamespace; only an exact match of both parts counts (no fuzzy guess)."""
    index = _cfn_index()
    if not index:
        return None
    candidates: list[tuple[str, str]] = []
    if native_type.startswith("aws:") and "/" in native_type and native_type.count(":") == 2:
        module, rest = native_type[4:].split("/", 1)
        candidates.append((_norm(module), _norm(rest.split(":")[-1])))
    elif native_type.startswith("aws_"):
        if not _tf_type_exists(native_type):
            return None  # a type the provider does not have (aws_cloudwatch_anomaly_detector) creates nothing
        parts = native_type[4:].split("_")
        candidates += [("".join(parts[:i]), "".join(parts[i:])) for i in range(1, len(parts))]
    for service, name in candidates:
        for svc in (service, *_SERVICE_ALIASES.get(service, ())):
            hit = index.get((svc, name))
            if hit:
                return hit
    return None


@lru_cache(maxsize=256)
def _tf_type_exists(tf_type: str) -> bool:
    """Whether the AWS provider schema iacqa ships has the resource type (a Pulumi token is proven by the
    program having registered it; a Terraform type is only a name in a file)."""
    try:
        from iacqa.knowledge import tf_schema

        return tf_schema.load().resource(tf_type) is not None
    except Exception:  # noqa: BLE001 - no schema data: derive nothing rather than trust a name
        return False


@lru_cache(maxsize=1)
def _components() -> dict[str, dict[str, Any]]:
    try:
        return dict(json.loads(_COMPONENTS.read_text(encoding="utf-8"))["components"])
    except (OSError, ValueError, KeyError):
        return {}


_COMPONENT_NOTE = re.compile(r"^(?P<name>.+): component (?P<token>[\w-]+:[\w-]+:\w+)$")


def components(graph: ResourceGraph) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, token, table entry) of each packaged component the front end noted whose children are not in the
    graph (no resource names it as parent)."""
    table = _components()
    parents = {r.parent for r in graph if r.parent}
    out = []
    for note in graph.notes:
        m = _COMPONENT_NOTE.match(note)
        if m and m.group("token") in table and m.group("name") not in parents:
            out.append((m.group("name"), m.group("token"), table[m.group("token")]))
    return out


def opaque_types(graph: ResourceGraph) -> dict[str, str]:
    """CloudFormation type -> the component (name and token) that may create it unseen."""
    out: dict[str, str] = {}
    for name, token, entry in components(graph):
        for t in [entry.get("is"), *entry.get("children", [])]:
            if isinstance(t, str):
                out.setdefault(t, f"{name} ({token})")
    return out


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def cfn_type_of(native_type: str) -> str | None:
    """The CloudFormation type an unmapped native type stands for (None when the table does not name it)."""
    types, _ = _table()
    if native_type.startswith("aws:") and "/" in native_type:  # Pulumi token aws:<module>/<name>:<Name>
        module, rest = native_type[4:].split("/", 1)
        snake = _snake(rest.split(":")[0])
        return types.get(f"{module}_{snake}") or types.get(snake)
    if native_type.startswith("aws_"):  # Terraform / CDKTF
        return types.get(native_type[4:])
    return None


def _pascal(value: Any, free: bool = False) -> Any:
    if isinstance(value, dict):
        if free:
            return dict(value)
        return {_pascal_key(k): _pascal(v, isinstance(k, str) and k in _FREE) for k, v in value.items()}
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


def _pascal_key(key: Any) -> Any:
    if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        return key
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def _put(props: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur = props
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[part] = nxt
        cur = nxt
    cur[parts[-1]] = value


def _twin(r: Resource, cfn_type: str, reading: str | None = None) -> Resource:
    _, renames = _table()
    props = _pascal(r.native_properties or {})
    if not isinstance(props, dict):
        props = {}
    props = {k: v for k, v in props.items() if not (isinstance(k, str) and k.startswith("__"))}
    for old, new in renames.get(cfn_type, {}).items():
        if old in props and old != new:
            _put(props, new, props.pop(old))
    kind = Reading if reading else Resource
    extra = {"reading": reading} if reading else {}
    return kind(id=r.id, type=cfn_type, native_type=r.native_type, properties=props,
                native_properties=r.native_properties, native_paths=r.native_paths, location=r.location,
                attr_locations=r.attr_locations, outputs=r.outputs, parent=r.parent, depends_on=r.depends_on,
                mapped=True, unresolved=r.unresolved, **extra)


_S3_PARTS = ("AWS::S3::BucketVersioning", "AWS::S3::BucketServerSideEncryptionConfiguration",
             "AWS::S3::BucketPublicAccessBlock", "AWS::S3::BucketLifecycleConfiguration", "AWS::S3::BucketLogging",
             "AWS::S3::BucketNotification", "AWS::S3::BucketOwnershipControls")
_S3_NATIVE_PARTS = re.compile(r"(s3_bucket_|s3/bucket)(replication|website)", re.I)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if isinstance(value, dict) else []


def _get(props: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        for key, value in props.items():
            if isinstance(key, str) and key.replace("_", "").lower() == k.lower():
                return value
    return None


def _fold_s3(part: Resource, bucket: dict[str, Any]) -> None:
    """Write a split bucket setting (Terraform aws_s3_bucket_versioning & co.) onto the bucket, in CFN shape."""
    p = part.properties
    t = part.type
    if t == "AWS::S3::BucketVersioning":
        cfg = _items(_get(p, "VersioningConfiguration"))
        if cfg:
            bucket["VersioningConfiguration"] = {"Status": _get(cfg[0], "Status")}
    elif t == "AWS::S3::BucketServerSideEncryptionConfiguration":
        rules = []
        for rule in _items(_get(p, "Rules", "Rule")):
            by_default = (_items(_get(rule, "ApplyServerSideEncryptionByDefault")) or [{}])[0]
            rules.append({"ServerSideEncryptionByDefault": {"SSEAlgorithm": _get(by_default, "SseAlgorithm"),
                                                            "KMSMasterKeyID": _get(by_default, "KmsMasterKeyId")},
                          "BucketKeyEnabled": _get(rule, "BucketKeyEnabled")})
        bucket["BucketEncryption"] = {"ServerSideEncryptionConfiguration": rules}
    elif t == "AWS::S3::BucketPublicAccessBlock":
        bucket["PublicAccessBlockConfiguration"] = {k: _get(p, k) for k in (
            "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")}
    elif t == "AWS::S3::BucketLifecycleConfiguration":
        rules = []
        for rule in _items(_get(p, "Rules", "Rule")):
            exp = (_items(_get(rule, "Expirations", "Expiration")) or [{}])[0]
            rules.append({"Status": _get(rule, "Status"), "ExpirationInDays": _get(exp, "Days"),
                          "Transitions": [{"StorageClass": _get(tr, "StorageClass"),
                                           "TransitionInDays": _get(tr, "Days")}
                                          for tr in _items(_get(rule, "Transitions", "Transition"))]})
        bucket["LifecycleConfiguration"] = {"Rules": rules}
    elif t == "AWS::S3::BucketLogging":
        bucket["LoggingConfiguration"] = {"DestinationBucketName": _get(p, "TargetBucket"),
                                          "LogFilePrefix": _get(p, "TargetPrefix")}
    elif t == "AWS::S3::BucketNotification":
        bucket["NotificationConfiguration"] = {
            "LambdaConfigurations": _items(_get(p, "LambdaFunctions", "LambdaFunction")),
            "QueueConfigurations": _items(_get(p, "Queues", "Queue")),
            "TopicConfigurations": _items(_get(p, "Topics", "Topic"))}
    elif t == "AWS::S3::BucketOwnershipControls":
        rule = (_items(_get(p, "Rule", "Rules")) or [{}])[0]
        bucket["OwnershipControls"] = {"Rules": [{"ObjectOwnership": _get(rule, "ObjectOwnership")}]}
    elif "replication" in part.native_type.lower():
        bucket["ReplicationConfiguration"] = {"Role": _get(p, "Role"), "Rules": _items(_get(p, "Rules", "Rule"))}
    elif "website" in part.native_type.lower():
        bucket["WebsiteConfiguration"] = {k: v for k, v in p.items() if k != "Bucket"}


def _bucket_for(part: Resource, graph: ResourceGraph, buckets: list[Resource]) -> Resource | None:
    ref = _get(part.properties, "Bucket") or _get(part.native_properties or {}, "bucket")
    if not isinstance(ref, str):
        return None
    hit = graph.resolve_resource(ref)
    if hit is not None and hit.type == "AWS::S3::Bucket":
        return hit
    for b in buckets:
        if ref in (b.id, b.properties.get("BucketName"), b.outputs.get("Name"), b.outputs.get("Id")):
            return b
    return None


def _copy(r: Resource) -> Resource:
    values = {f.name: getattr(r, f.name) for f in fields(r)}
    values["properties"] = dict(r.properties)
    return type(r)(**values)


def _replica_regions(items: Any) -> list[dict[str, Any]]:
    """Replica blocks in any front end's spelling -> the GlobalTable shape [{Region: ...}]."""
    out = []
    for item in _items(items):
        if isinstance(item, dict):
            region = _get(item, "RegionName", "Region")
            out.append({"Region": region} if region is not None else {"Region": "<unresolved:replica region>"})
        elif isinstance(item, str):  # CDK replicationRegions: ["us-west-2"]
            out.append({"Region": item})
    return out


def _fold_replicas(graph: ResourceGraph, twins: dict[str, Resource]) -> None:
    """A table with replicas is a global table (version 2019.11.21): carry them as `Replicas`. Terraform/CDKTF
    write `replica` blocks, Pulumi `replicas`, both dropped by the type map; CDK's Table(replication_regions=...)
    synthesizes one Custom::DynamoDBReplica per region next to the table."""
    tables = [twins.get(r.id, r) for r in graph if twins.get(r.id, r).type == "AWS::DynamoDB::Table"]
    for t in tables:
        if t.properties.get("Replicas"):
            continue
        native = t.native_properties or {}
        regions = _replica_regions(_get(native, "replica", "replicas", "replicationRegions"))
        if regions:
            twin = twins.get(t.id) or _copy(t)
            twins[t.id] = twin
            twin.properties["Replicas"] = regions
    for rep in graph:
        if rep.type != "Custom::DynamoDBReplica":
            continue
        name = rep.properties.get("TableName")
        table = graph.resolve_resource(name) if isinstance(name, str) else None
        if table is None or table.type != "AWS::DynamoDB::Table":
            named = [t for t in tables if name in (t.id, t.properties.get("TableName"), t.outputs.get("Name"),
                                                   t.outputs.get("Ref"))]
            table = named[0] if named else (tables[0] if len(tables) == 1 else None)
        if table is None:
            continue
        twin = twins.get(table.id) or _copy(table)
        twins[table.id] = twin
        have = twin.properties.get("Replicas")
        twin.properties["Replicas"] = (have if isinstance(have, list) else []) + [
            {"Region": rep.properties.get("Region", "<unresolved:replica region>")}]


def _component_twins(graph: ResourceGraph) -> list[Resource]:
    """One resource of the type each unseen component stands for, when the graph has none of that type."""
    present = {r.type for r in graph}
    out: list[Resource] = []
    for name, token, entry in components(graph):
        cfn = entry.get("is")
        if not isinstance(cfn, str) or cfn in present or name in graph.resources:
            continue
        present.add(cfn)
        out.append(Reading(id=name, type=cfn, native_type=token, mapped=False, reading="component"))
    return out


def view(graph: ResourceGraph) -> ResourceGraph:
    """The graph with CloudFormation twins for the unmapped resources the table names, and split bucket settings
    folded into their bucket (the same graph when there is nothing to add)."""
    twins: dict[str, Resource] = {}
    for r in graph:
        if r.mapped:
            continue
        cfn = cfn_type_of(r.native_type)
        if cfn is None and re.search(r"security_?group_?rule$", r.native_type, re.I):
            kind = str((r.native_properties or {}).get("type", "ingress")).lower()
            cfn = "AWS::EC2::SecurityGroupEgress" if kind == "egress" else "AWS::EC2::SecurityGroupIngress"
        if cfn is not None:
            twins[r.id] = _twin(r, cfn)
            continue
        derived = derived_cfn_type(r.native_type)
        if derived is not None:
            twins[r.id] = _twin(r, derived, reading="derived")
    for r in graph:
        # An alarm whose metric (or metric queries) the front end could not read: what it watches is unknown.
        if r.type == "AWS::CloudWatch::Alarm" and not any(k in r.properties for k in ("MetricName", "Metrics")):
            twin = twins.setdefault(r.id, _copy(r))
            twin.properties["Metrics"] = "<unresolved:metric queries not in the graph>"
    buckets = [r for r in graph if r.type == "AWS::S3::Bucket"]
    parts = [r for r in graph if r.type in _S3_PARTS or (not r.mapped and _S3_NATIVE_PARTS.search(r.native_type))]
    for part in parts:
        bucket = _bucket_for(part if part.type in _S3_PARTS else _twin(part, "AWS::S3::Bucket"), graph, buckets)
        if bucket is None:
            continue
        twin = twins.get(bucket.id)
        if twin is None:
            twin = twins[bucket.id] = _copy(bucket)
        source = part if part.type in _S3_PARTS else _twin(part, part.type)
        _fold_s3(source, twin.properties)
    _fold_replicas(graph, twins)
    extra = _component_twins(graph)
    if not twins and not extra:
        return graph
    out = ResourceGraph(platform=graph.platform, outputs=graph.outputs, code=graph.code,
                        config_needs=graph.config_needs, notes=graph.notes)
    for r in graph:
        out.add(twins.get(r.id, r))
    for r in extra:
        out.add(r)
    return out
