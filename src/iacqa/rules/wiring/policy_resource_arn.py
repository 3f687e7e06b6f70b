"""WIR013: a policy statement's Resource written as a name (a bucket name, `${Bucket}/*`) instead of an ARN."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Location, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import declaration_span, source_lines
from iacqa.rules.iam_broad._policies import documents, quote, unknown

# Policy variables and CloudFormation/Terraform text the front end left as written: not a value to judge.
_UNRESOLVED = re.compile(r"\$\{|<unresolved|^mock-|\btoken\[", re.I)
# Where AWS checks the Resource element when the policy is written: IAM (identity policies) and S3 bucket policies.
_CHECKED = {"identity": "IAM", "AWS::S3::BucketPolicy": "S3"}
# Types whose Ref / id is a name (or URL, key id), never an ARN: a value resolved to one of these is surely not an
# ARN. Other types are not judged by resolution: the graph's stand-in for a Ref iacqa does not model (a
# SecretTargetAttachment's Ref is the secret's ARN) would look like a name.
_NAME_REF = frozenset({"AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Kinesis::Stream",
                       "AWS::Logs::LogGroup", "AWS::Lambda::Function", "AWS::IAM::Role", "AWS::IAM::User",
                       "AWS::ECR::Repository", "AWS::Events::EventBus", "AWS::KMS::Key", "AWS::SSM::Parameter"})


def _named_resource(ctx: RuleContext, value: str) -> Resource | None:
    """The resource whose name/id the value is (`bucket-name/*` -> the bucket), when its Ref is never an ARN."""
    for cand in (value, value.split("/", 1)[0]):
        hit = ctx.graph.resolve(cand)
        if hit is not None and hit[0].type in _NAME_REF and hit[1] not in ("Arn", "arn"):
            return hit[0]
    return None


def _written(ctx: RuleContext, doc_file: str | None, value: str) -> bool:
    """The value is a string literal written in the declaring file (`"Resource": "my-bucket/*"`)."""
    return bool(doc_file) and any(f'"{value}"' in ln or f"'{value}'" in ln for ln in ctx.lines(doc_file))


class PolicyResourceNotArn(Rule):
    """A policy statement's `Resource` is a name, not an ARN.

    What it finds: an identity policy (inline role policy, `AWS::IAM::Policy`/`ManagedPolicy`, `aws.iam.RolePolicy`)
    or an S3 bucket policy whose statement lists a `Resource` (or `NotResource`) that is neither `"*"` nor an ARN:
    typically the bucket's name where its ARN was meant (`!Sub '${Bucket}/*'`, `f"{bucket.id}/*"`,
    `"${aws_s3_bucket.b.id}/*"`), or a table or queue name. Values the analysis could not resolve are skipped.
    Why it breaks: IAM validates every Resource when the policy is created, so the role policy (and the stack)
    fails to deploy; an S3 bucket policy with such a Resource is rejected the same way.
    Bad: `Resource: !Sub '${DataBucket}/*'`
    Good: `Resource: !Sub '${DataBucket.Arn}/*'` (or `arn:${AWS::Partition}:s3:::${DataBucket}/*`)
    What AWS says: IAM: `MalformedPolicyDocument: Resource my-bucket/* must be in ARN format or "*".`;
    S3: `MalformedPolicy: Policy has invalid resource`.
    References: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    """

    id = "WIR013"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "policy Resource that is a name, not an ARN"
    docs_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        written: dict[str, int] = {}  # per resource: statements with a Resource key so far (the nth `Resource`)
        for doc in documents(ctx.graph):
            service = _CHECKED.get(doc.kind) or _CHECKED.get(doc.resource.type)
            if service is None:
                continue
            for stmt in doc.statements:
                nth = written.get(doc.resource.id, 0)
                written[doc.resource.id] = nth + ("Resource" in stmt or "NotResource" in stmt)
                for key in ("Resource", "NotResource"):
                    values = stmt.get(key)
                    for value in values if isinstance(values, list) else [values]:
                        if not isinstance(value, str) or not value or value == "*" or value.startswith("arn:") \
                                or unknown(value) or _UNRESOLVED.search(value):
                            continue
                        if _named_resource(ctx, value) is None and not _written(ctx, doc.resource.location.file,
                                                                              value):
                            continue  # not surely a name: a value iacqa resolved without knowing what AWS returns
                        error = (f'MalformedPolicyDocument: Resource {value} must be in ARN format or "*".'
                                 if service == "IAM" else "MalformedPolicy: Policy has invalid resource")
                        name = value.split("/", 1)[0]
                        loc = _nth_line(ctx, doc.resource, re.compile(rf"""\b{key}s?["']?\s*[:=]"""), nth) \
                            or doc.resource.location_of(doc.attribute)
                        yield self.finding(
                            f"{doc.label}: {key} `{value}` is not an ARN ({service} rejects the policy when it is "
                            f"created): {quote(stmt)}", resource=doc.resource, attribute=doc.attribute,
                            location=loc, error=error,
                            fix=f"use the ARN: e.g. the bucket's Arn attribute + '/*' (`!Sub '${{Bucket.Arn}}/*'`, "
                            f"f\"{{bucket.arn}}/*\", \"${{aws_s3_bucket.b.arn}}/*\"), or `arn:aws:s3:::{name}/*` "
                            "when it is a bucket name",
                            evidence=f"{service} validates each Resource of a policy when it is written "
                            "(IAM JSON policy reference: Resource element)", policy=doc.label)


def _nth_line(ctx: RuleContext, resource: Resource, pattern: re.Pattern[str], nth: int) -> Location | None:
    """The line of the nth match in the resource's declaration: its constructor call in a program, else (a template
    or .tf file) the lines up to the next resource declared in the same file."""
    file, start, end = declaration_span(ctx, resource)
    if not file or not start:
        return None
    hits = source_lines(ctx, file, pattern, start, end)
    return Location(file, hits[min(nth, len(hits) - 1)]) if hits else None
