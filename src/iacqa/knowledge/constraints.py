"""Value constraints from the CloudFormation resource schemas that cfn-lint ships (min/max/enum/pattern/length),
with botocore's service models as a second source and a short curated table for facts no model states.

Layout of cfn-lint 1.x on disk (verified on 1.58.0): `cfnlint/data/schemas/providers/<region>.json` maps a
resource type to a hash and `cfnlint/data/schemas/resources/<hash>.json` holds its schema; the runtime lifecycle
is `cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json`. We locate the package with `importlib.util.find_spec`
and never import cfn-lint (its import pulls sympy and networkx). Loading is lazy: the provider index once, then one
schema file per resource type asked for, cached.

Paths are CloudFormation dotted paths; an array's items are the segment `[]` (`Architectures.[]`,
`Policies.[].PolicyName`). `strip_items` drops those segments to get the path `Resource.native_name` understands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

ITEMS = "[]"
REGION = "us-east-1"


@dataclass(frozen=True)
class Constraint:
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    type: str | None = None
    source: str = "cfn-lint schema"
    path: str = ""  # CFN dotted path with "[]" for list items
    note: str | None = None  # why a curated row differs from the schema

    @property
    def minimum(self) -> float | None:  # older name, kept for callers written against it
        return self.min

    @property
    def maximum(self) -> float | None:
        return self.max

    def bounded(self) -> bool:
        return any(v is not None for v in (self.min, self.max, self.min_length, self.max_length, self.enum,
                                          self.pattern))


def strip_items(path: str) -> str:
    """`Policies.[].PolicyName` -> `Policies.PolicyName` (the form of `Resource.native_paths` keys)."""
    return ".".join(p for p in path.split(".") if p != ITEMS)


# -- curated overrides ----------------------------------------------------------------------------------------------
# Facts that the schemas state too loosely (or not at all), each with its reason; tflint-ruleset-aws keeps the same
# kind of list next to its generated one. A row replaces only the fields it names. Every row has an ok and a bad
# sample in rules/limits/value_range.py SAMPLES (tested).
CURATED: dict[tuple[str, str], dict[str, Any]] = {
    ("AWS::Lambda::Function", "Timeout"): {
        "min": 1, "max": 900,
        "note": "standard functions allow 1..900 s; the schema's 5400 applies only to Lambda Managed Instances"},
    ("AWS::Lambda::Function", "MemorySize"): {
        "min": 128, "max": 10240,
        "note": "standard functions allow 128..10240 MB; the schema's 32768 applies only to Lambda Managed Instances"},
    ("AWS::Lambda::Function", "EphemeralStorage.Size"): {
        "min": 512, "max": 10240, "note": "/tmp size is 512..10240 MB (documented; restated here)"},
    ("AWS::Logs::LogGroup", "RetentionInDays"): {
        "enum": (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
                 3653),
        "type": "integer",
        "note": "PutRetentionPolicy accepts only these periods; botocore's model has no enum (documentation only)"},
    # The log types RDS exports, over every engine (the schema types the list as plain strings): the API answers
    # "InvalidParameterCombination: You cannot use the log types 'slow-query' with engine version ...".
    ("AWS::RDS::DBInstance", "EnableCloudwatchLogsExports.[]"): {
        "enum": ("agent", "alert", "audit", "error", "general", "iam-db-auth-error", "instance", "listener",
                 "oemagent", "postgresql", "slowquery", "trace", "upgrade"),
        "type": "string", "note": "RDS log types: audit/error/general/slowquery (MySQL, MariaDB), postgresql/upgrade "
        "(PostgreSQL), alert/audit/listener/trace/oemagent (Oracle), agent/error (SQL Server), iam-db-auth-error"},
    ("AWS::RDS::DBCluster", "EnableCloudwatchLogsExports.[]"): {
        "enum": ("audit", "error", "general", "iam-db-auth-error", "instance", "postgresql", "slowquery"),
        "type": "string", "note": "Aurora log types: audit/error/general/slowquery (MySQL), postgresql (PostgreSQL)"},
    ("AWS::KMS::Key", "PendingWindowInDays"): {
        "min": 7, "max": 30, "note": "the KMS API model says 1..365 but the service accepts 7..30"},
    ("AWS::SQS::Queue", "ReceiveMessageWaitTimeSeconds"): {
        "min": 0, "max": 20, "type": "integer", "note": "long polling waits at most 20 s (no bound in the schema)"},
    ("AWS::SQS::Queue", "QueueName"): {
        "max_length": 80, "type": "string",
        "note": "queue names are at most 80 characters, including the .fifo suffix (no bound in the schema)"},
    ("AWS::Lambda::EventSourceMapping", "BatchSize"): {
        "min": 1, "max": 10000, "note": "10000 for SQS standard queues and streams; the schema says 1..10000 too"},
    ("AWS::Lambda::EventSourceMapping", "MaximumRetryAttempts"): {
        "min": -1, "max": 10000, "note": "-1 means infinite (streams only)"},
    ("AWS::Lambda::EventSourceMapping", "ParallelizationFactor"): {"min": 1, "max": 10, "note": "streams: 1..10"},
}

# Second source: API-only parameters (no CFN schema bound) read from botocore: (type, path) -> (service, op, member).
BOTOCORE: dict[tuple[str, str], tuple[str, str, str]] = {
    ("AWS::Lambda::EventInvokeConfig", "MaximumRetryAttempts"):
        ("lambda", "PutFunctionEventInvokeConfig", "MaximumRetryAttempts"),
    ("AWS::Lambda::EventInvokeConfig", "MaximumEventAgeInSeconds"):
        ("lambda", "PutFunctionEventInvokeConfig", "MaximumEventAgeInSeconds"),
    ("AWS::Lambda::Function", "ReservedConcurrentExecutions"):
        ("lambda", "PutFunctionConcurrency", "ReservedConcurrentExecutions"),
    # The CFN schema states no bound at all here; the API model says 50..30000.
    ("AWS::ApiGatewayV2::Integration", "TimeoutInMillis"): ("apigatewayv2", "CreateIntegration", "TimeoutInMillis"),
}


# -- cfn-lint's schemas on disk -------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _data_dir() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("cfnlint")  # locate the data without importing cfn-lint (slow import)
    if spec is None or not spec.origin:
        return None
    d = Path(spec.origin).parent / "data"
    return d if (d / "schemas").is_dir() else None


def _schema_dir() -> Path | None:
    d = _data_dir()
    return d / "schemas" if d else None


@lru_cache(maxsize=1)
def _provider() -> dict[str, str]:
    d = _schema_dir()
    if d is None:
        return {}
    for name in (f"{REGION}.json", f"{REGION.replace('-', '_')}.json"):
        try:
            data = json.loads((d / "providers" / name).read_text())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            return data
    return {}


@lru_cache(maxsize=512)
def schema(cfn_type: str) -> dict[str, Any] | None:
    """The CloudFormation resource schema of one type, or None (unknown type, pseudo type, no cfn-lint)."""
    h = _provider().get(cfn_type)
    d = _schema_dir()
    if not h or d is None:
        return None
    try:
        return json.loads((d / "resources" / f"{h}.json").read_text())
    except (OSError, ValueError):
        return None


def has_type(cfn_type: str) -> bool:
    return cfn_type in _provider()


def _deref(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Follow `$ref` chains (merging sibling keywords over the target); stops at cycles."""
    while isinstance(node, dict) and "$ref" in node:
        ref = str(node["$ref"]).split("/")[-1]
        if ref in seen:
            return {}, seen
        target = defs.get(ref)
        if not isinstance(target, dict):
            return {k: v for k, v in node.items() if k != "$ref"}, seen
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen = (*seen, ref)
    return (node if isinstance(node, dict) else {}), seen


