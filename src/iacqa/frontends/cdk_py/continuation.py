"""Sources that let CDK synth continue past the static errors, fixed the way their findings say.

`cdk synth` stops at the first missing name or unknown keyword, so a response with one wrong import used to give an
empty graph and no deploy-time finding at all. Here every blocking static finding becomes a same-line source edit
on a copy of the project (line numbers unchanged, so tracebacks and construct locations still point at the user's
lines):

- an unknown keyword (SDK002) is removed from its call (the finding's fix may rename it, but the renamed keyword
  often takes another type: `log_group_name=str` vs `log_group=ILogGroup`; removing it is what keeps synth going);
- a name that lives in another module (SDK001 whose fix says "`X` is in aws_cdk.M") is taken from there;
- a module under a short alias (`aws_elbv2`) is imported under its real name;
- any other missing name (a method that does not exist) stubs the simple statement that uses it: the statement
  becomes `target = <stub>` / `pass`, with a stub that absorbs later attribute access and calls, so the rest of the
  program still declares its resources.

Findings of the run on the copy are "revealed" by the first static finding (Finding.revealed_by).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

from iacqa.frontends.cdktf_py.patches import DELETE, apply_continuations, span
from iacqa.model import Finding

# One expression (stays on one line) that absorbs any attribute access and call: `x = <stub>; x.add_action(...)`.
STUB = ("type('IacqaStub', (), {'__getattr__': lambda s, n: (_ for _ in ()).throw(AttributeError(n)) "
        "if n.startswith('__') else s, '__mro_entries__': lambda s, b: (object,), '__call__': lambda s, *a, **k: s, "
        "'__iter__': lambda s: iter(()), '__bool__': lambda s: False})()")

# CDK v1 / TypeScript-style short names of aws-cdk-lib modules that models write (`aws_cdk.aws_elbv2`); the module
# `import aws_elasticloadbalancingv2 as elbv2` is the idiom in the CDK docs, so the alias is a known confusion.
MODULE_ALIASES = {
    "aws_elbv2": "aws_elasticloadbalancingv2",
    "aws_elb": "aws_elasticloadbalancing",
    "aws_cloudwatch_action": "aws_cloudwatch_actions",
    "aws_lambda_event_source": "aws_lambda_event_sources",
    "aws_route53_target": "aws_route53_targets",
}

_MOVED = re.compile(r"^`(\w+)` is in (aws_cdk(?:\.\w+)?)\b")


def plan(root: Path, findings: list[Finding], rename: frozenset[str] = frozenset(),
         stubs: tuple[tuple[str, int], ...] = ()) -> dict[str, str] | None:
    """{relative path: patched source} for every file with a blocking finding; None when one of them cannot be
    continued past (a syntax error, a finding without a place, an edit that does not fit the source).

    rename: fingerprints of unknown-keyword findings whose keyword is renamed as the fix says instead of removed
    (synth said the renamed one is required); stubs: (file, line) of run-time errors whose statement is stubbed."""
    edits: dict[str, list[tuple[int, int, int, int, str]]] = {}
    trees: dict[str, ast.Module] = {}

    def tree_of(rel: str) -> ast.Module | None:
        if rel not in trees:
            try:
                trees[rel] = ast.parse((root / rel).read_text(errors="replace"))
            except (OSError, SyntaxError, ValueError):
                return None
        return trees[rel]

    todo: list[tuple[str, list | None]] = []
    for f in findings:
        if not f.blocking:
            continue
        if f.rule not in ("SDK001", "SDK002") or not f.file or not f.line:
            return None
        tree = tree_of(f.file)
        if tree is None:
            return None
        todo.append((f.file, _edit(tree, f, f.fingerprint in rename)))
    for rel, line in stubs:
        tree = tree_of(rel)
        if tree is None:
            return None
        todo.append((rel, _stub_line(tree, line)))
    for rel, edit in todo:
        if edit is None:
            return None
        edits.setdefault(rel, [])
        for e in edit:
            if e not in edits[rel]:
                edits[rel].append(e)
    out: dict[str, str] = {}
    for rel, es in edits.items():
        # a stubbed statement swallows the keyword edits inside it
        es = [e for e in es if not any(o is not e and (o[0], o[1]) <= (e[0], e[1]) and (e[2], e[3]) <= (o[2], o[3])
                                       and o[:4] != e[:4] for o in es)]
        new = apply_continuations((root / rel).read_text(errors="replace"), es)
        if new is None:
            return None
        try:
            ast.parse(new)
        except SyntaxError:
            return None
        out[rel] = new
    return out


def settle(root: Path, findings: list[Finding], check_source: Callable[[str, str], list[Finding]]
           ) -> tuple[dict[str, str] | None, frozenset[str]]:
    """plan(), then the static check of the patched sources: a removed keyword whose rename the check now says
    is required (`resource_ids` -> required `resource_id`) is renamed instead, without a synth run to learn it."""
    rename: set[str] = set()
    patched = plan(root, findings)
    for _ in range(2):
        if not patched:
            break
        more = set()
        for rel, text in patched.items():
            for g in check_source(rel, text):
                m = re.search(r"pass (\w+)=", g.fix or "")
                if not m:
                    continue
                for f in findings:
                    if (f.file == rel and renamed_keyword(f) == m.group(1) and f.line and g.line
                            and 0 <= f.line - g.line <= 40 and f.fingerprint not in rename):
                        more.add(f.fingerprint)
        if not more:
            break
        rename |= more
        patched = plan(root, findings, frozenset(rename))
    return patched, frozenset(rename)


def next_step(findings: list[Finding], event: dict, files: set[str]) -> tuple[str | None, tuple[str, int] | None]:
    """What to change after a run on the copy raised `event`: (fingerprint of a keyword finding to rename instead
    of remove, None) when synth says the renamed keyword is required, else (None, (file, line)) to stub the
    statement that raised; (None, None) when the error is not in the project's own code."""
    frames = [fr for fr in event.get("frames") or [] if fr and fr[0] in files]
    if not frames:
        return None, None
    rel, line = frames[-1][0], int(frames[-1][1] or 0)
    m = re.search(r"missing \d+ required keyword-only argument: '(\w+)'", str(event.get("message") or ""))
    if m:
        for f in findings:
            if f.file == rel and renamed_keyword(f) == m.group(1) and f.line and 0 <= f.line - line <= 40:
                return f.fingerprint, None
    return None, (rel, line)


