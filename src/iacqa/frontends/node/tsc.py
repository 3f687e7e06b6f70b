"""The TypeScript compiler as the SDK check: `tsc --noEmit --skipLibCheck` -> findings at file:line.

The project is type-checked against the real type definitions of the SDK versions the TAP scaffold pins (the
toolchain's node_modules linked into the analysis copy), with the project's tsconfig.json or the scaffold's. That
is what the pipeline's `npm run build` (`tsc --skipLibCheck`) and ts-node's synth do, so every error is one they
meet. TypeScript 7 (the native compiler, 3-4x faster here) is used when installed; if it cannot read the project's
configuration (TS5xxx) the 5.9 compiler, the scaffold's own, runs instead.

One run reports every independent error: tsc itself stops at syntax errors (no type error anywhere while one file
does not parse), so a second pass replaces such files by stand-ins (standin.py); and names imported from a
package root that only a namespace exports are typed any by tsc, hiding every misuse, so one more pass imports
them from their submodule (root_imports.py) and what it finds is `revealed_by` the import's finding.

Classification:
- TS1xxx: the file does not parse (TSC003, syntax).
- the diagnostic's expression, or the props object it sits in, belongs to the IaC SDK (a name imported from
  aws-cdk-lib, @pulumi/*, cdktf, @cdktf/*, constructs), or the message names an SDK module: TSC001, sdk-api.
- strict-only codes (implicit any, possibly null/undefined): TSC004, high, not a blocker.
- test/ files: TSC005, tests-broken (ts-jest fails the test file).
- anything else in lib/ or bin/: TSC002.
"Did you mean 'X'?" becomes the fix.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from iacqa.catalog.typescript import TsCompileError, TsSdkApi, TsStrictOnly, TsSyntaxError, TsTestCompileError
from iacqa.model import Finding, Location, Severity
from iacqa.toolchain import runner as noderun
from iacqa.toolchain.sources import iac_bindings, innermost

_LINE = re.compile(r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): (?P<sev>error|warning) TS(?P<code>\d+): "
                   r"(?P<msg>.*)$")
_GLOBAL = re.compile(r"^(?:error|warning) TS(?P<code>\d+): (?P<msg>.*)$")
STRICT_ONLY = {7005, 7006, 7008, 7010, 7011, 7015, 7016, 7018, 7019, 7023, 7024, 7031, 7034, 7053, 2531, 2532,
               2533, 18046, 18047, 18048, 18049, 2564, 2683}
ENVIRONMENT_TYPES = {2580, 2582, 2583, 2584, 2591, 2592, 2593}
JS_BUILTINS = {"String", "Number", "Boolean", "Array", "Object", "Promise", "Record", "Map", "Set", "Date", "Error",
               "RegExp", "Function", "JSON", "Math", "Partial", "Readonly", "Buffer", "NodeJS", "ReadonlyArray",
               "Uint8Array", "Symbol", "BigInt", "Console", "Process", "Global", "Omit", "Pick", "Required"}
SDK_CODES_ALWAYS = {2305, 2307, 2614, 2724, 2694}  # module / exported member errors: SDK when the module is


@dataclass
class Diagnostic:
    file: str | None
    line: int | None
    col: int | None
    code: int
    message: str  # first line
    detail: str = ""  # chained lines
    revealed_by: tuple[str, int, int] | None = None  # (file, line, code) of the diagnostic whose fix revealed it


@dataclass
class TscResult:
    status: str  # ok | failed (diagnostics) | error | unavailable
    compiler: str
    seconds: float
    diagnostics: list[Diagnostic] = field(default_factory=list)
    detail: str = ""


def parse(output: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for raw in output.splitlines():
        m = _LINE.match(raw)
        if m:
            out.append(Diagnostic(m["file"].strip(), int(m["line"]), int(m["col"]), int(m["code"]), m["msg"]))
            continue
        g = _GLOBAL.match(raw)
        if g:
            out.append(Diagnostic(None, None, None, int(g["code"]), g["msg"]))
            continue
        if out and raw.startswith(" "):
            out[-1].detail += ("\n" if out[-1].detail else "") + raw.strip()
    return out


def compilers(node_modules: Path) -> list[tuple[str, Path]]:
    cands = [("tsc 7 (native)", node_modules / "typescript-native" / "bin" / "tsc"),
             ("tsc 5.9", node_modules / "typescript" / "bin" / "tsc")]
    return [(n, p) for n, p in cands if p.exists()]


def check(root: Path, node_modules: Path, timeout: float = 180.0, project: str = "tsconfig.json") -> TscResult:
    """Type-check the workspace at root (node_modules already linked there)."""
    comps = compilers(node_modules)
    if not comps:
        return TscResult("unavailable", "", 0.0, detail="no TypeScript compiler in the toolchain")
    last = None
    for name, exe in comps:
        t0 = time.monotonic()
        argv = [str(exe), "--noEmit", "--skipLibCheck", "--pretty", "false", "-p", project]
        if "5.9" in name:
            argv = [noderun.node(), *argv]
        r = noderun.run(argv, root, timeout=timeout, memory_mb=3072)
        diags = parse(r.stdout + "\n" + r.stderr)
        seconds = round(time.monotonic() - t0, 2)
        config_broken = any(d.code >= 5000 and d.code < 6000 for d in diags)
        if r.status in ("timeout", "memory", "killed"):
            last = TscResult("error", name, seconds, detail=f"{name} {r.status} after {seconds:.0f} s")
            continue
        if config_broken and name != comps[-1][0]:
            continue  # TypeScript 7 dropped options 5.9 still reads (baseUrl, moduleResolution node10...)
        if r.status == "error" and not diags:
            last = TscResult("error", name, seconds, detail=(r.stderr or r.stdout)[-500:])
            continue
        result = TscResult("failed" if any(d.file for d in diags) else "ok", name, seconds, diags,
                           f"{name}: {len(diags)} diagnostic(s) in {seconds:.1f} s")
        broken = sorted({d.file for d in diags if d.file and _is_syntax(d.code)})
        run = _Rerun(root, exe, name, project, timeout, broken, result)
        if broken:
            _second_pass(run)
        if not broken or run.standins:
            _root_imports_pass(run, node_modules)
            _rejected_properties_pass(run)
        return result
    return last or TscResult("error", comps[-1][0], 0.0, detail="compiler did not run")


def _is_syntax(code: int) -> bool:
    return 1000 <= code < 2000 or code in (18026,)


@dataclass
class _Rerun:
    """What the later passes share: the compiler, the files that do not parse and the stand-ins that replace
    them (text per file, set once a second pass ran clean of syntax errors)."""

    root: Path
    exe: Path
    name: str
    project: str
    timeout: float
    broken: list[str]
    result: TscResult
    standins: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)  # texts of the package-root import pass, once it ran clean

    def first_error(self, file: str) -> int:
        return min((d.line or 1 for d in self.result.diagnostics if d.file == file and _is_syntax(d.code)),
                   default=1)

    def tsc(self, replaced: dict[str, str]) -> list[Diagnostic] | None:
        """tsc with some files' text replaced on the copy (restored whatever happens); None if unreadable."""
        originals: dict[str, bytes] = {}
        try:
            for f in replaced:
                originals[f] = (self.root / f).read_bytes()
        except OSError:
            return None
        try:
            for f, text in replaced.items():
                _rewrite(self.root / f, text.encode())
            argv = [str(self.exe), "--noEmit", "--skipLibCheck", "--pretty", "false", "-p", self.project]
            if "5.9" in self.name:
                argv = [noderun.node(), *argv]
            r = noderun.run(argv, self.root, timeout=self.timeout, memory_mb=3072)
            return [d for d in parse(r.stdout + "\n" + r.stderr) if d.file and d.code < 5000]
        finally:
            for f, data in originals.items():
                _rewrite(self.root / f, data)

    def keep(self, diags: list[Diagnostic]) -> list[Diagnostic]:
        """What a pass with stand-ins may report: in a stand-in only what its kept import lines can be wrong
        about; elsewhere anything but an echo of a broken module; nothing already reported."""
        from iacqa.frontends.node.standin import IMPORT_CODES

        echoes = [_module_echo(f) for f in self.broken]
        seen = {(d.file, d.line, d.code) for d in self.result.diagnostics}
        out = []
        for d in diags:
            if (d.file, d.line, d.code) in seen:
                continue
            if d.file in self.broken:
                if d.code in IMPORT_CODES and (d.line or 0) < self.first_error(d.file):
                    out.append(d)
            elif not any(rx.search(d.message + "\n" + d.detail) for rx in echoes):
                out.append(d)
        return out


