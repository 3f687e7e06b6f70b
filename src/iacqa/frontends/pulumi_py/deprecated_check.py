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
from iacqa.frontends.pycheck.sdk_uses import UseChecker, one_per_line, prefixes
from iacqa.model import Finding

_ARGS_TYPE = re.compile(r"\b([A-Z]\w*Args)\b")  # `TableGlobalSecondaryIndexArgs`, not `...ArgsDict`
_DEPTH = 4  # levels of nested dict literals followed


def _short(dotted: str) -> str:
    """`pulumi_aws.s3.Bucket` -> `aws.s3.Bucket` (how programs and the SDK's own messages name it)."""
    return "aws." + dotted.split(".", 1)[1] if dotted.startswith("pulumi_aws.") else dotted


class DeprecationChecker(UseChecker, PulumiChecker):
    """The Pulumi check plus SDK007 (the index is loaded once per process, on the first Pulumi file); the walk over
    SDK uses is pycheck's (sdk_uses.py), this class says which uses are deprecated."""

    def __init__(self, index: SdkIndex, rel: str, deprecations: DeprecationIndex | None = None) -> None:
        self.deprecations = deprecations if deprecations is not None else installed()
        super().__init__(index, rel, self.deprecations)
        self._results: dict[str, str] = {}  # local assigned once from a function call -> that function

    def run(self, tree: ast.Module) -> list[Finding]:
        self._note_results(tree)
        return one_per_line(super().run(tree), DeprecatedPulumiApi.id)

    def _note_results(self, tree: ast.Module) -> None:
        """`region = aws.get_region()`: names stored exactly once in the file, from a call (aliases are known only
        after super().run collects them, so the function is resolved lazily in visit_Attribute)."""
        stores = Counter(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and stores[node.targets[0].id] == 1 and isinstance(node.value, ast.Call)):
                self._results[node.targets[0].id] = node.value.func  # type: ignore[assignment]

    # -- names and members --------------------------------------------------------------------------------------------
    def report_use(self, note: Deprecation, node: ast.AST, dotted: str) -> None:
        assert self.deprecations is not None
        kind = "type" if dotted in self.deprecations.types else "member"
        self._report(note, node, symbol=dotted, what=f"`{_short(dotted)}`", kind=kind)

    def other_attribute(self, node: ast.Attribute) -> None:
        """`aws.get_region().name`, `region.name`: an output of a function's result."""
        func = self._result_of(node.value)
        if func is not None:
            self._symbol(f"{func}().{node.attr}", node)

    def _result_of(self, value: ast.AST) -> str | None:
        """The SDK function whose result `value` is: `aws.get_region()` or a local assigned once from it."""
        func: ast.AST | None = value.func if isinstance(value, ast.Call) else None
        if isinstance(value, ast.Name):  # stored once in the whole file (_note_results)
            func = self._results.get(value.id)  # type: ignore[assignment]
        if isinstance(func, (ast.Name, ast.Attribute)):
            return self.dotted(func)
        return None

    # -- keywords -----------------------------------------------------------------------------------------------------
    def judges_keywords(self, target: str) -> bool:
        """Not those of a deprecated class: it is reported once as such, not per argument."""
        assert self.deprecations is not None
        return not any(p in self.deprecations.types for p in prefixes(target))

    def report_keyword(self, note: Deprecation, kw: ast.keyword, target: str) -> None:
        self._report(note, kw, symbol=f"{target}({kw.arg}=)", kind="keyword",
                     what=f"`{_short(target).rsplit('.', 1)[-1]}({kw.arg}=...)`")

    def other_keyword(self, kw: ast.keyword, target: str) -> None:
        """Its value may be a dict literal standing for an Args class: its keys are keywords too."""
        assert kw.arg is not None
        self._dicts(kw.value, self._arg_types(target, kw.arg), f"{kw.arg}")

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
                if note is not None and self.once(f"{t}({key}=)", k.lineno):
                    self._report(note, k, symbol=f"{t}({key}=)", kind="keyword",
                                 what=f"`{path}` key `{key}` ({_short(t).rsplit('.', 1)[-1]})")
                    break
            else:
                self._dicts(v, [x for t in types for x in self._arg_types(t, key)], f"{path}.{key}")

    # -- findings -----------------------------------------------------------------------------------------------------
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

