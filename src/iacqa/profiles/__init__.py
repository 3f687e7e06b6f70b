"""Precision profiles: which conventions the findings are judged by, as data (one TOML file per profile).

- `aws` (the default for a plain project): only what AWS, the SDK or the IaC tool would reject, plus security and
  reliability at honest severities; the conventions of one pipeline are dropped or lowered.
- `tap`: the TAP grading pipeline's conventions (environment-suffix names, its pylint gate, the coverage summary and
  outputs files, its test accounts' concurrency quota, everything destroyable). A task directory in the TAP layout
  (metadata.json naming platform and language, or lib/MODEL_RESPONSE.md / lib/IDEAL_RESPONSE.md / lib/PROMPT.md)
  selects it automatically.

A profile file has `name`, `title`, `[options]` (defaults for options the user did not set), `[severity]` (finding id
or id prefix -> severity or "off"; the longest key wins) and `[lint_gate]`. Rules never read the profile: the
pipeline applies it to the options before the run (`option_defaults`) and to the findings after it (`apply`), so a
rule keeps one severity in the catalog and a profile is a table, not an `if` in every rule.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from iacqa.model import Category, Finding, Severity

PROFILE_NAMES = ("tap", "aws")
_DIR = Path(__file__).resolve().parent
# Files that make a directory a TAP task (ingest/task.py reads the same response files).
_TAP_MARKERS = ("lib/MODEL_RESPONSE.md", "lib/IDEAL_RESPONSE.md", "lib/PROMPT.md")


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    options: dict[str, Any] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    lint_gate: dict[str, Any] = field(default_factory=dict)
    reason: str = ""  # why this profile runs (named by the user, the config file, or the task layout)

    def severity_for(self, rule: str) -> str | None:
        """The profile's severity for a finding id ("off" = not reported), None = the catalog's own."""
        best = max((k for k in self.severity if rule == k or rule.startswith(k)), key=len, default=None)
        return self.severity[best] if best else None

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "reason": self.reason}


def load(name: str, reason: str = "") -> Profile:
    """The profile `name` (tap|aws); ValueError for an unknown name."""
    if name not in PROFILE_NAMES:
        raise ValueError(f"unknown profile {name!r}; expected one of {', '.join(PROFILE_NAMES)}")
    data = tomllib.loads((_DIR / f"{name}.toml").read_text())
    return Profile(name=data["name"], title=data.get("title", name), options=dict(data.get("options", {})),
                   severity={k: str(v).lower() for k, v in data.get("severity", {}).items()},
                   lint_gate=dict(data.get("lint_gate", {})), reason=reason)


def is_tap_layout(path: Path) -> str | None:
    """Why `path` is a TAP task directory, or None."""
    root = path if path.is_dir() else path.parent
    if path.is_file() and root.name == "lib":  # a response .md inside a task: lib/MODEL_RESPONSE.md
        root = root.parent
    for marker in _TAP_MARKERS:
        if (root / marker).is_file():
            return f"TAP task layout ({marker} present)"
    meta = root / "metadata.json"
    if meta.is_file():
        try:
            import json

            data = json.loads(meta.read_text())
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("platform") and data.get("language"):
            return "TAP task layout (metadata.json names platform and language)"
    return None


def select(requested: str | None, source: Path, configured: bool = False) -> Profile:
    """The profile to run: the one named (command line or config file), else `tap` for a TAP task, else `aws`."""
    if requested:
        return load(requested, "set in the configuration file" if configured else f"--profile {requested}")
    why = is_tap_layout(source)
    if why:
        return load("tap", f"{why}; --profile aws to judge it as a plain AWS project")
    return load("aws", "plain project (not in the TAP task layout); --profile tap for the TAP pipeline's conventions")


def option_defaults(profile: Profile, options: Any) -> dict[str, Any]:
    """The profile's option values for the options the user left unset (None): a mapping of changes."""
    get = options.get if isinstance(options, dict) else lambda k: getattr(options, k, None)
    return {k: v for k, v in profile.options.items() if get(k) is None}


def judge(profile: Profile, findings: list[Finding], platform: str, today: str | None = None,
          root: Path | None = None) -> tuple[list[Finding], dict[str, Any]]:
    """The pipeline's one call after the stages: failures caused only by a declared package iacqa cannot install
    re-rated as not checkable (profiles/declared.py), the profile applied, every critical given its authority
    (`extra["evidence"]`), and the report's `profile` section (name, title, why, what it left out)."""
    from iacqa.knowledge.evidence import authority
    from iacqa.profiles.declared import reclassify

    kept, dropped = apply(profile, reclassify(findings, root), root)
    out = []
    for f in kept:
        if f.severity is Severity.CRITICAL and not f.extra.get("evidence"):
            ev = authority(f, platform, today)
            if ev:
                f = f.with_(extra={**f.extra, "evidence": ev})
        out.append(f)
    return out, {**profile.describe(), "left_out": dropped}


