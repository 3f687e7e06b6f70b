"""Static judgment of the project's tests: are there any, do they assert, can they work as written.

Python tests are read with `ast`; TypeScript/JavaScript (jest) tests with a small scanner that matches `test(...)` /
`it(...)` calls while skipping strings, template literals and comments. Each test case gets a verdict:
ok | placeholder | no-assert | exists-only; the project-level findings (no unit / no integration tests) count only
tests whose verdict is ok.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.catalog.tests import (
    AssertionFreeTest,
    Boto3PatchedAfterImport,
    FileExistsOnlyTest,
    IntegrationNoDiscovery,
    NoIntegrationTests,
    NoUnitTests,
    PlaceholderTest,
)
from iacqa.model import Finding, Location
from iacqa.testsuite.discover import TestFile


@dataclass
class Case:
    file: str
    name: str
    line: int
    kind: str  # unit | integration
    language: str
    verdict: str = "ok"  # ok | placeholder | no-assert | exists-only
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "name": self.name, "line": self.line, "kind": self.kind,
                "language": self.language, "verdict": self.verdict, "why": self.why}


@dataclass
class Judgment:
    cases: list[Case] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: list[TestFile] = field(default_factory=list)

    def meaningful(self, kind: str) -> int:
        return sum(1 for c in self.cases if c.kind == kind and c.verdict == "ok")


def _snippet(lines: list[str], line: int) -> str | None:
    return lines[line - 1].rstrip() if 0 < line <= len(lines) else None


def judge(root: Path, files: list[TestFile]) -> Judgment:
    root = Path(root)
    j = Judgment(files=list(files))
    for tf in files:
        try:
            text = (root / tf.path).read_text(errors="replace")
        except OSError:
            continue
        if tf.language == "python":
            _judge_python(root, tf, text, j)
        else:
            _judge_js(tf, text, j)
    for kind, rule, what in (("unit", NoUnitTests, "unit"), ("integration", NoIntegrationTests, "integration")):
        if j.meaningful(kind):
            continue
        mine = [c for c in j.cases if c.kind == kind]
        nfiles = sum(1 for f in files if f.kind == kind)
        if not nfiles:
            msg = f"the project has no {what} test files"
        elif not mine:
            msg = f"{nfiles} {what} test file(s) but no test in them"
        else:
            kinds = sorted({c.verdict for c in mine})
            msg = (f"{len(mine)} {what} test(s), none of which tests anything: all are "
                   + ", ".join(kinds).replace("no-assert", "assertion-free").replace("exists-only", "file-exists checks"))
        fix = ("add unit tests for the stack (synth under mocks) and for each handler (mocked clients), "
               "covering every branch" if kind == "unit" else
               "add integration tests that read the stack outputs (with discovery as fallback) and drive the "
               "deployed flow with the AWS SDK")
        j.findings.append(rule.finding(msg, fix=fix))
    j.findings = group_per_file(j.findings)
    return j


# ----------------------------------------------------------------------------------------------------------- python
_ASSERT_CALLS = {"fail", "raises", "warns", "deprecated_call", "approx"}
_LOADERS = {"reload", "import_module", "spec_from_file_location", "exec_module", "__import__", "module_from_spec",
            "run_path", "load_source"}
_EXISTS = {"exists", "isfile", "isdir", "is_file", "is_dir", "existsSync", "lexists"}


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        f = node.func
        if isinstance(f, ast.Name):
            return f.id
        if isinstance(f, ast.Attribute):
            return f.attr
    return None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _dotted(node.value) + "." + node.attr
    if isinstance(node, ast.Call):
        return _dotted(node.func) + "()"
    return "?"


def _is_assertion_site(node: ast.AST, helpers: set[str]) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Raise) and node.exc is not None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        return isinstance(exc, ast.Name) and exc.id == "AssertionError"
    name = _call_name(node)
    if name is None:
        return False
    return name.startswith("assert") or name in _ASSERT_CALLS or name in helpers


def _asserts(fn: ast.AST, helpers: set[str]) -> list[ast.AST]:
    return [n for n in ast.walk(fn) if _is_assertion_site(n, helpers)]


def _asserting_helpers(tree: ast.Module, tests: set[int]) -> set[str]:
    """Names of non-test functions in the file that assert (directly or through another such helper)."""
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and id(n) not in tests]
    helpers: set[str] = set()
    changed = True
    while changed:
        changed = False
        for fn in funcs:
            if fn.name not in helpers and any(_is_assertion_site(n, helpers) for n in ast.walk(fn) if n is not fn):
                helpers.add(fn.name)
                changed = True
    return helpers


def _is_test_class(cls: ast.ClassDef) -> bool:
    if cls.name.startswith("Test"):
        return True
    return any(_dotted(b).endswith("TestCase") for b in cls.bases)


def _test_functions(tree: ast.Module) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str | None]]:
    out: list[tuple[Any, str | None]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            out.append((node, None))
        elif isinstance(node, ast.ClassDef) and _is_test_class(node):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    out.append((item, node.name))
    return out


def _body(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(
            body[0].value.value, str):
        body = body[1:]
    return body


def _placeholder(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, str] | None:
    body = _body(fn)
    if all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in body):
        return (body[0].lineno if body else fn.lineno), "its body is empty (`pass`)"
    for s in body[:1]:  # a failing statement after real work is an assertion (`self.fail` after a poll)
        if isinstance(s, ast.Assert) and isinstance(s.test, ast.Constant) and not s.test.value:
            return s.lineno, f"`assert {s.test.value!r}` always fails"
        if isinstance(s, ast.Raise) and s.exc is not None and _dotted(
                s.exc.func if isinstance(s.exc, ast.Call) else s.exc).endswith("NotImplementedError"):
            return s.lineno, "it raises NotImplementedError"
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            name = _call_name(s.value)
            args = s.value.args
            if name == "fail":
                return s.lineno, f"`{_dotted(s.value.func)}(...)` fails unconditionally"
            if name in ("assertTrue", "assertFalse") and args and isinstance(args[0], ast.Constant):
                if bool(args[0].value) != (name == "assertTrue"):
                    return s.lineno, f"`{name}({args[0].value!r})` always fails"
    return None


def _exists_only(sites: list[ast.AST]) -> bool:
    if not sites:
        return False
    for s in sites:
        calls = {_call_name(n) for n in ast.walk(s) if isinstance(n, ast.Call)} - {_call_name(s)}
        if not calls & _EXISTS:
            return False
    return True


def _judge_python(root: Path, tf: TestFile, text: str, j: Judgment) -> None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return  # the syntax stage reports it; running the tests reports the collection error
    lines = text.splitlines()
    tests = _test_functions(tree)
    helpers = _asserting_helpers(tree, {id(fn) for fn, _ in tests})
    for fn, cls in tests:
        name = f"{cls}.{fn.name}" if cls else fn.name
        case = Case(tf.path, name, fn.lineno, tf.kind, "python")
        ph = _placeholder(fn)
        sites = _asserts(fn, helpers)
        if ph:
            case.verdict, case.why = "placeholder", ph[1]
            j.findings.append(PlaceholderTest.finding(
                f"{name} is a placeholder: {ph[1]}", location=Location(tf.path, ph[0]),
                snippet=_snippet(lines, ph[0]), fix="write a test that exercises the code and asserts on the result"))
        elif not sites:
            case.verdict, case.why = "no-assert", "no assertion"
            j.findings.append(AssertionFreeTest.finding(
                f"{name} asserts nothing: it passes as long as nothing raises",
                location=Location(tf.path, fn.lineno), snippet=_snippet(lines, fn.lineno),
                fix="assert on what the code returns or on the calls it makes"))
        elif _exists_only(sites):
            case.verdict, case.why = "exists-only", "only checks that a file exists"
            j.findings.append(FileExistsOnlyTest.finding(
                f"{name} only checks that a file exists", location=Location(tf.path, fn.lineno),
                snippet=_snippet(lines, fn.lineno), fix="assert on the resources and properties the code declares"))
        j.cases.append(case)
    j.findings.extend(_boto3_patch_findings(root, tf, tree, lines, tests))
    if tf.kind == "integration":
        j.findings.extend(_integration_python(tf, tree, text, lines))


# -- TST010: boto3 patched after module-level clients were created ------------------------------------------------
class _PathEval(ast.NodeVisitor):
    """Evaluate the few expressions tests use to build sys.path entries (os.path.join(dirname(__file__), ...))."""

    def __init__(self, test_file: Path) -> None:
        self.file = test_file

    def ev(self, node: ast.AST) -> str | None:  # noqa: C901 - a small evaluator
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name) and node.id == "__file__":
            return str(self.file)
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            args = [self.ev(a) for a in node.args]
            if any(a is None for a in args):
                return None
            if name.endswith("path.join") and args:
                return os.path.join(*args)  # type: ignore[arg-type]
            if name.endswith(("dirname", ".parent")) and len(args) == 1:
                return os.path.dirname(args[0])  # type: ignore[arg-type]
            if name.endswith(("abspath", "realpath", "normpath", "resolve")) or name in ("str", "Path", "pathlib.Path"):
                if len(args) == 1:
                    return os.path.normpath(args[0])  # type: ignore[arg-type]
                if name.endswith("resolve") and isinstance(node.func, ast.Attribute):
                    return self.ev(node.func.value)
            if name.endswith("resolve") and not args and isinstance(node.func, ast.Attribute):
                return self.ev(node.func.value)
            return None
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            base = self.ev(node.value)
            return os.path.dirname(base) if base else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            a, b = self.ev(node.left), self.ev(node.right)
            return os.path.join(a, b) if a and b else None
        return None


def _module_level(tree: ast.Module) -> list[ast.stmt]:
    """Top-level statements, looking into module-level if/try/with blocks."""
    out: list[ast.stmt] = []
    stack = list(tree.body)
    while stack:
        s = stack.pop(0)
        out.append(s)
        if isinstance(s, (ast.If, ast.Try, ast.With)):
            stack[:0] = list(s.body) + list(getattr(s, "orelse", [])) + [
                x for h in getattr(s, "handlers", []) for x in h.body] + list(getattr(s, "finalbody", []))
    return out


def _module_clients(path: Path) -> list[tuple[int, str]]:
    """(line, source) of boto3 clients/resources a module creates when it is imported."""
    try:
        tree = ast.parse(path.read_text(errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return []
    src = path.read_text(errors="replace").splitlines()
    out = []
    for s in _module_level(tree):
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for n in ast.walk(s):
            if isinstance(n, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                break
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("client", "resource"):
                base = _dotted(n.func.value)
                if base == "boto3" or base.startswith(("boto3.session.Session", "boto3.Session")):
                    out.append((n.lineno, src[n.lineno - 1].strip() if n.lineno <= len(src) else ""))
    return out


def _resolve(mod: str, bases: list[Path]) -> Path | None:
    rel = Path(*mod.split("."))
    for b in bases:
        for cand in (b / (str(rel) + ".py"), b / rel / "__init__.py"):
            if cand.is_file():
                return cand
    return None


def _imported_modules(root: Path, tf: TestFile, tree: ast.Module) -> list[tuple[Path, int]]:
    """Project modules the test file imports at its top (and the line of the import)."""
    test_path = root / tf.path
    ev = _PathEval(test_path)
    bases = [test_path.parent, root, root / "lib"]
    top = _module_level(tree)
    for s in top:
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and _dotted(s.value.func).endswith(
                ("sys.path.insert", "sys.path.append")) and s.value.args:
            val = ev.ev(s.value.args[-1])
            if val:
                bases.insert(0, Path(os.path.normpath(val)))
    local_loaders = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and any(_call_name(c) in _LOADERS for c in ast.walk(n))}
    out: list[tuple[Path, int]] = []
    for s in top:
        names: list[str] = []
        if isinstance(s, ast.Import):
            names = [a.name for a in s.names]
        elif isinstance(s, ast.ImportFrom):
            mod = s.module or ""
            if s.level:
                pkg = Path(tf.path).parent
                for _ in range(s.level - 1):
                    pkg = pkg.parent
                mod = ".".join([*pkg.parts, *(mod.split(".") if mod else [])])
            names = [f"{mod}.{a.name}" if mod else a.name for a in s.names] + ([mod] if mod else [])
        elif isinstance(s, (ast.Assign, ast.Expr)) and isinstance(s.value, ast.Call):
            cname = _call_name(s.value)
            if cname in local_loaders or cname in _LOADERS:
                for a in ast.walk(s.value):
                    if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value:
                        out += [(p, s.lineno) for p in _files_named(root, a.value)]
            continue
        for n in names:
            if n.split(".")[0] in ("boto3", "botocore", "moto", "pytest", "unittest", "os", "sys", "json", "pulumi"):
                continue
            p = _resolve(n, bases)
            if p is not None and _inside(p, root) and p.resolve().relative_to(root.resolve()).parts[0] not in (
                    "tests", "test"):
                out.append((p, s.lineno))
    return out


def _inside(p: Path, root: Path) -> bool:
    try:
        p.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _files_named(root: Path, token: str) -> list[Path]:
    """Project code files a dynamic loader call names (`load_lambda_module('api_handler')`)."""
    token = token.strip("/")
    out = []
    for p in root.rglob("*.py"):
        rel = p.relative_to(root).as_posix()
        if rel.startswith(("tests/", "test/")) or "/." in "/" + rel:
            continue
        parts = rel[:-3].split("/")
        if token in parts or rel.endswith(token) or rel[:-3].endswith(token):
            out.append(p)
    return out


def _patch_target(dec: ast.AST) -> str | None:
    """'boto3.client' for @patch('boto3.client'), @mock.patch(...), patch.object(boto3, 'client')."""
    if not isinstance(dec, ast.Call):
        return None
    name = _dotted(dec.func)
    if name.endswith("patch.object") and len(dec.args) >= 2 and isinstance(dec.args[1], ast.Constant):
        return f"{_dotted(dec.args[0])}.{dec.args[1].value}"
    if (name == "patch" or name.endswith(".patch")) and dec.args and isinstance(dec.args[0], ast.Constant):
        return str(dec.args[0].value)
    return None


def _is_boto3_target(t: str | None) -> bool:
    return bool(t) and t.split(".")[-2:] in (["boto3", "client"], ["boto3", "resource"], ["boto3", "Session"]) or bool(
        t and re.search(r"boto3\.session\.Session$", t))


def _boto3_patch_findings(root: Path, tf: TestFile, tree: ast.Module, lines: list[str],
                          tests: list[tuple[Any, str | None]]) -> list[Finding]:
    patch_sites: list[tuple[ast.AST, int, str, ast.AST]] = []  # (scope, line, target, node)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    for fn, cls in tests:
        for dec in fn.decorator_list:
            t = _patch_target(dec)
            if _is_boto3_target(t):
                patch_sites.append((fn, dec.lineno, t, dec))  # type: ignore[arg-type]
        for n in ast.walk(fn):
            if isinstance(n, (ast.With, ast.AsyncWith)):
                for item in n.items:
                    t = _patch_target(item.context_expr)
                    if _is_boto3_target(t):
                        patch_sites.append((n, item.context_expr.lineno, t, item.context_expr))  # type: ignore[arg-type]
        if cls and cls in classes:
            for dec in classes[cls].decorator_list:
                t = _patch_target(dec)
                if _is_boto3_target(t) and all(s[1] != dec.lineno for s in patch_sites):
                    patch_sites.append((fn, dec.lineno, t, dec))  # type: ignore[arg-type]
    for cls_node in classes.values():  # patch(...).start() in setUp
        for n in ast.walk(cls_node):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "start":
                t = _patch_target(n.func.value)
                if _is_boto3_target(t):
                    patch_sites.append((cls_node, n.lineno, t, n))  # type: ignore[arg-type]
    if not patch_sites:
        return []
    imported = _imported_modules(root, tf, tree)
    with_clients = []
    for p, imp_line in imported:
        cl = _module_clients(p)
        if cl:
            with_clients.append((p, imp_line, cl))
    if not with_clients:
        return []
    local_loaders = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and any(_call_name(c) in _LOADERS for c in ast.walk(n))}
    out, seen = [], set()
    for scope, line, target, _node in patch_sites:
        if line in seen:
            continue
        reloads = any(isinstance(n, (ast.Import, ast.ImportFrom)) or _call_name(n) in _LOADERS | local_loaders
                      for n in ast.walk(scope))
        if reloads:
            continue  # the module is loaded again while the patch is active
        seen.add(line)
        p, imp_line, cl = with_clients[0]
        rel = p.relative_to(root).as_posix() if _inside(p, root) else str(p)
        cl_text = "; ".join(f"line {ln}: `{src}`" for ln, src in cl[:3])
        out.append(Boto3PatchedAfterImport.finding(
            f"patches `{target}` after {rel} was imported at line {imp_line} of this file and created its "
            f"client(s) at import ({cl_text}); the code under test keeps the real client and the mock is never used",
            location=Location(tf.path, line), snippet=_snippet(lines, line),
            error="the handler calls the real client: NoCredentialsError / EndpointConnectionError, or "
            "`AssertionError: 500 != 202`",
            fix=f"patch the module's own client (`@patch.object({Path(rel).stem}, '{_client_var(p, cl[0][0])}')`), or "
            "patch boto3 with a context manager and load the module inside it (`importlib.reload`)",
            module=rel))
    return out


def _client_var(path: Path, line: int) -> str:
    try:
        src = path.read_text(errors="replace").splitlines()[line - 1]
    except (OSError, IndexError):
        return "client"
    m = re.match(r"\s*(\w+)\s*=", src)
    return m.group(1) if m else "client"


# -- TST020: integration tests without discovery ---------------------------------------------------------------------
_DISCOVERY = re.compile(
    r"os\.environ|os\.getenv|process\.env|describe_stacks|DescribeStacks|list_stacks|ListStacks|get_resources\b|"
    r"GetResources|list_tables|ListTables|list_queues|ListQueues|list_functions|ListFunctions|list_topics|"
    r"ListTopics|list_buckets|ListBuckets|list_rest_apis|GetRestApis|get_rest_apis|list_apis|get_apis|GetApis|"
    r"stack output|stack_output|automation\.select_stack|_discover|discover_")
_SKIP = re.compile(r"skipTest\(|pytest\.skip\(|SkipTest|skipIf|skipUnless|mark\.skip|\b(test|it|describe)\.skip\b|"
                   r"\bdescribeIf\b|\bitIf\b|\btestIf\b")
_OUTPUTS = re.compile(r"flat-outputs\.json|cfn-outputs|all-outputs\.json")
_STACK_LITERAL = re.compile(r"""(StackName\s*[=:]\s*|stack_?[nN]ame\s*[=:]\s*|STACK_NAME\s*[=:]\s*)(['"`])([\w-]+)\2""")


def _integration_common(tf: TestFile, text: str, lines: list[str]) -> list[Finding]:
    if _DISCOVERY.search(text) or _SKIP.search(text):
        return []
    for i, line in enumerate(lines, 1):
        if _OUTPUTS.search(line) and not line.lstrip().startswith(("#", "//", "*")):
            raises = bool(re.search(r"raise \w*(Error|Exception)|throw new \w*Error", text))
            how = ("and raise when it is missing" if raises else
                   "and fail when it is missing (the open is not guarded)")
            return [IntegrationNoDiscovery.finding(
                f"the integration tests read the outputs from a fixed path {how}; there is no discovery "
                "(environment, stack outputs, AWS names) and no skip", location=Location(tf.path, i),
                snippet=lines[i - 1].rstrip(),
                error="FileNotFoundError: Stack outputs not found at cfn-outputs/flat-outputs.json",
                fix="read the file when present; otherwise discover the resources (env vars, `pulumi stack output "
                "--json`, CloudFormation describe_stacks, list by name prefix and environment suffix) or skip with "
                "a reason")]
    for i, line in enumerate(lines, 1):
        m = _STACK_LITERAL.search(line)
        if m:
            return [IntegrationNoDiscovery.finding(
                f"the integration tests name the stack literally ({m.group(3)!r}) with no discovery: any other "
                "environment suffix or stack name makes every test fail", location=Location(tf.path, i),
                snippet=line.rstrip(), error=f"Stack with id {m.group(3)} does not exist",
                fix="derive the stack name from PULUMI_STACK / ENVIRONMENT_SUFFIX, or select the current stack")]
    return []


def _integration_python(tf: TestFile, tree: ast.Module, text: str, lines: list[str]) -> list[Finding]:
    return _integration_common(tf, text, lines)


# ----------------------------------------------------------------------------------------------------------- js/ts
_JS_CALL = re.compile(r"(?<![\w.$])(test|it|itIf|testIf|itif|itIfDeployed)(\.only|\.concurrent|\.todo|\.failing)?\s*\(\s*(['\"`])")


def _skip_string(src: str, i: int) -> int:
    q = src[i]
    i += 1
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == q:
            return i + 1
        if q == "`" and c == "$" and src.startswith("${", i):
            i = _match(src, i + 1, "{", "}")
            continue
        i += 1
    return i


def _match(src: str, i: int, open_: str, close: str) -> int:
    """Index just after the bracket matching src[i] (== open_), skipping strings and comments."""
    depth = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c in "'\"`":
            i = _skip_string(src, i)
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _strip_comments(s: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", s, flags=re.S)


_JS_PLACEHOLDER = re.compile(
    r"expect\(\s*(false|true)\s*\)\s*\.\s*(toBe|toEqual|toStrictEqual)\(\s*(true|false)\s*\)|(?<![\w.])fail\(|"
    r"throw new Error\(\s*['\"`](TODO|not implemented|implement)", re.I)


# Assertions without expect(): node's assert module, and the CDK assertions library's Template/Annotations
# methods, which throw when the template does not match (`template.hasResourceProperties('AWS::S3::Bucket', {...})`).
_JS_ASSERTS = re.compile(
    r"\bassert(\.\w+)?\s*\(|\.rejects|\.resolves|toThrow|\.(hasResourceProperties|hasResource|resourceCountIs|"
    r"resourcePropertiesCountIs|hasOutput|hasMapping|hasCondition|hasParameter|templateMatches|allResources|"
    r"allResourcesProperties|hasError|hasWarning|hasInfo|hasNoError|hasNoWarning|hasNoInfo)\s*\(")


def _judge_js(tf: TestFile, text: str, j: Judgment) -> None:
    lines = text.splitlines()
    for m in _JS_CALL.finditer(text):
        start = m.start()
        # ignore matches inside comments
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].lstrip().startswith(("//", "*")):
            continue
        paren = text.find("(", m.start())
        end = _match(text, paren, "(", ")")
        name_end = _skip_string(text, m.end() - 1)
        name = text[m.end():name_end - 1]
        body = _strip_comments(text[name_end:end - 1])
        line = text.count("\n", 0, start) + 1
        case = Case(tf.path, name, line, tf.kind, "js")
        inner = re.sub(r"^\s*,\s*(async\s*)?(\([^)]*\)|\w+)?\s*(=>)?\s*(function\s*\w*\s*\([^)]*\)\s*)?", "", body)
        inner = re.sub(r",\s*\d+\s*$", "", inner.strip())  # timeout argument
        ph = _JS_PLACEHOLDER.search(body)
        expects = [e for e in re.finditer(r"(?<![\w.])expect\s*\(", body)]
        if m.group(2) == ".todo":
            case.verdict, case.why = "placeholder", "test.todo"
        elif ph:
            case.verdict, case.why = "placeholder", _js_placeholder_why(ph)
        elif inner.strip() in ("", "{}") or not inner.strip("{} \n\t;"):
            case.verdict, case.why = "placeholder", "its body is empty"
        elif not expects and not _JS_ASSERTS.search(body):
            case.verdict, case.why = "no-assert", "no expect() or assertion"
        elif expects and all("existsSync" in body[e.end():_match(body, e.end() - 1, "(", ")")] for e in expects):
            case.verdict, case.why = "exists-only", "only checks that a file exists"
        if case.verdict != "ok":
            rule = {"placeholder": PlaceholderTest, "no-assert": AssertionFreeTest,
                    "exists-only": FileExistsOnlyTest}[case.verdict]
            at = line
            if ph:
                at = _line_of(text, name_end, end, ph.group(0)) or line
            j.findings.append(rule.finding(
                f"test {name!r} " + {"placeholder": f"is a placeholder: {case.why}",
                                           "no-assert": "asserts nothing",
                                           "exists-only": "only checks that a file exists"}[case.verdict],
                location=Location(tf.path, at), snippet=_snippet(lines, at),
                fix="test what the stack declares (parse or synthesize it) and assert on resources and properties"))
        j.cases.append(case)
    if tf.kind == "integration":
        j.findings.extend(_integration_common(tf, text, lines))


def _js_placeholder_why(ph: re.Match[str]) -> str:
    """`expect(true).toBe(true)` always passes (it checks nothing); `expect(false).toBe(true)` and `fail(` fail."""
    if ph.group(1) and ph.group(3):
        if ph.group(1).lower() == ph.group(3).lower():
            return f"`{ph.group(0).strip()}` always passes and checks nothing"
        return f"`{ph.group(0).strip()}` always fails"
    return f"`{ph.group(0).strip()}` fails unconditionally"


# Test-quality findings that describe one test each are reported once per file (34 placeholders are one fact).
_PER_FILE = ("TST003", "TST004", "TST005")


def group_per_file(findings: list[Finding]) -> list[Finding]:
    """One TST003/TST004/TST005 finding per rule and file: the first test's place, every test named."""
    groups: dict[tuple[str, str | None], list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        if f.rule in _PER_FILE:
            if (f.rule, f.file) not in groups:
                out.append(f)  # placeholder for the group, replaced below
            groups.setdefault((f.rule, f.file), []).append(f)
        else:
            out.append(f)
    merged = []
    for f in out:
        items = groups.get((f.rule, f.file)) if f.rule in _PER_FILE else None
        if items and len(items) > 1:
            items.sort(key=lambda x: x.line or 0)
            first = items[0]
            f = first.with_(message=f"{len(items)} tests of this file: {first.message}; also "
                            + "; ".join(x.message.split(" is a placeholder")[0].split(" asserts")[0]
                                        .split(" only checks")[0] for x in items[1:8])
                            + ("; ..." if len(items) > 8 else ""),
                            extra={**first.extra, "tests": len(items), "lines": [x.line for x in items]})
        merged.append(f)
    return merged


def _line_of(text: str, start: int, end: int, needle: str) -> int | None:
    k = text.find(needle, start, end)
    return text.count("\n", 0, k) + 1 if k >= 0 else None
