"""Options: every knob of one analysis, typed, with its default. Standard library only.

One `Options` value is built by the command line (`cli.py`) on top of the configuration file (`config.py`: the
`[tool.iacqa]` table of the project's `pyproject.toml`, `.iacqa.toml`, or `--config FILE`; flags win over the file)
and is passed, unchanged, to every stage: front ends, graph rules (`RuleContext.options`), linters, the emulator,
the tests stage, the batch runner. Read it by attribute (`options.timeout`); derive a variant with
`options.replace(...)`. Nothing writes into it.

Adding an option: add a field below with its default and a comment saying what it does and who reads it; if it may
be set from the configuration file, add it to `config.KEYS` (the file key is the field name with `-` for `_`); if
it is a command-line flag, add it in `cli.py`. `Options.of({...})` accepts a mapping of field names for callers and
tests that predate the dataclass; an unknown name is a TypeError, so a typo cannot be silently ignored.

Fields (defaults in brackets; `None` means "the stage's own default", stated next to it):

What runs and what is reported
- `stages` [None = all of STAGES]: pipeline stages to run.
- `select`, `ignore` [()]: finding selectors (id prefixes such as `SDK`, `LIM001`, or category names such as
  `sdk-api`); a finding is reported when it matches `select` (or `select` is empty) and does not match `ignore`.
- `per_file_ignores` [{}]: glob of project-relative paths -> selectors ignored in those files (`tests/**` -> `LNT`).
- `fail_on` ["critical"]: the exit code is 1 when an unsuppressed finding at or above this severity exists.
- `suppress` [True]: honour inline `# iacqa: ignore[ID] reason` comments (`--no-suppress` turns it off).
- `profile` [None = auto]: precision profile, `tap` (TAP grading pipeline conventions) or `aws` (a plain AWS
  account); None lets the task decide.
- `prompt` [None = the task's own]: a file holding the task prompt, for the requirement checks.

Account facts used by the rules
- `quota_profile` [None = "tap", 150 concurrent executions]: account quota profile (`iacqa rule QTA001`).
- `account_concurrency` [None = from the quota profile]: the account's Lambda concurrency limit.
- `region` [None = us-east-1], `environment_suffix` [None = "dev"]: deployment facts the naming/ARN rules assume.
- `today` [None = the real date]: ISO date for date-dependent rules (runtime deprecation); tests pin it.
- `parameters` [None]: CloudFormation parameter values (logical name -> value).

Running the program and synth (front ends)
- `timeout` [None = 60 s for a program run, 120 s for a CDK/CDKTF synth], `memory_mb` [None = 2048 / 3072].
- `timeout_total` [600.0]: seconds for the whole task; stages not started when it is spent are skipped.
- `isolation` ["auto"]: how children are sandboxed: `auto` (the strongest the machine allows), `strict` (fail
  rather than run unconfined), `process` (a forked child with limits only).
- `synth` [True]: run the CDK/CDKTF app (False: static checks only). `cfn_lint` [True]: cfn-lint on templates/graph.
- `tsc` [True]: type-check TypeScript projects with the real compiler before running them.
- `checkov` [False]: run checkov in the security stage.

Emulator
- `endpoint_url` [None = embedded moto]: deploy into this running AWS-compatible endpoint instead.
- `emulate_timeout` [180.0], `emulate_memory_mb` [4096]: limits of the emulation child.
- `emulate_max_runs` [40], `emulate_max_hops` [6], `handler_timeout` [20.0]: how far the flow is followed.
- `write_outputs` [False]: also write `cfn-outputs/flat-outputs.json` and the coverage summary into the user's own
  directory (a materialized response copy always gets them).

Tests stage
- `tests_timeout` [300.0], `test_timeout` [60.0], `integration_test_timeout` [20.0], `tests_memory_mb` [2048].
- `tests_budget` [120.0]: seconds for the whole tests stage (unit, integration, jest); each run gets at most what
  is left, and a phase that cannot start or finish says so in the stage's detail.
- `coverage_threshold` [90.0]: required coverage in percent.
- `write_coverage_summary` [None = when the project is a materialized copy or `write_outputs`].
- `tests_integration` [True], `jest` [True]: run the integration tests / the JavaScript tests.
- `jest_cache` [None = ~/.cache/iacqa/node], `jest_install` [False]: where jest lives; install it when missing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Every pipeline stage, in the order they run (`syntax` always runs with `graph`; it is not selectable).
STAGES = ("ingest", "graph", "check", "lint", "security", "emulate", "tests")
SEVERITIES = ("critical", "high", "medium", "low")
PROFILES = ("tap", "aws")
ISOLATIONS = ("auto", "strict", "process")
# `quota_profile` names -> the account's Lambda concurrency limit (QTA001, rules/quota/concurrency.py); here so the
# configuration can check a profile name without importing the rules.
QUOTA_PROFILES = {"tap": 150, "standard": 1000, "low": 10}


@dataclass(frozen=True)
class Options:
    """The options of one analysis; see the module docstring for every field."""

    # what runs and what is reported
    stages: tuple[str, ...] | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: str = "critical"
    suppress: bool = True
    profile: str | None = None
    prompt: str | None = None
    # account facts
    quota_profile: str | None = None
    account_concurrency: int | None = None
    region: str | None = None
    environment_suffix: str | None = None
    today: str | None = None
    parameters: Mapping[str, Any] | None = None
    # program run and synth
    timeout: float | None = None
    memory_mb: int | None = None
    timeout_total: float = 600.0
    isolation: str = "auto"
    synth: bool = True
    cfn_lint: bool = True
    tsc: bool = True
    checkov: bool = False
    # emulator
    endpoint_url: str | None = None
    emulate_timeout: float = 180.0
    emulate_memory_mb: int = 4096
    emulate_max_runs: int = 40
    emulate_max_hops: int = 6
    handler_timeout: float = 20.0
    write_outputs: bool = False
    # tests stage
    tests_timeout: float = 300.0
    tests_budget: float = 120.0
    test_timeout: float = 60.0
    integration_test_timeout: float = 20.0
    tests_memory_mb: int = 2048
    coverage_threshold: float = 90.0
    write_coverage_summary: bool | None = None
    tests_integration: bool = True
    jest: bool = True
    jest_cache: str | None = None
    jest_install: bool = False

    @classmethod
    def of(cls, value: Options | Mapping[str, Any] | None = None) -> Options:
        """`value` itself, the defaults for None, or the fields named by a mapping (unknown name: TypeError)."""
        if value is None:
            return cls()
        if isinstance(value, Options):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"options must be an Options or a mapping, not {type(value).__name__}")
        unknown = sorted(set(value) - FIELDS)
        if unknown:
            raise TypeError(f"unknown option(s) {', '.join(map(repr, unknown))}; Options fields: see "
                            "iacqa.model.options")
        return cls(**{k: _normalize(k, v) for k, v in value.items()})

    def replace(self, **changes: Any) -> Options:
        """A copy with `changes` applied (field names; unknown name: TypeError)."""
        return dataclasses.replace(self, **{k: _normalize(k, v) for k, v in changes.items()})

    def limits(self, default_timeout: float, default_memory_mb: int) -> tuple[float, int]:
        """(seconds, MB) for a child: the user's `timeout`/`memory_mb`, else the caller's own defaults."""
        return (float(self.timeout) if self.timeout is not None else float(default_timeout),
                int(self.memory_mb) if self.memory_mb is not None else int(default_memory_mb))


FIELDS = frozenset(f.name for f in dataclasses.fields(Options))


def _normalize(name: str, value: Any) -> Any:
    """Lists become tuples, so an Options compares and pickles the same however it was built."""
    if name in ("stages", "select", "ignore") and value is not None and not isinstance(value, str):
        return tuple(value)
    if name == "per_file_ignores" and isinstance(value, Mapping):
        return {str(k): tuple(v) if not isinstance(v, str) else (v,) for k, v in value.items()}
    return value


__all__ = ["FIELDS", "ISOLATIONS", "PROFILES", "QUOTA_PROFILES", "SEVERITIES", "STAGES", "Options"]
