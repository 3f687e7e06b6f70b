"""The ids the checkov adapter emits (linters/checkov.py): `SEC-<checkov id>`, documented here as one family."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class CheckovCheck(Entry):
    """A checkov policy failed on the stack (finding ids `SEC-CKV_AWS_<n>`, the checkov check id after `SEC-`).

    What it finds: checkov's CloudFormation checks, run on the stack rendered from iacqa's resource graph (checkov
    cannot read Pulumi programs). Each finding names the checkov check (`SEC-CKV_AWS_28`: DynamoDB point-in-time
    recovery) and points at the resource in the IaC file. Checks that iacqa's own rules cover (IAM*, SEC001-003)
    or that AWS defaults make moot (S3 default encryption and public access block, SSE-SQS) are dropped.
    Why it breaks: security findings do not stop a deploy; they are protections good practice or the task asks for.
    Bad: `aws.dynamodb.Table("orders", ...)` without `point_in_time_recovery` (checkov CKV_AWS_28).
    Good: `point_in_time_recovery={"enabled": True}`
    What AWS says: see each check's guideline link in the finding.
    References: https://www.checkov.io/5.Policy%20Index/cloudformation.html
    """

    id = "SEC-CKV"
    category = Category.SECURITY
    severity = Severity.MEDIUM
    title = "checkov policy failed"
    emitters = ("iacqa.linters.checkov",)
    stage = "security"
    docs_url = "https://www.checkov.io/5.Policy%20Index/cloudformation.html"