def apply(profile: Profile, findings: list[Finding], root: Path | None = None
          ) -> tuple[list[Finding], dict[str, int]]:
    """Findings re-rated by the profile (and the lint gate added), plus the count of findings left out per id."""
    kept: list[Finding] = []
    dropped: Counter[str] = Counter()
    for f in findings:
        sev = profile.severity_for(f.rule)
        if sev == "off":
            dropped[f.rule] += 1
            continue
        if sev and sev != f.severity.value:
            f = f.with_(severity=Severity.parse(sev), extra={**f.extra, "profile_severity":
                        f"{sev} under profile {profile.name} (catalog: {f.severity.value})"})
        kept.append(f)
    gate = lint_gate(profile, kept, root)
    if gate is not None:
        kept.append(gate)
    return kept, dict(sorted(dropped.items()))


def _gate_code(f: Finding) -> str:
    code = f.symbol or f.rule.removeprefix("LNT-")
    return re.sub(r"\d+$", "", code) if code.startswith("F7") else code


def lint_gate(profile: Profile, findings: list[Finding], root: Path | None = None) -> Finding | None:
    """One high finding when the profile's lint gate fails: the messages its linter would print, by code and file.

    When the gate's own linter ran (linters/pylint.py: its findings carry `linter=pylint`), its score decided and
    this returns None. Otherwise the messages are ruff's twins of the gate's codes; with the project `root` and a
    `fail_under` threshold, the score is estimated as pylint computes it (10 - (5*errors + others) / statements *
    10, statements counted with ast) and the gate fails below the threshold; without them any message fails it."""
    gate = profile.lint_gate
    if not gate.get("enabled") or any(f.extra.get("linter") == "pylint" for f in findings):
        return None
    codes: dict[str, str] = gate.get("codes", {})
    paths = tuple(gate.get("paths", ()))
    hits: dict[str, Counter[str]] = defaultdict(Counter)
    first: dict[str, tuple[str, int | None]] = {}
    for f in findings:
        if f.category is not Category.LINT or not f.file or f.extra.get("embedded"):
            continue
        code = _gate_code(f)
        if code not in codes or not any(f.file == p or (p.endswith("/") and f.file.startswith(p)) for p in paths):
            continue
        n = int(f.extra.get("count", 1))
        hits[code][f.file] += n
        first.setdefault(code, (f.file, f.line))
    if not hits:
        return None
    from iacqa.catalog.profiles import LintGate

    total = sum(sum(c.values()) for c in hits.values())
    parts = [f"{codes[c].split()[0]} ({c}) x{sum(files.values())} in {', '.join(sorted(files))}"
             for c, files in sorted(hits.items())]
    file, line = min(first.values(), key=lambda x: (x[0], x[1] or 0))
    extra: dict[str, Any] = {"profile": profile.name, "codes": sorted(hits)}
    statements = _statements(root, paths) if root is not None and gate.get("fail_under") is not None else 0
    if statements:
        threshold = float(gate["fail_under"])
        weighted = sum((5 if codes[c].startswith(("E", "F")) else 1) * sum(files.values()) for c, files in hits.items())
        score = max(0.0, 10.0 - weighted / statements * 10)
        if score >= threshold:
            return None
        extra.update(score_estimate=round(score, 2), statements=statements, fail_under=threshold)
        return LintGate.finding(
            f"the lint gate fails: {gate.get('command', 'the lint step')} would rate tap.py and lib/ about "
            f"{score:.2f}/10, below the pipeline's {threshold} ({total} message(s) over {statements} statements; "
            "estimated from ruff's twins of pylint's messages, pylint is not installed: pip install 'iacqa[lint]'): "
            + "; ".join(parts),
            error=f"Your code has been rated at about {score:.2f}/10 (threshold {threshold})",
            fix="fix the listed messages (each is also reported on its line, grouped by file); errors weigh 5 each",
        ).with_(file=file, line=line, stage="lint", extra=extra)
    return LintGate.finding(
        f"the lint gate fails: {gate.get('command', 'the lint step')} would report {total} message(s): "
        + "; ".join(parts),
        error=f"pylint exits non-zero (score below 10.00/10 with {total} message(s))",
        fix="fix the listed messages (each is also reported on its line, grouped by file); the gate passes only with none",
    ).with_(file=file, line=line, stage="lint", extra=extra)


def _statements(root: Path, paths: tuple[str, ...]) -> int:
    """Statements in the gated Python files, as pylint counts them for its score (every statement node)."""
    import ast

    n = 0
    for p in paths:
        base = root / p.rstrip("/")
        for f in ([base] if base.is_file() else sorted(base.rglob("*.py")) if base.is_dir() else []):
            try:
                n += sum(isinstance(x, ast.stmt) for x in ast.walk(ast.parse(f.read_text(errors="replace"))))
            except (OSError, SyntaxError, ValueError):
                continue
    return n


__all__ = ["PROFILE_NAMES", "Profile", "apply", "is_tap_layout", "lint_gate", "judge", "load", "option_defaults", "select"]
