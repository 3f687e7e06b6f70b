"""Edit the analysis copy so that the program runs as far as what the response did write, before synth.

Two edits, each the fix a finding already states, each said in the stage detail (the findings stay):
- a file the response cut off (SYN001, and it does not parse: TSC003) is cut at its last complete statement or class
  member and the blocks still open are closed (js/salvage_truncated.js, read with the TypeScript parser; the
  statement the cut fell in is dropped whole, never completed), so the constructs it declared before the cut are
  synthesized. The file's syntax findings stay: the deploy fails on it.
  When iacqa supplied the entry (bin/tap.ts imports `TapStack` from lib/tap-stack) and the salvaged stack class is
  not exported (the response's own `new App()` ... `app.synth()` was in the part cut off), the copy exports it.
- a name imported from a package root that only a namespace exports (TS2724/TS2305 on `import { S3Bucket } from
  '@cdktf/provider-aws'`) is `undefined` at run time, so every `new S3Bucket(...)` throws; it is imported from its
  submodule (root_imports.py, the submodule read from the package's own typings), as tsc suggests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from iacqa.frontends.node.root_imports import Fix, rewrite, submodule
from iacqa.frontends.node.workspace import Workspace
from iacqa.model import Finding

_NO_MEMBER = re.compile(r"""'"(?P<pkg>[^"]+)"' has no exported member (?:named )?'(?P<name>[\w$]+)'"""
                        r"""(?:\. Did you mean '(?P<ns>[\w$]+)'\?)?""")


def root_import_fixes(ws: Workspace, findings: list[Finding]) -> dict[str, list[Fix]]:
    """Per file, the package-root imports tsc reported (TS2724/TS2305) that a submodule of the package declares."""
    nm = ws.root / "node_modules"
    out: dict[str, list[Fix]] = {}
    for f in findings:
        if not f.file or f.symbol not in ("TS2724", "TS2305"):
            continue
        m = _NO_MEMBER.search(f.error or f.message)
        if not m:
            continue
        name = m["name"]
        spaces = [m["ns"]] if m["ns"] else []
        spaces.append(name[:1].lower() + name[1:])  # the provider packages' namespace of class X is x
        spec = next((s for s in (submodule(nm, m["pkg"], ns, name) for ns in spaces) if s), None)
        if spec and all(fx.name != name for fx in out.get(f.file, [])):
            out.setdefault(f.file, []).append(Fix(name, m["pkg"], spec))
    return out


def fix_root_imports(ws: Workspace, findings: list[Finding]) -> str:
    """Rewrite the copy's package-root imports to their submodules; the note for the stage detail ('' if none)."""
    fixes = root_import_fixes(ws, findings)
    n = 0
    for rel, items in fixes.items():
        path = ws.root / rel
        try:
            text, spans = rewrite(path.read_text(errors="replace"), items)
            if spans:
                path.write_text(text)
                n += len(items)
        except OSError:
            continue
    if not n:
        return ""
    return (f"; synth with {n} package-root import(s) taken from their submodule in the analysis copy (as tsc "
            "suggests; at run time the root has no such export)")


def salvage_truncated(ws: Workspace, findings: list[Finding], entry: str,
                      timeout: float = 60.0) -> tuple[str, list[str]]:
    """Cut each truncated file of the copy at its last complete statement: the note for the stage detail and the
    files salvaged (the graph then holds only what precedes each cut: partial)."""
    from iacqa.toolchain import runner as noderun

    cut = {f.file for f in findings if f.rule == "SYN001" and f.file}
    broken = {f.file for f in findings if f.rule == "TSC003" and f.file}
    notes = []
    done = []
    for rel in sorted(cut & broken):
        if not rel.endswith((".ts", ".mts", ".cts", ".js", ".mjs", ".cjs")) or not (ws.root / rel).is_file():
            continue
        r = noderun.run([noderun.node(), noderun.script("salvage_truncated.js"), str(ws.root), rel], ws.root,
                        timeout=timeout, memory_mb=1024)
        try:
            out = json.loads(r.stdout) if r.status == "ok" else {}
        except ValueError:
            out = {}
        if not out.get("ok"):
            notes.append(f"{rel} cut off and not salvaged ({out.get('why') or 'salvage failed'})")
            continue
        done.append(rel)
        exported = _export_stack(ws, rel, entry)
        notes.append(f"{rel} cut off at line {out['cut_line']}: synthesized up to its last complete statement "
                     f"(line {out['kept_line']}), {out['closed']} open block(s) closed, in the analysis copy only"
                     + (f"; {exported} exported for the entry" if exported else ""))
    return "".join(f"; {n}" for n in notes), done


_CLASS = re.compile(r"^[ \t]*(export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+(TapStack)\b", re.M)


def _export_stack(ws: Workspace, rel: str, entry: str) -> str | None:
    """`TapStack` when iacqa's entry imports it from this file and the salvaged class is declared unexported."""
    if entry not in ws.added or Path(rel).with_suffix("").as_posix() != "lib/tap-stack":
        return None
    path = ws.root / rel
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    m = _CLASS.search(text)
    if m is None or m.group(1) or re.search(r"\bexport\s*\{[^}]*\bTapStack\b", text):
        return None
    path.write_text(text + "export { TapStack };\n")
    return "TapStack"





_MISSING_METHOD = re.compile(r"\bthis\.([A-Za-z_$][\w$]*) is not a function")


def cut_off_calls(ws: Workspace, findings: list[Finding], salvaged: list[str]) -> list[Finding]:
    """A run-time error calling a method of the salvaged file that the file never declares (`this.configureBackend
    is not a function`: its declaration was in the part cut off) is the truncation's consequence: the finding says
    so and is `revealed_by` the truncation finding (SYN001) of that file."""
    cut = {f.file: f for f in findings if f.rule == "SYN001" and f.file in salvaged}
    out = []
    for f in findings:
        m = _MISSING_METHOD.search(f.error or "") if f.rule == "TSP001" and f.file in cut else None
        if m and not _declares_method(ws.root / f.file, m.group(1)):
            f = f.with_(revealed_by=cut[f.file].fingerprint, message=(
                f"{f.message} (the method `{m.group(1)}` is not in the response: {f.file} was cut off before it)"))
        out.append(f)
    return out


def _declares_method(path: Path, name: str) -> bool:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return True
    return re.search(r"^[ \t]*(?:(?:public|private|protected|static|async|readonly|override)\s+)*"
                     + re.escape(name) + r"\s*(?:<[^>]*>)?\s*\(", text, re.M) is not None \
        or re.search(r"\b" + re.escape(name) + r"\s*=\s*(?:async\s*)?(?:\(|function)", text) is not None
__all__ = ["cut_off_calls", "fix_root_imports", "root_import_fixes", "salvage_truncated"]
