"""Runs a Pulumi Python program under Pulumi's own mock runtime, inside a sandboxed child.

Lenient mode: a name the SDK does not have is recorded and replaced by a stub so the program keeps going and the
resources after the first error are still seen (measured in ENGINE_NOTES: 12 -> 14 resources on a real task).
Everything is reported through the EventSink as it happens.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import re
import runpy
import sys
import traceback
import types
from pathlib import Path
from typing import Any

from iacqa.frontends import identity
from iacqa.sandbox.child import EventSink

SDK_PACKAGES = ("pulumi_aws", "pulumi")
PRELOAD = ("pulumi", "pulumi.runtime", "pulumi_aws", "pulumi_random")


def preload() -> None:
    """Import the heavy SDKs once per worker, before forking children."""
    for mod in PRELOAD:
        try:
            __import__(mod)
        except Exception:  # noqa: BLE001 - reported later as 'SDK not installed'
            continue


def _user_frame(root: str, tb_or_stack: list[Any]) -> tuple[str, int] | None:
    """Innermost frame in the user's project (not in site-packages, not iacqa)."""
    hit = None
    for fs in tb_or_stack:
        fn = os.path.abspath(fs.filename)
        if fn.startswith(root) and "site-packages" not in fn and "/iacqa/" not in fn.replace(root, ""):
            hit = (os.path.relpath(fn, root), fs.lineno)
    return hit


def _call_site(root: str) -> tuple[str, int] | None:
    f = sys._getframe(2)
    while f is not None:
        fn = os.path.abspath(f.f_code.co_filename)
        if fn.startswith(root + os.sep) and "site-packages" not in fn:
            return os.path.relpath(fn, root), f.f_lineno
        f = f.f_back
    return None


def _direct_user_site(root: str) -> tuple[str, int] | None:
    """The user's frame when user code itself is asking (skipping only the import machinery)."""
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename.startswith("<frozen importlib"):
        f = f.f_back
    if f is None:
        return None
    fn = os.path.abspath(f.f_code.co_filename)
    if fn.startswith(root + os.sep) and "site-packages" not in fn:
        return os.path.relpath(fn, root), f.f_lineno
    return None


def jsonable(value: Any, depth: int = 0) -> Any:
    """Mock inputs -> JSON, keeping assets and archives as tagged objects."""
    import pulumi

    if depth > 40:
        return "<deep>"
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, pulumi.StringAsset):
        return {"__asset": "string", "text": value.text}
    if isinstance(value, pulumi.FileAsset):
        return {"__asset": "file", "path": str(value.path)}
    if isinstance(value, pulumi.RemoteAsset):
        return {"__asset": "remote", "uri": value.uri}
    if isinstance(value, pulumi.FileArchive):
        return {"__archive": "file", "path": str(value.path)}
    if isinstance(value, pulumi.AssetArchive):
        return {"__archive": "assets", "assets": {k: jsonable(v, depth + 1) for k, v in value.assets.items()}}
    if isinstance(value, pulumi.RemoteArchive):
        return {"__archive": "remote", "uri": value.uri}
    if type(value).__name__ == "IacqaStub":  # a keep-going stand-in (cdk_py.continuation.STUB): a value unknown here
        return "<unresolved stand-in>"
    return repr(value)[:200]


def _plain(props: Any) -> dict[str, Any]:
    """The constructor's inputs that are already known (not Outputs): kept in case registration never completes.

    The SDK's classes pass an args object (`InstanceArgs` whose `__dict__` holds the snake_case inputs), a
    component passes a dict. A top-level Output is left out; a nested one becomes a placeholder that rules skip."""
    from pulumi._types import is_input_type

    if props is not None and not isinstance(props, dict) and is_input_type(type(props)):
        props = vars(props)
    if not isinstance(props, dict):
        return {}
    out = {}
    for k, v in props.items():
        if v is None or k.startswith("__"):
            continue
        try:
            value = _known(v)
        except Exception:  # noqa: BLE001 - an odd input: not recorded
            continue
        if value != _UNKNOWN:
            out[k] = value
    return out


