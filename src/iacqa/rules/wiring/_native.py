"""Reading resources the type table does not map (their graph type is the Pulumi token or the Terraform type and
their properties are only the native ones) next to the CloudFormation shape of the same resource.

Not a rule module: it defines no Rule subclass. Shared by WIR008..WIR011 and PRM007.

Terraform blocks come as lists of objects (`vpc_config = [{...}]`), Pulumi nested inputs as objects, CloudFormation
as objects or lists: `one` and `many` give every shape the same reading.
"""

from __future__ import annotations

from typing import Any

from iacqa.model import Resource

UNKNOWN_MARKS = ("<unresolved", "${", "mock-")


def is_type(r: Resource, types: tuple[str, ...]) -> bool:
    return r.type in types or r.native_type in types


def prop(r: Resource, cfn: str, native: str) -> tuple[Any, str]:
    """(value, attribute path to report) of a property written either way; (None, cfn) when absent."""
    if r.has(cfn):
        return r.get(cfn), cfn
    cur: Any = r.native_properties
    for part in native.split("."):
        cur = one(cur)
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None, cfn
    return cur, native


def one(value: Any) -> Any:
    """A nested block as one object: a one-item list (Terraform) is its item."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def many(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def unknown_value(value: Any) -> bool:
    """A value the front end could not know (unresolved reference, interpolation, a mock placeholder)."""
    if isinstance(value, str):
        return any(m in value for m in UNKNOWN_MARKS) or value.startswith("mock-")
    if isinstance(value, dict):
        return any(unknown_value(v) for v in value.values())
    if isinstance(value, list):
        return any(unknown_value(v) for v in value)
    return False


def blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