def _second_pass(run: _Rerun) -> None:
    """tsc reports no type error at all while any file of the program does not parse, and excluding that file
    does not help when another one imports it (the entry imports lib/tap-stack.ts). Type-check again with each
    file that does not parse replaced by a stand-in (frontends/node/standin.py: its import declarations on their
    lines, its exports typed any), so every other file gets its full type check and the broken file's own
    imports are checked too."""
    from iacqa.frontends.node.standin import stand_in

    originals: dict[str, str] = {}
    try:
        for f in run.broken:
            originals[f] = (run.root / f).read_text(errors="replace")
    except OSError:
        return
    for keep_imports in (True, False):
        standins = {f: stand_in(t, run.first_error(f), keep_imports) for f, t in originals.items()}
        diags = run.tsc(standins)
        if diags is None:
            return
        if keep_imports and any(_is_syntax(d.code) and d.file in run.broken for d in diags):
            continue  # an import kept from a broken file does not parse after all: stand-ins without them
        if any(_is_syntax(d.code) for d in diags):
            return
        new = run.keep(diags)
        run.result.diagnostics.extend(new)
        run.standins = standins
        how = "its imports kept" if keep_imports else "no imports"
        run.result.detail += (f"; second pass with {', '.join(run.broken)} replaced by a stand-in ({how}, exports "
                              f"typed any; they do not parse): {len(new)} more")
        return


