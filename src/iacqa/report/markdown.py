"""MODEL_FAILURES.md in the form of the reviewers' failure analyses (shared/seeds/)."""

from __future__ import annotations

from collections import OrderedDict

from iacqa.model import Category, Finding, Severity, TaskResult

_LANG = {".py": "python", ".tf": "hcl", ".yml": "yaml", ".yaml": "yaml", ".json": "json", ".ts": "typescript",
         ".js": "javascript"}

ROOT_CAUSE = {
    Category.SYNTAX: "The response is not valid code as delivered: a file does not parse, or the response was cut off.",
    Category.SDK_API: "The model used an API that the installed IaC SDK does not have, or used it with the wrong "
    "types; this is typically a construct remembered from another framework or another SDK version.",
    Category.AWS_LIMIT: "The model applied a requirement literally without checking the service limit that the AWS "
    "API enforces for this attribute.",
    Category.AWS_QUOTA: "The configuration ignores account-level quotas; it may work in a raised-limit account but "
    "fails in the accounts where these stacks are deployed and tested.",
    Category.WIRING: "Each resource looks fine alone, but they do not fit together; AWS checks the combination at "
    "create time or the first event fails.",
    Category.IAM_MISSING: "The execution role does not grant what the code or the service integration needs.",
    Category.IAM_BROAD: "The policy grants more than needed instead of scoping to the stack's own resources.",
    Category.RUNTIME_ERROR: "The function code fails when it runs on realistic input; the infrastructure deploys but "
    "the workflow is broken.",
    Category.PACKAGING: "The code the configuration deploys is not where the configuration says, or cannot be built.",
    Category.SECURITY: "A protection that the task or good practice requires is absent.",
    Category.HYGIENE: "The stack does not follow the conventions that let it be deployed and removed many times "
    "(environment suffixes, no hard-coded accounts or regions, teardown allowed).",
    Category.LINT: "The code does not meet the language style and correctness rules that the pipeline's lint gate "
    "enforces.",
    Category.TESTS_MISSING: "Tests are absent or placeholders, so nothing validates the stack before deployment.",
    Category.TESTS_BROKEN: "The tests cannot pass as written.",
    Category.TESTS_COVERAGE: "Coverage is below the required threshold, or the coverage summary the pipeline reads "
    "is missing.",
    Category.TESTS_INTEGRATION: "The integration tests cannot adapt to a real deployment.",
    Category.REQUIREMENT: "The code does not do what the prompt asks, or the prompt asks for what the platform forbids.",
    Category.DOCS: "Required documents are missing or out of date.",
}

GAP = {
    Category.SYNTAX: "Producing complete, parseable files",
    Category.SDK_API: "Platform API knowledge (exact SDK class, function and argument names)",
    Category.AWS_LIMIT: "AWS service limits and how to resolve requirement conflicts",
    Category.AWS_QUOTA: "Account-level quotas (e.g. Lambda concurrency)",
    Category.WIRING: "How AWS resources fit together (timeouts, streams, FIFO, destinations)",
    Category.IAM_MISSING: "Least-privilege IAM that still covers every call the code makes",
    Category.IAM_BROAD: "Scoping IAM policies to concrete ARNs",
    Category.RUNTIME_ERROR: "Python-AWS SDK runtime behaviour (e.g. Decimal for DynamoDB, JSON serialization)",
    Category.PACKAGING: "Lambda packaging and asset paths",
    Category.SECURITY: "Security defaults (encryption, retention, public access)",
    Category.HYGIENE: "Multi-deployment conventions (environment suffix, no hard-coded identifiers, teardown)",
    Category.LINT: "Language style rules enforced by the pipeline (pylint/PEP 8)",
    Category.TESTS_MISSING: "Treating tests as first-class deliverables",
    Category.TESTS_BROKEN: "Test mocking patterns (patching before module-level clients are created)",
    Category.TESTS_COVERAGE: "Covering error paths to reach the coverage gate",
    Category.TESTS_INTEGRATION: "Integration tests that discover the deployed stack",
    Category.REQUIREMENT: "Reading the prompt's requirements against platform constraints",
    Category.DOCS: "Delivering the required documents",
}

