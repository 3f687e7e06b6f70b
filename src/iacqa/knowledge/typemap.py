"""Pulumi resources in the graph's vocabulary (CloudFormation types and property names).

Why a hand table: no library maps Pulumi (or Terraform) argument names to CloudFormation property names. The
Pulumi/Terraform AWS provider is generated from the AWS Go SDK through Terraform's own schema, CloudFormation from
the resource provider schemas; the two name and shape things differently (`visibility_timeout_seconds` vs
`VisibilityTimeout`, a `redrive_policy` JSON string vs a `RedrivePolicy` object, `hash_key` + `attributes` vs
`KeySchema` + `AttributeDefinitions`). So the mapping is data (data/pulumi_types.json):

  cfn_type     the CloudFormation type (or an iacqa pseudo type such as AWS::S3::BucketVersioning, `pseudo: true`,
               for Pulumi resources that CloudFormation folds into another resource's properties)
  renames      native dotted path -> CFN dotted path (default: PascalCase per segment); paths inside list items are
               written without indices (`inline_policies.name`)
  json_fields  native paths holding JSON strings, parsed into objects (policies, redrive policies)
  drop         native paths not mapped (provider-only switches, code archives the front end handles)
  as_list      native objects that CloudFormation holds as a one-item list (`file_system_config`)
  map_to_list  native free-form maps that CloudFormation holds as [{K: key, V: value}] (`dimensions`)
  tags         "list" (default: [{Key, Value}]) or "map" (CloudFormation keeps a JSON object)
  special      a named structural transform below (DynamoDB keys and streams, IAM inline policies, S3 encryption)

tests/knowledge/test_typemap.py walks the real SDK argument names of every mapped token and checks that every
property path the table can produce exists in the cfn-lint schema of its type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from iacqa.knowledge.naming import pascal

# Native maps whose keys are user data (environment variable names, tags): copied, never re-cased or walked.
FREE_MAPS = {"variables", "tags", "tags_all", "dimensions", "request_parameters", "request_templates",
             "response_parameters", "response_templates", "stage_variables", "context", "parameters",
             "stage_variable_overrides", "request_models", "response_models", "environment_variables",
             "parameter_map", "response_parameters_map", "default_tags"}


@dataclass
class MappedResource:
    cfn_type: str
    properties: dict[str, Any] = field(default_factory=dict)  # CloudFormation names, nested
    native_paths: dict[str, str] = field(default_factory=dict)  # CFN dotted path -> native dotted path
    pseudo: bool = False


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, Any]]:
    """Token -> spec, with the older short key names (`cfn`, `json`) accepted as aliases."""
    data = json.loads(resources.files("iacqa.data").joinpath("pulumi_types.json").read_text())
    out = {}
    for token, spec in data.items():
        if token.startswith("_"):
            continue
        spec = dict(spec)
        spec.setdefault("cfn_type", spec.pop("cfn", None))
        spec.setdefault("json_fields", spec.pop("json", []))
        out[token] = spec
    return out


def _num(v: Any) -> Any:
    """Pulumi's wire format turns every number into a float: 2.0 -> 2."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _parse_json(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def _ints(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _ints(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_ints(x) for x in v]
    return _num(v)


def _plain(native: str) -> str:
    """The table's form of a native path: no list indices."""
    return ".".join(p for p in native.split(".") if not p.isdigit())


