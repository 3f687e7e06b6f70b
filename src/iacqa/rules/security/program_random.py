"""SEC012: a password made with Python's `random`/`secrets`/`uuid` while the IaC program runs.

The graph only holds the value the run produced, which looks like any other string; the source says where it came
from. So this rule reads the Python files that declare resources: a value is "random" when it is built by a call
into `random`, `secrets`, `uuid` or `os.urandom`, or by a function of the same file that returns such a value, or
from a variable (or `self.` attribute) assigned from one; it is reported where it is passed to a password-like
argument (`password`, `master_password`, `secret_string`, `auth_token`...) or a password-like key of a dict (an
environment variable, a `json.dumps` secret) inside a resource's constructor call.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Location, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import resource_at, tree
from iacqa.rules.security.secrets import SECRET_NAME

_MODULES = ("random", "secrets", "uuid")
_SINK = re.compile(r"(?i)(password|passwd|secret_?string|auth_?token|api_?key|secret_?value|token)$")
_RERUN = {"pulumi": "every `pulumi up` (and preview) runs the program again and sends a new value",
          "cdk": "every `cdk synth`/`cdk deploy` writes a new value into the template",
          "cdktf": "every `cdktf synth`/`deploy` writes a new value into cdk.tf.json"}
_COPY = {"pulumi": "the Pulumi state (in plain text unless wrapped in pulumi.Output.secret)",
         "cdk": "the synthesized template in plain text", "cdktf": "cdk.tf.json and the Terraform state in plain text"}


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


class _Taint:
    """Random sources of one module: module aliases, imported generator functions, local generator functions and
    the names (per function, or module-wide) and `self.` attributes assigned from them."""

    def __init__(self, mod: ast.Module) -> None:
        self.aliases: dict[str, str] = {}  # local name -> module ("r" -> "random")
        self.funcs: dict[str, str] = {}  # callable name -> what it calls ("token_hex" -> "secrets.token_hex")
        self.names: dict[tuple[int, str], str] = {}  # (scope id, name) -> source; scope 0 = module
        self.attrs: dict[str, str] = {}  # "self.password" -> source
        for node in ast.walk(mod):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in _MODULES:
                        self.aliases[a.asname or a.name] = a.name
            elif isinstance(node, ast.ImportFrom) and node.module in (*_MODULES, "os"):
                for a in node.names:
                    if node.module != "os" or a.name == "urandom":
                        self.funcs[a.asname or a.name] = f"{node.module}.{a.name}"
        self.scopes: list[tuple[int, ast.AST]] = [(0, mod)] + [
            (id(n), n) for n in ast.walk(mod) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for _ in range(4):  # to a fixed point: generator functions calling generator functions
            if not self._pass():
                break

    def _own(self, scope: ast.AST) -> Iterator[ast.AST]:
        """The nodes of a scope, not those of the functions nested in it."""
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            n = stack.pop()
            yield n
            if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.extend(ast.iter_child_nodes(n))
            elif isinstance(n, ast.ClassDef):
                stack.extend(c for c in n.body if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef)))

    def _pass(self) -> bool:
        changed = False
        for sid, scope in self.scopes:
            for n in self._own(scope):
                if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None:
                    src = self.source(n.value, sid)
                    if src is None:
                        continue
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                        if isinstance(t, ast.Name) and (sid, t.id) not in self.names:
                            self.names[(sid, t.id)] = src
                            changed = True
                        elif isinstance(t, ast.Attribute) and (d := _dotted(t)) and d not in self.attrs:
                            self.attrs[d] = src
                            changed = True
                elif isinstance(n, ast.Return) and n.value is not None and sid and \
                        isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and scope.name not in self.funcs:
                    src = self.source(n.value, sid)
                    if src is not None:
                        self.funcs[scope.name] = src
                        changed = True
        return changed

    def source(self, expr: ast.AST, sid: int) -> str | None:
        """The random call an expression's value comes from, or None."""
        for n in ast.walk(expr):
            if isinstance(n, ast.Call):
                d = _dotted(n.func) or (_dotted(n.func.func) if isinstance(n.func, ast.Call) else None)
                if d is None and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Call):
                    d = _dotted(n.func.value.func)  # random.SystemRandom().choice(...)
                if not d:
                    continue
                head, _, rest = d.partition(".")
                if head in self.aliases:
                    return f"{self.aliases[head]}.{rest}" if rest else self.aliases[head]
                if d == "os.urandom":
                    return d
                last = d.rsplit(".", 1)[-1]
                if d in self.funcs or (head in ("self", "cls") and last in self.funcs):
                    return self.funcs[d if d in self.funcs else last]
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                src = self.names.get((sid, n.id)) or self.names.get((0, n.id))
                if src:
                    return src
            elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load):
                d = _dotted(n)
                if d in self.attrs:
                    return self.attrs[d]
        return None

    def scope_of(self, line: int) -> int:
        """The innermost function around a line (0: module level)."""
        best, size = 0, None
        for sid, scope in self.scopes[1:]:
            start, end = scope.lineno, getattr(scope, "end_lineno", None) or scope.lineno
            if start <= line <= end and (size is None or end - start < size):
                best, size = sid, end - start
        return best


