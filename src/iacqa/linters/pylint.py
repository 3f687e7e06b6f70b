"""pylint itself, as the TAP pipeline's lint gate runs it, under a profile whose gate names it (`--profile tap`).

The gate is `pylint tap.py lib` with the scaffold's .pylintrc, judged by its score (profiles/tap.toml says why and
holds the options). ruff reproduces only some of its messages (ruff.py): pylint's R1705 no-else-return, C0302
too-many-lines, W1309, W0401, W0105, E1123/E1120 on the project's own classes and C0301 on a line that is one long
token have no twin there, and the score (what the pipeline compares with its threshold) needs pylint's statement
count. So pylint runs when it is installed (`iacqa[lint]`), and its messages become LNT-P<code> findings; when it is
not, the lint stage says so and the gate is estimated from ruff (profiles.lint_gate).

How it runs:
- iacqa's own rcfile, written from the profile's options; a project's .pylintrc/pyproject is never read
  (`init-hook` and `load-plugins` would run code). pylint puts the project's directories on sys.path, so a project
  file named like a module pylint imports would run: pylint runs in the sandbox (sandbox.spawn), the project
  read-only, nothing written but its report in a scratch directory.
- Third-party packages are not on pylint's path: the child's sys.path is the standard library and a directory of
  links to pylint's own distributions, so astroid does not infer into pulumi_aws, cdktf or aws_cdk (their imports
  are E0401, which the scaffold disables). Measured on corpus MODEL responses, CPU time: pulumi-py Pr4300 10.9 s ->
  2.4 s (540 -> 74 MB), cdktf-py Pr6628 10.9 -> 1.3 s, pulumi-py Pr6637 -> 1.35 s, the same messages and score
  for Pr4300 and Pr6628 (9.05/10, 9.57/10). What is lost: no-member and call-argument messages about SDK objects
  (the sdk-api stage checks those calls against the same installed SDKs) and about project classes whose base is
  an SDK class (Pr6637's `stack.outputs` on a ComponentResource subclass: 7.13/10 with inference, 9.88/10
  without); messages about the project's own plain classes (tap.py calling TapStack with a keyword it does not
  take) are kept.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from iacqa.catalog.profiles import LintGate
from iacqa.catalog.pylint import pylint_rule_for
from iacqa.model import Finding, Location

TIMEOUT = 120.0
MEMORY_MB = 1024.0
# Message kinds that count in pylint's score (informational ones do not).
_SCORED = ("error", "warning", "refactor", "convention", "fatal")


@dataclass
class PylintRun:
    """status: ok | unavailable | skipped | error; score and statements as pylint reports them."""

    status: str
    detail: str
    findings: list[Finding] = field(default_factory=list)
    score: float | None = None
    statements: int = 0
    seconds: float = 0.0
    peak_mb: float = 0.0


def available() -> bool:
    """pylint can run with iacqa's interpreter (the `lint` extra installed)."""
    return find_spec("pylint") is not None


def gated_files(files: list[str], gate: dict[str, Any]) -> list[str]:
    """The project's Python files the gate lints (`pylint tap.py lib` -> tap.py and the modules of package lib).
    pylint enters a subdirectory of a package only when it is a package too (has __init__.py): the Lambda code in
    lib/lambda/<fn>/ is not linted by `pylint lib`, so it is not the gate's."""
    paths = tuple(gate.get("paths", ()))
    have = set(files)

    def reached(f: str, p: str) -> bool:
        if f == p:
            return True
        if not (p.endswith("/") and f.startswith(p)):
            return False
        d = p.rstrip("/")
        for part in f[len(p):].split("/")[:-1]:
            d = f"{d}/{part}"
            if f"{d}/__init__.py" not in have:
                return False
        return True

    return sorted(f for f in files if f.endswith(".py") and any(reached(f, p) for p in paths))


def rcfile(gate: dict[str, Any]) -> str:
    """iacqa's rcfile from the profile's pylint options (never the project's own)."""
    conf = gate.get("pylint", {})
    lines = ["[MAIN]", "persistent=no", "jobs=1", "load-plugins=", "fail-under=0"]
    for key, value in sorted(conf.get("options", {}).items()):
        lines.append(f"{key}={value}")
    lines += ["", "[MESSAGES CONTROL]", "disable=" + ",".join(conf.get("disable", []))]
    return "\n".join(lines) + "\n"


