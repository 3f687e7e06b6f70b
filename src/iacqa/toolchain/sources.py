"""Reading TS/JS sources for the Node-based checks: the TypeScript parser's scan of `new X(...)` calls (js/sites.js),
the innermost call around a line, and which local names are bound to IaC SDK modules."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.toolchain import runner as noderun

IAC_MODULES = ("aws-cdk-lib", "constructs", "@aws-cdk/", "cdktf", "@cdktf/", "@pulumi/")


def raw_sites(root: Path, files: list[str], timeout: float = 60.0) -> list[dict]:
    """The scanner's records (file, line, endLine, cls, args, keys) for the given project files."""
    files = [f for f in files if not f.endswith(".d.ts")]
    if not files:
        return []
    r = noderun.run([noderun.node(), noderun.script("sites.js"), str(root), *files], root, timeout=timeout,
                    memory_mb=1024)
    if r.status != "ok":
        return []
    try:
        data = json.loads(r.stdout)
    except ValueError:
        return []
    return data if isinstance(data, list) else []


def innermost(records: list[dict], file: str, line: int) -> dict | None:
    """The innermost `new X(...)` call that spans file:line."""
    best = None
    for rec in records:
        if rec.get("file") == file and rec["line"] <= line <= rec.get("endLine", rec["line"]):
            if best is None or rec["line"] >= best["line"]:
                best = rec
    return best


def iac_bindings(text: str) -> dict[str, str]:
    """Local names bound to IaC SDK modules by import/require: `ec2` -> aws-cdk-lib/aws-ec2."""
    import re

    out: dict[str, str] = {}
    for m in re.finditer(r"import\s+(?:type\s+)?([^;]*?)\s+from\s+['\"]([^'\"]+)['\"]", text, re.S):
        clause, mod = m.group(1), m.group(2)
        if not mod.startswith(IAC_MODULES):
            continue
        ns = re.search(r"\*\s+as\s+(\w+)", clause)
        if ns:
            out[ns.group(1)] = mod
        default = re.match(r"\s*(\w+)\s*(,|$)", clause)
        if default:
            out[default.group(1)] = mod
        named = re.search(r"\{([^}]*)\}", clause)
        if named:
            for part in named.group(1).split(","):
                part = part.strip()
                if not part:
                    continue
                alias = part.split(" as ")[-1].strip()
                out[alias.replace("type ", "").strip()] = mod
    for m in re.finditer(r"(?:const|let|var)\s+(\{[^}]*\}|\w+)\s*=\s*require\(\s*['\"]([^'\"]+)['\"]\s*\)", text):
        names, mod = m.group(1), m.group(2)
        if not mod.startswith(IAC_MODULES):
            continue
        for n in re.findall(r"\w+", names.split(":")[-1] if names.startswith("{") is False else names):
            out[n] = mod
    return out