class _Builder:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.renames: dict[str, str] = spec.get("renames", {})
        self.json: set[str] = set(spec.get("json_fields", []))
        self.drop: set[str] = set(spec.get("drop", []))
        self.as_list: set[str] = set(spec.get("as_list", []))
        self.map_to_list: dict[str, list[str]] = spec.get("map_to_list", {})
        self.tags_as_map = spec.get("tags") == "map"
        self.props: dict[str, Any] = {}
        self.paths: dict[str, str] = {}

    def cfn_path(self, native: str) -> str:
        """CFN path for a native path (without list indices): renames for the longest prefix, PascalCase after."""
        if native in self.renames:
            return self.renames[native]
        parts = native.split(".")
        for i in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:i])
            if prefix in self.renames:
                return self.renames[prefix] + "." + ".".join(pascal(p) for p in parts[i:])
        return ".".join(pascal(p) for p in parts)

    def dropped(self, native: str) -> bool:
        parts = native.split(".")
        return any(".".join(parts[:i]) in self.drop for i in range(1, len(parts) + 1))

    def put(self, cfn: str, native: str, value: Any) -> None:
        cur = self.props
        keys = cfn.split(".")
        nparts = native.split(".")
        for i, k in enumerate(keys[:-1]):
            nxt = cur.setdefault(k, {})
            if not isinstance(nxt, dict):
                return
            cur = nxt
            if len(nparts) == len(keys):  # intermediate objects line up segment by segment
                self.paths.setdefault(".".join(keys[: i + 1]), ".".join(nparts[: i + 1]))
        cur[keys[-1]] = value
        self.paths[cfn] = native

    def _item(self, native: str, cfn: str, item: dict[str, Any]) -> dict[str, Any]:
        """One list item of objects, with the renames that apply inside the list."""
        pre_n, pre_c = native + ".", cfn + "."
        sub = _Builder({
            "renames": {k[len(pre_n):]: (v[len(pre_c):] if v.startswith(pre_c) else v.rsplit(".", 1)[-1])
                        for k, v in self.renames.items() if k.startswith(pre_n)},
            "json_fields": [k[len(pre_n):] for k in self.json if k.startswith(pre_n)],
            "drop": [k[len(pre_n):] for k in self.drop if k.startswith(pre_n)],
            "as_list": [k[len(pre_n):] for k in self.as_list if k.startswith(pre_n)],
            "map_to_list": {k[len(pre_n):]: v for k, v in self.map_to_list.items() if k.startswith(pre_n)},
            "tags": self.spec.get("tags"),
        })
        for k, v in item.items():
            sub.add(k, v)
        for cp, np in sub.paths.items():
            self.paths.setdefault(f"{cfn}.{cp}", f"{native}.{np}")
        return sub.props

    def add(self, native: str, value: Any) -> None:
        if value is None or self.dropped(native):
            return
        cfn = self.cfn_path(native)
        leaf = native.rsplit(".", 1)[-1]
        if native in self.json:
            self.put(cfn, native, _ints(_parse_json(value)))
            return
        if native in self.map_to_list and isinstance(value, dict):
            k_name, v_name = self.map_to_list[native]
            self.put(cfn, native, [{k_name: k, v_name: _num(v)} for k, v in value.items()])
            return
        if leaf in ("tags", "tags_all") and isinstance(value, dict):
            if leaf == "tags_all":
                return  # provider-computed union with default tags: not the user's
            self.put(cfn, native, dict(value) if self.tags_as_map
                     else [{"Key": k, "Value": v} for k, v in value.items()])
            return
        if native in self.as_list and isinstance(value, dict):
            self.put(cfn, native, [self._item(native, cfn, value)])
            return
        if isinstance(value, dict) and leaf not in FREE_MAPS and not (value.keys() & {"__asset", "__archive"}):
            if not value:
                self.put(cfn, native, {})
                return
            for k, v in value.items():
                self.add(f"{native}.{k}", v)
            if cfn not in self.paths and any(p.startswith(cfn + ".") for p in self.paths):
                self.paths[cfn] = native
            return
        if isinstance(value, list) and value and all(isinstance(x, dict) for x in value) and leaf not in FREE_MAPS:
            self.put(cfn, native, [self._item(native, cfn, item) for item in value])
            return
        self.put(cfn, native, _ints(value))


def map_pulumi(type_token: str, native: dict[str, Any]) -> MappedResource | None:
    """Map a Pulumi resource's snake_case inputs into CloudFormation vocabulary; None for unmapped tokens."""
    spec = table().get(type_token)
    if spec is None or not spec.get("cfn_type"):
        return None
    b = _Builder(spec)
    for k, v in native.items():
        if not k.startswith("__"):
            b.add(k, v)
    special = spec.get("special")
    if special:
        _SPECIAL[special](native, b)
    return MappedResource(cfn_type=spec["cfn_type"], properties=b.props, native_paths=b.paths,
                          pseudo=bool(spec.get("pseudo")))


