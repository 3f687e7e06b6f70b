"""An index over an SDK imported in this process (pulumi_aws, aws-cdk-lib): names through
`inspect.getattr_static` (never `getattr`, so a jsii static property is not evaluated in node just to learn that it
exists), submodules imported on demand, signatures through `inspect.signature`.

Only the SDK packages are imported, never the user's program: they are trusted dependencies.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.frontends.pycheck.index import Kind, SdkIndex, Signature

_MISSING = object()


def _mro_dict(cls: type) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in reversed(cls.__mro__):
        out.update(vars(k))
    return out


def _dynamic(cls: type) -> bool:
    """A class whose attributes are computed (`__getattr__`): absent from the class is not absent."""
    return any("__getattr__" in k.__dict__ for k in cls.__mro__ if k is not object)


@dataclass(eq=False)
class InspectedIndex(SdkIndex):
    optional_parts: tuple[str, ...] = ()  # path parts of packages shipped separately (`_alpha`): absent is not wrong
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __hash__(self) -> int:  # lru_cache on methods keys on the instance
        return id(self)

    def import_root(self, name: str) -> Any:
        """The root package, or _MISSING when it cannot be imported (adapters measure or configure here)."""
        try:
            return importlib.import_module(name)
        except Exception:  # noqa: BLE001 - not installed, or a broken install: the front end says "unavailable"
            return _MISSING

    def available(self) -> bool:
        return all(self.resolve(r) not in (None, _MISSING) for r in self.roots[:1])

    def resolve(self, dotted: str) -> Any:
        """The SDK object for a dotted path, _MISSING when a part does not exist, None when it cannot be known."""
        if dotted in self._cache:
            return self._cache[dotted]
        parent, _, name = dotted.rpartition(".")
        if not parent:
            obj = self.import_root(dotted) if dotted in self.roots else None
        else:
            obj = self._child(self.resolve(parent), dotted, name)
        self._cache[dotted] = obj
        return obj

    def _child(self, owner: Any, path: str, name: str) -> Any:
        if owner is None or owner is _MISSING:
            return owner
        if inspect.ismodule(owner):
            found = inspect.getattr_static(owner, name, _MISSING)
            if found is not _MISSING:
                return found
            if "__getattr__" in vars(owner) or type(owner) is not types.ModuleType:
                # lazily loaded members (a module `__getattr__`, pulumi's _LazyModule): ask the module itself
                try:
                    return getattr(owner, name)
                except AttributeError:
                    pass
                except Exception:  # noqa: BLE001 - a lazy import that fails is not a verdict on the name
                    return None
            try:
                return importlib.import_module(path)
            except ModuleNotFoundError as exc:
                if exc.name != path:
                    return None  # the module exists but a dependency of it is missing: not the user's fault
                optional = self.optional_parts and any(p.endswith(self.optional_parts) for p in path.split("."))
                return None if optional else _MISSING
            except Exception:  # noqa: BLE001 - a module that fails to import is not a verdict on the name
                return None
        if inspect.isclass(owner):
            if _dynamic(owner):
                return None
            return inspect.getattr_static(owner, name, _MISSING)
        return None  # a value: its attributes are dynamic

    def kind(self, dotted: str) -> Kind:
        obj = self.resolve(dotted)
        if obj is None:
            return Kind.UNKNOWN
        if obj is _MISSING:
            return Kind.MISSING
        if inspect.ismodule(obj):
            return Kind.MODULE
        if inspect.isclass(obj):
            return Kind.CLASS
        return Kind.VALUE

    def names(self, dotted: str) -> list[str]:
        owner = self.resolve(dotted)
        try:
            if inspect.isclass(owner):
                return sorted({n for k in owner.__mro__ for n in vars(k) if not n.startswith("_")})
            if inspect.ismodule(owner):
                return [n for n in dir(owner) if not n.startswith("_")]
        except Exception:  # noqa: BLE001 - an odd module: no suggestions
            pass
        return []

    def class_attribute_error(self, cls: str, name: str) -> str | None:
        owner = self.resolve(cls)
        if inspect.isclass(owner) and any("__getattr__" in vars(m) for m in type(owner).__mro__ if m is not type):
            return f"AttributeError: {name}"  # enum.EnumMeta.__getattr__ (Python < 3.12) raises the bare name
        return None

    def source_file(self, module: str) -> Path | None:
        mod = sys.modules.get(module)
        file = getattr(mod, "__file__", None)
        return Path(file) if file else None

    def signature(self, dotted: str, instance: bool = False) -> Signature | None:
        return _signature(self, dotted, instance)

    def target(self, obj: Any, dotted: str, instance: bool) -> tuple[Any, int, bool] | None:
        """(function whose signature applies, leading parameters to drop, whether CPython counts self)."""
        if inspect.isclass(obj):
            if issubclass(obj, BaseException) or "__init__" not in _mro_dict(obj):
                return None
            return _mro_dict(obj)["__init__"], 1, True
        if isinstance(obj, classmethod):
            return obj.__func__, 1, True
        if isinstance(obj, staticmethod):
            return obj.__func__, 0, False
        if inspect.isfunction(obj):
            is_method = inspect.isclass(self.resolve(dotted.rpartition(".")[0]))
            if is_method and not instance:
                return None  # an unbound method called on the class: the first argument is the instance
            return obj, 1 if is_method else 0, is_method
        return None


@lru_cache(maxsize=4096)
def _signature(index: InspectedIndex, dotted: str, instance: bool) -> Signature | None:
    obj = index.resolve(dotted)
    if obj is None or obj is _MISSING:
        return None
    found = index.target(obj, dotted, instance)
    if found is None:
        return None
    target, drop, counts_self = found
    try:
        params = list(inspect.signature(target).parameters.values())[drop:]
    except (TypeError, ValueError):
        return None
    pos = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return Signature(
        qualname=getattr(target, "__qualname__", dotted.rsplit(".", 1)[-1]),
        positional=tuple(p.name for p in pos),
        required_positional=sum(1 for p in pos if p.default is p.empty),
        keywords=frozenset(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)),
        required_kwonly=tuple(p.name for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty),
        var_args=any(p.kind is p.VAR_POSITIONAL for p in params),
        var_kw=any(p.kind is p.VAR_KEYWORD for p in params),
        counts_self=counts_self,
    )
