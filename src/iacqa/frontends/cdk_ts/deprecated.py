"""CDK003 for TypeScript/JavaScript CDK apps: uses of deprecated aws-cdk-lib APIs, read from the jsii assembly of the
aws-cdk-lib the Node toolchain installed (the one tsc checks the program against), under jsii's own names.

The CDK Python check (frontends/cdk_py/deprecated_check.py) resolves names through Python's AST; here:
- props: the construct calls the front end's TypeScript-parser scan already located (`new s3.Bucket(this, 'X',
  {...})`, js/sites.js: callee text and the props object's keys with their lines) are resolved through the file's
  imports to a jsii class (`aws-cdk-lib.aws_dynamodb.Table`), and each top-level key is looked up among the
  deprecated properties of the struct the class's initializer takes (`pointInTimeRecovery`, `cidr`, `logRetention`);
  the finding is at the key's line;
- names: every dotted name that starts with an imported aws-cdk-lib binding (`lambda.Runtime.NODEJS_14_X`,
  `s3.BucketEncryption.UNENCRYPTED`, a named import `Runtime.PYTHON_3_7`, a deprecated class) is looked up as a
  deprecated type or member, in the source with comments, strings and import statements blanked out (lines kept).
Imports of experimental `@aws-cdk/*-alpha` modules are CDK004, as for Python.
Nested props (a struct inside a struct) and members of instances (`fn.metricErrors()`) are not resolved: that needs
the type checker's types, which this scan does not have. Several deprecations on one line are one finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from iacqa.catalog.sdk import DeprecatedCdkApi, ExperimentalCdkModule
from iacqa.frontends.cdk_py.deprecations import Deprecation, DeprecationIndex, load_package
from iacqa.model import Finding, Location

ROOT = "aws-cdk-lib"
_IMPORT = re.compile(r"import\s+(?:type\s+)?([^;]*?)\s+from\s+['\"]([^'\"]+)['\"]\s*;?", re.S)
_REQUIRE = re.compile(r"(?:const|let|var)\s+(\{[^}]*\}|[\w$]+)\s*=\s*require\(\s*['\"]([^'\"]+)['\"]\s*\)\s*;?")
_CHAIN = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)((?:\s*\??\.\s*[A-Za-z_$][\w$]*)*)")


def module_prefix(module: str) -> str | None:
    """`aws-cdk-lib/aws-s3` -> `aws-cdk-lib.aws_s3`; `aws-cdk-lib` (and `aws-cdk-lib/core`) -> `aws-cdk-lib`."""
    if module == ROOT or module == f"{ROOT}/core":
        return ROOT
    if module.startswith(f"{ROOT}/"):
        sub = module[len(ROOT) + 1:].split("/")[0]
        return f"{ROOT}.{sub.replace('-', '_')}"
    return None


def bindings(text: str, prefix_of: Callable[[str], str | None] = module_prefix) -> dict[str, str]:
    """Local name -> jsii path for every import/require of aws-cdk-lib in one file: `* as s3` -> aws-cdk-lib.aws_s3,
    `{ aws_s3 as s3 }` from aws-cdk-lib -> aws-cdk-lib.aws_s3, `{ Bucket }` from aws-cdk-lib/aws-s3 ->
    aws-cdk-lib.aws_s3.Bucket, `const { Duration } = require('aws-cdk-lib')` -> aws-cdk-lib.Duration.
    `prefix_of` maps a module specifier to the index path of what it exports (another package's: Pulumi's)."""
    out: dict[str, str] = {}
    for m in _IMPORT.finditer(text):
        prefix = prefix_of(m.group(2))
        if prefix is None:
            continue
        clause = m.group(1)
        ns = re.search(r"\*\s+as\s+([\w$]+)", clause)
        if ns:
            out[ns.group(1)] = prefix
        default = re.match(r"\s*([\w$]+)\s*(,|$)", clause)
        if default and default.group(1) != "type":
            out[default.group(1)] = prefix
        named = re.search(r"\{([^}]*)\}", clause)
        for part in (named.group(1).split(",") if named else []):
            part = re.sub(r"^\s*type\s+", "", part).strip()
            if part:
                name, _, alias = part.partition(" as ")
                out[(alias or name).strip()] = f"{prefix}.{name.strip()}"
    for m in _REQUIRE.finditer(text):
        prefix = prefix_of(m.group(2))
        if prefix is None:
            continue
        target = m.group(1)
        if not target.startswith("{"):
            out[target] = prefix
            continue
        for part in target.strip("{}").split(","):
            name, _, alias = part.partition(":")
            if name.strip():
                out[(alias or name).strip()] = f"{prefix}.{name.strip()}"
    return out


def blank(text: str) -> str:
    """The source with comments, string and template literals and import/require statements replaced by spaces
    (newlines kept), so a dotted name found in what is left is code."""
    out = list(text)
    i, n = 0, len(text)

    def wipe(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j += 1
        else:
            i += 1
            continue
        wipe(i, j)
        i = j
    cleaned = "".join(out)
    for rx in (_IMPORT, _REQUIRE):
        for m in rx.finditer(text):
            cleaned = cleaned[:m.start()] + "".join(
                "\n" if ch == "\n" else " " for ch in text[m.start():m.end()]) + cleaned[m.end():]
    return cleaned


def check(root: Path, records: list[dict], files: list[str], index: DeprecationIndex | None = None) -> list[Finding]:
    """CDK003 findings for the project's TS/JS files (records: the construct scan of those files)."""
    index = index if index is not None else toolchain_index()
    if index is None:
        return []
    found: list[tuple[Deprecation, Location, str, str, str | None]] = []  # note, where, symbol, what, keyword
    alpha: list[Finding] = []
    by_file: dict[str, dict[str, str]] = {}
    for rel in files:
        if not rel.endswith((".ts", ".mts", ".cts", ".js", ".mjs", ".cjs")) or rel.endswith(".d.ts"):
            continue
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        binds = by_file[rel] = bindings(text)
        if binds:
            found += _names(index, rel, blank(text), binds)
        alpha += _alpha(index, rel, text)
    for rec in records:
        binds = by_file.get(rec.get("file", ""))
        cls = _resolve(rec.get("cls", ""), binds or {})
        if cls is None or _deprecated_owner(index, cls):
            continue  # a deprecated class is reported once, as a name, not per property
        for key, (line, _end, _col) in (rec.get("keys") or {}).items():
            note = index.keyword(cls, key) if "." not in key else None
            if note is not None:
                found.append((note, Location(rec["file"], line), f"{cls}({key})",
                              f"`{cls.rsplit('.', 1)[-1]}` prop `{key}`", key))
    return _one_per_line([_finding(index, *f) for f in _dedupe(found)]) + alpha


