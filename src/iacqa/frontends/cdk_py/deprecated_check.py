"""CDK003 and CDK004 in the CDK Python static check: uses of deprecated aws-cdk-lib APIs and imports of
experimental alpha modules.

The shared checker (frontends/pycheck) already resolves every `aws_cdk` name a program uses to its dotted path and
knows which locals hold which construct; this subclass looks those paths up in the deprecation index read from the
installed aws-cdk-lib's jsii assembly (deprecations.py):
- attribute chains (`lambda_.Runtime.PYTHON_3_7`, `es.Domain`), names imported from aws_cdk, members of locals that
  certainly hold a construct (`fn.metric_all_errors()`): the first deprecated type or member of the chain;
- keywords of calls to constructs, structs and methods whose struct property is deprecated
  (`dynamodb.Table(point_in_time_recovery=True)`, `ec2.Vpc(cidr=...)`, `lambda_.Function(log_retention=...)`),
  unless the call's own type is deprecated (one finding for the type, not one per argument).
Type annotations are not uses (nothing of them runs). Unknown or dynamic targets are left alone.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from iacqa.catalog.sdk import DeprecatedCdkApi, ExperimentalCdkModule
from iacqa.frontends.cdk_py.deprecations import Deprecation, DeprecationIndex, installed, pythonize, replacement
from iacqa.frontends.pycheck.index import SdkIndex
from iacqa.frontends.pycheck.sdk_uses import UseChecker, one_per_line, prefixes
from iacqa.model import Finding

# Every finding is medium. "No longer supported by AWS Lambda" in the assembly does not mean creation fails yet
# (measured: Runtime.NODEJS_16_X says so, while Lambda's own schedule allows creating nodejs16.x until 2027-02-01;
# LIM002 judges runtime dates), and jsii's "will be removed in the next major release" is said of every deprecated
# API, so neither makes a finding certain enough for high.

_ALPHA = re.compile(r"^aws_cdk\.(aws_\w+)_alpha$")


def _short(dotted: str, parts: int = 2) -> str:
    return ".".join(dotted.split(".")[-parts:])


class DeprecationChecker(UseChecker):
    """The shared check plus CDK003/CDK004 (the index is loaded once per process, on the first CDK file); the walk
    over SDK uses is pycheck's (sdk_uses.py), this class says which uses are deprecated."""

    member_contexts = (ast.Load, ast.Store)  # `fn.deprecated_prop = x` runs the deprecated setter too
    instance_calls = True  # `table.add_global_secondary_index(...)`: methods take struct props as keywords

    def __init__(self, index: SdkIndex, rel: str, deprecations: DeprecationIndex | None = None) -> None:
        self.deprecations = deprecations if deprecations is not None else installed()
        super().__init__(index, rel, self.deprecations)

    def run(self, tree: ast.Module) -> list[Finding]:
        """Several deprecations on one line are one finding: `health_check=HealthCheck.elb(...)` is one change."""
        return one_per_line(super().run(tree), DeprecatedCdkApi.id)

    # -- alpha modules ------------------------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self._alpha(a.name, node)
        super().visit_Import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if not node.level and node.module:
            self._alpha(node.module, node)
            if node.module == "aws_cdk":
                for a in node.names:
                    self._alpha(f"aws_cdk.{a.name}", node)
        super().visit_ImportFrom(node)

    def _alpha(self, module: str, node: ast.AST) -> None:
        m = _ALPHA.match(".".join(module.split(".")[:2]))
        if not m or not self.once(f"alpha:{m.group(0)}", None):
            return
        stable = f"aws_cdk.{m.group(1)}"
        dist = "aws-cdk." + m.group(0).split(".", 1)[1].replace("_", "-")
        graduated = self.deprecations is not None and stable in self.deprecations.modules
        lib = f"aws-cdk-lib {self.deprecations.version}" if self.deprecations else "aws-cdk-lib"
        self.emit(ExperimentalCdkModule, "alpha",
                  f"`{m.group(0)}` is an experimental (alpha) module: its API may change between versions, even "
                  "in minor releases" + (f"; its stable successor `{stable}` is in the installed {lib}"
                                         if graduated else ""), node, symbol=m.group(0),
                  fix=(f"use the stable `{stable}` (`from aws_cdk import {m.group(1)}`) instead, " if graduated
                       else "") + f"or pin `{dist}` to the exact release built for the app's aws-cdk-lib "
                  f"(`{dist}==<aws-cdk-lib version>a0` in requirements.txt)",
                  evidence="the AWS CDK versioning policy: alpha modules are experimental and published separately "
                  "(https://docs.aws.amazon.com/cdk/v2/guide/versioning.html)")

    # -- deprecated names: the first deprecated type or member along `aws_cdk.mod.Type.MEMBER` -----------------------
    def report_use(self, note: Deprecation, node: ast.AST, dotted: str) -> None:
        assert self.deprecations is not None
        kind = "type" if dotted in self.deprecations.types else "member"
        self._report(note, node, symbol=dotted, what=f"`{_short(dotted, 1 if kind == 'type' else 2)}`", kind=kind)

    # -- deprecated keywords ------------------------------------------------------------------------------------------
    def judges_keywords(self, target: str) -> bool:
        """Not when the call's class (or the method itself) is deprecated: reported once as such, not per
        argument."""
        assert self.deprecations is not None
        return not any(p in self.deprecations.symbols for p in prefixes(target))

    def report_keyword(self, note: Deprecation, kw: ast.keyword, target: str) -> None:
        self._report(note, kw, symbol=f"{target}({kw.arg}=)", arg=kw.arg,
                     what=f"`{_short(target, 1 if _short(target, 1)[:1].isupper() else 2)}({kw.arg}=...)`",
                     kind="keyword")

    # -- findings -----------------------------------------------------------------------------------------------------
    def _report(self, note: Deprecation, node: ast.AST, *, symbol: str, what: str, kind: str,
                arg: str | None = None) -> None:
        assert self.deprecations is not None
        version = self.deprecations.version
        text = pythonize(note.text)
        new = self.deprecations.replacement_of(note) if kind == "keyword" else None
        if new is not None:
            name, typ = new
            jsii_new = replacement(note.text)
            if jsii_new:  # a replacement named without backticks (`Use ipAddresses instead`)
                text = re.sub(rf"(?<![`\w]){re.escape(jsii_new)}(?![`\w])", f"`{name}`", text)
            typ = typ.removeprefix("aws_cdk.")
            fix = f"replace `{arg}=` with `{name}=`" + (f" (it takes `{typ}`, not the old value)" if typ else "")
        else:
            fix = f"aws-cdk-lib says: {text}"
        fields: dict[str, Any] = {
            "symbol": symbol,
            "error": f"[WARNING] {note.ref} is deprecated, and will be removed in the next major release.\n"
                     f"  {note.text}",
            "fix": fix,
            "evidence": f"the jsii assembly of the installed aws-cdk-lib {version} (docs.deprecated of {note.ref})",
        }
        self.emit(DeprecatedCdkApi, kind,
                  f"{what} is deprecated as of aws-cdk-lib {version}: {text}", node, **fields)

