"""MODEL_FAILURES.md in the form of the reviewers' failure analyses (shared/seeds/).

One entry per failure, worst first: impact level, the response's issue with its location and snippet, the error
AWS or the SDK answers, the fix, the root cause, a documentation link and the cost/security/performance impact.
Findings of one rule with the same error and fix (else the same message), or of one lint rule, are one entry
listing every location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from iacqa.model import Category, Finding, Severity, TaskResult
from iacqa.report import requirements as requirements_report
from iacqa.report.json_report import sorted_findings
from iacqa.report.text import short_error

C = Category

LANGUAGE = {".py": "python", ".tf": "hcl", ".hcl": "hcl", ".yml": "yaml", ".yaml": "yaml", ".json": "json",
            ".ts": "typescript", ".js": "javascript", ".sh": "bash", ".toml": "toml", ".md": "markdown"}

ROOT_CAUSE = {
    C.SYNTAX: "The response is not valid code as delivered: a file does not parse, or the response was cut off "
    "before the code was complete.",
    C.SDK_API: "The model used an API that the installed IaC SDK does not have, or used it with the wrong types. "
    "This is typically a construct remembered from another framework (CDK, Terraform) or another SDK version.",
    C.AWS_LIMIT: "The model applied the requirement literally without checking the service limit that the AWS API "
    "enforces for this attribute. When a requirement conflicts with a platform limit, the model should use the "
    "limit and document the conflict.",
    C.AWS_QUOTA: "The configuration ignores account-level quotas. It may work in an account with raised limits, but "
    "fails in the standard accounts where these stacks are deployed and tested.",
    C.WIRING: "Each resource looks fine alone, but they do not fit together; AWS checks the combination when the "
    "resource is created, or the first event fails.",
    C.IAM_MISSING: "The execution role does not grant what the code or the service integration needs; the model "
    "wrote the policy without following each call and integration back to a permission.",
    C.IAM_BROAD: "The policy grants more than needed instead of scoping actions and resources to the stack's own "
    "resources, which violates least privilege.",
    C.RUNTIME_ERROR: "The function code fails when it runs on realistic input. The infrastructure deploys, but the "
    "workflow is broken; the model did not account for how the AWS SDK and the runtime treat these values.",
    C.PACKAGING: "The code that the configuration deploys is not where the configuration says, or cannot be built "
    "into a package.",
    C.SECURITY: "A protection that the task or good practice requires is absent.",
    C.HYGIENE: "The stack does not follow the conventions that let it be deployed and removed many times "
    "(environment suffixes, no hard-coded accounts, regions or ARNs, teardown allowed).",
    C.LINT: "The code does not meet the language style and correctness rules that the pipeline's lint gate "
    "enforces.",
    C.TESTS_MISSING: "Tests are absent or placeholders: the model treated tests as optional rather than as a "
    "deliverable, so nothing validates the stack before deployment.",
    C.TESTS_BROKEN: "The tests cannot pass as written (for example, mocks applied after module-level clients were "
    "created, or imports that do not resolve).",
    C.TESTS_COVERAGE: "The tests cover the happy path only; error paths are untested, so coverage stays below the "
    "required threshold, or the coverage summary the pipeline reads is missing.",
    C.TESTS_INTEGRATION: "The integration tests are bound to one setup (hard-coded outputs path or stack name) and "
    "cannot adapt to a real deployment.",
    C.REQUIREMENT: "The code does not do what the prompt asks, or the prompt asks for something the platform "
    "forbids and the conflict was not resolved and documented.",
    C.DOCS: "Required documents are missing or out of date.",
}

GAP = {
    C.SYNTAX: ("Complete, parseable output", "no truncated or invalid files"),
    C.SDK_API: ("Platform API knowledge", "exact SDK class, function and argument names"),
    C.AWS_LIMIT: ("AWS service limits", "valid ranges and enums, and resolving requirement conflicts"),
    C.AWS_QUOTA: ("Account-level quotas", "e.g. Lambda concurrency"),
    C.WIRING: ("How AWS resources fit together", "timeouts, streams, FIFO, destinations, references"),
    C.IAM_MISSING: ("Complete least-privilege IAM", "every call the code makes needs a permission"),
    C.IAM_BROAD: ("Scoped IAM policies", "concrete actions and ARNs instead of wildcards"),
    C.RUNTIME_ERROR: ("Python-AWS SDK runtime behaviour", "e.g. Decimal for DynamoDB, JSON serialization"),
    C.PACKAGING: ("Lambda packaging", "asset paths, handlers and runtimes"),
    C.SECURITY: ("Security defaults", "encryption, log retention, public access"),
    C.HYGIENE: ("Multi-deployment conventions", "environment suffix, no hard-coded identifiers, teardown"),
    C.LINT: ("Code quality standards", "PEP 8 and the pylint rules the lint gate enforces"),
    C.TESTS_MISSING: ("Testing culture", "tests as first-class deliverables"),
    C.TESTS_BROKEN: ("Test mocking patterns", "patching before module-level clients are created"),
    C.TESTS_COVERAGE: ("Test coverage", "error paths and edge cases up to the coverage gate"),
    C.TESTS_INTEGRATION: ("Integration test patterns", "discovering the deployed stack's outputs"),
    C.REQUIREMENT: ("Requirements versus platform constraints", "reading the prompt against what AWS allows"),
    C.DOCS: ("Required documentation", "README and response documents that match the code"),
}

# (label, text): the seeds' "Cost/Security/Performance Impact" bullets.
IMPACT = {
    C.SYNTAX: (("Deployment", "fails before synth; nothing can be previewed or deployed"),
               ("Cost", "no resources created"), ("Security", "n/a")),
    C.SDK_API: (("Deployment", "fails immediately at synth / preview"),
                ("Cost", "blocks all deployment, no resources created"), ("Security", "n/a")),
    C.AWS_LIMIT: (("Deployment", "fails when the resource is created"),
                  ("Cost", "moderate - blocks deployment, but easy to fix"),
                  ("Requirement", "the platform cannot do what was asked; the limit must be documented")),
    C.AWS_QUOTA: (("Deployment", "fails during resource creation in standard and test accounts"),
                  ("Cost", "blocks deployment in test accounts"),
                  ("Production", "would work only in accounts with raised quotas")),
    C.WIRING: (("Deployment", "fails when the resource is created, or the first event fails"),
               ("Cost", "failed deployments and retries"),
               ("Reliability", "events may be processed twice, delayed or lost")),
    C.IAM_MISSING: (("Deployment", "passes, or fails where AWS validates the permission at create time"),
                    ("Runtime", "AccessDenied on the call; events end in retries or the DLQ"),
                    ("Security", "no exposure, but the workflow is broken")),
    C.IAM_BROAD: (("Security", "HIGH - violates least privilege; a compromised function can do more"),
                  ("Audit", "permissions are hard to review"), ("Cost", "none")),
    C.RUNTIME_ERROR: (("Deployment", "passes (the function deploys)"),
                      ("Runtime", "invocations that reach this code fail"),
                      ("Data", "writes or notifications are lost; failed events fill the DLQ")),
    C.PACKAGING: (("Deployment", "fails when the function is created or first invoked"),
                  ("Cost", "blocks deployment"), ("Security", "n/a")),
    C.SECURITY: (("Security", "a required protection is missing"), ("Compliance", "may fail audits"),
                 ("Cost", "low to fix")),
    C.HYGIENE: (("Deployment", "collides with other deployments or cannot be torn down"),
                ("Cost", "orphaned resources"), ("Operations", "manual cleanup")),
    C.LINT: (("Cost", "none"), ("Pipeline", "the lint gate fails"), ("Maintainability", "reduced readability")),
    C.TESTS_MISSING: (("Pipeline", "the test gate fails"), ("Risk", "untested code is deployed"),
                      ("Cost", "defects found later, in deployment or production")),
    C.TESTS_BROKEN: (("Pipeline", "the test gate fails"), ("Risk", "no validation of the stack"),
                     ("Cost", "rework of the tests")),
    C.TESTS_COVERAGE: (("Pipeline", "the coverage gate fails"), ("Risk", "error paths untested"),
                       ("Cost", "low")),
    C.TESTS_INTEGRATION: (("Pipeline", "the integration stage fails"),
                          ("Portability", "tests bound to one deployment setup"), ("Cost", "low")),
    C.REQUIREMENT: (("Requirement", "not met"), ("Cost", "rework"), ("Review", "the gap must be explained")),
    C.DOCS: (("Review", "harder"), ("Cost", "low"), ("Maintainability", "reduced")),
}

DEFAULT_DOCS = {
    C.SYNTAX: "https://docs.python.org/3/reference/grammar.html",
    C.SDK_API: "https://www.pulumi.com/registry/packages/aws/api-docs/",
    C.AWS_LIMIT: "https://docs.aws.amazon.com/general/latest/gr/aws-service-information.html",
    C.AWS_QUOTA: "https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html",
    C.WIRING: "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html",
    C.IAM_MISSING: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    C.IAM_BROAD: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    C.RUNTIME_ERROR: "https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html",
    C.PACKAGING: "https://docs.aws.amazon.com/lambda/latest/dg/python-package.html",
    C.SECURITY: "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/welcome.html",
    C.HYGIENE: "https://docs.aws.amazon.com/prescriptive-guidance/latest/naming-tagging/welcome.html",
    C.LINT: "https://peps.python.org/pep-0008/",
    C.TESTS_MISSING: "https://docs.aws.amazon.com/lambda/latest/dg/testing-functions.html",
    C.TESTS_BROKEN: "https://docs.python.org/3/library/unittest.mock.html#where-to-patch",
    C.TESTS_COVERAGE: "https://coverage.readthedocs.io/",
    C.TESTS_INTEGRATION: "https://docs.aws.amazon.com/lambda/latest/dg/testing-functions.html",
    C.REQUIREMENT: "https://docs.aws.amazon.com/general/latest/gr/aws-service-information.html",
    C.DOCS: "https://docs.aws.amazon.com/prescriptive-guidance/latest/best-practices-cdk-typescript-iac/",
}

# Per service (from the resource type), for the categories where the service's own page says more.
SERVICE_DOCS = {
    ("aws-limit", "lambda"): "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
    ("aws-limit", "sqs"): "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html",
    ("aws-limit", "logs"): "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
    ("aws-limit", "dynamodb"): "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html",
    ("aws-limit", "apigateway"): "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html",
    ("aws-limit", "sns"): "https://docs.aws.amazon.com/general/latest/gr/sns.html",
    ("aws-quota", "lambda"): "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
    ("wiring", "sqs"): "https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html",
    ("wiring", "dynamodb"): "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html",
    ("wiring", "kinesis"): "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html",
    ("wiring", "sns"): "https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html",
    ("iam-missing", "kms"): "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
    ("security", "s3"): "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
    ("security", "logs"): "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/logs/Working-with-log-groups-and-streams.html",
}

# Per attribute (the user's name or the CloudFormation name, lower-cased, underscores removed).
ATTRIBUTE_DOCS = {
    "maximumretryattempts": "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html",
    "maximumeventageinseconds": "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html",
    "reservedconcurrentexecutions": "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
    "visibilitytimeoutseconds": "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html",
    "retentionindays": "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
    "memorysize": "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
    "timeout": "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
    "runtime": "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
}

# Per error text, for run-time failures whose cause is in the SDK rather than in a resource.
ERROR_DOCS = (
    ("float types are not supported", "https://boto3.amazonaws.com/v1/documentation/api/latest/reference/customizations/dynamodb.html"),
    ("decimal is not json serializable", "https://docs.python.org/3/library/json.html#json.JSONEncoder.default"),
    ("accessdenied", "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"),
)

PLATFORM_SDK_DOCS = {
    "pulumi": "https://www.pulumi.com/registry/packages/aws/api-docs/",
    "cdktf": "https://registry.terraform.io/providers/hashicorp/aws/latest/docs",
    "tf": "https://registry.terraform.io/providers/hashicorp/aws/latest/docs",
    "cdk": "https://docs.aws.amazon.com/cdk/api/v2/python/",
    "cfn": "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html",
}

STAGE_WORDS = {
    "ingest": "reading the response", "syntax": "compiling every file", "graph": "running the program under mocks", "frontend": "running the program",
    "check": "static rules over the resource graph", "lint": "the linters", "security": "the security scanner",
    "emulate": "running the handlers against an emulated AWS", "tests": "running the project's tests",
    "engine": "iacqa itself",
}

_MAX_LOCATIONS = 25
_MAX_SNIPPETS = 8


def language(path: str | None) -> str:
    return LANGUAGE.get(PurePosixPath(path).suffix.lower(), "") if path else ""


def service_of(resource_type: str | None) -> str | None:
    """`aws:lambda/function:Function`, `aws_lambda_function`, `AWS::Lambda::Function`, `aws.lambda_.Function` -> lambda."""
    if not resource_type:
        return None
    m = re.match(r"(?i)aws(?:::|:|_|\.)([a-z0-9]+)", resource_type)
    if not m:
        return None
    s = m.group(1).lower()
    return {"cloudwatch": "logs" if "loggroup" in resource_type.lower().replace("_", "") else "cloudwatch",
            "apigatewayv2": "apigateway", "sfn": "stepfunctions"}.get(s, s)


def _specific_docs(f: Finding, platform: str) -> str | None:
    """A page about this very attribute, SDK class or error, when the tables know one."""
    if f.category is C.SDK_API:
        if platform not in ("", "pulumi"):
            return None
        m = re.match(r"aws:([a-z0-9]+)/([A-Za-z0-9]+):", f.resource_type or "")
        if m:
            return f"https://www.pulumi.com/registry/packages/aws/api-docs/{m.group(1)}/{m.group(2).lower()}/"
        m = re.match(r"pulumi_aws\.([a-z0-9_]+)\.", f.symbol or "")
        if m:
            return f"https://www.pulumi.com/registry/packages/aws/api-docs/{m.group(1).rstrip('_')}/"
        return None
    text = (f.error or "").lower() + " " + f.message.lower()
    for needle, url in ERROR_DOCS:
        if needle in text:
            return url
    if f.attribute and f.category in (C.AWS_LIMIT, C.AWS_QUOTA, C.WIRING, C.REQUIREMENT):
        key = re.sub(r"[^a-z]", "", f.attribute.split(".")[-1].lower())
        return ATTRIBUTE_DOCS.get(key)
    return None


def _general_docs(f: Finding, platform: str) -> str:
    if f.category is C.SDK_API:
        return PLATFORM_SDK_DOCS.get(platform, DEFAULT_DOCS[C.SDK_API])
    svc = service_of(f.resource_type)
    return SERVICE_DOCS.get((f.category.value, svc or ""), DEFAULT_DOCS.get(f.category, DEFAULT_DOCS[C.AWS_LIMIT]))


def docs_list(f: Finding, platform: str = "") -> list[str]:
    """The page about this attribute, SDK class or error first, then the finding's own link; else a general page."""
    refs = [u for u in (_specific_docs(f, platform), f.docs) if u]
    return list(dict.fromkeys(refs)) or [_general_docs(f, platform)]


