"""A name imported from a package root that only one of the root's namespaces exports, fixed the way tsc suggests.

Why: `import { S3Bucket } from '@cdktf/provider-aws'` is TS2724 ("has no exported member named 'S3Bucket'. Did
you mean 's3Bucket'?"): the root exports `s3Bucket`, a namespace holding the class. tsc then types `S3Bucket` as
any, so every `new S3Bucket(this, 'b', { blockPublicAcls: true })` in the file goes unchecked: the unknown
properties (TS2353) the deploy would meet once the import is fixed are hidden behind it. To report them in the
same run, the import is rewritten on the analysis copy to the submodule the namespace comes from
(`@cdktf/provider-aws/lib/s3-bucket`, read from the package's own type definitions, never guessed), and tsc runs
once more; what it finds then is `revealed_by` the import finding.
The rewritten declaration keeps its lines (one line of imports, the rest blank), so every other line keeps its
number.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from iacqa.frontends.node.standin import imports

NO_MEMBER = re.compile(r"""^'"(?P<pkg>[^"]+)"' has no exported member named '(?P<name>[\w$]+)'\. """
                       r"""Did you mean '(?P<ns>[\w$]+)'\?""")
_FROM = re.compile(r"""from\s*(['"])(?P<spec>[^'"]+)\1""")


@dataclass(frozen=True)
class Fix:
    name: str  # the name imported (as the package exports it)
    package: str
    specifier: str  # the submodule that exports it


def _declares(dts: str, name: str) -> bool:
    return re.search(r"^export\s+(?:declare\s+)?(?:abstract\s+)?(?:class|interface|type|const|function|enum)\s+"
                     + re.escape(name) + r"\b", dts, re.M) is not None


@lru_cache(maxsize=64)
def _namespaces(node_modules: str, package: str) -> dict[str, str]:
    """`export * as ns from './sub'` of the package's root type definitions -> ns: the package-relative path of
    the submodule's directory or file (without extension); {} when the package restricts its subpaths."""
    pkg = Path(node_modules) / package
    try:
        meta = json.loads((pkg / "package.json").read_text())
    except (OSError, ValueError):
        return {}
    exports = meta.get("exports")
    if isinstance(exports, (str, dict)) and not (isinstance(exports, dict) and any("*" in k for k in exports)):
        return {}  # `exports` without a subpath pattern: 'pkg/lib/x' would not resolve
    types = meta.get("types") or meta.get("typings") or "index.d.ts"
    root = pkg / types
    try:
        text = root.read_text(errors="replace")
    except OSError:
        return {}
    out = {}
    for m in re.finditer(r"""^export \* as ([\w$]+) from ['"](\.[^'"]+)['"]""", text, re.M):
        rel = (root.parent / m.group(2)).resolve()
        try:
            out[m.group(1)] = rel.relative_to(pkg.resolve()).as_posix()
        except ValueError:
            continue
    return out


def submodule(node_modules: Path, package: str, namespace: str, name: str) -> str | None:
    """'pkg/lib/s3-bucket' when the root's namespace `namespace` is that submodule and it declares `name`."""
    rel = _namespaces(str(node_modules), package).get(namespace)
    if rel is None:
        return None
    base = Path(node_modules) / package / rel
    for dts in (base / "index.d.ts", base.with_name(base.name + ".d.ts")):
        try:
            if _declares(dts.read_text(errors="replace"), name):
                return f"{package}/{rel}"
        except OSError:
            continue
    return None


def rewrite(text: str, fixes: list[Fix]) -> tuple[str, list[tuple[int, int]]]:
    """The text with each fixed name imported from its submodule; the (first, last) lines of every rewritten
    declaration."""
    by_pkg: dict[str, dict[str, str]] = {}
    for f in fixes:
        by_pkg.setdefault(f.package, {})[f.name] = f.specifier
    out = text
    spans: list[tuple[int, int]] = []
    for start, end in reversed(imports(text, 1 << 30)):
        stmt = text[start:end]
        spec = _FROM.search(stmt)
        if spec is None or spec.group("spec") not in by_pkg:
            continue
        moved = by_pkg[spec.group("spec")]
        braces = re.search(r"\{([^{}]*)\}", stmt)
        if braces is None or stmt.lstrip().startswith("export"):
            continue
        keep, new = [], []
        for item in (i.strip() for i in braces.group(1).split(",")):
            if not item:
                continue
            words = item.split()
            imported = words[1] if words[0] == "type" and len(words) > 1 else words[0]
            (new if imported in moved else keep).append((item, imported))
        if not new:
            continue
        head = stmt[:braces.start()]
        parts = []
        if keep or re.search(r"import\s+(?:type\s+)?[\w$]+\s*,", head):
            parts.append(f"{head}{{ {', '.join(i for i, _ in keep)} }}{stmt[braces.end():]}".rstrip().rstrip(";")
                         + ";")
        parts += [f"import {{ {item} }} from '{moved[imported]}';" for item, imported in new]
        lines = stmt.count("\n")
        out = out[:start] + " ".join(parts) + "\n" * lines + out[end:]
        first = text.count("\n", 0, start) + 1
        spans.append((first, first + lines))
    return out, spans


__all__ = ["NO_MEMBER", "Fix", "rewrite", "submodule"]
