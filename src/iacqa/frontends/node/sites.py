"""Construct and resource declarations in TS/JS source: `new X(scope, 'id', {...})` -> ConstructSite.

Read with the TypeScript compiler's own parser (js/sites.js), so template literals, `as` casts and nested
object literals are handled as the compiler sees them. Keys of the props object are recorded under their
snake_case path (`visibilityTimeout` -> `visibility_timeout`), the names the shared locators look up; the
camelCase originals are kept in `native` for messages.
"""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.frontends.constructs import ConstructSite
from iacqa.frontends.node import run as noderun
from iacqa.model import Location

IAC_MODULES = ("aws-cdk-lib", "constructs", "@aws-cdk/", "cdktf", "@cdktf/", "@pulumi/")


def snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


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


def to_sites(records: list[dict], id_arg: int) -> list[ConstructSite]:
    """ConstructSites keyed by argument `id_arg` (1 for CDK/CDKTF `new X(this, 'id')`, 0 for Pulumi `new X('name')`)."""
    out = []
    for rec in records:
        args = rec.get("args") or []
        if len(args) <= id_arg:
            continue
        a = args[id_arg]
        cid = a.get("s")
        if cid is None:
            if "v" not in a:
                continue
            cid = "\0"
        file = rec["file"]
        site = ConstructSite(cid, rec.get("cls", ""), Location(file, rec["line"], rec.get("endLine")))
        for key, (line, end, _col) in (rec.get("keys") or {}).items():
            site.keywords[".".join(snake(p) for p in key.split("."))] = Location(file, line, end)
        out.append(site)
    out.sort(key=lambda s: (s.location.file or "", s.location.line or 0))
    return out


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