def docs_for(f: Finding, platform: str = "") -> str:
    return docs_list(f, platform)[0]


def fenced(text: str, lang: str = "") -> list[str]:
    """A fenced block that survives backticks inside the text."""
    runs = [len(m) for m in re.findall(r"`{3,}", text)]
    fence = "`" * max([3, *(n + 1 for n in runs)])
    return [fence + lang, text.rstrip("\n"), fence]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


@dataclass
class _Entry:
    findings: list[Finding]
    number: int = 0
    fingerprints: set[str] = field(default_factory=set)

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def title(self) -> str:
        f = self.first
        title = _cap((f.title or f.rule).strip().rstrip("."))
        subjects = {(g.symbol or g.attribute) if g.category is C.SDK_API else (g.attribute or g.symbol)
                    for g in self.findings}
        if f.category is not C.LINT and len(subjects) == 1 and (subject := subjects.pop()) and subject not in title:
            title += f": `{subject}`"
        return title


def _group_key(f: Finding) -> tuple:
    if f.category is C.LINT:
        return (f.rule,)  # one lint rule is one entry, as the seeds list "lines 524, 551, 567 ..."
    # The same answer from AWS and the same fix is the same failure, even where the messages name different
    # resources (seed 000: four functions in a loop, each reserving 100); else the same message.
    if f.error and f.error.strip():
        return (f.rule, f.title, " ".join(f.error.split()), f.fix)
    return (f.rule, f.title, " ".join(f.message.split()), f.fix)


