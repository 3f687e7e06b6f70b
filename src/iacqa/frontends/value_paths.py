"""The dotted paths of a resource's nested properties, for locating each one in the source (shared by the
Terraform and CloudFormation front ends)."""

from __future__ import annotations

from typing import Any


def value_paths(value: Any, opaque: frozenset[str], prefix: str = "") -> list[str]:
    """`{"a": {"b": 1}, "c": [{"d": 2}]}` -> a, a.b, c, c.d: list items share their parent's path (rules address
    list items by path); maps named in `opaque` hold user data (tags, variables) and are listed but not walked."""
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            path = f"{prefix}{k}"
            out.append(path)
            if isinstance(v, (dict, list)) and k not in opaque:
                out.extend(value_paths(v, opaque, path + "."))
    elif isinstance(value, list):
        for item in value:
            out.extend(value_paths(item, opaque, prefix))
    return out