_ALPHA = re.compile(r"^@aws-cdk/(aws-[a-z0-9-]+)-alpha$")


def _alpha(index: DeprecationIndex, rel: str, text: str) -> list[Finding]:
    """CDK004: an import of an experimental module (`@aws-cdk/aws-apigatewayv2-alpha`), once per module and file,
    saying when the toolchain's aws-cdk-lib has its stable successor (`aws-cdk-lib/aws-apigatewayv2`)."""
    out, seen = [], set()
    for m in [*_IMPORT.finditer(text), *_REQUIRE.finditer(text)]:
        a = _ALPHA.match(m.group(2))
        if not a or a.group(0) in seen:
            continue
        seen.add(a.group(0))
        stable = f"aws-cdk-lib/{a.group(1)}"
        graduated = _has_l2(a.group(1))
        out.append(ExperimentalCdkModule.finding(
            f"`{a.group(0)}` is an experimental (alpha) module: its API may change between versions, even in minor "
            "releases" + (f"; its stable successor `{stable}` is in aws-cdk-lib {index.version}" if graduated else ""),
            location=Location(rel, text.count("\n", 0, m.start()) + 1), symbol=a.group(0),
            fix=(f"import from `{stable}` instead, " if graduated else "") + f"or pin `{a.group(0)}` in package.json "
            "to the exact release built for the app's aws-cdk-lib (`<aws-cdk-lib version>-alpha.0`)",
            evidence="the AWS CDK versioning policy: alpha modules are experimental and published separately "
            "(https://docs.aws.amazon.com/cdk/v2/guide/versioning.html)"))
    return out


def _has_l2(module: str) -> bool:
    """The toolchain's aws-cdk-lib has hand-written constructs for the module, not only the generated L1 (Cfn*)
    classes: aws-glue has only glue.generated.d.ts (its L2 is still the alpha), aws-apigatewayv2 has http/, ..."""
    from iacqa.toolchain import node as toolchain

    tc = toolchain.find()
    lib = tc.node_modules / ROOT / module / "lib" if tc is not None else None
    if lib is None or not lib.is_dir():
        return False
    return any(p.name != "index.d.ts" and not p.name.endswith(".generated.d.ts")
               for p in lib.iterdir() if p.is_dir() or p.name.endswith(".d.ts"))