# -- structural transforms ------------------------------------------------------------------------------------------


def _key_schema(hash_key: Any, range_key: Any) -> list[dict[str, Any]]:
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}] if hash_key else []
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return keys


def _projection(idx: dict[str, Any]) -> dict[str, Any]:
    proj: dict[str, Any] = {"ProjectionType": idx.get("projection_type") or "ALL"}
    if idx.get("non_key_attributes"):
        proj["NonKeyAttributes"] = list(idx["non_key_attributes"])
    return proj


def _dynamodb_table(n: dict[str, Any], b: _Builder) -> None:
    keys = _key_schema(n.get("hash_key"), n.get("range_key"))
    if keys:
        b.put("KeySchema", "hash_key", keys)
        b.paths["KeySchema.AttributeName"] = "hash_key"
    if n.get("attributes"):
        b.put("AttributeDefinitions", "attributes",
              [{"AttributeName": a.get("name"), "AttributeType": a.get("type")}
               for a in n["attributes"] if isinstance(a, dict)])
        b.paths["AttributeDefinitions.AttributeName"] = "attributes.name"
        b.paths["AttributeDefinitions.AttributeType"] = "attributes.type"
    if n.get("stream_enabled"):
        # CloudFormation has no StreamEnabled: a StreamSpecification means the stream is on.
        b.put("StreamSpecification", "stream_enabled",
              {"StreamViewType": n["stream_view_type"]} if n.get("stream_view_type") else {})
        if n.get("stream_view_type"):
            b.paths["StreamSpecification.StreamViewType"] = "stream_view_type"
    pitr = n.get("point_in_time_recovery")
    if isinstance(pitr, dict) and "enabled" in pitr:
        b.put("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", "point_in_time_recovery.enabled",
              bool(pitr["enabled"]))
        if pitr.get("recovery_period_in_days") is not None:
            b.put("PointInTimeRecoverySpecification.RecoveryPeriodInDays",
                  "point_in_time_recovery.recovery_period_in_days", _num(pitr["recovery_period_in_days"]))
    sse = n.get("server_side_encryption")
    if isinstance(sse, dict):
        b.put("SSESpecification.SSEEnabled", "server_side_encryption.enabled", bool(sse.get("enabled")))
        if sse.get("kms_key_arn"):
            b.put("SSESpecification.KMSMasterKeyId", "server_side_encryption.kms_key_arn", sse["kms_key_arn"])
            b.put("SSESpecification.SSEType", "server_side_encryption.kms_key_arn", "KMS")
    ttl = n.get("ttl")
    if isinstance(ttl, dict) and ttl.get("attribute_name"):
        b.put("TimeToLiveSpecification.AttributeName", "ttl.attribute_name", ttl["attribute_name"])
        b.put("TimeToLiveSpecification.Enabled", "ttl.enabled", bool(ttl.get("enabled", True)))
    if n.get("billing_mode") != "PAY_PER_REQUEST":
        for native_key, cfn_key in (("read_capacity", "ProvisionedThroughput.ReadCapacityUnits"),
                                    ("write_capacity", "ProvisionedThroughput.WriteCapacityUnits")):
            if n.get(native_key) is not None:
                b.put(cfn_key, native_key, _num(n[native_key]))
    gsis = [g for g in n.get("global_secondary_indexes") or [] if isinstance(g, dict)]
    if gsis:
        out = []
        for g in gsis:
            item: dict[str, Any] = {"IndexName": g.get("name"), "KeySchema": _key_schema(g.get("hash_key"),
                                                                                         g.get("range_key")),
                                    "Projection": _projection(g)}
            if g.get("read_capacity") is not None or g.get("write_capacity") is not None:
                item["ProvisionedThroughput"] = {"ReadCapacityUnits": _num(g.get("read_capacity")),
                                                 "WriteCapacityUnits": _num(g.get("write_capacity"))}
            out.append(item)
        b.put("GlobalSecondaryIndexes", "global_secondary_indexes", out)
        for cfn, nat in (("IndexName", "name"), ("Projection.ProjectionType", "projection_type"),
                         ("ProvisionedThroughput.ReadCapacityUnits", "read_capacity"),
                         ("ProvisionedThroughput.WriteCapacityUnits", "write_capacity")):
            b.paths[f"GlobalSecondaryIndexes.{cfn}"] = f"global_secondary_indexes.{nat}"
    lsis = [x for x in n.get("local_secondary_indexes") or [] if isinstance(x, dict)]
    if lsis:
        b.put("LocalSecondaryIndexes", "local_secondary_indexes",
              [{"IndexName": x.get("name"), "KeySchema": _key_schema(n.get("hash_key"), x.get("range_key")),
                "Projection": _projection(x)} for x in lsis])


