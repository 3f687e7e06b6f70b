"""HYG009: the stack tags most of its resources with a common set of keys and leaves some without any of them.

What the prompt asks (named tag keys on every resource) is judged by the requirement checks (concept
`tagging.keys`, REQ002/REQ003, which read the prompt). This rule judges the stack against itself: once a program
shows a tagging convention (most taggable resources carry the same keys), a resource without any of those keys is
a gap in it (cost reports, tag-based IAM conditions and cleanup scripts miss it). When tags are applied for the
whole stack in one place (Terraform provider `default_tags`, Pulumi stack transformations or `aws:defaultTags`,
CDKTF aspects) the graph may not show them on each resource, so the rule stays silent there; CDK's
`Tags.of(scope).add` is applied by synth itself and shows in the template.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from iacqa.knowledge.tagging import TAG_EXEMPT, taggable
from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._text import code_lines, text_sources

# Tags applied to every resource by one setting, which the graph may not copy onto each resource.
_STACK_WIDE = re.compile(r"\bdefault_tags\b|\bdefaultTags\b|aws:defaultTags|register_stack_transformation|"
                         r"register_resource_transform|registerStackTransformation|registerResourceTransform|"
                         r"\bAspects\.of\(")
# Types created by the IaC tool for its own machinery (CDK's custom-resource providers, asset handlers).
_TOOLING = re.compile(r"CustomResourceProvider|LogRetention|BucketNotificationsHandler|AwsCliLayer|"
                      r"CustomS3AutoDeleteObjects|CDKBucketDeployment|Framework|SingletonLambda", re.I)
_MIN_TAGGED = 3
# Attachments that the schema lets carry tags but that stacks (and reviewers) treat as part of their parent, beyond
# the requirement checks' TAG_EXEMPT (found on corpus pulumi-py Pr7168: two SQS event source mappings).
_ATTACHMENTS = frozenset({"AWS::Lambda::EventSourceMapping", "AWS::Lambda::Url", "AWS::EC2::VPCGatewayAttachment",
                          "AWS::EC2::SubnetNetworkAclAssociation", "AWS::EC2::TransitGatewayAttachment"})


def tag_keys(resource: Resource) -> set[str] | None:
    """The tag keys a resource carries, or None when they are not known offline."""
    tags: Any = resource.properties.get("Tags")
    if tags is None:
        tags = resource.native_properties.get("tags")
    if tags is None:
        return set()
    if isinstance(tags, str):
        return None if tags.startswith(("<unresolved", "${")) or "mock-" in tags else set()
    if isinstance(tags, dict):
        return {str(k) for k in tags}
    if isinstance(tags, list):
        out = set()
        for t in tags:
            if isinstance(t, dict) and "Key" in t:
                out.add(str(t["Key"]))
            elif not isinstance(t, dict):
                return None
        return out
    return None


def _stack_wide(ctx: RuleContext) -> str | None:
    for file in text_sources(ctx):
        for no, line in code_lines(ctx, file):
            m = _STACK_WIDE.search(line)
            if m:
                return f"{m.group(0)} ({file}:{no})"
    return None


class PartialTagging(Rule):
    """Most resources carry the stack's tags; some carry none of them.

    What it finds: taggable resources (the CloudFormation schema of the type has `Tags`; alarms, rules,
    listeners, permissions and other attachments are not counted) that carry none of the tag keys shared by most
    of the stack's other taggable resources (at least 3 tagged, at least half of them), e.g. a log group and a
    role without the `Environment`/`Project` tags every other resource has. A `Name` tag alone is not a
    convention. Stacks that tag in one place (Terraform `default_tags`, Pulumi transformations or
    `aws:defaultTags`, CDKTF aspects) are not judged.
    Why it breaks: nothing fails at deploy; cost allocation, tag-based access conditions, cleanup jobs and
    reviewers' "all resources must be tagged" checks miss the untagged resources.
    Bad: `aws.s3.Bucket("data", tags=common_tags)` and `aws.cloudwatch.LogGroup("app", retention_in_days=7)`
    Good: pass the same tags to every resource, or set them once (Terraform provider `default_tags`, CDK
    `Tags.of(self).add(...)`, Pulumi provider `default_tags`).
    What AWS says: nothing at deploy; the resource is missing from tag-based cost and compliance reports.
    References: https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html
    """

    id = "HYG009"
    category = Category.HYGIENE
    severity = Severity.LOW
    title = "resources missing the tags the rest of the stack carries"
    docs_url = "https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        pool: list[tuple[Resource, set[str]]] = []
        for r in ctx.graph:
            if not r.mapped or r.type in TAG_EXEMPT or r.type in _ATTACHMENTS or not taggable(r.type) or _TOOLING.search(r.id):
                continue
            keys = tag_keys(r)
            if keys is None:
                return  # tags not known offline for some resource: the convention cannot be judged
            pool.append((r, keys))
        counts: Counter[str] = Counter(k for _, keys in pool for k in keys if k.lower() != "name")
        tagged = [r for r, keys in pool if any(k.lower() != "name" for k in keys)]
        if len(tagged) < _MIN_TAGGED or len(tagged) * 2 < len(pool):
            return
        common = sorted(k for k, n in counts.items() if n * 2 >= len(tagged))
        if not common:
            return
        bare = [r for r, keys in pool if not keys & set(common)]
        if not bare:
            return
        wide = _stack_wide(ctx)
        if wide:
            return
        by_file: dict[str | None, list[Resource]] = {}
        for r in sorted(bare, key=lambda r: (r.location.file or "", r.location.line or 0)):
            by_file.setdefault(r.location.file, []).append(r)
        shown = ", ".join(f"`{k}`" for k in common[:6])
        for items in by_file.values():
            first = items[0]
            names = ", ".join(f"{r.id} ({r.type.split('::', 1)[-1]})" for r in items[:8])
            more = f" and {len(items) - 8} more" if len(items) > 8 else ""
            yield self.finding(
                f"{len(items)} taggable resource(s) carry none of the tags {shown} that {len(tagged)} of the "
                f"stack's {len(pool)} taggable resources carry: {names}{more}",
                resource=first, attribute="Tags", location=first.location,
                error="nothing at deploy; the untagged resources are missing from tag-based cost and compliance "
                "reports",
                fix="pass the stack's common tags to these resources too, or apply them once for the whole stack "
                "(Terraform provider default_tags, CDK Tags.of(self).add, Pulumi provider default_tags)",
                tags=common, resources=[r.id for r in items],
                lines=sorted({r.location.line for r in items if r.location.line}))
