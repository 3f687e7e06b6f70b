"""SDK007 in the Pulumi Python static check: uses of deprecated pulumi_aws APIs.

The shared checker (frontends/pycheck) resolves every `pulumi_aws` name a program uses to its dotted path and knows
which locals hold which resource; this subclass looks those paths up in the deprecation index read from the
installed pulumi_aws's generated sources (deprecations.py):
- deprecated classes, wherever named (`aws.s3.BucketV2(...)`, `from pulumi_aws.s3 import BucketVersioningV2`
  then `BucketVersioningV2(...)`): one finding per use;
- keyword arguments that the SDK deprecates (`aws.s3.Bucket(versioning=...)`, `aws.ec2.Instance(security_groups=)`,
  `aws.s3.BucketArgs(...)`), unless the class itself is deprecated (one finding for it, not one per argument);
- keys of dict literals passed where the SDK's signature takes an Args class (`global_secondary_indexes=[{
  "hash_key": ...}]` -> TableGlobalSecondaryIndexArgs's deprecated `hash_key`), a few levels deep;
- deprecated outputs read from a local that certainly holds the resource (`bucket.website_endpoint`) and from a
  function's result, directly or through a local assigned once (`aws.get_region().name`, `region.name` after
  `region = aws.get_region()`).
Type annotations are not uses. Unknown or dynamic targets are left alone.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections import Counter

from iacqa.catalog.sdk import DeprecatedPulumiApi
from iacqa.frontends.cdk_py.deprecations import Deprecation, DeprecationIndex
from iacqa.frontends.pulumi_py.deprecations import installed
from iacqa.frontends.pulumi_py.static_check import PulumiChecker
from iacqa.frontends.pycheck.index import SdkIndex
from iacqa.model import Finding

_ARGS_TYPE = re.compile(r"\b([A-Z]\w*Args)\b")  # `TableGlobalSecondaryIndexArgs`, not `...ArgsDict`
_DEPTH = 4  # levels of nested dict literals followed


def _short(dotted: str) -> str:
    """`pulumi_aws.s3.Bucket` -> `aws.s3.Bucket` (how programs and the SDK's own messages name it)."""
    return "aws." + dotted.split(".", 1)[1] if dotted.startswith("pulumi_aws.") else dotted


class DeprecationChecker(PulumiChecker):
    """The Pulumi check plus SDK007 (the index is loaded once per process, on the first Pulumi file)."""

    def __init__(self, index: SdkIndex, rel: str, deprecations: DeprecationIndex | None = None) -> None:
        super().__init__(index, rel)
        self.deprecations = deprecations if deprecations is not None else installed()
        self._annotations: set[int] = set()
        self._seen: set[tuple[str, int | None]] = set()
        self._results: dict[str, str] = {}  # local assigned once from a function call -> that function

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
        self._note_results(tree)
        return _one_per_line(super().run(tree))

    def _note_results(self, tree: ast.Module) -> None:
        """`region = aws.get_region()`: names stored exactly once in the file, from a call (aliases are known only
        after super().run collects them, so the function is resolved lazily in visit_Attribute)."""
        stores = Counter(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and stores[node.targets[0].id] == 1 and isinstance(node.value, ast.Call)):
                self._results[node.targets[0].id] = node.value.func  # type: ignore[assignment]

    # -- names and members --------------------------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self.deprecations is not None and id(node) not in self._annotations:
            dotted = self.dotted(node)
            if dotted is not None:
                self._chain(dotted, node)
            elif isinstance(node.ctx, ast.Load):
                owner = self.instance_of(node.value)
                if owner is not None:
                    self._symbol(f"{owner}.{node.attr}", node)
                else:
                    func = self._result_of(node.value)
                    if func is not None:
                        self._symbol(f"{func}().{node.attr}", node)
        super().visit_Attribute(node)

    def _result_of(self, value: ast.AST) -> str | None:
        """The SDK function whose result `value` is: `aws.get_region()` or a local assigned once from it."""
        func: ast.AST | None = value.func if isinstance(value, ast.Call) else None
        if isinstance(value, ast.Name):  # stored once in the whole file (_note_results)
            func = self._results.get(value.id)  # type: ignore[assignment]
        if isinstance(func, (ast.Name, ast.Attribute)):
            return self.dotted(func)
        return None

    def visit_Name(self, node: ast.Name) -> None:
        if (self.deprecations is not None and isinstance(node.ctx, ast.Load) and id(node) not in self._annotations
                and node.id in self.aliases and not self._shadowed(node.id)):
            self._chain(self.aliases[node.id], node)
        self.generic_visit(node)

    def _chain(self, dotted: str, node: ast.AST) -> None:
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
            self._report(note, node, symbol=dotted, what=f"`{_short(dotted)}`", kind=kind)
        return True

    # -- keywords -----------------------------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        if self.deprecations is not None and node.keywords:
            target = self.dotted(node.func) if isinstance(node.func, (ast.Name, ast.Attribute)) else None
            if target is not None and not self._deprecated_owner(target):
                for kw in node.keywords:
                    note = self.deprecations.keyword(target, kw.arg) if kw.arg else None
                    if note is not None and self._once(f"{target}({kw.arg}=)", kw.lineno):
                        self._report(note, kw, symbol=f"{target}({kw.arg}=)", kind="keyword",
                                     what=f"`{_short(target).rsplit('.', 1)[-1]}({kw.arg}=...)`")
                    elif kw.arg:
                        self._dicts(kw.value, self._arg_types(target, kw.arg), f"{kw.arg}")
        super().visit_Call(node)

    def _arg_types(self, target: str, arg: str) -> list[str]:
        """The Args classes an argument takes, from the installed SDK's signature (`global_secondary_indexes` of
        dynamodb.Table -> `pulumi_aws.dynamodb.TableGlobalSecondaryIndexArgs`): the keys of a dict literal passed
        instead are those classes' keywords."""
        obj = self.index.resolve(target)  # type: ignore[attr-defined]
        fn = getattr(obj, "_internal_init", None) or (getattr(obj, "__init__", None) if inspect.isclass(obj) else obj)
        try:
            param = inspect.signature(fn).parameters.get(arg) if callable(fn) else None
        except (TypeError, ValueError):
            return []
        if param is None:
            return []
        module = target.rsplit(".", 1)[0]
        return [f"{module}.{n}" for n in dict.fromkeys(_ARGS_TYPE.findall(str(param.annotation)))]

    def _dicts(self, value: ast.AST, types: list[str], path: str) -> None:
        """Deprecated keys of dict literals (also in a list) given where the SDK takes an Args class, recursively."""
        if not types or path.count(".") >= _DEPTH:
            return
        if isinstance(value, (ast.List, ast.Tuple)):
            for item in value.elts:
                self._dicts(item, types, path)
            return
        if not isinstance(value, ast.Dict):
            return
        assert self.deprecations is not None
        for k, v in zip(value.keys, value.values, strict=True):
            key = k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None
            if k is None or key is None:
                continue  # `**spread` or a computed key
            for t in types:
                note = self.deprecations.keyword(t, key)
                if note is not None and self._once(f"{t}({key}=)", k.lineno):
                    self._report(note, k, symbol=f"{t}({key}=)", kind="keyword",
                                 what=f"`{path}` key `{key}` ({_short(t).rsplit('.', 1)[-1]})")
                    break
            else:
                self._dicts(v, [x for t in types for x in self._arg_types(t, key)], f"{path}.{key}")

    def _deprecated_owner(self, target: str) -> bool:
        assert self.deprecations is not None
        parts = target.split(".")
        return any(".".join(parts[:i]) in self.deprecations.types for i in range(2, len(parts) + 1))

    # -- findings -----------------------------------------------------------------------------------------------------
    def _once(self, key: str, line: int | None) -> bool:
        if (key, line) in self._seen:
            return False
        self._seen.add((key, line))
        return True

    def _report(self, note: Deprecation, node: ast.AST, *, symbol: str, what: str, kind: str) -> None:
        assert self.deprecations is not None
        version = self.deprecations.version
        name = symbol.rsplit(".", 1)[-1].split("(")[0]
        if kind == "keyword":
            name = symbol.rsplit("(", 1)[-1].rstrip("=)")
        self.emit(DeprecatedPulumiApi, kind, f"{what} is deprecated as of pulumi-aws {version}: {note.text}", node,
                  symbol=symbol,
                  error=f"warning: {name} is deprecated: {note.text}\n"
                  f"DeprecationWarning: {note.text}",
                  fix=f"pulumi-aws says: {note.text}",
                  evidence=f"the installed pulumi-aws {version}: its generated source marks {note.ref} deprecated "
                  "(warnings.warn(..., DeprecationWarning) / @_utilities.deprecated)")


def _one_per_line(findings: list[Finding]) -> list[Finding]:
    """Several deprecations on one line are one finding (the pipeline keeps one sdk-api finding per id and line)."""
    first: dict[int | None, int] = {}
    out: list[Finding] = []
    for f in findings:
        if f.rule != DeprecatedPulumiApi.id:
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
