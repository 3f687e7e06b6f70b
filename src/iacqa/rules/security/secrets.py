"""SEC004: passwords, tokens and keys written into the code and stored in plain text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.model.jstext import scan
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import call_span, literals

# A name that holds a secret itself (DB_PASSWORD, API_KEY, GITHUB_TOKEN), not one that points at it (SECRET_ARN,
# TOKEN_TABLE, PASSWORD_PARAM).
SECRET_NAME = re.compile(r"(?i)(?:^|[_\-/.])(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|"
                         r"secret[_-]?key|access[_-]?key|client[_-]?secret|auth[_-]?token|credentials?)$")
_PULUMI_SECRET = "4dabf18193072939515e22adb298388d"
_JS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")


def unwrap(value: Any) -> Any:
    """Pulumi's wire form of a secret input: {sig: ..., "value": x} -> x."""
    if isinstance(value, dict) and _PULUMI_SECRET in value:
        return value.get("value", value.get("Value"))
    return value


def written_in_code(ctx: RuleContext, r: Resource, value: str) -> bool:
    """Whether the value is a string literal in the resource's file (not read from config or another resource).
    Python files through their AST; TypeScript/JavaScript files through a lexical scan (model/jstext.py) that
    sees string and template literals only, never comments, so a value quoted in a comment does not count."""
    file, _, _ = call_span(ctx, r)
    if file and file.endswith(_JS_SUFFIXES):
        return value in js_literals(ctx, file)
    if file and file.endswith(_DATA_SUFFIXES):
        return _quoted_in(ctx, file, value)
    return any(lit.text == value for lit in literals(ctx, file))


# HCL and templates: a line (not a comment) holding the value as a quoted string, or as a bare YAML scalar.
_DATA_SUFFIXES = (".tf", ".hcl", ".yml", ".yaml", ".json", ".template")


def _quoted_in(ctx: RuleContext, file: str, value: str) -> bool:
    bare = re.compile(rf":\s*{re.escape(value)}\s*$")
    for line in ctx.lines(file):
        text = line.strip()
        if text.startswith(("#", "//")):
            continue
        if f'"{value}"' in text or f"'{value}'" in text or bare.search(text):
            return True
    return False


def js_literals(ctx: RuleContext, file: str) -> set[str]:
    """The values of the whole string literals of a TS/JS file (templates with `${}` parts excluded: their value
    is computed, not written)."""
    text = "\n".join(ctx.lines(file))
    return {s.value for s in scan(text)[0] if s.whole}


def _literal_secret(ctx: RuleContext, r: Resource, value: Any) -> str | None:
    value = unwrap(value)
    if not isinstance(value, str) or not value.strip() or value.startswith(("arn:", "mock-", "{{resolve:")) \
            or "<unresolved" in value or "${" in value or ctx.graph.resolve_resource(value) is not None:
        return None
    return value if written_in_code(ctx, r, value) else None


def _mask(value: str) -> str:
    return value[:2] + "*" * max(3, len(value) - 2) if len(value) > 4 else "****"


class PlaintextSecret(Rule):
    """A password, token or key is written into the code and stored in plain text.

    What it finds: Lambda environment variables named like a secret (`DB_PASSWORD`, `API_KEY`, `*_TOKEN`,
    `*_SECRET`) whose value is a string literal in the code; SSM parameters named like a secret with
    `type="String"` (or a literal value); RDS master passwords written as literals.
    Why it breaks: the secret is in the repository, in the Pulumi state and in the Lambda console for anyone who
    can read the function configuration; rotating it means a code change and a deploy.
    Bad: `environment={"variables": {"DB_PASSWORD": "hunter2"}}`; `aws.ssm.Parameter(..., type="String",
    value="sk-...")`
    Good: store it in Secrets Manager (or an SSM SecureString created outside the code) and pass its ARN/name;
    `manage_master_user_password=True` for RDS.
    What AWS says: "We recommend that you don't store sensitive information in environment variables ... use
    AWS Secrets Manager" (Lambda developer guide).
    References: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption
    """

    id = "SEC004"
    category = Category.SECURITY
    severity = Severity.HIGH
    title = "secret in plain text"
    docs_url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if r.type == "AWS::Lambda::Function":
                variables = r.get("Environment.Variables") or {}
                for key, value in (variables.items() if isinstance(variables, dict) else ()):
                    if not SECRET_NAME.search(str(key)):
                        continue
                    lit = _literal_secret(ctx, r, value)
                    if lit is None:
                        continue
                    yield self.finding(
                        f"function {r.id}: environment variable {key} holds a literal secret ({_mask(lit)})",
                        resource=r, attribute=f"Environment.Variables.{key}",
                        fix=f"keep the value in Secrets Manager and pass its ARN ({key}_SECRET_ARN); read it at run "
                        "time with secretsmanager:GetSecretValue", variable=key)
            elif r.type == "AWS::SSM::Parameter":
                name = unwrap(r.get("Name")) or ""
                if not isinstance(name, str) or not SECRET_NAME.search(name.rstrip("/")):
                    continue
                ptype = str(r.get("Type", "")).lower()
                lit = _literal_secret(ctx, r, r.get("Value"))
                if ptype == "string":
                    yield self.finding(
                        f"SSM parameter {name} looks like a secret but has type String (stored and shown in "
                        "plain text)", resource=r, attribute="Type", fix='type="SecureString"', parameter=name)
                elif lit is not None:
                    yield self.finding(
                        f"SSM parameter {name}: its secret value ({_mask(lit)}) is written in the code",
                        resource=r, attribute="Value", severity=Severity.MEDIUM,
                        fix="create the value outside the code (console/CLI) or generate it (random.RandomPassword)",
                        parameter=name)
            elif r.type in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
                lit = _literal_secret(ctx, r, r.get("MasterUserPassword"))
                if lit is not None:
                    yield self.finding(
                        f"{r.id}: the master password ({_mask(lit)}) is written in the code", resource=r,
                        attribute="MasterUserPassword",
                        fix="manage_master_user_password=True (RDS keeps it in Secrets Manager), or "
                        "random.RandomPassword + a Secrets Manager secret")
