"""SEC011: a Secrets Manager secret whose value is written in the code.

SEC004 covers Lambda environment variables, SSM parameters and RDS master passwords; this covers the value given to
Secrets Manager itself (`SecretString` of `AWS::SecretsManager::Secret`, `secret_string` of
`aws_secretsmanager_secret_version` / `aws.secretsmanager.SecretVersion`), where putting the value in a secret
looks safe but the literal stays in the repository, the template or the state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import literals
from iacqa.rules.security.secrets import SECRET_NAME, unwrap

# Values that cannot be a working secret: a slot for someone to fill (left to the placeholder rules).
# "ChangeMe123!" is not one: it is a working password that gets deployed.
_PLACEHOLDER = re.compile(r"(?i)^<.*>$|placeholder|replace|example|^your[-_ ]|[-_ ]here$|"
                          r"^(todo|tbd|dummy|x+|\*+|null|none|n/a|changeit)$")


# Where else the literal lands, per front end.
_COPIES = {"cfn": "the template", "cdk": "the synthesized template", "cdktf": "cdk.tf.json and the Terraform state",
           "tf": "the Terraform state", "pulumi": "the Pulumi state (as an input, unless marked secret)"}


def _mask(value: str) -> str:
    return value[:2] + "*" * max(3, len(value) - 2) if len(value) > 4 else "****"


def _unknown(value: str) -> bool:
    return "<unresolved" in value or "${" in value or value.startswith(("mock-", "arn:", "{{resolve:")) \
        or value.lower() == "unknown"


def _written(ctx: RuleContext, r: Resource, value: str) -> bool:
    """Whether the value is a string literal of the project: a Python literal of the resource's file, or a quoted
    string of its template / `.tf` module (a variable default or a tfvars value is written in the code too)."""
    file = r.location.file
    if not file:
        return False
    if file.endswith(".py"):
        return any(lit.text == value for lit in literals(ctx, file))
    files = [file]
    if file.endswith(".tf") and ctx.root is not None:
        folder = (ctx.root / file).parent
        files += [str(p.relative_to(ctx.root)) for p in sorted(folder.glob("*.tf*")) if p.suffix in (".tf", ".tfvars")]
    quoted = re.compile(r"""(["'])""" + re.escape(value) + r"\1")
    plain = re.compile(r":\s+" + re.escape(value) + r"\s*$")  # YAML's unquoted scalars
    return any(quoted.search(line) or plain.search(line) for f in dict.fromkeys(files) for line in ctx.lines(f))


def _secret_values(raw: str) -> list[tuple[str | None, str]]:
    """(key, value) pairs of a secret string that hold the secret: password-like keys of a JSON object, or the
    whole string when it is not JSON."""
    text = raw.strip()
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            return []
        if not isinstance(doc, dict):
            return []
        return [(str(k), v) for k, v in doc.items() if isinstance(v, str) and SECRET_NAME.search(str(k))]
    return [(None, text)] if len(text) >= 6 and not text.startswith(("[", '"')) else []


class LiteralSecretValue(Rule):
    """A Secrets Manager secret's value (a password, token or key) is written in the code.

    What it finds: `SecretString` of `AWS::SecretsManager::Secret`, and `secret_string` of
    `aws_secretsmanager_secret_version` / `aws.secretsmanager.SecretVersion` / CDKTF
    `SecretsmanagerSecretVersion`, holding a value written literally in the project: the whole string, or a
    password-like key (`password`, `api_key`, `token`, `client_secret`...) of a JSON secret (`json.dumps({...})`,
    `jsonencode({...})`). A value read from configuration, a variable without a default, another resource or a
    generator (`random_password`, `GenerateSecretString`, `manage_master_user_password`) is not reported, nor a
    placeholder (`<password>`, `REPLACE_ME`, `your-api-key-here`).
    Why it breaks: nothing fails, but the secret is in the repository, in every copy of the template or
    `cdk.tf.json`, and in the IaC state, for anyone who can read them; Secrets Manager then protects a value that
    is already public, and rotating it means a code change (the next deploy writes the old literal back).
    Bad: `aws.secretsmanager.SecretVersion("db", secret_id=secret.id, secret_string=json.dumps({"username":
    "admin", "password": "Sup3rS3cret!"}))`
    Good: let AWS generate it: `GenerateSecretString` (CloudFormation/CDK `secretsmanager.Secret(...,
    generate_secret_string=...)`), `random_password` / `pulumi_random.RandomPassword` passed as an output, or
    `manage_master_user_password=True` on RDS.
    What AWS says: "Don't hardcode secrets ... in your code" (Secrets Manager best practices); checkov
    CKV_SECRET_* and cfn-lint's W2501 report such literals.
    References: https://docs.aws.amazon.com/secretsmanager/latest/userguide/best-practices.html
    """

    id = "SEC011"
    category = Category.SECURITY
    severity = Severity.HIGH
    title = "Secrets Manager secret value written in the code"
    docs_url = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/best-practices.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph.of_type("AWS::SecretsManager::Secret", "AWS::SecretsManager::SecretVersion"):
            raw = unwrap(r.get("SecretString"))
            if raw is None:
                n = r.native_properties
                raw = unwrap(n.get("secret_string", n.get("secretString")))
            if not isinstance(raw, str) or not raw.strip() or _unknown(raw):
                continue
            for key, value in _secret_values(raw):
                if not value.strip() or _unknown(value) or _PLACEHOLDER.search(value.strip()) \
                        or ctx.graph.resolve_resource(value) is not None or not _written(ctx, r, value):
                    continue
                what = f"its {key!r} ({_mask(value)})" if key else f"its value ({_mask(value)})"
                yield self.finding(
                    f"secret {r.id}: {what} is written in the code, so it is in plain text in the repository "
                    f"and {_COPIES.get(ctx.platform or ctx.graph.platform, 'the state')}",
                    resource=r, attribute="SecretString",
                    error="nothing at deploy; the secret is readable by anyone who can read the code or the "
                    "template/state",
                    fix="generate the value instead of writing it: GenerateSecretString (CloudFormation/CDK "
                    "generate_secret_string), random_password / pulumi_random.RandomPassword passed as an output "
                    "(Terraform 1.11+: secret_string_wo), or manage_master_user_password=True for RDS",
                    key=key)