_UNKNOWN = "<unresolved Output>"


def _known(value: Any, depth: int = 0) -> Any:
    """A constructor input as far as it is known without waiting for the engine (Outputs: a placeholder)."""
    import inspect

    import pulumi
    from pulumi._types import is_input_type

    if depth > 40 or isinstance(value, (pulumi.Output, pulumi.Resource)) or inspect.isawaitable(value):
        return _UNKNOWN
    if is_input_type(type(value)) and not isinstance(value, dict):
        value = vars(value)
    if isinstance(value, dict):
        return {str(k): _known(v, depth + 1) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_known(v, depth + 1) for v in value]
    return jsonable(value, depth)


_CLASS_BY_TOKEN: dict[str, type] = {}
_COMPUTED: dict[type, dict[str, Any]] = {}


def _annotation_value(ann: Any, owner_module: str, prop: str, depth: int) -> Any:
    """A placeholder for an output the provider computes, shaped by the SDK's own type annotation."""
    text = ann if isinstance(ann, str) else repr(ann)
    text = text.replace("typing.", "").replace("_builtins.", "").replace("builtins.", "")
    text = re.sub(r"ForwardRef\('([^']*)'\)", r"\1", text).replace("'", "").replace('"', "")
    inner = re.sub(r"^(?:pulumi\.(?:output\.)?)?Output\[(.*)\]$", r"\1", text.strip())
    inner = re.sub(r"^Optional\[(.*)\]$", r"\1", inner)
    m = re.match(r"^(?:Sequence|List|list)\[(.*)\]$", inner)
    if m:
        elt = _annotation_value(m.group(1), owner_module, prop, depth + 1)
        return [elt] if elt is not None else []
    if inner.startswith(("Mapping", "Dict", "dict")):
        return {}
    m = re.search(r"outputs\.(\w+)", inner)
    if m and depth < 3:
        pkg = owner_module.rsplit(".", 1)[0]
        mod = sys.modules.get(f"{pkg}.outputs")
        cls = getattr(mod, m.group(1), None) if mod else None
        return _computed_for(cls, depth + 1) if cls else None
    if "str" in inner:
        return f"mock-{prop.replace('_', '-')}"
    if "int" in inner:
        return 1
    if "float" in inner:
        return 1.0
    if "bool" in inner:
        return False
    return None


def _computed_for(cls: type, depth: int = 0) -> dict[str, Any]:
    """Every output property of a resource (or nested output type), by its wire name, with a placeholder."""
    if cls in _COMPUTED:
        return _COMPUTED[cls]
    out: dict[str, Any] = {}
    _COMPUTED[cls] = out  # guards recursion
    for klass in reversed(cls.__mro__):
        for attr, val in vars(klass).items():
            fget = getattr(val, "fget", None)
            if fget is None or not hasattr(fget, "_pulumi_name"):
                continue
            wire = getattr(fget, "_pulumi_name", None) or attr
            try:
                v = _annotation_value(fget.__annotations__.get("return", ""), klass.__module__, attr, depth)
            except Exception:  # noqa: BLE001 - placeholders are best effort
                v = None
            if v == {}:  # a map output: the keys its documentation names (`uris["GRAPHQL"]`), so programs can index
                v = {k: f"mock-{attr.replace('_', '-')}-{k.lower()}" for k in _doc_keys(fget.__doc__ or "")}
            if v is not None:
                out[wire] = v
    return out


_IDS: dict[tuple[str, str], str] = {}  # (type token, name) -> the id the mocks gave the resource


