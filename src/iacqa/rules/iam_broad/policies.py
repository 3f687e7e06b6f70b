"""IAM001-IAM003: statements that grant every action, every resource, or resources in every account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Location, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import find_in_span
from iacqa.rules.iam_broad._policies import (
    PolicyDoc,
    arn_wildcards,
    documents,
    is_account_root,
    is_public,
    quote,
    scoped_actions,
    unknown,
)

MOCK_ACCOUNT = "123456789012"


def _key_rx(key: str, value: str) -> re.Pattern[str]:
    """`"Action": "*"`, `"Action": ["*"`, `actions=["*"`: the value written right after the key."""
    return re.compile(rf"""(?i)["']?{key}s?["']?\s*[:=]\s*\[?\s*["']{re.escape(value)}["']""")


def _alone_rx(value: str) -> re.Pattern[str]:
    """The value written as a list item on its own line."""
    return re.compile(rf"""^\s*["']{re.escape(value)}["']\s*,?\s*\]?\s*,?\s*$""")


def _quoted_rx(value: str) -> re.Pattern[str]:
    return re.compile(rf"""["']{re.escape(value)}["']""")


class _Locator:
    """Finds the line of each offending value, in order, so two statements get their own lines."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.used: dict[tuple[str, str], int] = {}

    def find(self, doc: PolicyDoc, patterns: list[re.Pattern[str]]) -> Location:
        key = (doc.resource.id, patterns[0].pattern)
        nth = self.used.get(key, 0)
        self.used[key] = nth + 1
        for rx in patterns:
            loc = find_in_span(self.ctx, doc.resource, rx, nth)
            if loc is not None:
                return loc
        return doc.resource.location_of(doc.attribute)


def _allows(stmt: dict[str, Any]) -> bool:
    return stmt.get("Effect") == "Allow"


class WildcardAction(Rule):
    """A policy allows every action (`"*"`) or every action of a service (`"s3:*"`).

    What it finds: an `Allow` statement whose `Action` is `"*"` or `"<service>:*"`, or an `Allow` with
    `NotAction`, in inline role policies, `aws.iam.RolePolicy`, `aws.iam.Policy`, and in resource policies
    (bucket, queue, topic, key policies) granted to anyone but the account itself.
    Why it breaks: nothing fails at deploy; the role can delete tables, purge queues or change its own policies,
    so one bug or leaked credential does the most damage. Reviewers of the task mark it as a security failure.
    Bad: `{"Effect": "Allow", "Action": "dynamodb:*", "Resource": table_arn}`
    Good: `{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": table_arn}`
    What AWS says: "We recommend that you grant only the permissions required to perform a task (least
    privilege)" (IAM User Guide, security best practices).
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    """

    id = "IAM001"
    category = Category.IAM_BROAD
    severity = Severity.HIGH
    title = "policy allows all actions of a service"
    docs_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        loc = _Locator(ctx)
        for doc in documents(ctx.graph):
            for stmt in doc.statements:
                if not _allows(stmt):
                    continue
                if doc.kind == "resource" and is_account_root(stmt.get("Principal"), MOCK_ACCOUNT):
                    continue  # the default key policy: the account delegates to its own IAM policies
                wild = [a for a in stmt.get("Action", []) if not unknown(a) and (a == "*" or a.endswith(":*"))]
                if "NotAction" in stmt:
                    wild.append("NotAction " + ", ".join(stmt["NotAction"]))
                if not wild:
                    continue
                first = wild[0]
                pats = ([_key_rx("NotAction", stmt["NotAction"][0] if stmt["NotAction"] else "")]
                        if first.startswith("NotAction") else
                        [_key_rx("Action", first), _quoted_rx(first) if first != "*" else _alone_rx(first)])
                everything = "*" in stmt.get("Resource", []) and "*" in wild
                what = "every action on every resource" if everything else "every action of " + ", ".join(
                    "every service" if a == "*" else (a if a.startswith("NotAction") else a.split(":")[0])
                    for a in wild)
                severity = self.severity if doc.kind == "identity" or is_public(stmt.get("Principal")) \
                    else Severity.MEDIUM
                yield self.finding(
                    f"{doc.label} allows {what}: {quote(stmt)}", resource=doc.resource,
                    attribute=doc.attribute, location=loc.find(doc, pats), severity=severity,
                    fix="list the actions the code calls (e.g. dynamodb:GetItem, dynamodb:PutItem) instead of "
                    f"`{first}`", actions=wild, policy=doc.label)


class WildcardResource(Rule):
    """A policy allows actions that could be scoped to resources on every resource (`"Resource": "*"`).

    What it finds: an `Allow` statement without a condition whose `Resource` is `"*"` while some of its actions
    support resource-level permissions (from the IAM action table cfn-lint ships). Actions that only work with
    `"*"` (`xray:PutTraceSegments`, `ec2:Describe*`, `sts:GetCallerIdentity`) and the network-interface actions
    of VPC Lambdas and `cloudwatch:PutMetricData` are not reported. Resource policies are skipped (their `*`
    means the resource they sit on). Statements already reported by IAM001 for a service wildcard are skipped.
    Why it breaks: nothing fails at deploy; the role can read or change every table/queue/bucket in the account.
    Bad: `{"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": "*"}`
    Good: `{"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": table.arn}`
    What AWS says: "specify the resources ... to which the actions apply" (IAM JSON policy elements: Resource).
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    """

    id = "IAM002"
    category = Category.IAM_BROAD
    severity = Severity.MEDIUM
    title = "policy allows scoped actions on every resource"
    docs_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        loc = _Locator(ctx)
        for doc in documents(ctx.graph):
            if doc.kind != "identity":
                continue
            for stmt in doc.statements:
                if not _allows(stmt) or "*" not in stmt.get("Resource", []) or stmt.get("Condition"):
                    continue
                actions = [a for a in stmt.get("Action", []) if not unknown(a) and a != "*" and not a.endswith(":*")]
                scoped = [a for a in actions if scoped_actions(a)]
                if not scoped:
                    continue
                yield self.finding(
                    f"{doc.label} allows {', '.join(scoped)} on every resource (`\"Resource\": \"*\"`): "
                    f"{quote(stmt)}", resource=doc.resource, attribute=doc.attribute,
                    location=loc.find(doc, [_key_rx("Resource", "*"), _alone_rx("*")]),
                    fix="set Resource to the ARNs of the resources the code uses (table.arn, queue.arn, "
                    "f\"{bucket.arn}/*\")", actions=scoped, policy=doc.label)


_ACCOUNT_RX = re.compile(r"arn:[^:'\"\s]*:[^:'\"\s]*:[^:'\"\s]*:\*:")
_REGION_RX = re.compile(r"arn:[^:'\"\s]*:[^:'\"\s]*:\*:")


class WildcardAccount(Rule):
    """A policy names resources with `*` in the account (or region) field of an ARN.

    What it finds: `Resource` ARNs such as `arn:aws:logs:us-east-1:*:log-group:/aws/lambda/fn:*` or
    `arn:aws:logs:*:*:*` in any policy of the stack; a wildcard region alone is reported with a lower severity.
    Why it breaks: the grant covers the same-named resources in every AWS account (for cross-account resource
    types) and is flagged by least-privilege review; the account is known at deploy time
    (`aws.get_caller_identity().account_id`), so the wildcard is never needed.
    Bad: `"Resource": f"arn:aws:logs:us-east-1:*:log-group:/aws/lambda/{name}:*"`
    Good: `"Resource": f"arn:aws:logs:{region}:{account_id}:log-group:/aws/lambda/{name}:*"` or `log_group.arn`
    What AWS says: "Use the Resource element ... to specify ... by ARN" and "avoid wildcards ... in the account
    portion" (IAM User Guide, policy elements and least privilege).
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    """

    id = "IAM003"
    category = Category.IAM_BROAD
    severity = Severity.HIGH
    title = "wildcard account or region in a policy ARN"
    docs_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        loc = _Locator(ctx)
        for doc in documents(ctx.graph):
            seen: set[str] = set()
            for stmt in doc.statements:
                if not _allows(stmt):
                    continue
                for value in stmt.get("Resource", []):
                    if unknown(value) or value in seen:
                        continue
                    account, region = arn_wildcards(value)
                    if not (account or region):
                        continue
                    seen.add(value)
                    field = "account" if account else "region"
                    rx = _ACCOUNT_RX if account else _REGION_RX
                    yield self.finding(
                        f"{doc.label} names `{value}` with `*` in the {field} field: {quote(stmt)}",
                        resource=doc.resource, attribute=doc.attribute,
                        location=loc.find(doc, [_quoted_rx(value), rx]),
                        severity=self.severity if account else Severity.MEDIUM,
                        fix=("use the deploying account: aws.get_caller_identity().account_id (or the resource's "
                             ".arn output)" if account else "use the stack's region: aws.get_region().name"),
                        arn=value, policy=doc.label)