def run(root: Path, files: list[str], gate: dict[str, Any], timeout: float = TIMEOUT) -> PylintRun:
    """pylint over the gated files of the project at root: findings per message, the score, and the gate's verdict
    (one LNT001 when the score is below the gate's `fail_under`)."""
    root = Path(root).resolve()
    targets = gated_files(files, gate)
    if not targets:
        return PylintRun("skipped", "pylint: no Python file in the gated paths " + ", ".join(gate.get("paths", ())))
    if not available():
        return PylintRun("unavailable", "pylint is not installed (pip install 'iacqa[lint]'): the lint gate is "
                         "estimated from ruff's twins of its messages")
    from iacqa.sandbox import safe_env, spawn

    t0 = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="iacqa-pylint-"))
    try:
        rc = scratch / "pylintrc"
        rc.write_text(rcfile(gate))
        report = scratch / "report.json"
        # The gate's own arguments (`pylint tap.py lib`), those present: pylint then finds the modules as it does
        # in the pipeline.
        args = [p.rstrip("/") for p in gate.get("paths", ()) if (root / p.rstrip("/")).exists()
                and not _added_by_iacqa(root / p.rstrip("/"))]
        if not args:
            return PylintRun("skipped", "pylint: the gated paths hold only iacqa's own entry point")
        argv = [sys.executable, "-c", _BOOT, str(_site(scratch / "site")), f"--rcfile={rc}",
                "--output-format=json2", f"--output={report}", *args]
        env = safe_env(scratch / "home")
        env.pop("PYTHONPATH", None)
        out = spawn(argv, cwd=root, env=env, timeout=timeout, memory_mb=MEMORY_MB, writable=[scratch],
                    readable=[root])
        seconds = round(time.monotonic() - t0, 2)
        try:
            data = json.loads(report.read_text())
        except (OSError, ValueError):
            tail = (out.stderr or out.stdout or out.detail or "").strip().splitlines()[-1:] or [out.status]
            return PylintRun("error", f"pylint did not report ({out.status}: {tail[0][:200]})", seconds=seconds)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    stats = data.get("statistics", {})
    score = stats.get("score") if isinstance(stats.get("score"), (int, float)) else None
    statements = _statements(stats)
    findings = [f for f in (_finding(m, root) for m in data.get("messages", [])) if f is not None]
    verdict = gate_finding(findings, gate, score, statements)
    skipped = [t for t in targets if _added_by_iacqa(root / t)]
    detail = (f"pylint {len(findings)} message(s) in {len(targets) - len(skipped)} file(s), score "
              f"{score if score is None else f'{score:.2f}'}/10 (gate fails below {gate.get('fail_under', 10.0)}), "
              f"{seconds} s" + (f"; not linted: {', '.join(skipped)} (iacqa's own entry point, the response has "
                                "none)" if skipped else ""))
    from iacqa.linters.ruff import group

    return PylintRun("ok", detail, group(findings) + ([verdict] if verdict else []), score=score,
                     statements=statements, seconds=seconds, peak_mb=out.peak_rss_mb)


# The child keeps the standard library and iacqa's sandbox guard (PYTHONPATH, set by spawn) on its path, drops every
# site-packages directory, and finds pylint through the links of `_site`.
_BOOT = """import sys
site = sys.argv[1]
guard = [p for p in sys.path if p.endswith("_child")]
sys.path[:] = [site, *guard, *(p for p in sys.path if p.startswith((sys.base_prefix, sys.base_exec_prefix))
                                 and "-packages" not in p)]
from pylint import run_pylint
sys.argv = ["pylint", *sys.argv[2:]]
run_pylint()
"""


