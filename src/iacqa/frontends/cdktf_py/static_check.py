"""CDKTF Python: check every name and keyword the program takes from the provider bindings, without importing them:
the CDKTF index (read from the generated sources, bindings.py) for the shared Python check (frontends/pycheck), plus
what only jsii bindings get wrong: a nested block given as a list where one value is required or the reverse, dict
keys jsii drops, literals of the wrong type. Each finding carries the source patch that synth continues with
(patches.py), so the graph shows what deploy meets next.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from iacqa.catalog.sdk import BlockShapeMismatch, DroppedStructKey, WrongLiteralType
from iacqa.frontends.cdktf_py.bindings import (
    CHECKED,
    META,
    PROVIDER,
    ModuleInfo,
    _module_file,
    _provider_module,
    _provider_root,
    available,
    module_info,
    provider_modules,
    provider_version,
)
from iacqa.frontends.cdktf_py.patches import DELETE, apply_continuations, span
from iacqa.frontends.pycheck.checker import Checker
from iacqa.frontends.pycheck.files import check_files
from iacqa.frontends.pycheck.files import check_source as _check_source
from iacqa.frontends.pycheck.index import Kind, SdkIndex, Signature
from iacqa.frontends.pycheck.suggest import KEYWORD_CUTOFF, closest, confident
from iacqa.knowledge.naming import camel, snake
from iacqa.model import Finding, Location, Severity

__all__ = ["INDEX", "apply_continuations", "available", "check", "check_source", "module_info", "provider_modules"]


class CdktfIndex(SdkIndex):
    """Names, members and `__init__` keywords of cdktf, constructs and the AWS provider bindings."""

    def kind(self, dotted: str) -> Kind:
        parent, _, name = dotted.rpartition(".")
        if not parent:
            if dotted == PROVIDER:
                return Kind.MODULE if _provider_root() is not None else Kind.UNKNOWN
            return Kind.MODULE if dotted in CHECKED and module_info(dotted) is not None else Kind.UNKNOWN
        owner = self.kind(parent)
        if owner is Kind.MODULE:
            if parent == PROVIDER:
                return Kind.MODULE if name in provider_modules() else Kind.MISSING
            info = module_info(parent)
            if info is None:
                return Kind.UNKNOWN
            if name in info.classes:
                return Kind.CLASS
            if name in info.names:
                return Kind.VALUE
            return Kind.MISSING if parent.startswith(PROVIDER + ".") or parent in CHECKED else Kind.UNKNOWN
        if owner is Kind.CLASS and not name.startswith("_"):
            module, cls = parent.rsplit(".", 1)
            info = module_info(module)
            members = info.members(cls) if info is not None else None
            if not members:
                return Kind.UNKNOWN  # a base class that cannot be read: no verdict
            return Kind.VALUE if name in members else Kind.MISSING
        return Kind.UNKNOWN

    def names(self, dotted: str) -> list[str]:
        if dotted == PROVIDER:
            return sorted(provider_modules())
        kind = self.kind(dotted)
        if kind is Kind.MODULE:
            info = module_info(dotted)
            return sorted(info.names) if info is not None else []
        if kind is Kind.CLASS:
            module, cls = dotted.rsplit(".", 1)
            info = module_info(module)
            return sorted((info.members(cls) if info is not None else None) or ())
        return []

    def signature(self, dotted: str, instance: bool = False) -> Signature | None:
        if instance or self.kind(dotted) is not Kind.CLASS:
            return None  # methods: generated with **kwargs-free signatures, but not indexed
        module, cls = dotted.rsplit(".", 1)
        info = module_info(module)
        params = info.params(cls) if info is not None else None
        if info is None or params is None:
            return None
        c = info.cls(cls)
        required = sorted(c.required) if c is not None and c.params is not None else []
        return Signature(qualname=f"{cls}.__init__", keywords=frozenset(params), required_kwonly=tuple(required),
                         var_args=True, hidden=frozenset(META))

    def elsewhere(self, name: str, parent: str) -> str | None:
        """A provider class imported from another resource's module (`vpc.DataAwsVpc`, `subnet.DataAwsSubnets`):
        the bindings put each resource and data source in a module named after it, so its own module is found
        from its name (a jsii `A` suffix dropped: `S3BucketVersioningA` lives in `s3_bucket_versioning`)."""
        if not parent.startswith(PROVIDER + "."):
            return None
        mod = snake(name)
        for candidate in (mod, mod.removesuffix("_a")):
            if candidate != parent.rsplit(".", 1)[-1] and candidate in provider_modules():
                info = module_info(f"{PROVIDER}.{candidate}")
                if info is not None and name in info.classes:
                    return f"`{name}` is in {PROVIDER}.{candidate}"
        return None

    def source_file(self, module: str) -> Path | None:
        if module == PROVIDER:
            root = _provider_root()
            return root / "__init__.py" if root is not None else None
        return _provider_module(module) if module.startswith(PROVIDER + ".") else _module_file(module)


INDEX = CdktfIndex(roots=CHECKED, label=f"cdktf bindings (cdktf-cdktf-provider-aws {provider_version()})",
                   track_instances=False)


class CdktfChecker(Checker):
    def _loc(self, node: ast.AST) -> Location:
        return Location(self.rel, getattr(node, "lineno", None))

    def on_keyword(self, call: ast.Call, dotted: str, kw: ast.keyword) -> None:
        if kw.arg is None or self.index.kind(dotted) is not Kind.CLASS:
            return
        module, cls = dotted.rsplit(".", 1)
        info = module_info(module)
        if info is not None:
            self._value(info, cls, kw.arg, kw.value, mapped=False)

    def decorate(self, kind: str, fields: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        """The patch synth continues with: a sure rename, else the keyword removed; an import renamed by alias."""
        close = context.get("close") or []
        if kind == "keyword" and context.get("name_node") is not None:
            name_node, value, arg = context["name_node"], context["value"], context["arg"]
            if close and confident(arg, close[0]):
                fields["continue_with"] = [
                    span(name_node, repr(close[0])) if isinstance(name_node, ast.Constant) else
                    (name_node.lineno, name_node.col_offset, name_node.lineno,
                     name_node.col_offset + len(arg.encode()), close[0])]
            else:
                fields["continue_with"] = [(name_node.lineno, name_node.col_offset, value.end_lineno,
                                            value.end_col_offset, DELETE)]
        elif kind == "import" and context.get("elsewhere") and isinstance(context.get("node"), ast.ImportFrom):
            # same lines: the name is bound to a placeholder in its statement, then imported from its own module
            alias, node, real = context["alias"], context["node"], context["elsewhere"].rsplit(" ", 1)[-1]
            bound = alias.asname or alias.name
            fields["continue_with"] = [span(alias, f"__name__ as {bound}"),
                                       (node.end_lineno, node.end_col_offset, node.end_lineno, node.end_col_offset,
                                        f"; from {real} import {alias.name} as {bound}")]
        elif kind == "import" and close and confident(context["name"], close[0]):
            alias = context["alias"]
            fields["continue_with"] = [span(alias, f"{close[0]} as {alias.asname or alias.name}")]
        elif kind == "attribute" and fields.get("symbol", "").startswith("cdktf.Fn.data"):
            fields["fix"] = _data_source_fix(fields["symbol"].rsplit(".", 1)[-1])
        return fields

    def _struct_call(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Call):
            dotted = self.dotted(node.func)
            if dotted and self.index.kind(dotted) is Kind.CLASS:
                return dotted.rsplit(".", 1)[-1]
        return None

    def _value(self, info: ModuleInfo, cls: str, arg: str, value: ast.AST, *, mapped: bool) -> None:
        """Check the value given for `cls.arg`. `mapped`: the value sits inside a dict that jsii receives as a plain
        map (a dict in a list of blocks), where keys are matched by their jsii (camelCase) names."""
        if isinstance(value, ast.IfExp):  # `[...] if provisioned else [...]`: both branches can run
            self._value(info, cls, arg, value.body, mapped=mapped)
            self._value(info, cls, arg, value.orelse, mapped=mapped)
            return
        c = info.cls(cls)
        if c is not None and not mapped and arg in c.scalars:
            self._scalar(info, cls, arg, value, c.scalars[arg])
        shape = c.shapes.get(arg) if c else None
        if shape is None or shape[2]:
            return
        single, listed, _ = shape
        is_list = isinstance(value, ast.List | ast.Tuple | ast.ListComp)
        is_one = isinstance(value, ast.Dict) or (self._struct_call(value) in single + listed
                                                 if self._struct_call(value) else False)
        if is_list and single and not listed:
            struct = single[0]
            accepted = f"{info.name}.{struct}, Dict[str, Any]" + (", NoneType" if arg in c.optional else "")
            self.findings.append(BlockShapeMismatch.finding(
                f"`{arg}` of `{cls}` is a single `{struct}` block, not a list",
                location=self._loc(value), symbol=f"{info.name}.{cls}({arg}=)",
                error=(f"TypeError: type of argument {arg} must be one of ({accepted}); got list instead"
                       if not mapped else f"jsii: Key '{camel(arg)}': Unable to deserialize value as "
                       f"{(info.cls(struct).jsii if info.cls(struct) else struct)}: the value is an array"),
                fix=f"pass one block: {arg}={struct}(...) without the list brackets",
                continue_with=[span(value, None, inner=value.elts[0])] if isinstance(value, ast.List | ast.Tuple)
                and len(value.elts) == 1 else None).with_(stage="frontend"))
            return
        if is_one and listed and not single:
            struct = listed[0]
            jsii = (info.cls(struct).jsii if info.cls(struct) else None) or struct
            self.findings.append(BlockShapeMismatch.finding(
                f"`{arg}` of `{cls}` takes a list of `{struct}` blocks; a single block is given",
                location=self._loc(value), symbol=f"{info.name}.{cls}({arg}=)",
                error=f"jsii SerializationError: Key '{camel(arg)}': Unable to deserialize value as "
                      f"cdktf.IResolvable | array<{jsii}> | undefined ... Value is not an array",
                fix=f"wrap it in a list: {arg}=[{struct}(...)]",
                continue_with=[(value.lineno, value.col_offset, value.lineno, value.col_offset, "["),
                               (value.end_lineno, value.end_col_offset, value.end_lineno, value.end_col_offset, "]")],
            ).with_(stage="frontend"))
            if isinstance(value, ast.Dict):
                self._dict(info, struct, value, mapped=True)
            return
        if is_list and listed:
            for elt in getattr(value, "elts", []):
                if isinstance(elt, ast.Dict):
                    self._dict(info, listed[0], elt, mapped=True)
        elif isinstance(value, ast.Dict) and single:
            self._dict(info, single[0], value, mapped=mapped)

    def _scalar(self, info: ModuleInfo, cls: str, arg: str, value: ast.AST, kinds: list[str]) -> None:
        """A literal of a type the generated `__init__`'s typeguard check rejects (`True` for `Optional[str]`)."""
        if isinstance(value, ast.Constant) and value.value is not None and not isinstance(value.value, bytes):
            got = type(value.value).__name__
        elif isinstance(value, ast.JoinedStr):
            got = "str"
        elif isinstance(value, ast.List | ast.ListComp):
            got = "list"
        elif isinstance(value, ast.Dict):
            got = "dict"
        else:
            return
        ok = got in kinds or (got == "bool" and ("int" in kinds or "float" in kinds)) or (
            got == "int" and "float" in kinds)
        if ok:
            return
        want = f"must be one of ({', '.join(kinds)})" if len(kinds) > 1 else f"must be {kinds[0]}"
        hint = {"str": f'"{str(value.value).lower()}"' if got == "bool" else f'"{value.value}"'
                if isinstance(value, ast.Constant) else "a string"}.get(kinds[0], kinds[0])
        self.findings.append(WrongLiteralType.finding(
            f"`{arg}` of `{cls}` is typed {' | '.join(k for k in kinds if k != 'NoneType')} in the "
            f"bindings (cdktf-cdktf-provider-aws {provider_version()}); {'an' if got == 'int' else 'a'} {got} is given",
            location=self._loc(value), symbol=f"{info.name}.{cls}({arg}=)",
            error=f"TypeError: type of argument {arg} {want}; got {got} instead",
            fix=f"{arg}={hint}",
            continue_with=[span(value, hint)] if kinds[0] == "str" and isinstance(value, ast.Constant) else None,
        ).with_(stage="frontend"))

    def _dict(self, info: ModuleInfo, struct: str, node: ast.Dict, *, mapped: bool) -> None:
        """Keys of a dict given for a struct. Outside a list the bindings call `Struct(**d)` (unknown key ->
        TypeError); inside a list jsii gets a map and silently drops keys that are not jsii names (measured)."""
        s = info.cls(struct)
        params = info.params(struct)
        if s is None or params is None:
            return
        keys = [k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None for k in node.keys]
        if any(k is None for k in keys):
            return  # `**spread` or computed keys: the key set is unknown
        if not mapped:
            for key, val in zip(keys, node.values, strict=True):
                if key not in params:
                    sig = self.index.signature(f"{info.name}.{struct}")
                    if sig is not None:
                        self.unknown_keyword(f"{info.name}.{struct}", sig, key, val,
                                             name_node=node.keys[keys.index(key)], value=val, owner=struct)
                else:
                    self._value(info, struct, key, val, mapped=False)
            return
        jsii_names = {p: s.jsii_names.get(p) or camel(p) for p in params}
        by_jsii = {j: p for p, j in jsii_names.items()}
        present = {by_jsii[k] for k in keys if k in by_jsii}
        missing = sorted(s.required - present)
        for key, val in zip(keys, node.values, strict=True):
            if key in by_jsii:
                self._value(info, struct, by_jsii[key], val, mapped=True)
                continue
            if snake(key) in missing:
                continue  # reported once below, as the synth error it causes
            close = closest(key, params, owner=struct, cutoff=KEYWORD_CUTOFF, n=1)
            right = jsii_names.get(key) or (jsii_names.get(close[0]) if close else None)
            self.findings.append(DroppedStructKey.finding(
                f"key `{key}` in a dict for `{struct}` is not a jsii property name: cdktf drops it, so the "
                "setting never reaches Terraform" + (f" (jsii expects `{right}`)" if right else ""),
                location=self._loc(val), symbol=f"{info.name}.{struct}[{key!r}]",
                error=f"no error: synth succeeds and the block in cdk.tf.json lacks `{snake(key)}`",
                fix=f"use the struct class: {struct}({snake(key) if snake(key) in params else '...'}=...)"
                + (f", or the key \"{right}\"" if right else "")).with_(stage="frontend"))
        if missing:
            names = ", ".join(f"'{jsii_names[m]}'" for m in missing)
            renames = {snake(k): kn for k, kn in zip(keys, node.keys, strict=True) if snake(k) in missing}
            self.findings.append(DroppedStructKey.finding(
                f"a dict for `{struct}` lacks the required propert{'y' if len(missing) == 1 else 'ies'} "
                f"{names} (jsii matches camelCase names, not snake_case)", severity=Severity.CRITICAL,
                location=self._loc(node), symbol=f"{info.name}.{struct}",
                error=f"RuntimeError: ... Missing required properties for {s.jsii or struct}: {names}",
                fix=f"use the struct class {struct}({', '.join(m + '=...' for m in missing)})",
                continue_with=[span(kn, repr(jsii_names[m])) for m, kn in renames.items()]
                if set(renames) == set(missing) else None).with_(stage="frontend"))


def _data_source_fix(attr: str) -> str:
    """`Fn.data("aws_caller_identity")`, `Fn.data_aws_caller_identity`: data sources are provider classes."""
    source = attr.removeprefix("data").strip("_") or "aws_caller_identity"
    source = source if source.startswith("aws_") else "aws_" + source
    mod = f"data_{source}"
    if mod not in provider_modules():
        mod, source = "data_aws_caller_identity", "aws_caller_identity"
    cls = "Data" + "".join(p[:1].upper() + p[1:] for p in source.split("_"))
    return (f"Terraform data sources are classes of the provider bindings, not Fn functions: "
            f"`from {PROVIDER}.{mod} import {cls}`, then `{cls}(self, \"current\")` and read its attributes "
            "(e.g. `.account_id`)")


def check_source(rel: str, source: str) -> list[Finding]:
    """Findings for one file's text (rel: its project-relative path, for locations)."""
    return _check_source(INDEX, rel, source, CdktfChecker)


def check(root: Path, files: list[str]) -> list[Finding]:
    """Every Python program file of the project that imports cdktf, constructs or the AWS provider bindings."""
    if not available():
        return []
    return check_files(INDEX, root, files, CdktfChecker)
