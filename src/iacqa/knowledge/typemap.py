"""Pulumi resources in the graph's vocabulary (CloudFormation types and property names).

No library maps Pulumi (or Terraform) argument names to CloudFormation names, so the mapping is a hand-kept data
table (data/pulumi_types.json): PascalCase per path segment by default, with the exceptions listed. A few resources
need structural transforms (DynamoDB keys and streams, IAM inline policies); those are small named functions here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

# Native maps whose keys are user data (environment variable names, tags): copied, never re-cased.
FREE_MAPS = {"variables", "tags", "tags_all", "dimensions", "request_parameters", "request_templates",
             "response_parameters", "response_templates", "stage_variables", "context", "parameters"}


@dataclass
class MappedResource:
    cfn_type: str
    properties: dict[str, Any] = field(default_factory=dict)
    native_paths: dict[str, str] = field(default_factory=dict)  # CFN dotted path -> native dotted path
    pseudo: bool = False


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, Any]]:
    data = json.loads(resources.files("iacqa.data").joinpath("pulumi_types.json").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def pascal(segment: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in segment.split("_") if p)


def _num(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _parse_json(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


class _Builder:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.renames: dict[str, str] = spec.get("renames", {})
        self.json: set[str] = set(spec.get("json", []))
        self.drop: set[str] = set(spec.get("drop", []))
        self.props: dict[str, Any] = {}
        self.paths: dict[str, str] = {}

    def cfn_path(self, native: str) -> str:
        if native in self.renames:
            return self.renames[native]
        parts = native.split(".")
        for i in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:i])
            if prefix in self.renames:
                return self.renames[prefix] + "." + ".".join(pascal(p) for p in parts[i:])
        return ".".join(pascal(p) for p in parts)

    def put(self, cfn: str, native: str, value: Any) -> None:
        cur = self.props
        keys = cfn.split(".")
        for k in keys[:-1]:
            cur = cur.setdefault(k, {})
            if not isinstance(cur, dict):
                return
        cur[keys[-1]] = value
        self.paths[cfn] = native

    def add(self, native: str, value: Any) -> None:
        if native in self.drop or native.split(".")[0] in self.drop or value is None:
            return
        if native in self.json:
            self.put(self.cfn_path(native), native, _parse_json(value))
            return
        leaf = native.rsplit(".", 1)[-1]
        if isinstance(value, dict) and leaf not in FREE_MAPS and not (value.keys() & {"__asset", "__archive"}):
            for k, v in value.items():
                self.add(f"{native}.{k}", v)
            if not value:
                self.put(self.cfn_path(native), native, {})
            return
        if isinstance(value, list) and value and all(isinstance(x, dict) for x in value) and leaf not in FREE_MAPS:
            cfn = self.cfn_path(native)
            items = []
            for item in value:
                sub = _Builder({"renames": {}, "json": set(), "drop": set()})
                for k, v in item.items():
                    sub.add(k, v)
                items.append(sub.props)
                for cp, np in sub.paths.items():
                    self.paths.setdefault(f"{cfn}.{cp}", f"{native}.{np}")
            self.put(cfn, native, items)
            return
        self.put(self.cfn_path(native), native, _num(value) if not isinstance(value, list) else [_num(x) for x in value])


def map_pulumi(type_token: str, native: dict[str, Any]) -> MappedResource | None:
    """Map a Pulumi resource's snake_case inputs into CloudFormation vocabulary; None for unmapped tokens."""
    spec = table().get(type_token)
    if spec is None:
        return None
    b = _Builder(spec)
    for k, v in native.items():
        if not k.startswith("__"):
            b.add(k, v)
    special = spec.get("special")
    if special:
        _SPECIAL[special](native, b)
    return MappedResource(cfn_type=spec["cfn"], properties=b.props, native_paths=b.paths,
                          pseudo=bool(spec.get("pseudo")))


# -- structural transforms ------------------------------------------------------------------------------------------