def group(findings: list[Finding]) -> list[list[Finding]]:
    """Findings of one severity, grouped (same rule and message; one lint rule), in report order."""
    groups: dict[tuple, list[Finding]] = {}
    for f in sorted_findings(findings):
        groups.setdefault(_group_key(f), []).append(f)
    return list(groups.values())


@dataclass
class _Names:
    issue: str  # "MODEL_RESPONSE"
    md: str  # "MODEL_RESPONSE.md"
    subject: str  # "the MODEL_RESPONSE"


def _names(result: TaskResult) -> _Names:
    resp = result.task.response
    label = {"model": "MODEL_RESPONSE", "ideal": "IDEAL_RESPONSE"}.get(resp, "")
    md = PurePosixPath(result.task.response_file).name if result.task.response_file else (f"{label}.md" if label else "")
    return _Names(issue=label or "Code", md=md, subject=f"the {label}" if label else "the project's code")


def _location(f: Finding, names: _Names) -> str:
    if not f.file:
        return "the project as a whole"
    loc = f"`{f.file}:{f.line}`" if f.line else f"`{f.file}`"
    if f.md_line and names.md:
        loc += f" ({names.md} line {f.md_line})"
    return loc


def _sentence(text: str) -> str:
    return text.strip()  # messages start with identifiers often (`maximum_retry_attempts=5 ...`): keep their case


