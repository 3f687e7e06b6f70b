"""The configuration file: the `[tool.iacqa]` table of `pyproject.toml`, or `.iacqa.toml`, or `--config FILE`.

Where it is looked for: `--config FILE` when given (a `pyproject.toml` there is read for its `[tool.iacqa]`
table, any other file as a whole); else in the directory given on the command line (the task or project root; for
a response `.md`, its directory and, for `lib/X.md`, the task root above it): `.iacqa.toml` first, then
`pyproject.toml` when it has a `[tool.iacqa]` table. Only the directory the user pointed at is read: the files a
response brings (its own `pyproject.toml`) are analyzed, never obeyed.

    [tool.iacqa]                       # in .iacqa.toml: the same keys at the top level
    select = ["SDK", "LIM", "aws-quota"]
    ignore = ["LNT001"]
    per-file-ignores = {"tests/**" = ["LNT"], "lib/lambda/*.py" = ["HYG"]}
    fail-on = "high"
    profile = "tap"                    # tap | aws
    quota-profile = "standard"         # tap | standard | low
    account-concurrency = 1000
    stages = ["ingest", "graph", "check", "lint"]
    timeout = 90                       # seconds for the program run / synth
    memory-mb = 3072
    timeout-total = 900                # seconds for the whole task
    isolation = "auto"                 # auto | strict | process
    checkov = false
    coverage-threshold = 80

Command-line flags win over the file. An unknown key or a bad value raises ConfigError, whose text is one line
naming the file and the key (the command line prints it and exits 2).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from iacqa.model.options import ISOLATIONS, PROFILES, QUOTA_PROFILES, SEVERITIES, STAGES, Options

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10: the same parser, published as tomli
    import tomli as tomllib

CONFIG_NAMES = (".iacqa.toml", "pyproject.toml")
_SELECTOR = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class ConfigError(ValueError):
    """The configuration cannot be used; the text is one line naming the file and the key."""


def _selectors(key: str, value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
        raise ValueError("expected a list of rule ids, id prefixes or categories, e.g. [\"SDK\", \"aws-limit\"]")
    out = tuple(s.strip() for s in items if s.strip())
    bad = [s for s in out if not _SELECTOR.match(s)]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a rule id, id prefix or category")
    unknown = _unknown(out)
    if unknown:  # a typo would otherwise select (or ignore) nothing, silently
        raise ValueError(f"{unknown[0]!r} names no rule id, id prefix or category (`iacqa rules` lists them)")
    return out


def _unknown(selectors: tuple[str, ...]) -> list[str]:
    from iacqa.catalog.selectors import parse, unknown
    from iacqa.rules.registry import catalog

    return unknown(parse(selectors), catalog()) if selectors else []


def _choice(choices: tuple[str, ...]) -> Callable[[str, Any], str]:
    def check(key: str, value: Any) -> str:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return value.strip().lower()

    return check


def _number(minimum: float, integer: bool = False, maximum: float | None = None) -> Callable[[str, Any], Any]:
    def check(key: str, value: Any) -> Any:
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or value < minimum or (maximum is not None and value > maximum):
            kind = "an integer" if integer else "a number"
            bounds = f">= {minimum:g}" + (f" and <= {maximum:g}" if maximum is not None else "")
            raise ValueError(f"expected {kind} {bounds}, got {value!r}")
        return int(value) if integer else float(value)

    return check


def _stages(key: str, value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
        raise ValueError(f"expected a list of stages from {', '.join(STAGES)}")
    out = tuple(s.strip() for s in items if s.strip())
    unknown = [s for s in out if s not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage {unknown[0]!r}; choose from {', '.join(STAGES)}")
    return out


def _per_file(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ValueError('expected a table of glob = [selectors], e.g. {"tests/**" = ["LNT"]}')
    return {str(glob): _selectors(f"{key}.{glob}", sel) for glob, sel in value.items()}


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value.strip()


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _quota_profile(key: str, value: Any) -> str:
    return _choice(tuple(QUOTA_PROFILES))(key, value)


# file key -> (Options field, validator returning the typed value or raising ValueError with the reason)
KEYS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "select": ("select", _selectors),
    "ignore": ("ignore", _selectors),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "fail-on": ("fail_on", _choice(SEVERITIES)),
    "profile": ("profile", _choice(PROFILES)),
    "quota-profile": ("quota_profile", _quota_profile),
    "account-concurrency": ("account_concurrency", _number(1, integer=True)),
    "stages": ("stages", _stages),
    "timeout": ("timeout", _number(1)),
    "memory-mb": ("memory_mb", _number(64, integer=True)),
    "timeout-total": ("timeout_total", _number(1)),
    "isolation": ("isolation", _choice(ISOLATIONS)),
    "checkov": ("checkov", _bool),
    "coverage-threshold": ("coverage_threshold", _number(0, maximum=100)),
}


def validate(key: str, value: Any, source: str = "command line") -> Any:
    """The typed value of one configuration key; ConfigError naming the key when it is unknown or bad."""
    if key not in KEYS:
        raise ConfigError(f"{source}: unknown key {key!r}; known keys: {', '.join(KEYS)}")
    try:
        return KEYS[key][1](key, value)
    except ValueError as exc:
        where = source if source.startswith("--") else f"{source}: {key}"  # a flag names the key itself
        raise ConfigError(f"{where}: {exc}") from None


def read(file: Path) -> dict[str, Any]:
    """Options fields from one configuration file (empty for a pyproject.toml without `[tool.iacqa]`)."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the configuration: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    if file.name == "pyproject.toml":
        table = data.get("tool", {}).get("iacqa", {})
        source = f"{file} [tool.iacqa]"
    else:
        table = data.get("tool", {}).get("iacqa", data) if set(data) == {"tool"} else data
        source = str(file)
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: expected a table of options")
    out: dict[str, Any] = {}
    for key, value in table.items():
        typed = validate(key, value, source)  # raises on an unknown key before KEYS is indexed
        out[KEYS[key][0]] = typed
    return out


def find(path: str | Path) -> Path | None:
    """The configuration file that applies to PATH (see the module docstring), or None."""
    p = Path(path).expanduser()
    if p.is_file():
        dirs = [p.parent] + ([p.parent.parent] if p.parent.name == "lib" else [])
    else:
        dirs = [p]
    for d in dirs:
        if (d / ".iacqa.toml").is_file():
            return d / ".iacqa.toml"
        pyproject = d / "pyproject.toml"
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        return "iacqa" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # a broken pyproject.toml that is not ours is not a configuration error


def options_for(path: str | Path | None, flags: Mapping[str, Any] | None = None,
                config: str | Path | None = None) -> Options:
    """Options for analyzing PATH: defaults, then the configuration file, then `flags` (Options fields that were
    given on the command line; None values are "not given")."""
    file = Path(config).expanduser() if config else (find(path) if path is not None else None)
    values = read(file) if file is not None else {}
    values.update({k: v for k, v in (flags or {}).items() if v is not None})
    return Options.of(values)


__all__ = ["CONFIG_NAMES", "KEYS", "ConfigError", "find", "options_for", "read", "validate"]