_SETTER = re.compile(r"property '(\w+)' of '\w+' object has no setter|can't set attribute '(\w+)'")


def setter_attribute(event: dict | None, files: set[str]) -> tuple[str, str] | None:
    """(file, attribute) when the run raised because the program assigns an attribute its framework base class
    declares read-only (`self.environment = ...` in a Stack): the copy renames that attribute in the file, as the
    finding's fix says. Stubbing the assignment instead would leave every later read with the framework's value
    (`aws://account/region` in every name) and report what that causes as the program's errors."""
    attr = read_only_attribute(str((event or {}).get("message") or ""))
    frames = [fr for fr in (event or {}).get("frames") or [] if fr and fr[0] in files]
    if not attr or not frames:
        return None
    return frames[-1][0], attr


def read_only_attribute(message: str) -> str | None:
    """The attribute an error message says the program cannot assign (a read-only property), if it says so."""
    m = _SETTER.search(message)
    return (m.group(1) or m.group(2)) if m else None


def rename_attributes(root: Path, patched: dict[str, str] | None, renames: set[tuple[str, str]] | list
                      ) -> dict[str, str] | None:
    """`patched` with `self.<attr>` renamed to `self.iacqa_<attr>` in each (file, attr) of `renames`."""
    if patched is None or not renames:
        return patched
    out = dict(patched)
    for rel, attr in renames:
        text = out.get(rel)
        if text is None:
            try:
                text = (root / rel).read_text(errors="replace")
            except OSError:
                continue
        out[rel] = re.sub(rf"\bself\.{attr}\b", f"self.iacqa_{attr}", text)
    return out


def renamed_keyword(f: Finding) -> str | None:
    """The keyword an unknown-keyword finding's fix names (`instance_profile=`), if it names one."""
    m = re.fullmatch(r"(\w+)=", (f.fix or "").strip()) or re.fullmatch(r"did you mean (\w+)\?", (f.fix or "").strip())
    return m.group(1) if m and f.rule == "SDK002" else None


def _edit(tree: ast.Module, f: Finding, rename: bool = False) -> list[tuple[int, int, int, int, str]] | None:
    symbol = f.symbol or ""
    if f.rule == "SDK002":
        m = re.search(r"\((\w+)=\)$", symbol)
        if not m:
            return None
        kw = next((k for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg == m.group(1)
                   and k.lineno == f.line), None)
        if kw is None:
            return None
        new = renamed_keyword(f) if rename else None
        if new is None:
            return [span(kw, DELETE)]
        value = kw.value
        if isinstance(value, ast.List | ast.Tuple) and len(value.elts) == 1 and kw.arg == new + "s":
            value = value.elts[0]  # resource_ids=[x] -> resource_id=x
        name_span = (kw.lineno, kw.col_offset, kw.lineno, kw.col_offset + len(kw.arg or ""), new)
        return [name_span] if value is kw.value else [name_span, span(kw.value, None, inner=value)]
    name = symbol.rsplit(".", 1)[-1]
    parent_module = symbol.rsplit(".", 1)[0] if "." in symbol else ""
    # an import of the missing name or module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.lineno <= f.line <= (node.end_lineno or node.lineno):
            alias = next((a for a in node.names if a.name == name), None)
            if alias is None:
                return None
            real = _moved_to(f) or (parent_module if name in MODULE_ALIASES else None)
            if name in MODULE_ALIASES and node.module == "aws_cdk":
                return [span(alias, f"{MODULE_ALIASES[name]} as {alias.asname or alias.name}")]
            if real and real != node.module:
                # same line: the other names stay, this one comes from its real module
                keep = [a for a in node.names if a is not alias]
                text = (f"from {node.module} import ({', '.join(_alias(a) for a in keep)}); " if keep else "") + \
                    f"from {real} import {_alias(alias)}"
                return [span(node, text)]
            return None
    real = _moved_to(f)
    refs = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == name and n.lineno == f.line]
    if not refs:
        refs = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == name
                and n.lineno <= f.line <= (n.end_lineno or n.lineno)]
    if not refs:
        return None
    ref = refs[0]
    if real:
        return [span(ref, f"__import__({real!r}, fromlist=[{name!r}]).{name}")]
    return _stub_statement(tree, ref)


