"""The exact texts CPython (3.10+) raises for the mistakes the static check finds, so a finding reads like the
traceback the user would get."""

from __future__ import annotations

from pathlib import Path


def _site_relative(path: Path | None) -> str:
    # Python prints the absolute path; from site-packages on it is the same on every machine, so reports compare.
    if path is None:
        return "unknown location"
    parts = path.parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return ".../" + "/".join(parts[parts.index(marker) + 1:])
    return str(path)


def no_module(module: str) -> str:
    return f"ModuleNotFoundError: No module named '{module}'"


def cannot_import(name: str, module: str, file: Path | None) -> str:
    return f"ImportError: cannot import name '{name}' from '{module}' ({_site_relative(file)})"


def no_module_attribute(module: str, name: str) -> str:
    return f"AttributeError: module '{module}' has no attribute '{name}'"


def no_class_attribute(cls: str, name: str) -> str:
    return f"AttributeError: type object '{cls}' has no attribute '{name}'"


def no_instance_attribute(cls: str, name: str) -> str:
    return f"AttributeError: '{cls}' object has no attribute '{name}'"


def unexpected_keyword(qualname: str, keyword: str) -> str:
    return f"TypeError: {qualname}() got an unexpected keyword argument '{keyword}'"


def missing_arguments(qualname: str, names: list[str], kind: str) -> str:
    """kind: "keyword-only" or "positional"."""
    quoted = [f"'{n}'" for n in names]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    plural = "s" if len(names) > 1 else ""
    return f"TypeError: {qualname}() missing {len(names)} required {kind} argument{plural}: {listed}"


def too_many_positional(qualname: str, low: int, high: int, given: int, kwonly_given: int = 0) -> str:
    """CPython's text (ceval.c too_many_positional), keyword-only arguments passed alongside included."""
    takes = (f"{high} positional argument{'s' if high != 1 else ''}" if low == high
             else f"from {low} to {high} positional arguments")
    extra = (f" positional argument{'s' if given != 1 else ''} (and {kwonly_given} keyword-only "
             f"argument{'s' if kwonly_given != 1 else ''})" if kwonly_given else "")
    verb = "was" if given == 1 and not kwonly_given else "were"
    return f"TypeError: {qualname}() takes {takes} but {given}{extra} {verb} given"