def _resource_ids(value: Any) -> Any:
    """A resource object passed as an input (`Permission(function=fn)`, `role=role`) is what the engine sends for
    it: a reference the provider reads as the resource's id (a function's name, a role's name), not its repr."""
    import pulumi

    if isinstance(value, pulumi.CustomResource):
        return _IDS.get((getattr(value, "_type", ""), getattr(value, "_name", "")), f"mock-{getattr(value, '_name', 'id')}")
    if isinstance(value, dict):
        return {k: _resource_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resource_ids(v) for v in value]
    return value


def _doc_keys(doc: str) -> list[str]:
    """Map keys an SDK property's documentation shows (`uris["GRAPHQL"]`, `tags_all`'s none)."""
    return list(dict.fromkeys(re.findall(r"""\[\s*["'`]([A-Za-z0-9_.:-]+)["'`]\s*\]""", doc)))


def invoke_result_shape(token: str) -> dict[str, Any]:
    """Placeholders for every field of a data source's result type (`get_route_tables().ids` is a list), read from
    the SDK's result class, so a program can index what the real invoke returns."""
    try:
        mod_name, fn = token.split(":")[1].split("/")[0], token.split(":")[-1]
        mod = sys.modules.get(f"pulumi_aws.{mod_name.replace('lambda', 'lambda_')}") or sys.modules.get(
            f"pulumi_aws.{mod_name}")
        cls = getattr(mod, fn[:1].upper() + fn[1:] + "Result", None) if mod else None
        return dict(_computed_for(cls)) if isinstance(cls, type) else {}
    except Exception:  # noqa: BLE001 - placeholders are best effort
        return {}


class _Missing:
    """Stands in for an SDK name that does not exist; records each use."""

    def __init__(self, symbol: str, sink: EventSink, root: str) -> None:
        self._symbol, self._sink, self._root = symbol, sink, root

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        site = _call_site(self._root)
        self._sink.emit({"kind": "missing", "symbol": self._symbol, "file": site and site[0],
                         "line": site and site[1], "kwargs": {k: jsonable(v) for k, v in kwargs.items()
                                                              if isinstance(v, (str, int, float, bool))}})
        return None

    def __getattr__(self, name: str) -> _Missing:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Missing(f"{self._symbol}.{name}", self._sink, self._root)

    def __mro_entries__(self, bases: tuple) -> tuple:
        return (object,)


def _lenient_module(mod: types.ModuleType, sink: EventSink, root: str) -> None:
    orig = mod.__dict__.get("__getattr__")
    if getattr(orig, "_iacqa", False):
        return

    def __getattr__(name: str) -> Any:
        if orig is not None:
            try:
                return orig(name)
            except AttributeError:
                pass
        if name.startswith("__"):
            raise AttributeError(name)
        site = _direct_user_site(root)
        if site is None:  # the SDK or the import machinery probing: behave like a normal module
            raise AttributeError(f"module {mod.__name__!r} has no attribute {name!r}")
        sink.emit({"kind": "missing", "symbol": f"{mod.__name__}.{name}", "file": site and site[0],
                   "line": site and site[1], "use": "attribute"})
        return _Missing(f"{mod.__name__}.{name}", sink, root)

    __getattr__._iacqa = True  # type: ignore[attr-defined]
    mod.__getattr__ = __getattr__  # type: ignore[attr-defined]


