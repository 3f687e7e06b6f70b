"""TFS018: an S3 lifecycle configuration rule (Terraform provider resource) with neither `filter` nor `prefix`."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import is_type, many

# The Terraform AWS provider's resource, also what CDKTF writes and what pulumi-aws bridges.
LIFECYCLE_TYPES = ("aws_s3_bucket_lifecycle_configuration",
                   "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
                   "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")


class LifecycleRuleWithoutFilter(Rule):
    """A lifecycle rule of `aws_s3_bucket_lifecycle_configuration` sets neither `filter` nor `prefix`.

    What it finds: a `rule` block of `aws_s3_bucket_lifecycle_configuration` (CDKTF
    `S3BucketLifecycleConfiguration`, Pulumi `aws.s3.BucketLifecycleConfiguration(V2)`) without a `filter` block
    and without `prefix`. An empty `filter {}` (the whole bucket) is what the provider wants.
    Why it breaks: the provider requires exactly one of the two; version 5 of the AWS provider warns on every plan
    and says the warning becomes an error in a later major version, so the configuration stops validating when the
    provider is upgraded (and reviewers flag the warning).
    Bad: `rule { id = "expire" status = "Enabled" expiration { days = 30 } }`
    Good: the same rule with `filter {}` (or `filter { prefix = "logs/" }`).
    What AWS says: the provider: `Warning: Invalid Attribute Combination ... No attribute specified when one (and
    only one) of [rule[0].filter,rule[0].prefix] is required ... This will be an error in a future version of the
    provider`.
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_lifecycle_configuration
    """

    id = "TFS018"
    category = Category.SDK_API
    severity = Severity.MEDIUM
    title = "S3 lifecycle rule with neither filter nor prefix"
    docs_url = ("https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"
                "s3_bucket_lifecycle_configuration")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if not is_type(r, LIFECYCLE_TYPES):
                continue
            key = "rule" if "rule" in r.native_properties else "rules"
            bare = [i for i, rule in enumerate(many(r.native_properties.get(key)))
                    if isinstance(rule, dict) and "filter" not in rule and "prefix" not in rule]
            if not bare:
                continue
            ids = [str(many(r.native_properties.get(key))[i].get("id") or f"#{i}") for i in bare]
            yield self.finding(
                f"{r.id}: lifecycle rule(s) {', '.join(ids)} set neither filter nor prefix; the AWS provider requires "
                "exactly one of them (a warning today, an error in a later provider version)",
                resource=r, attribute=key, location=r.location_of(key),
                error=f"Warning: Invalid Attribute Combination: No attribute specified when one (and only one) of "
                f"[{key}[{bare[0]}].filter,{key}[{bare[0]}].prefix] is required. This will be an error in a future "
                "version of the provider",
                fix="add `filter {}` to the rule (the whole bucket) or `filter { prefix = \"...\" }`",
                evidence="hashicorp/aws aws_s3_bucket_lifecycle_configuration schema: rule.filter / rule.prefix")