IMPACT = {
    Category.SYNTAX: ("Deployment: fails before synth", "Cost: no resources created", "Security: n/a"),
    Category.SDK_API: ("Deployment: fails immediately at synth / preview", "Cost: blocks all deployment, no "
                       "resources created", "Security: n/a"),
    Category.AWS_LIMIT: ("Deployment: fails when the resource is created", "Cost: moderate - blocks deployment, "
                         "easy to fix", "Requirement: the platform cannot do what was asked; document the limit"),
    Category.AWS_QUOTA: ("Deployment: fails during resource creation in standard/test accounts", "Cost: blocks "
                         "deployment", "Performance: reserved concurrency trades burst capacity for isolation"),
    Category.WIRING: ("Deployment: fails at create time, or the first event fails", "Cost: failed deployments and "
                      "retries", "Reliability: messages may be processed twice or lost"),
    Category.IAM_MISSING: ("Deployment or runtime: AccessDenied", "Security: none added, but the workflow breaks",
                           "Reliability: calls fail silently into DLQs"),
    Category.IAM_BROAD: ("Security: HIGH - violates least privilege", "Audit: hard to track permissions",
                         "Cost: none"),
    Category.RUNTIME_ERROR: ("Deployment: passes", "Runtime: invocations fail", "Data: writes or notifications lost"),
    Category.PACKAGING: ("Deployment: fails when the function is created", "Cost: blocks deployment",
                         "Security: n/a"),
    Category.SECURITY: ("Security: protection missing", "Compliance: may fail audits", "Cost: low to fix"),
    Category.HYGIENE: ("Deployment: collides with other deployments or cannot be torn down",
                       "Cost: orphaned resources", "Operations: manual cleanup"),
    Category.LINT: ("Cost: none", "Pipeline: the lint gate fails", "Maintainability: reduced"),
    Category.TESTS_MISSING: ("Pipeline: test gate fails", "Risk: untested code deployed", "Cost: debugging later"),
    Category.TESTS_BROKEN: ("Pipeline: test gate fails", "Risk: no validation", "Cost: rework of tests"),
    Category.TESTS_COVERAGE: ("Pipeline: coverage gate fails", "Risk: error paths untested", "Cost: low"),
    Category.TESTS_INTEGRATION: ("Pipeline: integration stage fails", "Portability: tests bound to one setup",
                                 "Cost: low"),
    Category.REQUIREMENT: ("Requirement: not met", "Cost: rework", "Review: must be explained"),
    Category.DOCS: ("Review: harder", "Cost: low", "Maintainability: reduced"),
}

DEFAULT_DOCS = {
    Category.SDK_API: "https://www.pulumi.com/registry/packages/aws/api-docs/",
    Category.AWS_LIMIT: "https://docs.aws.amazon.com/general/latest/gr/aws-service-information.html",
    Category.AWS_QUOTA: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
    Category.WIRING: "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html",
    Category.IAM_MISSING: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    Category.IAM_BROAD: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    Category.RUNTIME_ERROR: "https://boto3.amazonaws.com/v1/documentation/api/latest/guide/dynamodb.html",
    Category.PACKAGING: "https://docs.aws.amazon.com/lambda/latest/dg/python-package.html",
    Category.SECURITY: "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/welcome.html",
    Category.HYGIENE: "https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/welcome.html",
    Category.LINT: "https://peps.python.org/pep-0008/",
}


def _lang(path: str | None) -> str:
    if not path:
        return ""
    for ext, lang in _LANG.items():
        if path.endswith(ext):
            return lang
    return ""


def _group(findings: list[Finding]) -> list[list[Finding]]:
    groups: OrderedDict[tuple, list[Finding]] = OrderedDict()
    for f in findings:
        key = (f.rule, f.title, f.message if f.category is not Category.LINT else f.error or f.title)
        groups.setdefault(key, []).append(f)
    return list(groups.values())