class _LenientFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes `import pulumi_aws.lambda` (no such module) a recorded stub module instead of an ImportError, and
    gives every SDK module loaded later the lenient module __getattr__."""

    def __init__(self, sink: EventSink, root: str) -> None:
        self.sink, self.root = sink, root

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith(tuple(p + "." for p in SDK_PACKAGES)):
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            try:
                spec = finder.find_spec(fullname, path, target)
            except Exception:  # noqa: BLE001
                spec = None
            if spec is not None:
                return None  # the real module exists; the default machinery loads it
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: Any) -> types.ModuleType:
        site = _call_site(self.root)
        self.sink.emit({"kind": "missing", "symbol": spec.name, "file": site and site[0], "line": site and site[1],
                        "use": "module"})
        mod = types.ModuleType(spec.name)
        mod.__path__ = []  # type: ignore[attr-defined]
        return mod

    def exec_module(self, module: types.ModuleType) -> None:
        _lenient_module(module, self.sink, self.root)


def _patch_modules(sink: EventSink, root: str) -> None:
    for name, mod in list(sys.modules.items()):
        if isinstance(mod, types.ModuleType) and (name in SDK_PACKAGES or name.startswith(tuple(p + "." for p in SDK_PACKAGES))):
            _lenient_module(mod, sink, root)
    sys.meta_path.append(_LenientFinder(sink, root))

    class _PatchOnLoad(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
            if not fullname.startswith("pulumi_aws."):
                return None
            for finder in sys.meta_path:
                if finder is self or isinstance(finder, _LenientFinder):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None and spec.loader is not None:
                    orig_exec = spec.loader.exec_module

                    def exec_module(module: types.ModuleType, _orig: Any = orig_exec) -> None:
                        _orig(module)
                        _lenient_module(module, sink, root)

                    spec.loader.exec_module = exec_module  # type: ignore[method-assign]
                    return spec
            return None

    sys.meta_path.insert(0, _PatchOnLoad())


def _is_stand_in(value: Any) -> bool:
    """A keep-going stand-in (cdk_py.continuation.STUB) for what a stubbed statement would have produced.

    Not the stand-in for a declared package iacqa cannot install (_StubObject, awsx): letting its values through
    declares resources whose links to the package's resources are lost (a security group used only by VPC endpoints
    whose subnets come from awsx then looks unused and open: SEC006 on a working precision project)."""
    return type(value).__name__ == "IacqaStub"


def _without_stand_ins(value: Any, depth: int = 0) -> Any:
    """The value with stand-ins left out: nothing the SDK could serialize, and nothing a rule should judge."""
    if depth > 20:
        return value
    if isinstance(value, dict):
        return {k: _without_stand_ins(v, depth + 1) for k, v in value.items() if not _is_stand_in(v)}
    if isinstance(value, list):
        return [_without_stand_ins(v, depth + 1) for v in value if not _is_stand_in(v)]
    return None if _is_stand_in(value) else value


def _scrub_stand_ins(props: Any, opts: Any) -> bool:
    """Keep-going runs: a stand-in passed as a resource input, parent or dependency (`depends_on=[self.lambda_stack]`
    after that component's module was never written) is left out, as if that line were fixed, so the resource is
    still declared; True when one was (the resource's inputs are then not complete: marked unresolved)."""
    found = False
    if isinstance(props, dict):
        for k, v in list(props.items()):
            clean = _without_stand_ins(v)
            if clean is not v and (clean != v or _is_stand_in(v)):
                props[k] = clean
                found = True
    if opts is not None:
        deps = getattr(opts, "depends_on", None)
        if _is_stand_in(deps):
            opts.depends_on, found = None, True
        elif isinstance(deps, list) and any(_is_stand_in(d) for d in deps):
            opts.depends_on, found = [d for d in deps if not _is_stand_in(d)], True
        for attr in ("parent", "provider"):
            if _is_stand_in(getattr(opts, attr, None)):
                setattr(opts, attr, None)
                found = True
    return found


def _hook_resources(sink: EventSink, root: str) -> None:
    import pulumi
    from pulumi.resource import Resource

    orig_init = Resource.__init__

    def __init__(self: Any, t: str, name: str, *args: Any, **kwargs: Any) -> None:
        site = _call_site(root)
        _CLASS_BY_TOKEN.setdefault(t, type(self))
        opts = kwargs.get("opts")
        if opts is None:
            for a in args:
                if isinstance(a, pulumi.ResourceOptions):
                    opts = a
        custom = args[0] if args else kwargs.get("custom", False)
        props = args[1] if len(args) > 1 else kwargs.get("props")
        stood_in = _scrub_stand_ins(props, opts)
        parent = getattr(opts, "parent", None) if opts is not None else None
        deps = getattr(opts, "depends_on", None) if opts is not None else None
        deps = [deps] if isinstance(deps, pulumi.Resource) else deps  # `depends_on=perm` is allowed too
        sink.emit({
            "kind": "site", "type": t, "name": name, "file": site and site[0], "line": site and site[1],
            "custom": bool(custom), "props": _plain(props), "stood_in": stood_in,
            "parent": getattr(parent, "_name", None),
            "depends_on": [getattr(d, "_name", None) for d in deps] if isinstance(deps, list) else [],
            "protect": bool(getattr(opts, "protect", False)) if opts is not None else False,
            "retain_on_delete": bool(getattr(opts, "retain_on_delete", False)) if opts is not None else False,
        })
        orig_init(self, t, name, *args, **kwargs)

    Resource.__init__ = __init__  # type: ignore[method-assign]

    orig_options = pulumi.ResourceOptions.__init__

    def options_init(self: Any, *args: Any, **kwargs: Any) -> None:
        # ResourceOptions checks depends_on when it is built: a stand-in there is left out (see _scrub_stand_ins)
        args = tuple(None if _is_stand_in(a) else _without_stand_ins(a) if i == 1 else a for i, a in enumerate(args))
        for key in ("parent", "provider"):
            if _is_stand_in(kwargs.get(key)):
                kwargs[key] = None
        if "depends_on" in kwargs:
            kwargs["depends_on"] = _without_stand_ins(kwargs["depends_on"])
        orig_options(self, *args, **kwargs)

    pulumi.ResourceOptions.__init__ = options_init  # type: ignore[method-assign]

    orig_register = pulumi.ComponentResource.register_outputs

    def register_outputs(self: Any, outputs: Any) -> None:
        return orig_register(self, _without_stand_ins(outputs))

    pulumi.ComponentResource.register_outputs = register_outputs  # type: ignore[method-assign]

    orig_export = pulumi.export

    def export(name: str, value: Any) -> None:
        value = _without_stand_ins(value)
        try:
            pulumi.Output.from_input(value).apply(lambda v: sink.emit({"kind": "output", "name": name, "value": jsonable(v)}))
        except Exception:  # noqa: BLE001
            pass
        return orig_export(name, value)

    pulumi.export = export


def _hook_json(sink: EventSink, root: str) -> None:
    """json.dumps over an Output: record it (SDK003) and go on with a placeholder so later resources are seen."""
    import pulumi

    orig_default = json.JSONEncoder.default

    def default(self: json.JSONEncoder, o: Any) -> Any:
        if isinstance(o, pulumi.Output):
            site = _call_site(root)
            sink.emit({"kind": "output-json", "file": site and site[0], "line": site and site[1]})
            return "<unresolved Output>"
        return orig_default(self, o)

    json.JSONEncoder.default = default  # type: ignore[method-assign]


def _hook_config(sink: EventSink) -> None:
    import pulumi

    orig_get = pulumi.Config._get

    def _get(self: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        value = orig_get(self, key, *args, **kwargs)
        sink.emit({"kind": "config", "key": f"{self.name}:{key}", "value": value})
        return value

    pulumi.Config._get = _get  # type: ignore[method-assign]
    def lenient(method_name: str, placeholder: Any) -> None:
        orig = getattr(pulumi.Config, method_name)

        def require(self: Any, key: str, *args: Any, **kwargs: Any) -> Any:
            try:
                return orig(self, key, *args, **kwargs)
            except pulumi.ConfigMissingError:
                site = _call_site(os.getcwd())
                sink.emit({"kind": "config-missing", "key": f"{self.name}:{key}", "file": site and site[0],
                           "line": site and site[1]})
                value = placeholder(key) if callable(placeholder) else placeholder
                return pulumi.Output.secret(value) if "secret" in method_name else value

        setattr(pulumi.Config, method_name, require)

    for name, placeholder in (("require", lambda k: f"iacqa-{k}"), ("require_secret", lambda k: f"iacqa-{k}"),
                              ("require_int", 1), ("require_float", 1.0), ("require_bool", False),
                              ("require_object", dict), ("require_secret_int", 1), ("require_secret_bool", False),
                              ("require_secret_object", dict)):
        if hasattr(pulumi.Config, name):
            lenient(name, placeholder)


class _StubObject:
    """Stands in for anything of a package the project declares but iacqa cannot install: callable, indexable,
    every attribute another stub; as an input value it is an unknown string (`iacqa-stub-...`, which no rule judges)."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _StubObject(f"{self._path}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> _StubObject:
        return _StubObject(f"{self._path}()")

    def __getitem__(self, key: Any) -> _StubObject:
        return _StubObject(f"{self._path}[]")

    def __iter__(self) -> Any:
        return iter(())

    def __str__(self) -> str:
        return f"iacqa-stub-{self._path}"

    def __mro_entries__(self, bases: tuple) -> tuple:
        return (object,)  # `class X(stub.Component)` still defines a class


def _install_stubs(sink: EventSink, names: list[str]) -> None:
    """Import hooks for the declared-but-uninstallable top-level packages: the program goes on past the import."""
    if not names:
        return

    class _StubLoader(importlib.abc.Loader):
        def create_module(self, spec: Any) -> types.ModuleType:
            mod = types.ModuleType(spec.name)
            mod.__path__ = []  # a package: `from x.y import z` works
            mod.__getattr__ = lambda attr, _n=spec.name: _StubObject(f"{_n}.{attr}")  # type: ignore[attr-defined]
            return mod

        def exec_module(self, module: types.ModuleType) -> None:
            sink.emit({"kind": "stubbed", "module": module.__name__})

    class _StubFinder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
            if fullname.split(".")[0] in names:
                return importlib.util.spec_from_loader(fullname, _StubLoader(), is_package=True)
            return None

    sys.meta_path.append(_StubFinder())


def _provider_view_monitor(mocks: Any) -> Any:
    """Pulumi's MockMonitor without resource references.

    Why: with references on, the mock monitor rehydrates every resource passed as an input (`Permission(function=fn)`)
    on its RPC thread's own event loop, and the run then fails now and then with "Task ... got Future ... attached to
    a different loop" (seen in ~1 run of 10 on a plain program: issue 11, class 5). Without them the SDK sends the
    resource's id, which is also what the AWS provider itself receives (it does not accept references).
    """
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.proto import resource_pb2

    refs = resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES

    class ProviderViewMonitor(MockMonitor):
        def GetDeploymentInfo(self, request: Any) -> Any:
            info = super().GetDeploymentInfo(request)
            return resource_pb2.DeploymentInfo(supportedFeatures=[f for f in info.supportedFeatures if f != refs])

        def SupportsFeature(self, request: Any) -> Any:
            if request.id == "resourceReferences":
                return type("SupportsFeatureResponse", (object,), {"hasSupport": False})
            return super().SupportsFeature(request)

    return ProviderViewMonitor(mocks)


def _provide_names(sink: EventSink, names: dict[str, str] | None) -> None:
    """Keep-going runs only (repair.py): well-known names the program uses without importing them (`List`,
    `pulumi`) become builtins, and an import the repaired copy had to stand in for is reported as it happens."""
    import builtins
    import importlib

    for name, where in (names or {}).items():
        module, _, attr = where.partition(":")
        try:
            obj = importlib.import_module(module)
            setattr(builtins, name, getattr(obj, attr) if attr else obj)
        except Exception:  # noqa: BLE001 - not available here: the NameError stays the program's
            continue

    def import_failed(file: str, line: int, exc: BaseException) -> None:
        sink.emit({"kind": "import-failed", "type": type(exc).__name__, "message": str(exc)[:500], "file": file,
                   "line": line, "frames": [[file, line, ""]]})

    builtins.__iacqa_import_failed__ = import_failed  # type: ignore[attr-defined]


def run_program(sink: EventSink, root: str, entry: str, project: str, stack: str, config: dict[str, Any],
                stubs: list[str] | None = None, names: dict[str, str] | None = None) -> None:
    """The child's whole job: run `entry` under mocks and report what it declares."""
    try:
        import pulumi
        import pulumi.runtime
        from pulumi.runtime.stack import run_pulumi_func
        from pulumi.runtime.sync_await import _sync_await
    except ImportError as exc:
        sink.emit({"kind": "unavailable", "error": str(exc)})
        return
    os.environ["PULUMI_CONFIG"] = json.dumps(config)
    root = os.path.abspath(root)
    entry_path = os.path.join(root, entry)
    for p in (os.path.dirname(entry_path), root):
        if p not in sys.path:
            sys.path.insert(0, p)

    class RecordingMocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
            inputs = dict(args.inputs)
            if not args.custom:
                sink.emit({"kind": "resource", "type": args.typ, "name": args.name, "custom": False,
                           "inputs": {}, "outputs": {}, "id": None})
                return f"{args.name}_id", {}
            rid, outs = identity.outputs_for(args.typ, args.name, inputs)
            _IDS[(args.typ, args.name)] = rid
            cls = _CLASS_BY_TOKEN.get(args.typ)
            if cls is not None:
                for k, v in _computed_for(cls).items():
                    outs.setdefault(k, v)
            sink.emit({"kind": "resource", "type": args.typ, "name": args.name, "custom": True,
                       "inputs": jsonable({k: _resource_ids(v) for k, v in inputs.items()}), "id": rid,
                       "outputs": {k: v for k, v in jsonable(outs).items() if k not in inputs or k in ("arn", "name", "id")}})
            return rid, outs

        def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
            result = {**invoke_result_shape(args.token), **identity.invoke(args.token, dict(args.args))}
            sink.emit({"kind": "invoke", "token": args.token, "args": jsonable(dict(args.args))})
            return result

    _patch_modules(sink, root)
    _install_stubs(sink, list(stubs or ()))
    _hook_resources(sink, root)
    _hook_json(sink, root)
    _hook_config(sink)
    _provide_names(sink, names)
    mocks = RecordingMocks()
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=_provider_view_monitor(mocks))

    def program() -> None:
        runpy.run_path(entry_path, run_name="__main__")

    try:
        _sync_await(run_pulumi_func(program))
    except SystemExit as exc:
        site = _user_frame(root, traceback.extract_tb(exc.__traceback__))
        sink.emit({"kind": "exit", "code": str(exc.code), "file": site and site[0], "line": site and site[1]})
    except BaseException as exc:  # noqa: BLE001 - the program's own failure is the finding
        tb = traceback.extract_tb(exc.__traceback__)
        site = _user_frame(root, tb)
        frames = [(os.path.relpath(f.filename, root), f.lineno, f.line) for f in tb
                  if os.path.abspath(f.filename).startswith(root) and "site-packages" not in f.filename]
        sink.emit({"kind": "exception", "type": type(exc).__name__, "message": str(exc)[:2000],
                   "file": site and site[0], "line": site and site[1], "frames": frames[-8:],
                   "syntax": _syntax_info(exc, root)})


def _syntax_info(exc: BaseException, root: str) -> dict | None:
    if isinstance(exc, SyntaxError) and exc.filename:
        fn = os.path.abspath(exc.filename)
        return {"file": os.path.relpath(fn, root) if fn.startswith(root) else exc.filename, "line": exc.lineno,
                "msg": exc.msg, "text": (exc.text or "").rstrip()}
    return None


def project_name(root: Path) -> str:
    import re

    try:
        m = re.search(r"^name:\s*(\S+)", (root / "Pulumi.yaml").read_text(), re.M)
        return m.group(1).strip("'\"") if m else "TapStack"
    except OSError:
        return "TapStack"
