"""HYG010: a customer managed KMS key that no alias of the stack names (TAP convention; off under profile `aws`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.leaves import leaves

_UNKNOWN = re.compile(r"<unresolved|\$\{|mock-")


def _targets(ctx: RuleContext, alias: Resource) -> tuple[set[str], bool]:
    """The key ids an alias points at, and whether its target is unknown offline."""
    value: Any = alias.get("TargetKeyId")
    if value is None:
        value = alias.native_properties.get("target_key_id") or alias.native_properties.get("targetKeyId")
    out: set[str] = set()
    unknown = value is None
    for _, v in leaves(value) if isinstance(value, (dict, list)) else [("", value)]:
        hit = ctx.graph.resolve_resource(v)
        if hit is not None:
            out.add(hit.id)
        elif isinstance(v, dict) or (isinstance(v, str) and _UNKNOWN.search(v)):
            unknown = True
        if isinstance(v, str):
            for key in ctx.graph.of_type("AWS::KMS::Key"):
                if key.id in v:  # a token that names the key (`${aws_kms_key.main.key_id}`, a CDK logical id)
                    out.add(key.id)
    return out, unknown and not out


class KmsKeyWithoutAlias(Rule):
    """A customer managed KMS key has no alias.

    What it finds: `AWS::KMS::Key` resources (`aws.kms.Key`, `aws_kms_key`, CDK `kms.Key` without `alias=`) that
    no `AWS::KMS::Alias` of the stack targets. When some alias's target cannot be resolved offline, nothing is
    reported.
    Why it breaks: nothing fails; the key shows in the console and in CloudTrail as a bare UUID, operators and
    other stacks cannot refer to it by name (`alias/orders-dev`), and rotating to a new key means changing every
    reference instead of re-pointing the alias. The TAP reviewers list a missing alias as a minor finding; under
    profile `aws` the rule is off.
    Bad: `key = aws.kms.Key("data", enable_key_rotation=True)` and nothing else.
    Good: `aws.kms.Alias("data-alias", name=f"alias/data-{env}", target_key_id=key.key_id)` (CDK
    `kms.Key(self, "Data", alias=f"alias/data-{env}")`).
    What AWS says: nothing at deploy; `aws kms list-aliases` does not list the key.
    References: https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html
    """

    id = "HYG010"
    category = Category.HYGIENE
    severity = Severity.LOW
    title = "KMS key without an alias"
    resource_types = ("AWS::KMS::Key",)
    docs_url = "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        keys = list(self.resources(ctx))
        if not keys:
            return
        named: set[str] = set()
        for alias in ctx.graph.of_type("AWS::KMS::Alias"):
            targets, unknown = _targets(ctx, alias)
            if unknown:
                return  # an alias we cannot place may well be this key's
            named |= targets
        for key in keys:
            if key.id in named or key.get("KeySpec", "SYMMETRIC_DEFAULT") not in ("SYMMETRIC_DEFAULT", None):
                continue  # asymmetric/HMAC keys are used by id from code; aliases are for the data keys
            yield self.finding(
                f"{key.id}: customer managed KMS key without an alias; it appears as a bare key id in the console, "
                "CloudTrail and every reference", resource=key,
                error="nothing at deploy; the key has no alias/... name to refer to it by",
                fix="add an alias targeting the key (aws.kms.Alias(name=f\"alias/<purpose>-{env}\", "
                "target_key_id=key.key_id); CDK kms.Key(alias=...))")
