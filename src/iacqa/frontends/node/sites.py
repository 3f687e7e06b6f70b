"""Construct and resource declarations in TS/JS source: `new X(scope, 'id', {...})` -> ConstructSite.

Read with the TypeScript compiler's own parser (js/sites.js), so template literals, `as` casts and nested
object literals are handled as the compiler sees them. Keys of the props object are recorded under their
snake_case path (`visibilityTimeout` -> `visibility_timeout`), the names the shared locators look up; the
camelCase originals are kept in `native` for messages.
"""

from __future__ import annotations

from iacqa.frontends.constructs import ConstructSite
from iacqa.model import Location
from iacqa.toolchain.sources import IAC_MODULES, iac_bindings, innermost, raw_sites

__all__ = ["IAC_MODULES", "iac_bindings", "innermost", "raw_sites", "snake", "to_sites"]


def snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


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