def _locations(group_: list[Finding], names: _Names) -> str:
    """`lib/x.py` lines 524, 551 (MODEL_RESPONSE.md lines 1024, 1051); `lib/y.py:3`, as the seeds list them."""
    by_file: dict[str | None, list[Finding]] = {}
    for g in group_:
        by_file.setdefault(g.file, []).append(g)
    parts = []
    for file, gs in by_file.items():
        if file is None:
            parts.append("the project as a whole")
            continue
        lines = [g for g in gs if g.line]
        if len(lines) <= 1:
            parts += [_location(g, names) for g in gs]
            continue
        shown = lines[:_MAX_LOCATIONS]
        text = f"`{file}` lines " + ", ".join(str(g.line) for g in shown)
        if len(lines) > len(shown):
            text += f" and {len(lines) - len(shown)} more"
        md = [str(g.md_line) for g in shown if g.md_line]
        if md and names.md:
            text += f" ({names.md} lines {', '.join(md)})"
        parts.append(text)
    return "; ".join(parts)


def _where_line(f: Finding, names: _Names) -> str:
    """`Location: `lib/tap_stack.py:120` (MODEL_RESPONSE.md line 456), resource `x` (`type`), attribute `y``."""
    parts = [f"Location: {_location(f, names)}"]
    if f.resource:
        parts.append(f"resource `{f.resource}`" + (f" (`{f.resource_type}`)" if f.resource_type else ""))
    elif f.resource_type:
        parts.append(f"resource type `{f.resource_type}`")
    if f.attribute:
        parts.append(f"attribute `{f.attribute}`")
    return ", ".join(parts)


