"""HYG002, HYG003: account ids and regions written into the source instead of read from the deployment.

The graph cannot tell these apart from what the mocks made up (account 123456789012, region us-east-1), so both
rules read the string literals of the files that declare resources.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iacqa.knowledge.regions import REGION
from iacqa.model import Category, Finding, Location, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import literals, project_files, resource_at, source_lines

# 12-digit account in an ARN (arn:aws:sqs:us-east-1:111122223333:q, arn:aws:iam::111122223333:role/r),
# in an ECR host, or a literal that is only an account id.
_ARN_ACCOUNT = re.compile(r"arn:aws[\w-]*:[\w-]*:[\w-]*:(\d{12})(?=[:/]|$)")
_ECR_ACCOUNT = re.compile(r"(?<!\d)(\d{12})\.dkr\.ecr\.")
_ONLY_ACCOUNT = re.compile(r"^\s*(\d{12})\s*$")

_ARN_REGION = re.compile(rf"arn:aws[\w-]*:[\w-]+:({REGION}):")
_HOST_REGION = re.compile(rf"\.({REGION})\.amazonaws\.com")
# How a program reads the region it deploys to.
_REGION_READ = re.compile(r"get_region\s*\(|aws\.config\.region|AWS_REGION|AWS_DEFAULT_REGION|"
                          r"""(?:get|require)(?:_secret)?\(\s*["'](?:aws:)?region["']""")


class HardcodedAccount(Rule):
    """An AWS account id is written into the code.

    What it finds: 12-digit account ids in ARNs (`arn:aws:iam::111122223333:role/x`), ECR hosts, or literals that
    are only an account id, in the files that declare resources and in Lambda code files. The synthetic account
    iacqa's mocks use (123456789012) is reported too when the user wrote it.
    Why it breaks: the stack only works in that one account; deployed by the pipeline into another account,
    policies point at resources that do not exist there and cross-references fail.
    Bad: `"Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/orders"`
    Good: `"Resource": table.arn`, or `aws.get_caller_identity().account_id` in an f-string.
    What AWS says: an ARN names resources in one account; "use the AWS::AccountId pseudo parameter / caller
    identity instead of a literal".
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    """

    id = "HYG002"
    category = Category.HYGIENE
    severity = Severity.MEDIUM
    title = "hard-coded AWS account id"
    docs_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: set[tuple[str, int, str]] = set()
        for file in project_files(ctx):
            for lit in literals(ctx, file):
                for rx in (_ARN_ACCOUNT, _ECR_ACCOUNT, _ONLY_ACCOUNT):
                    for m in rx.finditer(lit.text):
                        account = m.group(1)
                        line = lit.line_of(m.start(1))
                        if (file, line, account) in seen:
                            continue
                        seen.add((file, line, account))
                        res = resource_at(ctx, file, line)
                        where = f" in {res.id}" if res is not None else ""
                        yield self.finding(
                            f"account id {account} is written into the code{where}: `{_clip(lit.text)}`",
                            resource=res, location=Location(file, line),
                            fix="use the deploying account: aws.get_caller_identity().account_id, or the "
                            "resource's .arn output", account=account)


class HardcodedRegion(Rule):
    """A region is written into an ARN or endpoint while the stack reads its region from configuration.

    What it finds: literal regions in ARNs (`arn:aws:logs:us-east-1:...`) and AWS hostnames
    (`sqs.us-east-1.amazonaws.com`) in the files that declare resources, when the program (or the project)
    also has a region setting: `aws.get_region()`, `aws.config.region`, `AWS_REGION`, a `region` config key,
    `aws:region` in a stack file, or a `lib/AWS_REGION` file (the TAP convention).
    Why it breaks: the pipeline deploys to the configured region; the hard-coded ARN then names resources in
    another region (policies grant nothing, references do not resolve).
    Bad: `f"arn:aws:logs:us-east-1:{account}:log-group:/aws/lambda/{name}:*"`
    Good: `f"arn:aws:logs:{aws.get_region().name}:{account}:log-group:/aws/lambda/{name}:*"`
    What AWS says: ARNs carry the region of the resource; a resource in us-west-2 never matches `us-east-1`.
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    """

    id = "HYG003"
    category = Category.HYGIENE
    severity = Severity.MEDIUM
    title = "hard-coded region where the stack has a region setting"
    docs_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        files = project_files(ctx)
        setting = region_setting(ctx, files)
        if setting is None:
            return
        seen: set[tuple[str, int]] = set()
        for file in files:
            for lit in literals(ctx, file):
                for rx in (_ARN_REGION, _HOST_REGION):
                    for m in rx.finditer(lit.text):
                        line = lit.line_of(m.start(1))
                        if (file, line) in seen:
                            continue
                        seen.add((file, line))
                        res = resource_at(ctx, file, line)
                        yield self.finding(
                            f"region {m.group(1)} is written into `{_clip(lit.text)}` while the stack takes "
                            f"its region from {setting}", resource=res, location=Location(file, line),
                            fix="use aws.get_region().name (or the resource's .arn output)", region=m.group(1))


def region_setting(ctx: RuleContext, files: list[str]) -> str | None:
    """Where the stack's region comes from, or None when it has no region setting."""
    if ctx.root is not None:
        if (ctx.root / "lib" / "AWS_REGION").is_file():
            return "lib/AWS_REGION"
        for f in sorted(ctx.root.glob("Pulumi*.yaml")):
            if "aws:region" in f.read_text(errors="replace"):
                return f"aws:region in {f.name}"
    for key in ctx.graph.config_needs:
        if "region" in key.lower():
            return f"config `{key}`"
    for file in files:
        hits = source_lines(ctx, file, _REGION_READ)
        if hits:
            return f"{file}:{hits[0]}"
    return None


def _clip(text: str, limit: int = 100) -> str:
    text = text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."