def _root_imports_pass(run: _Rerun, node_modules: Path) -> None:
    """Names imported from a package root that a namespace of it exports (TS2724 with tsc's suggestion) are
    typed any, which hides every error in their use. Import them from their submodule on the copy and check once
    more (frontends/node/root_imports.py); what appears is revealed_by the import's diagnostic."""
    from iacqa.frontends.node.root_imports import NO_MEMBER, Fix, rewrite, submodule

    fixes: dict[str, list[tuple[Fix, Diagnostic]]] = {}
    for d in run.result.diagnostics:
        m = NO_MEMBER.match(d.message) if d.code == 2724 and d.file else None
        spec = m and submodule(node_modules, m["pkg"], m["ns"], m["name"])
        if m and spec:
            fixes.setdefault(d.file, []).append((Fix(m["name"], m["pkg"], spec), d))
    if not fixes:
        return
    texts = dict(run.standins)
    rewritten: dict[str, set[int]] = {}
    try:
        for f, items in fixes.items():
            text = texts.get(f) or (run.root / f).read_text(errors="replace")
            texts[f], spans = rewrite(text, [fx for fx, _ in items])
            rewritten[f] = {n for a, b in spans for n in range(a, b + 1)}
    except OSError:
        return
    diags = run.tsc(texts)
    if diags is None or any(_is_syntax(d.code) for d in diags):
        return
    new = [d for d in run.keep(diags) if d.line not in rewritten.get(d.file or "", set())]
    for d in new:
        d.revealed_by = _revealing(d, fixes)
    run.result.diagnostics.extend(new)
    run.fixed = texts
    n = sum(len(v) for v in fixes.values())
    run.result.detail += (f"; pass with {n} package-root import(s) taken from their submodule (as tsc suggests): "
                          f"{len(new)} more")


# A property of an object literal that tsc rejects (wrong type, unknown name): tsc checks no further property of that
# literal against its type, so the next wrong one shows only once this one is fixed.
PROPERTY_CODES = {2322, 2353, 2561}