def _impact_level(f: Finding) -> str:
    level = _cap(f.severity.value)
    if f.blocking:
        level += " - Runtime Blocker" if f.category is C.RUNTIME_ERROR else " - Deployment Blocker"
    return level


def _root_cause(entry: _Entry) -> str:
    f = entry.first
    base = ROOT_CAUSE.get(f.category, "")
    detail = ""
    if f.category is C.SDK_API and f.symbol:
        detail = f"Here the symbol is `{f.symbol}`."
    elif f.category in (C.AWS_LIMIT, C.REQUIREMENT) and f.attribute:
        detail = f"Here the attribute is `{f.attribute}`" + (f" of `{f.resource}`." if f.resource else ".")
    return f"{base} {detail}".strip()


def _impact(entry: _Entry) -> list[str]:
    f = entry.first
    lines = [f"- **{k}**: {v}" for k, v in IMPACT.get(f.category, ())]
    if len(entry.findings) > 1:
        lines.append(f"- **Occurrences**: {len(entry.findings)}")
    return lines


def _entry_lines(entry: _Entry, names: _Names, platform: str, by_fp: dict[str, _Entry]) -> list[str]:
    f, group_ = entry.first, entry.findings
    out = [f"### {entry.number}. {entry.title}", "", f"**Impact Level**: {_impact_level(f)}", "",
           f"**{names.issue} Issue**:"]
    if f.revealed_by:
        earlier = by_fp.get(f.revealed_by)
        what = f"failure {earlier.number} ({earlier.title})" if earlier else "an earlier failure"
        out += [f"Even after fixing {what}, this one remains: it shows only once that one is fixed.", ""]
    messages = list(dict.fromkeys(" ".join(g.message.split()) for g in group_))
    if len(group_) == 1:
        out += [_sentence(f.message), "", _where_line(f, names)]
    elif len(messages) == 1:
        out += [_sentence(f.message), "", f"Locations ({len(group_)}): {_locations(group_, names)}"]
    else:
        out.append(f"{len(group_)} occurrences:")
        out += [f"- {_location(g, names)}: {' '.join(g.message.split())}" for g in group_[:_MAX_LOCATIONS]]
        if len(group_) > _MAX_LOCATIONS:
            out.append(f"- ... and {len(group_) - _MAX_LOCATIONS} more")
    snippets = list(dict.fromkeys(g.snippet.rstrip() for g in group_ if g.snippet and g.snippet.strip()))
    if snippets:
        out += ["", *fenced("\n".join(snippets[:_MAX_SNIPPETS]), language(f.file) or _platform_lang(platform))]
    errors = list(dict.fromkeys(short_error(g.error) for g in group_ if g.error and g.error.strip()))
    if errors:
        out += ["", "**Error Message**:", *fenced("\n".join(errors[:3]))]
    if f.fix and "\n" in f.fix.strip():
        out += ["", "**Fix**:", *fenced(f.fix.strip("\n"), language(f.file) or _platform_lang(platform))]
    elif f.fix:
        out += ["", "**Fix**:", f.fix.strip()]
    out += ["", "**Root Cause**:", _root_cause(entry)]
    refs = docs_list(f, platform)
    out += ["", "**AWS Documentation Reference**:", *(refs if len(refs) == 1 else [f"- {u}" for u in refs])]
    out += ["", "**Cost/Security/Performance Impact**:", *_impact(entry)]
    out += ["", "---", ""]
    return out


