"""Value constraints from the CloudFormation resource schemas that cfn-lint ships (min/max/enum/pattern/length),
with botocore's service models as a second source and a short curated table for facts no model states.

Loading is lazy: one schema file per resource type, cached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Constraint:
    path: str  # CFN dotted path; list items as "[]" segments are folded away
    type: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    source: str = "cfn-lint schema"
    note: str | None = None


# Facts that the schemas state too loosely, each with its reason (tflint-ruleset-aws keeps the same kind of list).
CURATED: dict[tuple[str, str], dict[str, Any]] = {
    ("AWS::Lambda::Function", "Timeout"): {
        "maximum": 900, "note": "standard functions allow 1..900 s; the schema's 5400 is for Lambda Managed Instances"},
    ("AWS::Lambda::Function", "MemorySize"): {"maximum": 10240, "note": "standard functions allow 128..10240 MB"},
    ("AWS::Lambda::Function", "EphemeralStorage.Size"): {"minimum": 512, "maximum": 10240},
    ("AWS::SQS::Queue", "VisibilityTimeout"): {"minimum": 0, "maximum": 43200},
    ("AWS::SQS::Queue", "MessageRetentionPeriod"): {"minimum": 60, "maximum": 1209600},
    ("AWS::SQS::Queue", "DelaySeconds"): {"minimum": 0, "maximum": 900},
    ("AWS::SQS::Queue", "ReceiveMessageWaitTimeSeconds"): {"minimum": 0, "maximum": 20},
    ("AWS::SQS::Queue", "MaximumMessageSize"): {"minimum": 1024, "maximum": 1048576},
    ("AWS::SQS::Queue", "KmsDataKeyReusePeriodSeconds"): {"minimum": 60, "maximum": 86400},
    ("AWS::Lambda::EventSourceMapping", "BatchSize"): {"minimum": 1, "maximum": 10000},
    ("AWS::Lambda::EventSourceMapping", "MaximumBatchingWindowInSeconds"): {"minimum": 0, "maximum": 300},
    ("AWS::Lambda::EventSourceMapping", "MaximumRetryAttempts"): {"minimum": -1, "maximum": 10000},
    ("AWS::Lambda::EventSourceMapping", "MaximumRecordAgeInSeconds"): {"minimum": -1, "maximum": 604800},
    ("AWS::Lambda::EventSourceMapping", "ParallelizationFactor"): {"minimum": 1, "maximum": 10},
    ("AWS::KMS::Key", "PendingWindowInDays"): {"minimum": 7, "maximum": 30},
}


def _schema_dir() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("cfnlint")  # locate the data without importing cfn-lint (slow import)
    if spec is None or not spec.origin:
        return None
    d = Path(spec.origin).parent / "data" / "schemas"
    return d if d.is_dir() else None


@lru_cache(maxsize=1)
def _provider() -> dict[str, str]:
    d = _schema_dir()
    if d is None:
        return {}
    p = d / "providers" / "us-east-1.json"
    try:
        return json.loads(p.read_text())
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=512)
def schema(cfn_type: str) -> dict[str, Any] | None:
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


def _walk(node: dict[str, Any], defs: dict[str, Any], prefix: str, out: dict[str, Constraint], depth: int) -> None:
    if depth > 8 or not isinstance(node, dict):
        return
    if "$ref" in node:
        ref = node["$ref"].split("/")[-1]
        target = defs.get(ref)
        if isinstance(target, dict):
            merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            _walk(merged, defs, prefix, out, depth + 1)
        return
    t = node.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t == "array" or "items" in node:
        items = node.get("items")
        if isinstance(items, dict):
            _walk(items, defs, prefix, out, depth + 1)
        return
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            _walk(sub, defs, f"{prefix}.{name}" if prefix else name, out, depth + 1)
        return
    if not prefix:
        return
    enum = node.get("enum")
    c = Constraint(
        path=prefix, type=t if isinstance(t, str) else None, minimum=node.get("minimum"), maximum=node.get("maximum"),
        min_length=node.get("minLength"), max_length=node.get("maxLength"),
        enum=tuple(enum) if isinstance(enum, list) else None, pattern=node.get("pattern"),
    )
    if any(v is not None for v in (c.minimum, c.maximum, c.min_length, c.max_length, c.enum, c.pattern)):
        out[prefix] = c


@lru_cache(maxsize=512)
def constraints_for(cfn_type: str) -> dict[str, Constraint]:
    """CFN dotted path -> Constraint for one resource type (schema first, curated overrides on top)."""
    out: dict[str, Constraint] = {}
    s = schema(cfn_type)
    if s:
        _walk({"properties": s.get("properties", {})}, s.get("definitions", {}), "", out, 0)
    for (t, path), over in CURATED.items():
        if t != cfn_type:
            continue
        base = out.get(path, Constraint(path=path, type="integer"))
        out[path] = Constraint(
            path=path, type=base.type, minimum=over.get("minimum", base.minimum),
            maximum=over.get("maximum", base.maximum), min_length=base.min_length, max_length=base.max_length,
            enum=base.enum, pattern=base.pattern, source="iacqa curated (cfn-lint schema is looser)"
            if path in out else "iacqa curated", note=over.get("note"),
        )
    return out


@lru_cache(maxsize=1)
def lambda_runtimes() -> dict[str, dict[str, str]]:
    """Runtime -> {deprecated, create-block...} dates from cfn-lint's LmbdRuntimeLifecycle.json."""
    d = _schema_dir()
    if d is None:
        return {}
    try:
        return json.loads((d.parent / "AdditionalSpecs" / "LmbdRuntimeLifecycle.json").read_text())
    except (OSError, ValueError):
        return {}


def botocore_member(service: str, operation: str, member: str) -> Constraint | None:
    """Second source: a parameter's min/max/enum from botocore's service model."""
    try:
        import botocore.session

        model = botocore.session.get_session().get_service_model(service)
        shape = model.operation_model(operation).input_shape.members[member]
    except Exception:  # noqa: BLE001 - no botocore, or no such member
        return None
    meta = shape.metadata
    return Constraint(path=member, type=shape.type_name, minimum=meta.get("min") if shape.type_name != "string" else None,
                      maximum=meta.get("max") if shape.type_name != "string" else None,
                      min_length=meta.get("min") if shape.type_name == "string" else None,
                      max_length=meta.get("max") if shape.type_name == "string" else None,
                      enum=tuple(shape.enum) if getattr(shape, "enum", None) else None, source="botocore")