def _rejected_properties_pass(run: _Rerun) -> None:
    """Blank the object-literal properties tsc rejected (js/drop_properties.js; lines kept) and check once more:
    what appears in those literals is `revealed_by` the rejected property before it (corpus cdktf-ts Pr4253:
    `serverSideEncryptionConfiguration` TS2322 on an S3Bucket hid `blockPublicAcls` TS2353)."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in run.result.diagnostics:
        if d.file and d.code in PROPERTY_CODES and d.line and d.col and d.file not in run.broken \
                and d.file.startswith(("lib/", "bin/")):
            by_file.setdefault(d.file, []).append(d)
    if not by_file:
        return
    texts = {**run.standins, **run.fixed}
    dropped: dict[str, set[int]] = {}
    scratch = run.root / ".iacqa-drop-input"
    try:
        for f, ds in by_file.items():
            scratch.write_text(texts.get(f) or (run.root / f).read_text(errors="replace"))
            r = noderun.run([noderun.node(), noderun.script("drop_properties.js"), str(run.root), f,
                             *(f"{d.line}:{d.col}" for d in ds)], run.root, timeout=60, memory_mb=1024,
                            env={"IACQA_TEXT_FILE": str(scratch)})
            try:
                out = json.loads(r.stdout) if r.status == "ok" else {}
            except ValueError:
                out = {}
            if out.get("ok"):
                texts[f] = str(out["text"])
                dropped[f] = {int(line) for line, _ in out.get("dropped") or []}
    except OSError:
        return
    finally:
        scratch.unlink(missing_ok=True)
    if not dropped:
        return
    diags = run.tsc(texts)
    if diags is None or any(_is_syntax(d.code) for d in diags):
        return
    seen = {(d.file, d.line) for d in run.result.diagnostics}
    # only what tsc had not reached: an unknown property (blanking one never adds another, so it cannot be the
    # blanking's own echo, as a missing required property would be) below a blanked one of the same file
    new = [d for d in run.keep(diags) if d.code in (2353, 2561) and d.file in dropped
           and (d.file, d.line) not in seen and any(line < (d.line or 0) for line in dropped[d.file])]
    for d in new:
        src = max((x for x in by_file[d.file or ""] if (x.line or 0) < (d.line or 0)), key=lambda x: x.line or 0)
        d.revealed_by = (src.file or "", src.line or 0, src.code)
    run.result.diagnostics.extend(new)
    n = sum(len(v) for v in dropped.values())
    run.result.detail += f"; pass with {n} rejected object-literal propert(ies) blanked: {len(new)} more"


def _revealing(d: Diagnostic, fixes: dict[str, list]) -> tuple[str, int, int]:
    """The import diagnostic whose fix revealed d: one naming a name d mentions, else the first of d's file."""
    cands = fixes.get(d.file or "") or next(iter(fixes.values()))
    words = set(re.findall(r"[A-Za-z_$][\w$]*", d.message + " " + d.detail))
    named = [(len(fx.name), src) for fx, src in cands if any(w.startswith(fx.name) for w in words)]
    src = max(named, key=lambda x: x[0])[1] if named else cands[0][1]  # S3BucketConfig: S3Bucket, not S3
    return (src.file, src.line, src.code)


def _rewrite(path: Path, data: bytes) -> None:
    """Write a new file in place of path (the workspace copy may hold hard links or read-only files)."""
    path.unlink(missing_ok=True)
    path.write_bytes(data)


def _module_echo(file: str) -> re.Pattern[str]:
    """A message naming the broken module (`Module '"../lib/tap-stack"' has no exported member 'X'`) is an echo
    of that file not parsing, not an error of the importing file."""
    stem = re.escape(Path(file).with_suffix("").name)
    return re.compile(r"""["'/\\]""" + stem + r"""(?:\.[cm]?[jt]sx?)?["']""")


