"""HYG005: an ARN that is still a placeholder (`certificate/example`, `key/xxxxxxxx`, `<your-topic>`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.leaves import leaves

# An ARN whose resource part (after the account field) is a stand-in rather than a name: example/sample words,
# runs of x, <angle brackets>, your-/my- prefixes, REPLACE/CHANGEME/TODO markers.
_ARN = re.compile(r"^arn:aws[\w-]*:([\w-]+):[\w-]*:[\w-]*:(.+)$")
# A whole path segment only: `certificate/example` is a placeholder, a function named `example-processor` is not.
_PLACEHOLDER = re.compile(
    r"(?:^|[/:])(?:example|sample|placeholder|dummy|changeme|change-me|replace[-_]?me|todo|tbd)(?:$|[/:.*])|"
    r"(?i:x{6,})|<[^>]{1,60}>|\{\{[^}]{1,60}\}\}|(?:^|[/:])(?i:your)[-_]|REPLACE|CHANGEME|PLACEHOLDER")


class PlaceholderArn(Rule):
    """An ARN in the configuration is a placeholder that was never replaced by the real resource.

    What it finds: ARN values of any resource property whose resource part is a stand-in: `example`, `sample`,
    `placeholder`, `xxxxxxxx`, `<certificate-id>`, `your-...`, `REPLACE_ME`, `TODO` (for instance
    `arn:aws:acm:us-east-1:123456789012:certificate/example` as a listener or distribution certificate).
    Values the IaC engine computes (unresolved references) are not read.
    Why it breaks: the placeholder names nothing, so the create call that resolves it fails (a listener, a
    distribution, an encrypted resource, a subscription), or, in a policy, grants access to nothing; reviewers
    report it as "a value holding a placeholder never set to the real attribute".
    Bad: `certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/example"`
    Good: `certificate_arn=cert.arn` (an `aws.acm.Certificate` of the stack), or a config value.
    What AWS says: e.g. `CertificateNotFound: Certificate 'arn:aws:acm:...:certificate/example' not found`;
    `NotFoundException: Invalid keyId`.
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    """

    id = "HYG005"
    category = Category.HYGIENE
    severity = Severity.HIGH
    title = "placeholder ARN never replaced"
    docs_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if not r.mapped:
                continue
            seen: set[str] = set()
            for path, value in leaves(r.properties, json_strings=True):
                if not isinstance(value, str) or value in seen or "<unresolved" in value or "${" in value:
                    continue
                m = _ARN.match(value.strip())
                if not m or not _PLACEHOLDER.search(m.group(2)):
                    continue
                seen.add(value)
                yield self.finding(
                    f"{r.id}: {r.native_name(path) or path} is `{value}`, a placeholder that names no real "
                    f"{m.group(1)} resource", resource=r, attribute=path,
                    error=f"the {m.group(1)} call that resolves it fails: the resource `{value}` does not exist",
                    fix="reference the resource the stack creates (its .arn), or take the ARN from configuration")