def _moved_to(f: Finding) -> str | None:
    m = _MOVED.match(f.fix or "")
    return m.group(2) if m else None


def _alias(a: ast.alias) -> str:
    return a.name + (f" as {a.asname}" if a.asname else "")


def _stub_statement(tree: ast.Module, ref: ast.AST, itself: bool = False) -> list[tuple[int, int, int, int, str]] | None:
    """The innermost simple statement holding `ref`, turned into `target = STUB` / `pass` / `return STUB`."""
    best: ast.stmt | None = ref if itself and isinstance(ref, ast.stmt) else None
    for node in ast.walk(tree) if best is None else ():
        if isinstance(node, ast.stmt) and _contains(node, ref):
            if best is None or _contains(best, node):
                best = node
    if best is None:
        return None
    if isinstance(best, ast.Expr):
        return [span(best, "pass")]
    if isinstance(best, ast.Assign) and all(isinstance(t, ast.Attribute) for t in best.targets) \
            and not isinstance(best.value, ast.Call | ast.Await | ast.Subscript | ast.BinOp):
        # `self.environment = environment`: a plain value cannot raise, the store did (a property without a
        # setter): skip the store. A call that raised (`self.queue = sqs.Queue(...)`) gets a stub below, so
        # later uses of `self.queue` do not raise in turn.
        return [span(best, "pass")]
    if isinstance(best, ast.Assign) and all(isinstance(t, ast.Name | ast.Attribute) for t in best.targets):
        return [(best.lineno, best.col_offset, best.value.end_lineno, best.value.end_col_offset,
                 " = ".join(ast.unparse(t) for t in best.targets) + " = " + STUB)]
    if isinstance(best, ast.AnnAssign) and best.value is not None:
        return [(best.lineno, best.col_offset, best.end_lineno, best.end_col_offset,
                 ast.unparse(best.target) + " = " + STUB)]
    if isinstance(best, ast.Return):
        return [span(best, "return " + STUB)]
    return None  # a compound statement's header (for/if/with) uses it: no single-line continuation


def _stub_line(tree: ast.Module, line: int) -> list[tuple[int, int, int, int, str]] | None:
    """The innermost simple statement starting at (else spanning) `line`, stubbed; an import binds its names to
    stubs (an alpha module or a package the toolchain lacks)."""
    stmts = [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno <= line <= (n.end_lineno or n.lineno)
             and not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.If | ast.For
                                | ast.While | ast.With | ast.Try)]
    if not stmts:
        return None
    best = max(stmts, key=lambda n: (n.lineno, n.col_offset))
    if isinstance(best, ast.Import | ast.ImportFrom):
        if best in tree.body and not any(a.name == "*" for a in best.names):
            # module level: each name on its own, so one missing name (`aws_lambda_python_alpha`) does not turn
            # the statement's other names (`Stack`) into stubs, which would empty the app
            return [span(best, _import_each(best))]
        names = [(a.asname or a.name).split(".")[0] for a in best.names if a.name != "*"]
        return [span(best, "; ".join(f"{n} = {STUB}" for n in names))] if names else None
    return _stub_statement(tree, best, itself=True)


def _import_each(node: ast.Import | ast.ImportFrom) -> str:
    """One line that imports every name of `node` separately and binds a stub to each name that fails: exec of
    try/except blocks (a module-level exec binds into the module's globals, relative imports included)."""
    blocks = []
    for a in node.names:
        if isinstance(node, ast.ImportFrom):
            stmt = f"from {'.' * node.level}{node.module or ''} import {_alias(a)}"
            bound = a.asname or a.name
        else:
            stmt = f"import {_alias(a)}"
            bound = a.asname or a.name.split(".")[0]
        blocks.append(f"try:\n    {stmt}\nexcept ImportError:\n    {bound} = {STUB}\n")
    return f"exec({''.join(blocks)!r})"


def _contains(outer: ast.AST, inner: ast.AST) -> bool:
    if outer is inner:
        return False
    a = (outer.lineno, outer.col_offset)
    b = (outer.end_lineno, outer.end_col_offset)
    return a <= (inner.lineno, inner.col_offset) and (inner.end_lineno, inner.end_col_offset) <= b
