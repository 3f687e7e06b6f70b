"""PRM008: a policy Condition written with an operator IAM's grammar does not have, or with values of the wrong
shape for its operator."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.model import Category, Finding, Location, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import unknown_value

# The condition operators of the IAM JSON policy reference ("IAM JSON policy elements: Condition operators"),
# the same list moto's IAM policy validator checks documents against (tests assert the two agree). Every service
# that takes a policy document (IAM, S3, KMS, SQS, SNS, Secrets Manager...) uses this grammar.
OPERATORS = frozenset({
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
})
SET_PREFIXES = ("ForAnyValue:", "ForAllValues:")
IF_EXISTS = "IfExists"

# The service that validates a document sitting on each type, with the error it answers and whether the refusal
# is certain (critical) or the statement merely never matches. IAM's answers are moto's IAM validator's (which
# reproduces IAM's): an unknown operator is a syntax error, a date that is not one fails "legacy parsing".
_IAM = ("IAM", "MalformedPolicyDocument")
SERVICE_OF_TYPE = {
    "AWS::IAM": _IAM,
    "AWS::S3": ("S3", "MalformedPolicy"),
    "AWS::KMS": ("KMS", "MalformedPolicyDocumentException"),
    "AWS::SecretsManager": ("Secrets Manager", "MalformedPolicyDocumentException"),
    "AWS::SQS": ("SQS", "InvalidAttributeValue"),
    "AWS::SNS": ("SNS", "InvalidParameter"),
}
_DATE_ISO = re.compile(r"^-?\d{1,9}(-\d{1,2}(-\d{1,2})?)?(t(\d{1,2}(:\d{1,2}(:\d{1,2}(\.\d+)?)?)?)?(z|[+-]\d{2}:?\d{2})?)?$")


@dataclass
class Problem:
    operator: str
    key: str | None
    kind: str  # operator | shape-bool | shape-date | not-object
    detail: str


def _walk(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(property path, policy document) for every document inside a property value (JSON strings included)."""
    if isinstance(value, str) and value.lstrip().startswith("{") and "Statement" in value:
        try:
            value = json.loads(value)
        except ValueError:
            return
    if isinstance(value, dict):
        if "Statement" in value:
            yield path, value
            return
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}.{i}" if path else str(i))


def _base(op: str) -> str:
    for p in SET_PREFIXES:
        if op.startswith(p):
            op = op[len(p):]
            break
    return op[: -len(IF_EXISTS)] if op.endswith(IF_EXISTS) else op


def _values(v: Any) -> list[Any]:
    return list(v) if isinstance(v, list) else [v]