def _platform_lang(platform: str) -> str:
    return {"tf": "hcl", "cfn": "yaml"}.get(platform, "python" if platform else "")


def _entries(result: TaskResult) -> dict[Severity, list[_Entry]]:
    out: dict[Severity, list[_Entry]] = {}
    n = 0
    for sev in Severity:
        groups = group([f for f in result.active_findings if f.severity is sev])
        for g in groups:
            n += 1
            out.setdefault(sev, []).append(_Entry(g, n, {x.fingerprint for x in g}))
    return out


def _overview(result: TaskResult, names: _Names, entries: dict[Severity, list[_Entry]]) -> list[str]:
    out = ["## Overview", ""]
    if result.error:
        out += [f"The input could not be analyzed: {result.error}", ""]
        return out
    blockers = result.blockers
    if blockers:
        titles = list(dict.fromkeys(e.title for es in entries.values() for e in es if e.first.blocking))
        out.append(f"{_cap(names.subject)} is **not deployable**: {len(blockers)} critical finding"
                   f"{'s' if len(blockers) != 1 else ''} block synth, deploy or every invocation "
                   f"({'; '.join(titles[:5])}{'; ...' if len(titles) > 5 else ''}).")
    elif result.active_findings:
        out.append(f"{_cap(names.subject)} is deployable as far as iacqa can tell: no critical finding blocks synth, "
                   "deploy or the first invocation. The failures below are defects, quality gates and conventions.")
    else:
        out.append(f"iacqa found no failures in {names.subject} with the stages that ran.")
    not_run = [s for s in result.stages if s.status not in ("ok", "failed")]
    if not_run:
        out += ["", "Not checked: " + "; ".join(f"{s.name} ({s.status}{': ' + s.detail if s.detail else ''})"
                                                  for s in not_run) + "."]
    out.append("")
    return out