def _token_at(line_text: str, col: int) -> str:
    """The dotted expression that ends at or spans column col (1-based): `ec2.Vpc.fromLookup`."""
    i = min(max(0, col - 1), len(line_text))
    start = i
    while start > 0 and (line_text[start - 1].isalnum() or line_text[start - 1] in "_$."):
        start -= 1
    end = i
    while end < len(line_text) and (line_text[end].isalnum() or line_text[end] in "_$"):
        end += 1
    return line_text[start:end]


def _suggestion(text: str) -> str | None:
    m = re.search(r"Did you mean (?:to write )?'([^']+)'\?", text)
    return m.group(1) if m else None


def findings(result: TscResult, root: Path, records: list[dict], files: set[str],
             declared_modules: set[str] | None = None, installed: set[str] | None = None) -> list[Finding]:
    """Diagnostics -> findings. `records` are the sites scan of the same files; `files` the project's own files
    (diagnostics in files iacqa added are about the scaffold and dropped). A TS2307 for a module the scaffold
    declares but the toolchain does not hold is not reported (the pipeline has it)."""
    out: list[Finding] = []
    keys: list[tuple] = []  # (file, line, code) of each finding's diagnostic, for revealed_by
    local_types = _local_types(root, files)
    texts: dict[str, list[str]] = {}
    bindings: dict[str, dict[str, str]] = {}
    for d in result.diagnostics:
        if d.file is None:
            continue
        rel = d.file.removeprefix("./")
        if rel not in files:
            continue
        if rel not in texts:
            try:
                t = (root / rel).read_text(errors="replace")
            except OSError:
                t = ""
            texts[rel] = t.splitlines()
            bindings[rel] = iac_bindings(t)
        lines = texts[rel]
        line_text = lines[d.line - 1] if d.line and 0 < d.line <= len(lines) else ""
        full = d.message + ("\n" + d.detail if d.detail else "")
        if d.code == 2307:
            mod = re.search(r"Cannot find module '([^']+)'", d.message)
            name = mod.group(1) if mod else ""
            if name and not name.startswith(".") and _pkg(name) in (declared_modules or set()) \
                    and _pkg(name) not in (installed or set()):
                continue  # the pipeline installs it; iacqa's toolchain does not carry it
        loc = Location(rel, d.line)
        error = f"{rel}({d.line},{d.col}): error TS{d.code}: {d.message}"
        fix = _fix(d, full)
        sdk, where = _sdk_context(d, full, line_text, bindings[rel], records, rel, local_types)
        is_test = rel.startswith(("test/", "tests/")) or ".test." in rel or ".spec." in rel
        msg = f"TS{d.code}: {d.message}" + (f" ({where})" if where else "")
        if d.detail:
            msg += " — " + " ".join(d.detail.split())[:400]
        if _is_syntax(d.code):
            f = TsSyntaxError.finding(msg, location=loc, error=error, fix=fix or "fix the syntax: nothing in the "
                                      "file can run", symbol=f"TS{d.code}")
        elif d.code in ENVIRONMENT_TYPES:
            # `process`/`console`/`describe` unknown: the tsconfig in use does not load @types/node or @types/jest
            # (a response's own tsconfig with `types: []` or a bare `lib`); the code itself is not wrong
            f = TsCompileError.finding(msg + " (the tsconfig does not load the Node.js/Jest type definitions)",
                                       location=loc, error=error, symbol=f"TS{d.code}", severity=Severity.MEDIUM,
                                       fix="keep the scaffold's tsconfig.json (types: node, jest; lib es2022)")
        elif d.code in STRICT_ONLY:
            # ts-jest compiles tests with the jest config's own compiler options (not strict): low there.
            f = TsStrictOnly.finding(msg, location=loc, error=error, fix=fix or "add the type (or a null check) the "
                                     "strict compiler asks for", symbol=f"TS{d.code}",
                                     severity=Severity.LOW if is_test else None)
        elif is_test:
            f = TsTestCompileError.finding(msg, location=loc, error=error, fix=fix, symbol=f"TS{d.code}")
        elif sdk:
            f = TsSdkApi.finding(msg + "; `cdk synth`/`pulumi up`/`npm run build` stop here", location=loc,
                                 error=error, fix=fix, symbol=f"TS{d.code}")
        else:
            f = TsCompileError.finding(msg, location=loc, error=error, fix=fix, symbol=f"TS{d.code}")
        out.append(f.with_(snippet=line_text.rstrip() or None))
        keys.append(((d.file, d.line, d.code), d.revealed_by))
    prints = {key: f.fingerprint for (key, _), f in zip(keys, out, strict=True)}
    return [f.with_(revealed_by=prints[by]) if by in prints else f for (_, by), f in zip(keys, out, strict=True)]