def _iam_role(n: dict[str, Any], b: _Builder) -> None:
    inline = n.get("inline_policies") or []
    pols = [{"PolicyName": p.get("name"), "PolicyDocument": _parse_json(p.get("policy"))}
            for p in inline if isinstance(p, dict) and p.get("policy")]
    if pols:
        b.put("Policies", "inline_policies", pols)
        b.paths["Policies.PolicyName"] = "inline_policies.name"
        b.paths["Policies.PolicyDocument"] = "inline_policies.policy"


def _s3_bucket(n: dict[str, Any], b: _Builder) -> None:
    ver = n.get("versioning") or (n.get("versionings") or [None])[0]
    if isinstance(ver, dict) and "enabled" in ver:
        b.put("VersioningConfiguration.Status", "versioning.enabled", "Enabled" if ver["enabled"] else "Suspended")
    sse = n.get("server_side_encryption_configuration") or (n.get("server_side_encryption_configurations") or
                                                            [None])[0]
    if isinstance(sse, dict):
        rules = sse.get("rule") or sse.get("rules") or []
        rules = rules if isinstance(rules, list) else [rules]
        out = []
        for r in rules:
            if not isinstance(r, dict):
                continue
            d = r.get("apply_server_side_encryption_by_default") or {}
            d = d[0] if isinstance(d, list) and d else d
            item: dict[str, Any] = {}
            if isinstance(d, dict) and d:
                item["ServerSideEncryptionByDefault"] = {k2: d[k1] for k1, k2 in
                                                         (("sse_algorithm", "SSEAlgorithm"),
                                                          ("kms_master_key_id", "KMSMasterKeyID")) if d.get(k1)}
            if r.get("bucket_key_enabled") is not None:
                item["BucketKeyEnabled"] = bool(r["bucket_key_enabled"])
            out.append(item)
        b.put("BucketEncryption.ServerSideEncryptionConfiguration", "server_side_encryption_configuration", out)


def _queue_policy(n: dict[str, Any], b: _Builder) -> None:
    if n.get("queue_url"):
        b.put("Queues", "queue_url", [n["queue_url"]])


def _topic_policy(n: dict[str, Any], b: _Builder) -> None:
    if n.get("arn"):
        b.put("Topics", "arn", [n["arn"]])


def _load_balancer(n: dict[str, Any], b: _Builder) -> None:
    if "internal" in n:
        b.put("Scheme", "internal", "internal" if n["internal"] else "internet-facing")


def _state_machine(n: dict[str, Any], b: _Builder) -> None:
    log = n.get("logging_configuration")
    if isinstance(log, dict):
        cfg: dict[str, Any] = {}
        if log.get("level"):
            cfg["Level"] = log["level"]
        if log.get("include_execution_data") is not None:
            cfg["IncludeExecutionData"] = bool(log["include_execution_data"])
        if log.get("log_destination"):
            arn = str(log["log_destination"])
            cfg["Destinations"] = [{"CloudWatchLogsLogGroup": {"LogGroupArn": arn}}]
        b.put("LoggingConfiguration", "logging_configuration", cfg)
        b.paths["LoggingConfiguration.Level"] = "logging_configuration.level"
        b.paths["LoggingConfiguration.Destinations.CloudWatchLogsLogGroup.LogGroupArn"] = \
            "logging_configuration.log_destination"


_SPECIAL = {"load_balancer": _load_balancer, "dynamodb_table": _dynamodb_table, "iam_role": _iam_role,
            "s3_bucket": _s3_bucket, "queue_policy": _queue_policy, "topic_policy": _topic_policy,
            "state_machine": _state_machine}