def toolchain_index() -> DeprecationIndex | None:
    """The index of the Node toolchain's aws-cdk-lib (None without the toolchain or the package)."""
    from iacqa.toolchain import node as toolchain

    tc = toolchain.find()
    pkg = tc.node_modules / ROOT if tc is not None else None
    return load_package(pkg) if pkg is not None and (pkg / ".jsii").is_file() else None


def _resolve(dotted: str, binds: dict[str, str]) -> str | None:
    parts = [p for p in re.split(r"\s*\??\.\s*", dotted.strip()) if p]
    if not parts or parts[0] not in binds:
        return None
    return ".".join([binds[parts[0]], *parts[1:]])


def _deprecated_owner(index: DeprecationIndex, path: str) -> bool:
    parts = path.split(".")
    return any(".".join(parts[:i]) in index.symbols for i in range(2, len(parts) + 1))


def _names(index: DeprecationIndex, rel: str, code: str, binds: dict[str, str]
           ) -> list[tuple[Deprecation, Location, str, str, str | None]]:
    out = []
    starts = [0] + [m.end() for m in re.finditer("\n", code)]
    for m in _CHAIN.finditer(code):
        if m.group(1) not in binds:
            continue
        full = _resolve(m.group(0), binds)
        if full is None:
            continue
        parts = full.split(".")
        for i in range(2, len(parts) + 1):  # the first deprecated type or member along the chain
            path = ".".join(parts[:i])
            note = index.symbol(path)
            if note is not None:
                line = _line_of(starts, m.start())
                kind = "type" if path in index.types else "member"
                what = f"`{'.'.join(parts[i - (1 if kind == 'type' else 2):i])}`"
                out.append((note, Location(rel, line), path, what, None))
                break
    return out


def _line_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def _dedupe(found: list[tuple[Deprecation, Location, str, str, str | None]]
            ) -> list[tuple[Deprecation, Location, str, str, str | None]]:
    seen: set[tuple[str, str | None, int | None]] = set()
    out = []
    for f in found:
        key = (f[2], f[1].file, f[1].line)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


_LINK = re.compile(r"\{@link\s+([^}|\s]+)\s*(?:\|[^}]*)?\}")


def _text(note: Deprecation) -> str:
    """The assembly's text with its TSDoc links as code: `See {@link containerInsightsV2 }` -> `See
    `containerInsightsV2``."""
    return _LINK.sub(lambda m: f"`{m.group(1)}`", note.text)


def _finding(index: DeprecationIndex, note: Deprecation, loc: Location, symbol: str, what: str,
             key: str | None) -> Finding:
    text = _text(note)
    new = index.replacement_of(note) if key else None
    if new is not None:
        name, typ = new
        fix = f"replace `{key}:` with `{name}:`" + (f" (it takes `{typ.removeprefix('aws-cdk-lib.')}`, not the old "
                                                    "value)" if typ else "")
    else:
        fix = f"aws-cdk-lib says: {text}"
    return DeprecatedCdkApi.finding(
        f"{what} is deprecated as of aws-cdk-lib {index.version}: {text}", location=loc, symbol=symbol,
        error=f"[WARNING] {note.ref} is deprecated, and will be removed in the next major release.\n  {note.text}",
        fix=fix, evidence=f"the jsii assembly of the Node toolchain's aws-cdk-lib {index.version} (docs.deprecated "
        f"of {note.ref})")


def _one_per_line(findings: list[Finding]) -> list[Finding]:
    """Several deprecations on one line are one change: the first finding, with the others appended."""
    first: dict[tuple[str | None, int | None], int] = {}
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.file or "", f.line or 0)):
        k = (f.file, f.line)
        if k not in first:
            first[k] = len(out)
            out.append(f)
            continue
        kept = out[first[k]]
        out[first[k]] = kept.with_(message=f"{kept.message}; also {f.message}", fix=f"{kept.fix}; {f.fix}",
                                   error=f"{kept.error}\n{f.error}",
                                   extra={**kept.extra, "also": [*kept.extra.get("also", []), f.symbol]})
    return out
