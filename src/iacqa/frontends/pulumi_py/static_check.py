"""Static check of every name and keyword the program takes from `pulumi` and `pulumi_aws`: the Pulumi index for
the shared Python check (frontends/pycheck).

The installed SDK is the reference: modules are imported (pulumi_aws loads submodules lazily, ~0.1 s each) and
signatures read with `inspect`. A resource's public `__init__` is `(resource_name, *args, **kwargs)`; its full
argument list is `_internal_init`, which is what raises on an unknown keyword. This runs in the worker, which
imports the SDK once anyway to fork the program runs.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from iacqa.catalog.sdk import PlainDictForArchive, UnknownDictKey
from iacqa.frontends.pulumi_py import dict_keys
from iacqa.frontends.pycheck.checker import Checker
from iacqa.frontends.pycheck.files import check_files
from iacqa.frontends.pycheck.files import check_source as _check_source
from iacqa.frontends.pycheck.index import Kind, Signature, installed
from iacqa.frontends.pycheck.inspected import _MISSING, InspectedIndex
from iacqa.frontends.pycheck.suggest import closest
from iacqa.model import Finding, Location

ROOTS = ("pulumi_aws", "pulumi")
# Well-known confusions with other frameworks: the fix the SDK's own names do not suggest.
HINTS = {
    "FunctionCodeArgs": "Lambda code is an archive in Pulumi: code=pulumi.AssetArchive({'index.py': "
    "pulumi.StringAsset(source)}) or code=pulumi.FileArchive('./path/to/dir')",
    "Code": "Lambda code is an archive in Pulumi: pulumi.AssetArchive / pulumi.FileArchive",
    "QueueRedrivePolicy": "redrive_policy is a JSON string: dlq.arn.apply(lambda arn: json.dumps("
    "{'deadLetterTargetArn': arn, 'maxReceiveCount': 3}))",
    "providers": "the AWS provider is pulumi_aws.Provider(...)",
    "logs": "CloudWatch Logs resources live in pulumi_aws.cloudwatch (LogGroup, LogStream, ...)",
}
_OPTION_CLASSES = frozenset({"pulumi.ResourceOptions", "pulumi.resource.ResourceOptions", "pulumi.InvokeOptions",
                             "pulumi.CustomTimeouts", "pulumi.resource.CustomTimeouts"})
# Resource arguments every resource accepts besides its own properties.
_RESOURCE_META = frozenset({"opts", "resource_name", "args"})


class PulumiIndex(InspectedIndex):
    def checks_calls(self, dotted: str) -> bool:
        # pulumi's own runtime helpers take **kwargs-heavy dynamic paths; its option classes have fixed keywords
        # (`ResourceOptions(prevent_destroy=True)` is a TypeError at every resource that passes it)
        return dotted.startswith("pulumi_aws.") or dotted in _OPTION_CLASSES

    def signature(self, dotted: str, instance: bool = False) -> Signature | None:
        obj = self.resolve(dotted)
        init = getattr(obj, "_internal_init", None) if inspect.isclass(obj) else None
        if init is None:
            return super().signature(dotted, instance)
        try:
            params = list(inspect.signature(init).parameters.values())[1:]
        except (TypeError, ValueError):
            return None
        # A resource: `Queue(name, args)` or `Queue(name, opts, **props)`: positional use is not judged, and the
        # required properties are checked by the SDK at run time (reported from the program run).
        keywords = frozenset(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        return Signature(qualname=init.__qualname__, keywords=keywords | _RESOURCE_META, var_args=True,
                         var_kw=any(p.kind is p.VAR_KEYWORD for p in params), hidden=_RESOURCE_META)


INDEX = PulumiIndex(roots=ROOTS, label=installed("pulumi-aws"), hints=HINTS)


class PulumiChecker(Checker):
    def on_keyword(self, call: ast.Call, dotted: str, kw: ast.keyword) -> None:
        if kw.arg and isinstance(kw.value, ast.Dict | ast.List | ast.Tuple):
            self._dict_keys(dotted, kw)
        # `code={...}`: the SDK wants an Archive; a dict fails its type check at run time.
        if kw.arg == "code" and isinstance(kw.value, ast.Dict) and dotted.endswith(("Function", "LayerVersion")):
            self.findings.append(PlainDictForArchive.finding(
                f"`code` of {dotted.rsplit('.', 1)[-1]} is a plain dict; the SDK requires an Archive",
                location=Location(self.rel, kw.lineno), symbol=f"{dotted}(code=)",
                error="TypeError: expected Archive", fix=HINTS["FunctionCodeArgs"]).with_(stage="frontend"))


    def _dict_keys(self, dotted: str, kw: ast.keyword) -> None:
        cls = self.index.resolve(dotted)
        td = dict_keys.keyword_dict_type(cls, kw.arg) if inspect.isclass(cls) else None
        if td is None:
            return
        short = dotted.rsplit(".", 1)[-1]
        for key, path, typed, close in dict_keys.unknown_keys(td, kw.value, kw.arg):
            name = path.rsplit(".", 1)[-1]
            self.findings.append(UnknownDictKey.finding(
                f"`{short}({path}=...)`: `{name}` is not a key of {typed} in the installed {self.index.label}"
                + (f"; did you mean `{close[0]}`?" if close else ""), location=Location(self.rel, key.lineno),
                symbol=f"{dotted}({path}=)", error=f"nothing at preview: `{name}` is sent as written, a property "
                f"{typed.removesuffix('ArgsDict')} does not have, so the setting never takes effect",
                fix=(f"use `{close[0]}`" if close else f"keys of {typed}: {', '.join(sorted(dict_keys._fields(td)))[:200]}")
                + f", or the typed {typed.removesuffix('Dict')}(...) so a wrong keyword fails at once",
            ).with_(stage="frontend"))


def suggest(symbol: str) -> str | None:
    """The fix for a name that does not exist (also for names the program run trips on): a curated hint, else the
    closest real names."""
    parent, _, name = symbol.rpartition(".")
    parts = [HINTS[name]] if name in HINTS else []
    close = closest(name, INDEX.names(parent)) if parent and INDEX.kind(parent) is not Kind.MISSING else []
    if close:
        parts.append("closest names in " + parent + ": " + ", ".join(close))
    return "; ".join(parts) or None


def available() -> bool:
    return INDEX.resolve("pulumi_aws") not in (None, _MISSING)


def _checker() -> type[PulumiChecker]:
    """The checker with SDK007 (deprecated pulumi-aws APIs, deprecated_check.py; imported here: it subclasses
    PulumiChecker)."""
    from iacqa.frontends.pulumi_py.deprecated_check import DeprecationChecker

    return DeprecationChecker


# Resource options other tools have and Pulumi names otherwise: the fix the closest-name search does not find.
_OPTION_HINTS = {
    "prevent_destroy": "protect=True (Pulumi's name for Terraform's lifecycle prevent_destroy)",
    "removal_policy": "retain_on_delete=True (Pulumi's name for CDK's RemovalPolicy.RETAIN)",
    "create_before_destroy": "delete_before_replace=False is the default (Pulumi creates the replacement first)",
}


def _options(findings: list[Finding]) -> list[Finding]:
    """Unknown keywords of pulumi's option classes: named after the pulumi SDK (not pulumi-aws), with the option
    Pulumi has for what other tools call it."""
    out = []
    for f in findings:
        owner = (f.symbol or "").split("(")[0]
        if f.rule == "SDK002" and owner in _OPTION_CLASSES:
            arg = (f.symbol or "").split("(")[-1].rstrip("=)")
            label = installed("pulumi")
            message = f.message.replace(f"installed {INDEX.label}", f"installed {label}")
            if arg in _OPTION_HINTS:
                message = re.sub(r" \(did you mean `\w+`\?\)$", f" (use {_OPTION_HINTS[arg].split(' ')[0]})", message)
            f = f.with_(message=message, fix=_OPTION_HINTS.get(arg, f.fix))
        out.append(f)
    return out


def check_source(rel: str, source: str) -> list[Finding]:
    """Findings for one file's text (rel: its project-relative path, for locations)."""
    return _options(_check_source(INDEX, rel, source, _checker()))


def check_sdk_usage(root: Path, files: list[str]) -> list[Finding]:
    """Findings for every SDK name or keyword in the given project files that the installed SDK lacks."""
    if not available():
        return []
    return _options(check_files(INDEX, root, files, _checker()))