def _site(dest: Path) -> Path:
    """A directory of links to pylint's distributions and their requirements (modules and metadata, which isort
    reads), nothing else."""
    import importlib.metadata as md
    import re

    dest.mkdir(parents=True, exist_ok=True)
    todo, seen = ["pylint"], set()
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        for top in {f.parts[0] for f in dist.files or () if f.parts and f.parts[0] not in ("..", "__pycache__")}:
            src, link = Path(str(dist.locate_file(top))), dest / top
            if src.exists() and not link.exists():
                link.symlink_to(src)
        for req in dist.requires or ():
            m = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req)
            if m and "extra ==" not in req:  # optional extras are not installed for pylint's own run
                todo.append(m.group(0))
    return dest


def supersede(ruff_findings: list[Finding], gate: dict[str, Any], files: list[str]) -> list[Finding]:
    """ruff's findings without those pylint reported itself in the files it linted (same message, not twice)."""
    codes = set(gate.get("supersedes", ()))
    linted = set(gated_files(files, gate))

    def gated(f: Finding) -> bool:
        return bool(f.file) and not f.extra.get("embedded") and f.file in linted

    def code(f: Finding) -> str:
        c = f.symbol or f.rule.removeprefix("LNT-")
        return "F7" if c.startswith("F7") else c

    return [f for f in ruff_findings if not (gated(f) and code(f) in codes)]


def gate_finding(findings: list[Finding], gate: dict[str, Any], score: float | None, statements: int
                 ) -> Finding | None:
    """LNT001 when pylint's score is below the gate's threshold, naming the messages by code and file."""
    threshold = float(gate.get("fail_under", 10.0))
    if score is None or score >= threshold or not findings:
        return None
    by_code: dict[str, dict[str, int]] = {}
    for f in findings:
        by_code.setdefault(f.symbol or f.rule, {}).setdefault(f.file or "?", 0)
        by_code[f.symbol or f.rule][f.file or "?"] += 1
    parts = [f"{c} x{sum(files.values())} in {', '.join(sorted(files))}" for c, files in sorted(by_code.items())]
    first = min(findings, key=lambda f: (f.file or "", f.line or 0))
    return LintGate.finding(
        f"the lint gate fails: pylint rates tap.py and lib/ {score:.2f}/10, below the pipeline's {threshold} "
        f"({len(findings)} message(s) over {statements} statement(s)): " + "; ".join(parts),
        error=f"Your code has been rated at {score:.2f}/10 (threshold {threshold})",
        fix="fix the listed messages (each is also reported on its line, grouped by file); errors weigh 5 each",
        location=Location(first.file, first.line),
    ).with_(extra={"linter": "pylint", "score": round(score, 2), "statements": statements,
                   "fail_under": threshold, "codes": sorted(by_code)})


def _added_by_iacqa(path: Path) -> bool:
    """An entry point iacqa wrote because the response has none (ingest/task.py, cdk_py/cdktf_py synth): its
    adaptive calls are iacqa's, not the response's, and not what the pipeline's own tap.py contains."""
    if not path.is_file():
        return False
    try:
        with path.open(errors="replace") as fh:
            return fh.readline().startswith('"""Entry point added by iacqa')
    except OSError:
        return False


def _statements(stats: dict[str, Any]) -> int:
    # json2 has no statement count; pylint's score formula gives it back from the message counts.
    counts = stats.get("messageTypeCount", {})
    score = stats.get("score")
    weighted = 5 * counts.get("error", 0) + sum(counts.get(k, 0) for k in ("warning", "refactor", "convention"))
    if score is None or weighted == 0 or score >= 10.0 or score <= 0:
        return 0
    return round(weighted * 10 / (10.0 - score))


def _finding(m: dict[str, Any], root: Path) -> Finding | None:
    if m.get("type") not in _SCORED:
        return None
    code = m.get("messageId") or ""
    rule = pylint_rule_for(code)
    if rule is None:
        return None
    path = m.get("path") or ""
    if os.path.isabs(path):
        path = os.path.relpath(path, root)
    text = f"{code} {m.get('symbol')}: {m.get('message')}"
    return rule.finding(text, location=Location(path, m.get("line")), error=f"{code}: {m.get('message')} "
                        f"({m.get('symbol')})", symbol=code, linter="pylint", obj=m.get("obj") or None)
