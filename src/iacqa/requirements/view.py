"""The graph as the requirement checks read it: resources the front ends keep under their native type get a
CloudFormation reading.

Front ends map a growing set of types to CloudFormation (knowledge/typemap.py); a Pulumi `aws:ec2/vpc:Vpc` or a
Terraform `aws_nat_gateway` that is not mapped yet stays under its native type. A requirement check that looked
only for `AWS::EC2::VPC` would call such a project "no VPC": the worst kind of false "not met". So this view adds,
for each unmapped resource whose native type the table in knowledge/concepts/native_types.json names, a twin with
the CloudFormation type and the native arguments in PascalCase (tag maps and other free-form maps untouched; the
predicates look keys up without regard to case or underscores). The front ends' graph is not changed.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.model import Resource, ResourceGraph

_TABLE = Path(__file__).resolve().parent.parent / "knowledge" / "concepts" / "native_types.json"
_FREE = {"tags", "tags_all", "variables", "dimensions", "environment_variables", "parameters", "labels"}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    data = json.loads(_TABLE.read_text(encoding="utf-8"))
    return data["types"], data.get("renames", {})


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


def _twin(r: Resource, cfn_type: str) -> Resource:
    _, renames = _table()
    props = _pascal(r.native_properties or {})
    if not isinstance(props, dict):
        props = {}
    props = {k: v for k, v in props.items() if not (isinstance(k, str) and k.startswith("__"))}
    for old, new in renames.get(cfn_type, {}).items():
        if old in props and old != new:
            _put(props, new, props.pop(old))
    return Resource(id=r.id, type=cfn_type, native_type=r.native_type, properties=props,
                    native_properties=r.native_properties, native_paths=r.native_paths, location=r.location,
                    attr_locations=r.attr_locations, outputs=r.outputs, parent=r.parent, depends_on=r.depends_on,
                    mapped=True)


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
    return Resource(id=r.id, type=r.type, native_type=r.native_type, properties=dict(r.properties),
                    native_properties=r.native_properties, native_paths=r.native_paths, location=r.location,
                    attr_locations=r.attr_locations, outputs=r.outputs, parent=r.parent, depends_on=r.depends_on,
                    mapped=r.mapped)


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
    if not twins:
        return graph
    out = ResourceGraph(platform=graph.platform, outputs=graph.outputs, code=graph.code,
                        config_needs=graph.config_needs, notes=graph.notes)
    for r in graph:
        out.add(twins.get(r.id, r))
    return out