def _local_types(root: Path, files: set[str]) -> set[str]:
    """Interfaces and types the project declares itself (TapStackProps): not the SDK's."""
    out: set[str] = set()
    for rel in files:
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        out.update(re.findall(r"\b(?:interface|type|class)\s+(\w+)", text))
    return out


def _pkg(module: str) -> str:
    parts = module.split("/")
    return "/".join(parts[:2]) if module.startswith("@") else parts[0]


def _fix(d: Diagnostic, full: str) -> str | None:
    sug = _suggestion(full)
    if sug:
        bad = re.search(r"'([^']+)'", d.message)
        return f"use `{sug}`" + (f" instead of `{bad.group(1)}`" if bad else "") + " (the compiler's suggestion)"
    if d.code == 2554:
        return "pass the number of arguments the signature declares (see the SDK's type definitions)"
    if d.code in (2353, 2561):
        return "remove the property or use the name the props interface declares"
    if d.code == 2307:
        return "import a module that exists (check the package name and path), or add the file"
    return None


def _sdk_context(d: Diagnostic, full: str, line_text: str, binds: dict[str, str], records: list[dict],
                 rel: str, local_types: set[str] = frozenset()) -> tuple[bool, str]:
    """Whether the diagnostic is about the IaC SDK, and a short 'where' (the construct call) for the message."""
    sdk_mod = re.search(r"['\"](aws-cdk-lib[^'\"]*|constructs|@pulumi/[^'\"]+|cdktf[^'\"]*|@cdktf/[^'\"]+)['\"]", full)
    if sdk_mod:
        return True, f"module {sdk_mod.group(1)}"
    if d.code in SDK_CODES_ALWAYS:
        return False, ""
    sdk_type = re.search(r"'((?:Output|Input|OutputInstance|Lifted\w*|Duration|IResolvable|RemovalPolicy|"
                         r"TerraformStack|TerraformOutput|Token|Fn|CfnResource|Size|Expiration)\b[^']*)'", full)
    if sdk_type:
        return True, f"SDK type {sdk_type.group(1)[:60]}"
    token = _token_at(line_text, d.col or 1)
    root_name = token.split(".")[0] if token else ""
    if root_name in binds:
        return True, f"`{token}` from {binds[root_name]}"
    call = innermost(records, rel, d.line or 0)
    if call is not None:
        callee = call.get("cls", "")
        head = callee.split(".")[0].split("<")[0]
        if head in binds:
            return True, f"in `new {callee}(...)` at line {call['line']} ({binds[head]})"
    # A member missing on a class the SDK exports (`fn.addToRolePolicyy` on 'Function', `.addCatch` on 'Chain'):
    # the named type is neither the project's own nor a JavaScript built-in, and the file imports the SDK.
    on_type = re.search(r"does not exist on type '(?:typeof )?([A-Z]\w*)(?:<[^']*>)?'", d.message)
    if on_type and binds and on_type.group(1) not in local_types and on_type.group(1) not in JS_BUILTINS:
        return True, f"type {on_type.group(1)}"
    # Props/Args interfaces of the SDK named in the message (QueueProps, BucketArgs, S3BucketConfig...)
    typ = re.search(r"type '(\w+(?:Props|Args|Config|Options))'", full)
    if typ and typ.group(1) not in local_types and any(callee_bound(rec, binds) for rec in records
                                                       if rec.get("file") == rel):
        return True, f"type {typ.group(1)}"
    return False, ""


def callee_bound(rec: dict, binds: dict[str, str]) -> bool:
    return rec.get("cls", "").split(".")[0] in binds