def _type_of(node: dict[str, Any]) -> str | None:
    t = node.get("type")
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        if len(non_null) != 1:
            return None  # "string or integer": no single type to coerce against
        t = non_null[0]
    return t if isinstance(t, str) else None


def _walk(node: Any, defs: dict[str, Any], prefix: str, out: dict[str, Constraint], paths: set[str],
          seen: tuple[str, ...], depth: int) -> None:
    node, seen = _deref(node, defs, seen)
    if depth > 12 or not node:
        return
    if prefix:
        paths.add(prefix)
        enum = node.get("enum")
        c = Constraint(min=node.get("minimum"), max=node.get("maximum"), min_length=node.get("minLength"),
                       max_length=node.get("maxLength"), enum=tuple(enum) if isinstance(enum, list) else None,
                       pattern=node.get("pattern") if isinstance(node.get("pattern"), str) else None,
                       type=_type_of(node), path=prefix)
        if c.bounded() and prefix not in out:
            out[prefix] = c
    items = node.get("items")
    if isinstance(items, dict):
        _walk(items, defs, f"{prefix}.{ITEMS}" if prefix else ITEMS, out, paths, seen, depth + 1)
    for key in ("oneOf", "anyOf", "allOf"):
        for alt in node.get(key) or []:
            if isinstance(alt, dict) and ("properties" in alt or "$ref" in alt or "items" in alt):
                _walk(alt, defs, prefix, out, paths, seen, depth + 1)
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            _walk(sub, defs, f"{prefix}.{name}" if prefix else name, out, paths, seen, depth + 1)