def _date_ok(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return v >= 0
    if not isinstance(v, str):
        return False
    s = v.strip().lower()
    if "t" in s or "-" in s:
        return bool(_DATE_ISO.match(s))
    return s.isdigit()  # an epoch timestamp


def problems(stmt: dict[str, Any]) -> Iterator[Problem]:
    cond = stmt.get("Condition")
    if not isinstance(cond, dict):
        return
    for op, block in cond.items():
        if not isinstance(op, str) or unknown_value(op) or op.startswith(("Fn::", "Ref")):
            continue  # a CloudFormation intrinsic the front end left in place
        base = _base(op)
        if base not in OPERATORS:
            near = _nearest(base)
            hint = f" (did you mean `{near}`?)" if near else ""
            if ":" in op and not op.startswith(SET_PREFIXES):
                hint = " (a condition key where the operator belongs: write {\"StringEquals\": {key: value}})"
            yield Problem(op, None, "operator", f"`{op}` is not a condition operator{hint}")
            continue
        if not isinstance(block, dict):
            yield Problem(op, None, "not-object",
                          f"`{op}` must map condition keys to values, got {type(block).__name__}")
            continue
        for key, val in block.items():
            if unknown_value(val):
                continue
            if base in ("Bool", "Null"):
                bad = [x for x in _values(val) if not (isinstance(x, bool) or
                                                       (isinstance(x, str) and x.lower() in ("true", "false")))]
                if bad:
                    yield Problem(op, key, "shape-bool", f"`{op}` on `{key}` takes \"true\" or \"false\", got "
                                  + ", ".join(json.dumps(b) for b in bad))
            elif base.startswith("Date"):
                bad = [x for x in _values(val) if not _date_ok(x)]
                if bad:
                    yield Problem(op, key, "shape-date", f"`{op}` on `{key}` takes an ISO 8601 date or an epoch "
                                  "timestamp, got " + ", ".join(json.dumps(b) for b in bad))


def _nearest(op: str) -> str | None:
    low = op.lower()
    for cand in sorted(OPERATORS):
        c = cand.lower()
        if low == c or low.rstrip("s") == c.rstrip("s") or low == c + "s" or low + "s" == c:
            return cand
    return None


def _service(r: Resource) -> tuple[str, str]:
    for prefix, svc in SERVICE_OF_TYPE.items():
        if r.type.startswith(prefix + "::"):
            return svc
    native = r.native_type.lower()
    for word, svc in (("iam", _IAM), ("s3", SERVICE_OF_TYPE["AWS::S3"]), ("kms", SERVICE_OF_TYPE["AWS::KMS"]),
                      ("secretsmanager", SERVICE_OF_TYPE["AWS::SecretsManager"]),
                      ("sqs", SERVICE_OF_TYPE["AWS::SQS"]), ("sns", SERVICE_OF_TYPE["AWS::SNS"])):
        if native.startswith((f"aws:{word}/", f"aws_{word}_")):
            return svc
    return ("the service", "a malformed-policy error")


class ConditionGrammar(Rule):
    """A policy statement's Condition uses an operator that does not exist, or values its operator cannot take.

    What it finds: in any policy document of the stack (identity and trust policies of roles, users, groups and
    managed policies; S3 bucket, KMS key, SQS queue, SNS topic and Secrets Manager resource policies; inline or as
    JSON strings):
    - a Condition operator outside the IAM grammar (`StringEqual`, `StringEqualsIgnorecase`, `ArnEqual`, a
      condition key written where the operator belongs: `{"aws:SourceArn": ...}`), after the `ForAnyValue:` /
      `ForAllValues:` prefixes and the `IfExists` suffix are taken off (critical for IAM, S3 and KMS, which
      validate documents when they are stored; high elsewhere);
    - an operator whose block is not an object of key -> value(s) (critical, same services);
    - a `Date*` operator with a value that is neither an ISO 8601 date nor an epoch timestamp (IAM: critical);
    - a `Bool` or `Null` operator with a value other than "true"/"false" (medium: stored, never matches).
    Values not known before deploy are skipped. Condition keys are not checked against the services' key lists.
    Why it breaks: the document is validated when it is stored (CreatePolicy, PutRolePolicy, CreateRole,
    PutBucketPolicy, PutKeyPolicy...): an operator the grammar lacks makes the whole document malformed and the
    resource fails to create. A Bool compared with "yes" is accepted but never equal to true or false, so an Allow
    never applies and a Deny never protects.
    Bad: `"Condition": {"StringEqual": {"aws:SourceAccount": account_id}}`.
    Good: `"Condition": {"StringEquals": {"aws:SourceAccount": account_id}}`; `{"Bool": {"aws:SecureTransport":
    "false"}}`.
    What AWS says: IAM answers `MalformedPolicyDocument: Syntax errors in policy.` for an unknown operator and
    `MalformedPolicyDocument: The policy failed legacy parsing` for a date that is not one (moto's IAM policy
    validator, which reproduces IAM's answers, gives the same); S3 PutBucketPolicy answers `MalformedPolicy`, KMS
    PutKeyPolicy/CreateKey `MalformedPolicyDocumentException` (botocore kms model).
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html ,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
    """

    id = "PRM008"
    category = Category.IAM_MISSING
    severity = Severity.CRITICAL
    title = "policy Condition outside the IAM grammar"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            seen: set[str] = set()
            for source in (r.properties, r.native_properties):
                for path, doc in _walk(source, ""):
                    key = json.dumps(doc, sort_keys=True, default=str)
                    if key in seen:
                        continue
                    seen.add(key)
                    stmts = doc.get("Statement")
                    for i, st in enumerate(stmts if isinstance(stmts, list) else [stmts]):
                        if not isinstance(st, dict):
                            continue
                        for p in problems(st):
                            yield self._finding(ctx, r, path if source is r.properties else r.native_name(path),
                                                i, st, p)

    def _finding(self, ctx: RuleContext, r: Resource, path: str, index: int, st: dict[str, Any],
                 p: Problem) -> Finding:
        svc, code = _service(r)
        certain = svc in ("IAM", "S3", "KMS")
        sid = f" (Sid {st['Sid']})" if isinstance(st.get("Sid"), str) else ""
        where = f"statement {index}{sid} of {r.native_name(path) if path else 'the policy'} on {r.id}"
        if p.kind == "shape-bool":
            sev = Severity.MEDIUM
            error = (f"nothing at deploy; at run time the condition never matches: `{st.get('Effect', 'the')}` "
                     "statement never applies")
            fix = f'write "true" or "false" as the value of `{p.key}`'
        elif p.kind == "shape-date":
            sev = Severity.CRITICAL if svc == "IAM" else Severity.HIGH
            error = (f"{code}: The policy failed legacy parsing" if svc == "IAM"
                     else f"{code} from {svc}, or a condition that never matches")
            fix = f"write `{p.key}` as an ISO 8601 date (2026-01-01T00:00:00Z) or an epoch timestamp"
        else:
            sev = Severity.CRITICAL if certain else Severity.HIGH
            error = (f"{code}: Syntax errors in policy." if svc == "IAM"
                     else f"{code}: {svc} refuses the policy document (its Condition operator `{p.operator}` is not "
                          "in the IAM policy grammar)")
            fix = ("use an operator of the IAM policy grammar (StringEquals, StringLike, ArnEquals, ArnLike, Bool, "
                   "IpAddress, NumericLessThan, DateGreaterThan, Null, ...; with an optional ForAnyValue:/"
                   "ForAllValues: prefix or IfExists suffix)")
        return self.finding(f"{where}: {p.detail}", resource=r, attribute=path or None,
                            location=_line_of(ctx, r, path, p), error=error, fix=fix, severity=sev,
                            symbol=f"Statement[{index}].Condition.{p.operator}" + (f".{p.key}" if p.key else ""),
                            operator=p.operator, condition_key=p.key, service=svc)


def _line_of(ctx: RuleContext, r: Resource, path: str, p: Problem) -> Location | None:
    """The line that writes the operator (or the key), searched from where the attribute is written."""
    loc = r.location_of(path) if path else r.location
    lines = ctx.lines(loc.file)
    if not lines or not loc.line:
        return None
    word = p.key if p.kind.startswith("shape") and p.key else p.operator
    # a quoted token ("StringEqual" as a JSON key or a Terraform `test = "StringEqual"`) or a bare YAML/HCL key
    w = re.escape(word)
    pat = re.compile(rf"""(["']){w}\1|(?:^|[\s{{(,]){w}\s*[:=]""")
    for n in range(loc.line - 1, min(len(lines), loc.line + 300)):
        if pat.search(lines[n]):
            return Location(loc.file, n + 1)
    return None