class PasswordGeneratedAtProgramTime(Rule):
    """A password is generated with Python's `random`/`secrets`/`uuid` each time the IaC program runs.

    What it finds: in the Python files of a Pulumi, CDK or CDKTF program, a resource argument named like a secret
    (`password`, `master_password`, `master_user_password`, `secret_string`, `auth_token`, `api_key`) or a
    password-like key of a dict passed to a resource (`{"DB_PASSWORD": ...}`, `json.dumps({"password": ...})`)
    whose value comes from `random.choice`/`random.choices`, `secrets.token_urlsafe`/`secrets.choice`,
    `uuid.uuid4`, `os.urandom`, a function of the same file returning such a value, or a variable or `self.`
    attribute assigned from one. Generators in other files are not followed.
    Why it breaks: the program runs on every deploy (and every preview/synth), so each run makes a different
    password: the database's master password, the secret and the clients' copies change on every deploy, and
    connections opened with the previous one fail until everything is updated. The value is also a plain input:
    it sits in the synthesized template (CDK), `cdk.tf.json` and the Terraform state (CDKTF), or the Pulumi state.
    Bad: `password = "".join(secrets.choice(alphabet) for _ in range(32))` then
    `aws.rds.Instance(..., password=password)`
    Good: generate it once and keep it in state as a secret: `pulumi_random.RandomPassword("db", length=32,
    special=False).result`, Terraform/CDKTF `random_password`, CDK `rds.Credentials.from_generated_secret("admin")`
    or `secretsmanager.Secret(..., generate_secret_string=...)`; or `manage_master_user_password=True` on RDS.
    What AWS says: nothing at deploy; ModifyDBInstance/PutSecretValue run on every deploy with the new value.
    "Don't hardcode secrets" (Secrets Manager best practices) applies to values baked into templates at synth.
    References: https://docs.aws.amazon.com/secretsmanager/latest/userguide/best-practices.html ,
    https://www.pulumi.com/registry/packages/random/api-docs/randompassword/
    """

    id = "SEC012"
    category = Category.SECURITY
    severity = Severity.HIGH
    title = "password generated at program run time"
    docs_url = "https://www.pulumi.com/registry/packages/random/api-docs/randompassword/"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        platform = ctx.platform or ctx.graph.platform
        if platform not in _RERUN:
            return
        # Only files that declare resources (a sink must sit in a resource's call); Lambda code is not among them
        # unless inline, and inline code is a string, not statements of the file.
        files = sorted({r.location.file for r in ctx.graph if r.location.file and r.location.file.endswith(".py")})
        for file in files:
            mod = tree(ctx, file)
            if mod is None:
                continue
            taint = _Taint(mod)
            if not (taint.aliases or taint.funcs):
                continue
            seen: set[int] = set()
            for call in ast.walk(mod):
                if not isinstance(call, ast.Call):
                    continue
                for kw in call.keywords:
                    for line, what, src in self._sinks(taint, kw):
                        if line in seen:
                            continue
                        r = resource_at(ctx, file, line)
                        if r is None:
                            continue  # a helper's argument, not a resource's: followed no further
                        seen.add(line)
                        yield self.finding(
                            f"{r.id}: {what} is generated with {src}() when the program runs: "
                            f"{_RERUN[platform]}, so the password changes on every deploy, and it lands in "
                            f"{_COPY[platform]}",
                            resource=r, location=Location(file, line),
                            error="nothing at synth; every deploy changes the password (ModifyDBInstance / "
                            "PutSecretValue with a new value) and clients holding the previous one fail",
                            fix="generate it once and keep it as a secret in state: pulumi_random.RandomPassword "
                            "/ random_password (CDKTF) .result, CDK generate_secret_string or "
                            "rds.Credentials.from_generated_secret, or manage_master_user_password=True",
                            source=src)

    @staticmethod
    def _sinks(taint: _Taint, kw: ast.keyword) -> Iterator[tuple[int, str, str]]:
        sid = taint.scope_of(kw.value.lineno)
        if kw.arg and _SINK.search(kw.arg):
            src = taint.source(kw.value, sid)
            if src:
                yield kw.value.lineno, kw.arg, src
            return
        for d in ast.walk(kw.value):
            if not isinstance(d, ast.Dict):
                continue
            for k, v in zip(d.keys, d.values, strict=False):
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and SECRET_NAME.search(k.value):
                    src = taint.source(v, sid)
                    if src:
                        yield v.lineno, f"{kw.arg}[{k.value!r}]", src