def _summary(result: TaskResult, entries: dict[Severity, list[_Entry]]) -> list[str]:
    counts = {s: len(entries.get(s, [])) for s in Severity}
    out = ["## Summary", "",
           f"- **Total failures**: {counts[Severity.CRITICAL]} Critical, {counts[Severity.HIGH]} High, "
           f"{counts[Severity.MEDIUM]} Medium, {counts[Severity.LOW]} Low"]
    n_findings = len(result.active_findings)
    if n_findings != sum(counts.values()):
        out[-1] += f" ({n_findings} findings in all)"
    suppressed = [f for f in result.findings if f.suppressed]
    if suppressed:
        ids = ", ".join(sorted({f.rule for f in suppressed}))
        out.append(f"- **Suppressed**: {len(suppressed)} finding{'s' if len(suppressed) != 1 else ''} ({ids}) "
                   "silenced by `# iacqa: ignore[...]` comments in the code; not counted above")
    cats = list(dict.fromkeys(e.first.category for sev in Severity for e in entries.get(sev, [])))
    out.append("- **Primary knowledge gaps**:")
    if cats:
        out += [f"  {i}. **{GAP[c][0]}** ({GAP[c][1]})" for i, c in enumerate(cats[:6], 1)]
    else:
        out.append("  none found")
    blocking_cats = list(dict.fromkeys(e.first.category.value for e in entries.get(Severity.CRITICAL, [])
                                       if e.first.blocking))
    if blocking_cats:
        why = (f"**HIGH** - {counts[Severity.CRITICAL]} critical failure{'s' if counts[Severity.CRITICAL] != 1 else ''}"
               f" ({', '.join(blocking_cats)}) block deployment or every invocation; these are patterns the model "
               "must learn to avoid, not edge cases.")
    elif counts[Severity.CRITICAL] or counts[Severity.HIGH]:
        why = ("**MEDIUM** - the response deploys, but fails required gates or weakens security "
               f"({', '.join(c.value for c in cats[:4])}).")
    elif cats:
        why = "**LOW** - only minor defects and conventions."
    else:
        why = "**LOW** - no failures found by the stages that ran."
    out.append(f"- **Training value**: {why}")
    out.append("")
    return out


def to_markdown(result: TaskResult) -> str:
    names = _names(result)
    entries = _entries(result)
    by_fp = {fp: e for es in entries.values() for e in es for fp in e.fingerprints}
    t = result.task
    platform = "-".join(x for x in (t.platform, t.language) if x) or "unknown platform"
    ran = [s.name for s in result.stages if s.status in ("ok", "failed")]
    how = ", ".join(STAGE_WORDS.get(s, s) for s in ran) if ran else "static analysis"
    intro = (f"This document analyzes the failures in {names.subject} ({platform}) that prevent or would prevent "
             f"successful deployment and execution, found by iacqa offline, without deploying to AWS ({how}). "
             "Each failure gives the offending code, the error AWS or the SDK returns, the fix, its root cause "
             "and its impact.")
    out = ["# Model Response Failures Analysis", "", intro, ""]
    out += _overview(result, names, entries)
    for sev in Severity:
        if not entries.get(sev):
            continue
        out += [f"## {_cap(sev.value)} Failures", ""]
        for e in entries[sev]:
            out += _entry_lines(e, names, t.platform, by_fp)
    out += requirements_report.markdown_lines(result)
    out += _summary(result, entries)
    return "\n".join(out).rstrip("\n") + "\n"
