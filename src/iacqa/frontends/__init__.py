"""Front ends: a project in, a ResourceGraph out (the interface is `frontends.base.Frontend`).

The registry below is the one table from platform to front end; the pipeline, `iacqa emulate --serve` and batch
all ask it, so a new front end is one line here. Modules are imported only when their platform is asked for:
the SDK-backed front ends pull in large packages (pulumi, aws-cdk-lib, cdktf bindings).

    fe = for_platform("tf")                # TerraformFrontend() or None when no front end exists
    fe = for_platform("pulumi", "ts")      # a language-specific front end first, else the platform's default
    fe.build(project, options)             # -> FrontendResult(graph, findings, status, detail)

Registering: add `(platform, language): "module:Class"` to `REGISTRY`. `language` None is the platform's
default front end, used when no front end is registered for the project's own language (today the Python ones:
a CDK TypeScript project is handed to the CDK front end, which reports what it cannot read).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iacqa.frontends.base import Frontend

# (platform, language or None for the platform's default) -> "module:Class"; platform names are ingest's.
REGISTRY: dict[tuple[str, str | None], str] = {
    ("pulumi", None): "iacqa.frontends.pulumi_py.frontend:PulumiFrontend",
    ("tf", None): "iacqa.frontends.terraform.frontend:TerraformFrontend",
    ("cdktf", None): "iacqa.frontends.cdktf_py.frontend:CdktfFrontend",
    ("cfn", None): "iacqa.frontends.cloudformation.frontend:CloudFormationFrontend",
    ("cdk", None): "iacqa.frontends.cdk_py.frontend:CdkFrontend",
    # TypeScript/JavaScript: the real compiler and Node runtimes from the toolchain of `iacqa setup typescript`.
    ("cdk", "ts"): "iacqa.frontends.cdk_ts.frontend:CdkTsFrontend",
    ("cdk", "js"): "iacqa.frontends.cdk_ts.frontend:CdkTsFrontend",
    ("pulumi", "ts"): "iacqa.frontends.pulumi_ts.frontend:PulumiTsFrontend",
    ("pulumi", "js"): "iacqa.frontends.pulumi_ts.frontend:PulumiTsFrontend",
    ("cdktf", "ts"): "iacqa.frontends.cdktf_ts.frontend:CdktfTsFrontend",
}


def lookup(platform: str | None, language: str | None = None) -> str | None:
    """The "module:Class" that serves this platform and language, without importing it."""
    if not platform:
        return None
    if language and (platform, language) in REGISTRY:
        return REGISTRY[(platform, language)]
    return REGISTRY.get((platform, None))


def for_platform(platform: str | None, language: str | None = None) -> Frontend | None:
    """A new front end for `platform` (ingest's name: pulumi, tf, cdktf, cdk, cfn), or None when there is none."""
    target = lookup(platform, language)
    if target is None:
        return None
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)()


def platforms() -> list[str]:
    """Every platform that has a front end."""
    return sorted({p for p, _ in REGISTRY})


__all__ = ["REGISTRY", "for_platform", "lookup", "platforms"]