def _dynamodb_table(n: dict[str, Any], b: _Builder) -> None:
    keys = [{"AttributeName": n["hash_key"], "KeyType": "HASH"}] if n.get("hash_key") else []
    if n.get("range_key"):
        keys.append({"AttributeName": n["range_key"], "KeyType": "RANGE"})
    if keys:
        b.put("KeySchema", "hash_key", keys)
    if n.get("attributes"):
        b.put("AttributeDefinitions", "attributes",
              [{"AttributeName": a.get("name"), "AttributeType": a.get("type")} for a in n["attributes"] if isinstance(a, dict)])
    if n.get("stream_enabled"):
        b.put("StreamSpecification.StreamViewType", "stream_view_type", n.get("stream_view_type"))
        b.paths["StreamSpecification"] = "stream_enabled"
    pitr = n.get("point_in_time_recovery")
    if isinstance(pitr, dict) and "enabled" in pitr:
        b.put("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", "point_in_time_recovery.enabled",
              bool(pitr["enabled"]))
    sse = n.get("server_side_encryption")
    if isinstance(sse, dict):
        b.put("SSESpecification.SSEEnabled", "server_side_encryption.enabled", bool(sse.get("enabled")))
        if sse.get("kms_key_arn"):
            b.put("SSESpecification.KMSMasterKeyId", "server_side_encryption.kms_key_arn", sse["kms_key_arn"])
    ttl = n.get("ttl")
    if isinstance(ttl, dict) and ttl.get("attribute_name"):
        b.put("TimeToLiveSpecification.AttributeName", "ttl.attribute_name", ttl["attribute_name"])
        b.put("TimeToLiveSpecification.Enabled", "ttl.enabled", bool(ttl.get("enabled", True)))
    for native_key, cfn_key in (("read_capacity", "ProvisionedThroughput.ReadCapacityUnits"),
                                ("write_capacity", "ProvisionedThroughput.WriteCapacityUnits")):
        if n.get(native_key) and n.get("billing_mode") != "PAY_PER_REQUEST":
            b.put(cfn_key, native_key, _num(n[native_key]))
    gsis = n.get("global_secondary_indexes") or []
    if gsis:
        out = []
        for g in gsis:
            ks = [{"AttributeName": g.get("hash_key"), "KeyType": "HASH"}]
            if g.get("range_key"):
                ks.append({"AttributeName": g["range_key"], "KeyType": "RANGE"})
            out.append({"IndexName": g.get("name"), "KeySchema": ks,
                        "Projection": {"ProjectionType": g.get("projection_type", "ALL")}})
        b.put("GlobalSecondaryIndexes", "global_secondary_indexes", out)


def _iam_role(n: dict[str, Any], b: _Builder) -> None:
    inline = n.get("inline_policies") or []
    pols = [{"PolicyName": p.get("name"), "PolicyDocument": _parse_json(p.get("policy"))}
            for p in inline if isinstance(p, dict) and p.get("policy")]
    if pols:
        b.put("Policies", "inline_policies", pols)


def _s3_bucket(n: dict[str, Any], b: _Builder) -> None:
    ver = n.get("versioning")
    if isinstance(ver, dict) and ver.get("enabled"):
        b.put("VersioningConfiguration.Status", "versioning.enabled", "Enabled")
    sse = n.get("server_side_encryption_configuration")
    if isinstance(sse, dict):
        b.put("BucketEncryption", "server_side_encryption_configuration", {"ServerSideEncryptionConfiguration": []})


def _queue_policy(n: dict[str, Any], b: _Builder) -> None:
    if n.get("queue_url"):
        b.put("Queues", "queue_url", [n["queue_url"]])


def _topic_policy(n: dict[str, Any], b: _Builder) -> None:
    if n.get("arn"):
        b.put("Topics", "arn", [n["arn"]])


def _load_balancer(n: dict[str, Any], b: _Builder) -> None:
    if "internal" in n:
        b.put("Scheme", "internal", "internal" if n["internal"] else "internet-facing")


_SPECIAL = {"load_balancer": _load_balancer, "dynamodb_table": _dynamodb_table, "iam_role": _iam_role, "s3_bucket": _s3_bucket,
            "queue_policy": _queue_policy, "topic_policy": _topic_policy}
