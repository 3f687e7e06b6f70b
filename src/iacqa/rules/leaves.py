"""The leaf values of a resource's (nested) properties with their dotted paths, for rules that look at values
wherever they sit (a CIDR in any `*cidr*` property, a queue ARN in any dead-letter setting)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def leaves(value: Any, path: str = "", *, json_strings: bool = False) -> Iterator[tuple[str, Any]]:
    """`{"a": {"b": 1}, "c": [2, 3]}` -> (a.b, 1), (c, 2), (c, 3): list items share their parent's path.

    With `json_strings`, a string holding a JSON object is walked as that object (a RedrivePolicy written with
    Terraform's jsonencode or json.dumps in Pulumi); one that does not parse is a leaf."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}" if path else str(k), json_strings=json_strings)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v, path, json_strings=json_strings)
    elif json_strings and isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            inner = json.loads(value)
        except ValueError:
            yield path, value
        else:
            yield from leaves(inner, path, json_strings=True)
    else:
        yield path, value