def _entry(n: int, group: list[Finding], response_name: str) -> list[str]:
    f = group[0]
    level = f.severity.value.capitalize() + (" - Deployment Blocker" if f.blocking else "")
    out = [f"### {n}. {f.title[0].upper() + f.title[1:]}", "", f"**Impact Level**: {level}", "",
           f"**{response_name} Issue**:", f.message]
    if f.resource or f.attribute:
        subject = " / ".join(x for x in (f.resource_type, f.resource, f.attribute) if x)
        out.append(f"Resource: `{subject}`")
    locs = []
    for g in group[:20]:
        if g.file:
            loc = f"`{g.file}:{g.line}`" if g.line else f"`{g.file}`"
            if g.md_line:
                loc += f" ({response_name}.md line {g.md_line})"
            locs.append(loc)
    if locs:
        more = f" and {len(group) - 20} more" if len(group) > 20 else ""
        out.append("Location" + ("s" if len(locs) > 1 else "") + ": " + ", ".join(locs) + more)
    snippets = [g.snippet for g in group[:6] if g.snippet]
    if snippets:
        out += ["", f"```{_lang(f.file)}", *dict.fromkeys(s.rstrip() for s in snippets), "```"]
    if f.error:
        out += ["", "**Error Message**:", "```", f.error, "```"]
    if f.revealed_by:
        out += ["", f"*Revealed only once the earlier failure ({f.revealed_by}) is fixed.*"]
    if f.fix:
        out += ["", "**Fix**:", f.fix]
    out += ["", "**Root Cause**:", ROOT_CAUSE.get(f.category, "")]
    out += ["", "**AWS Documentation Reference**:", f.docs or DEFAULT_DOCS.get(f.category, "n/a")]
    out += ["", "**Cost/Security/Performance Impact**:", *[f"- {x}" for x in IMPACT.get(f.category, ())]]
    out += ["", "---", ""]
    return out


def to_markdown(result: TaskResult) -> str:
    name = {"model": "MODEL_RESPONSE", "ideal": "IDEAL_RESPONSE"}.get(result.task.response, "CODE")
    findings = sorted(result.active_findings, key=lambda f: (-f.severity.rank, f.file or "", f.line or 0))
    out = ["# Model Response Failures Analysis", "",
           f"This document analyzes the failures that iacqa found in the {name} "
           f"({result.task.platform or 'unknown platform'}, {result.task.language or '?'}) without deploying it: "
           "what blocks synth and deploy, what breaks at run time, and what the reviewers' gates would reject.", ""]
    out += ["## Overview", ""]
    if result.deployable:
        out.append(f"The {name} is deployable as far as iacqa can tell: no critical finding blocks synth, deploy "
                   "or the first invocation.")
    else:
        out.append(f"The {name} is **not deployable**: {len(result.blockers)} critical finding(s) block synth, "
                   "deploy or every invocation.")
    out.append("")
    n = 0
    for sev in Severity:
        groups = _group([f for f in findings if f.severity is sev])
        if not groups:
            continue
        out += [f"## {sev.value.capitalize()} Failures", ""]
        for g in groups:
            n += 1
            out += _entry(n, g, name)
    counts = {s: len(_group([f for f in findings if f.severity is s])) for s in Severity}
    cats = list(dict.fromkeys(f.category for f in findings))
    out += ["## Summary", "",
            f"- **Total failures**: {counts[Severity.CRITICAL]} Critical, {counts[Severity.HIGH]} High, "
            f"{counts[Severity.MEDIUM]} Medium, {counts[Severity.LOW]} Low",
            "- **Primary knowledge gaps**:"]
    out += [f"  {i}. {GAP[c]}" for i, c in enumerate(cats[:6], 1)] or ["  (none found)"]
    value = "HIGH" if counts[Severity.CRITICAL] else ("MEDIUM" if counts[Severity.HIGH] else "LOW")
    out += [f"- **Training value**: {value} - "
            + ("the response fails at deploy or run time in ways a reviewer must explain."
               if value == "HIGH" else "the response deploys; the failures are quality gates and conventions.")]
    stages = ", ".join(f"{s.name}: {s.status}" for s in result.stages)
    out += ["", f"_Generated by iacqa ({stages})._", ""]
    return "\n".join(out)
