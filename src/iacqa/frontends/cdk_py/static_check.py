"""Static check of every name and keyword a CDK program takes from `aws_cdk` and `constructs`: the CDK index for
the shared Python check (frontends/pycheck).

The installed aws-cdk-lib is the reference. It is our trusted dependency, so it is imported in this process, once
and only when a CDK project is checked: `import aws_cdk` loads the jsii assembly into a node child (measured here:
3.0 s, python +30 MB, node ~650 MB); each `aws_cdk.aws_*` submodule is another 0.1-0.4 s. jsii generates real
Python signatures with keyword-only props for constructs, structs and static methods, so required props and
positional misuse are known. Alpha modules ship as separate packages: absent here is not wrong.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.frontends.cdk_py.deprecated_check import DeprecationChecker
from iacqa.frontends.pycheck.files import check_files
from iacqa.frontends.pycheck.files import check_source as _check_source
from iacqa.frontends.pycheck.index import installed
from iacqa.frontends.pycheck.inspected import _MISSING, InspectedIndex
from iacqa.model import Finding

ROOTS = ("aws_cdk", "constructs")

# Confusions the SDK's own names do not suggest: CDK v1 idioms, other frameworks.
HINTS = {
    "core": "this is CDK v1; in v2 everything from aws_cdk.core is in `aws_cdk` itself (`import aws_cdk as cdk`; "
    "`cdk.Stack`, `cdk.Duration`) and Construct comes from `constructs`",
    "Construct": "`Construct` lives in the `constructs` package: `from constructs import Construct`",
    "FunctionCodeArgs": "Lambda code is `lambda_.Code.from_inline(src)` or `lambda_.Code.from_asset('dir')`",
    "StreamSpecification": "streams are a Table prop: `stream=dynamodb.StreamViewType.NEW_IMAGE`",
}


@dataclass
class ImportCost:
    """What importing aws-cdk-lib cost this process (reported by the front end)."""

    seconds: float = 0.0
    imported: bool = False


COST = ImportCost()


class CdkIndex(InspectedIndex):
    def import_root(self, name: str) -> Any:
        # jsii prints a large end-of-life banner for node 20 unless this is set (ENGINE_NOTES section 3).
        os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
        start = time.monotonic()
        mod = super().import_root(name)
        if name == "aws_cdk" and mod is not _MISSING:
            COST.seconds, COST.imported = round(time.monotonic() - start, 2), True
        return mod

    def elsewhere(self, name: str, parent: str) -> str | None:
        """`cloudwatch.SnsAction` -> the module that really defines SnsAction (the service's sibling module first)."""
        if not name[:1].isupper():
            return None
        modules = sorted((m for m in _class_index().get(name, ()) if m != parent),
                         key=lambda m: (not m.startswith(parent + "_"), m))
        if not modules:
            return None
        mod = modules[0]
        alias = mod.rsplit(".", 1)[-1]
        return f"`{name}` is in {mod}" + (f" (`from aws_cdk import {alias}`; `{alias}.{name}`)"
                                         if mod != "aws_cdk" else f" (`cdk.{name}` / `from aws_cdk import {name}`)")


INDEX = CdkIndex(roots=ROOTS, label=installed("aws-cdk-lib"), hints=HINTS, optional_parts=("_alpha",))


@lru_cache(maxsize=1)
def _class_index() -> dict[str, tuple[str, ...]]:
    """Class name -> the aws_cdk modules that define it, from the installed sources (regex, ~1 s, built on the first
    missing name only)."""
    root = INDEX.resolve("aws_cdk")
    if root in (None, _MISSING) or not getattr(root, "__file__", None):
        return {}
    base = Path(root.__file__).parent
    pattern = re.compile(rb"^class ([A-Za-z]\w*)\(", re.M)
    index: dict[str, list[str]] = {}
    for init in [base / "__init__.py", *sorted(base.glob("*/__init__.py"))]:
        module = "aws_cdk" if init.parent == base else f"aws_cdk.{init.parent.name}"
        try:
            for name in pattern.findall(init.read_bytes()):
                index.setdefault(name.decode(), []).append(module)
        except OSError:
            continue
    return {k: tuple(v) for k, v in index.items()}


def available() -> bool:
    """Whether aws-cdk-lib can be imported (imports it once; later calls are free)."""
    return INDEX.available()


def check_source(rel: str, source: str) -> list[Finding]:
    """Findings for one file's text (rel: its project-relative path, for locations)."""
    return _check_source(INDEX, rel, source, DeprecationChecker)


def check(root: Path, files: list[str]) -> list[Finding]:
    """SDK001/SDK002/CDK001 (and CDK003/CDK004: deprecated APIs, alpha modules) findings for the project's Python
    files (empty when aws-cdk-lib is not installed)."""
    if not available():
        return []
    return check_files(INDEX, root, files, DeprecationChecker)
