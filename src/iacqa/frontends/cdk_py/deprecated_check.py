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
from iacqa.frontends.pycheck.checker import Checker
from iacqa.frontends.pycheck.index import SdkIndex
from iacqa.model import Finding

# Every finding is medium. "No longer supported by AWS Lambda" in the assembly does not mean creation fails yet
# (measured: Runtime.NODEJS_16_X says so, while Lambda's own schedule allows creating nodejs16.x until 2027-02-01;
# LIM002 judges runtime dates), and jsii's "will be removed in the next major release" is said of every deprecated
# API, so neither makes a finding certain enough for high.

_ALPHA = re.compile(r"^aws_cdk\.(aws_\w+)_alpha$")


def _short(dotted: str, parts: int = 2) -> str:
    return ".".join(dotted.split(".")[-parts:])


class DeprecationChecker(Checker):
    """The shared check plus CDK003/CDK004 (the index is loaded once per process, on the first CDK file)."""

    def __init__(self, index: SdkIndex, rel: str, deprecations: DeprecationIndex | None = None) -> None:
        super().__init__(index, rel)
        self.deprecations = deprecations if deprecations is not None else installed()
        self._annotations: set[int] = set()
        self._seen: set[tuple[str, int | None]] = set()

    def run(self, tree: ast.Module) -> list[Finding]:
        for node in ast.walk(tree):
            notes = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                notes = [node.returns, *(a.annotation for a in ast.walk(node.args) if isinstance(a, ast.arg))]
            elif isinstance(node, ast.AnnAssign):
                notes = [node.annotation]
            for n in notes:
                if n is not None:
                    self._annotations.update(id(x) for x in ast.walk(n))
        return _one_per_line(super().run(tree))

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
        if not m or not self._once(f"alpha:{m.group(0)}", None):
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

    # -- deprecated names ---------------------------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self.deprecations is not None and id(node) not in self._annotations:
            dotted = self.dotted(node)
            if dotted is not None:
                self._chain(dotted, node)
            elif isinstance(node.ctx, (ast.Load, ast.Store)):
                owner = self.instance_of(node.value)
                if owner is not None:
                    self._symbol(f"{owner}.{node.attr}", node)
        super().visit_Attribute(node)

    def visit_Name(self, node: ast.Name) -> None:
        if (self.deprecations is not None and isinstance(node.ctx, ast.Load) and id(node) not in self._annotations
                and node.id in self.aliases and not self._shadowed(node.id)):
            self._chain(self.aliases[node.id], node)
        self.generic_visit(node)

    def _chain(self, dotted: str, node: ast.AST) -> None:
        """The first deprecated type or member along `aws_cdk.mod.Type.MEMBER` (one finding per chain)."""
        parts = dotted.split(".")
        for i in range(2, len(parts) + 1):
            if self._symbol(".".join(parts[:i]), node):
                return

    def _symbol(self, dotted: str, node: ast.AST) -> bool:
        assert self.deprecations is not None
        note = self.deprecations.symbol(dotted)
        if note is None:
            return False
        if self._once(dotted, getattr(node, "lineno", None)):
            kind = "type" if dotted in self.deprecations.types else "member"
            self._report(note, node, symbol=dotted, what=f"`{_short(dotted, 1 if kind == 'type' else 2)}`",
                         kind=kind)
        return True

    # -- deprecated keywords ------------------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        if self.deprecations is not None and node.keywords:
            target = self._target(node.func)
            if target is not None and not self._deprecated_owner(target):
                for kw in node.keywords:
                    note = self.deprecations.keyword(target, kw.arg) if kw.arg else None
                    if note is not None and self._once(f"{target}({kw.arg}=)", kw.lineno):
                        self._report(note, kw, symbol=f"{target}({kw.arg}=)", arg=kw.arg,
                                     what=f"`{_short(target, 1 if _short(target, 1)[:1].isupper() else 2)}"
                                     f"({kw.arg}=...)`",
                                     kind="keyword")
        super().visit_Call(node)

    def _target(self, func: ast.AST) -> str | None:
        if isinstance(func, (ast.Name, ast.Attribute)):
            dotted = self.dotted(func)
            if dotted is not None:
                return dotted
        if isinstance(func, ast.Attribute):
            owner = self.instance_of(func.value)
            return f"{owner}.{func.attr}" if owner else None
        return None

    def _deprecated_owner(self, target: str) -> bool:
        """The call's class (or the method itself) is deprecated: reported once as such, not per argument."""
        assert self.deprecations is not None
        parts = target.split(".")
        return any(".".join(parts[:i]) in self.deprecations.symbols for i in range(2, len(parts) + 1))

    # -- findings -----------------------------------------------------------------------------------------------------
    def _once(self, key: str, line: int | None) -> bool:
        if (key, line) in self._seen:
            return False
        self._seen.add((key, line))
        return True

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


def _one_per_line(findings: list[Finding]) -> list[Finding]:
    """Several deprecations on one line become one finding (the pipeline keeps one sdk-api finding per id and
    line): the first, with the others' texts and symbols appended (`health_check=HealthCheck.elb(...)` is one
    change)."""
    first: dict[int | None, int] = {}
    out: list[Finding] = []
    for f in findings:
        if f.rule != DeprecatedCdkApi.id:
            out.append(f)
            continue
        if f.line not in first:
            first[f.line] = len(out)
            out.append(f)
            continue
        i = first[f.line]
        kept = out[i]
        out[i] = kept.with_(message=f"{kept.message}; also {f.message}", fix=f"{kept.fix}; {f.fix}",
                            error=f"{kept.error}\n{f.error}",
                            extra={**kept.extra, "also": [*kept.extra.get("also", []), f.symbol]})
    return out
