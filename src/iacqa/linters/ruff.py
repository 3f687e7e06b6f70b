"""ruff over every Python file of the project and over Lambda code embedded in strings, lines mapped back.

Why ruff and not pylint: the same gate checks (pylint W1203/C0301/W0622 = ruff G004/E501/A001/A002) in 0.02 s
instead of 11 s on programs importing cdktf (ENGINE_NOTES section 7).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from iacqa.catalog.lint import rule_for
from iacqa.model import Location, ResourceGraph
from iacqa.model.findings import Finding, Severity

# The lint gate of the TAP pipeline (pylint W1203, C0301 at 120, W0622) plus correctness rules.
SELECT = ["G004", "E501", "A001", "A002", "F401", "F811", "F821", "F841", "F632", "F7", "B006", "B008", "E711",
          "E712", "E722", "W605"]


def ruff_binary() -> list[str] | None:
    cand = Path(sys.executable).parent / "ruff"
    if cand.exists():
        return [str(cand)]
    found = shutil.which("ruff")
    if found:
        return [found]
    try:
        import ruff  # noqa: F401

        return [sys.executable, "-m", "ruff"]
    except ImportError:
        return None


def _run(binary: list[str], cwd: Path, files: list[str]) -> list[dict]:
    if not files:
        return []
    cmd = [*binary, "check", "--no-cache", "--isolated", "--select", ",".join(SELECT), "--line-length", "120",
           "--output-format", "json", "--exit-zero", *files]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PATH": os.environ.get("PATH", ""), "HOME": str(cwd)})
    try:
        return json.loads(proc.stdout or "[]")
    except ValueError:
        return []


def lint(root: Path, files: list[str], graph: ResourceGraph | None = None) -> list[Finding]:
    binary = ruff_binary()
    if binary is None:
        raise FileNotFoundError("ruff is not installed")
    out = [_finding(d, Location(os.path.relpath(d["filename"], root), d["location"]["row"])) for d in
           _run(binary, root, [f for f in files if f.endswith(".py")])]
    if graph is not None:
        out.extend(_inline(binary, graph))
    return group([f for f in out if f is not None])




def group(findings: list[Finding]) -> list[Finding]:
    """One finding per code and file (the first line, with the count and every line in the message and `extra`),
    at low or medium severity: a gate counts messages, a reader needs each kind once."""
    groups: dict[tuple[str, str | None, bool], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.file, bool(f.extra.get("embedded"))), []).append(f)
    out = []
    for (_, _, _), items in groups.items():
        items.sort(key=lambda f: f.line or 0)
        first = items[0]
        # Lint is never a deploy blocker: the catalog rates correctness codes (a path that fails when it runs)
        # medium and style low; only a profile's lint gate makes lint high (profiles/tap.toml, LNT001).
        sev = first.severity if first.severity in (Severity.LOW, Severity.MEDIUM) else Severity.MEDIUM
        lines = [f.line for f in items if f.line]
        msg = first.message if len(items) == 1 else (
            f"{first.message} (and {len(items) - 1} more in this file: lines {', '.join(map(str, lines[1:12]))}"
            + (", ..." if len(lines) > 12 else "") + ")")
        out.append(first.with_(severity=sev, message=msg, extra={**first.extra, "count": len(items), "lines": lines}))
    return out


def _inline(binary: list[str], graph: ResourceGraph) -> list[Finding | None]:
    """Lambda code given as strings: lint it as the file it becomes, report at the IaC file's line."""
    out: list[Finding | None] = []
    with tempfile.TemporaryDirectory(prefix="iacqa-ruff-") as tmp:
        targets: dict[str, tuple[str, str]] = {}
        seen: set[tuple[str, int | None, str]] = set()
        for rid, art in graph.code.items():
            res = graph.resources.get(rid)
            if art.kind != "inline" or (res is not None and res.native_properties.get("__provided_by")):
                continue  # code the framework ships (aws-cdk-lib's own handlers) is not the user's to lint
            for name, text in art.files.items():
                if not name.endswith(".py"):
                    continue
                loc = art.origin.get(name)
                if loc is None or not loc.file or (loc.file, loc.line, text) in seen:
                    continue  # the same embedded code used by two functions is linted once
                seen.add((loc.file, loc.line, text))
                rel = f"{len(targets)}/{name}"
                p = Path(tmp) / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text)
                targets[str(p.resolve())] = (rid, name)
        for d in _run(binary, Path(tmp), list(targets)):
            hit = targets.get(str(Path(d["filename"]).resolve()))
            if hit is None:
                continue
            rid, name = hit
            loc = graph.code[rid].map_line(name, d["location"]["row"])
            out.append(_finding(d, loc, embedded=f"{rid}:{name}"))
    return out


def _finding(d: dict, loc: Location, embedded: str | None = None) -> Finding | None:
    rule = rule_for(d.get("code") or "")
    if rule is None:
        return None
    where = f" (Lambda code of {embedded.split(':')[0]}, embedded in this file)" if embedded else ""
    fix = (d.get("fix") or {}).get("message") or rule.fix
    f = rule.finding(f"{d.get('message')}{where}", location=loc, error=f"{d.get('code')}: {d.get('message')}",
                     fix=fix, symbol=d.get("code"))
    return f.with_(extra={**f.extra, "embedded": embedded}) if embedded else f
