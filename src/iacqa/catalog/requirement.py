"""Ids of the prompt requirement checks (iacqa.requirements): what the prompt asks for and the graph does not show."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class RequirementNotMet(Entry):
    """The prompt asks for something the resource graph does not have.

    What it finds: a requirement of `lib/PROMPT.md` (or `--prompt FILE`) that names an intent of the knowledge
    base (src/iacqa/knowledge/concepts/) whose graph predicate fails on every resource: a component missing (no
    WAF association, no dashboard, no Route 53 failover record), a value the prompt fixes ignored (7-day retention,
    512 MB, SMALL vs MEDIUM build compute). The finding points at the prompt line and names the closest resource.
    Severity follows the wording: must/required -> high, should -> medium, optional/nice-to-have -> low.
    Why it breaks: reviewers fail a response that does not do what the prompt asked; it deploys, but it is not
    the requested system.
    Bad: prompt "CloudWatch Logs retention exactly 7 days", code `retention_in_days=14`.
    Good: `retention_in_days=7` on the log group.
    What AWS says: nothing: the stack deploys; the requirement is simply not there.
    References: https://docs.aws.amazon.com/wellarchitected/latest/framework/welcome.html
    """

    id = "REQ002"
    category = Category.REQUIREMENT
    severity = Severity.HIGH
    title = "prompt requirement not met"
    stage = "check"
    emitters = ("iacqa.requirements.findings",)
    fix = "add the resource or set the value the prompt asks for"


class RequirementPartlyMet(Entry):
    """The prompt asks for something the resource graph has only in part.

    What it finds: a requirement whose graph predicate holds for some resources or values and not for others:
    X-Ray tracing on two of three functions, an alarm for one function of three, versioning on one bucket where
    "all buckets" was asked, two of the three NAT gateways asked for. The finding lists what falls short.
    Severity follows the wording: must/required -> high, should -> medium, optional/nice-to-have -> low.
    Why it breaks: the part that is missing is exactly what the reviewer checks next.
    Bad: prompt "enable X-Ray tracing for all Lambda functions"; one function without `tracing_config`.
    Good: `tracing_config={"mode": "Active"}` on every function.
    What AWS says: nothing: the stack deploys without it.
    References: https://docs.aws.amazon.com/wellarchitected/latest/framework/welcome.html
    """

    id = "REQ003"
    category = Category.REQUIREMENT
    severity = Severity.MEDIUM
    title = "prompt requirement partly met"
    stage = "check"
    emitters = ("iacqa.requirements.findings",)
    fix = "extend the setting to the resources or values listed"