@lru_cache(maxsize=512)
def _analysed(cfn_type: str) -> tuple[dict[str, Constraint], frozenset[str]]:
    out: dict[str, Constraint] = {}
    paths: set[str] = set()
    s = schema(cfn_type)
    if s:
        _walk({"properties": s.get("properties", {})}, s.get("definitions", {}), "", out, paths, (), 0)
    return out, frozenset(paths)


def property_paths(cfn_type: str) -> frozenset[str]:
    """Every property path the schema defines (objects and leaves; list items as `[]`)."""
    return _analysed(cfn_type)[1]


def has_path(cfn_type: str, path: str) -> bool:
    """Whether the schema defines a path given with or without `[]` item segments."""
    paths = property_paths(cfn_type)
    return path in paths or path in {strip_items(p) for p in paths}


@lru_cache(maxsize=512)
def constraints_for(cfn_type: str) -> dict[str, Constraint]:
    """CFN dotted path ("[]" for list items) -> Constraint for one resource type.

    Schema first; botocore fills API-only parameters the schema leaves unbounded; curated rows go on top."""
    out = dict(_analysed(cfn_type)[0])
    for (t, path), (svc, op, member) in BOTOCORE.items():
        if t != cfn_type:
            continue
        base = out.get(path)
        if base is not None and (base.min is not None or base.max is not None or base.enum):
            continue
        bc = botocore_member(svc, op, member)
        if bc is not None and bc.bounded():
            out[path] = replace(bc, path=path, source=f"botocore {svc}.{op}.{member}")
    for (t, path), over in CURATED.items():
        if t != cfn_type:
            continue
        base = out.get(path) or Constraint(path=path, type="integer", source="")
        fields = {k: over[k] for k in ("min", "max", "min_length", "max_length", "enum", "pattern", "type")
                  if k in over}
        src = "iacqa curated" + (f" (over {base.source})" if base.source else "")
        out[path] = replace(base, **fields, path=path, source=src, note=over.get("note"))
    return out


# -- Lambda runtimes ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def lambda_runtimes() -> dict[str, dict[str, str]]:
    """Runtime -> {"deprecated", "create-block", "update-block", "successor"} from LmbdRuntimeLifecycle.json."""
    d = _data_dir()
    if d is None:
        return {}
    try:
        data = json.loads((d / "AdditionalSpecs" / "LmbdRuntimeLifecycle.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def lambda_runtime_status(runtime: str) -> tuple[str | None, str | None]:
    """(deprecated_date, block_create_date) as ISO dates for a Lambda runtime; (None, None) when unknown."""
    info = lambda_runtimes().get(runtime) or {}
    return info.get("deprecated"), info.get("create-block")


# -- botocore as second source --------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def botocore_session() -> Any:
    """One botocore session per process: its loader keeps the service models it has read."""
    import botocore.session

    return botocore.session.get_session()


@lru_cache(maxsize=64)
def botocore_member(service: str, operation: str, member: str) -> Constraint | None:
    """A parameter's min/max (or min/max length) and enum from botocore's service model; None when unavailable."""
    try:
        model = botocore_session().get_service_model(service)
        shape = model.operation_model(operation).input_shape.members[member]
    except Exception:  # noqa: BLE001 - no botocore, unknown service/operation/member
        return None
    meta = shape.metadata
    is_num = shape.type_name in ("integer", "long", "float", "double")
    is_str = shape.type_name == "string"
    enum = getattr(shape, "enum", None)
    return Constraint(
        min=meta.get("min") if is_num else None, max=meta.get("max") if is_num else None,
        min_length=meta.get("min") if is_str else None, max_length=meta.get("max") if is_str else None,
        enum=tuple(enum) if enum else None, pattern=meta.get("pattern"),
        type="integer" if shape.type_name in ("integer", "long") else shape.type_name,
        source=f"botocore {service}.{operation}.{member}", path=member)
