"""WIR019: a DNS-validated ACM certificate used by a listener or distribution with nothing that validates it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.leaves import leaves
from iacqa.rules.wiring._native import is_type, unknown_value

CERTIFICATE = ("aws_acm_certificate", "aws:acm/certificate:Certificate")
VALIDATION = ("aws_acm_certificate_validation", "aws:acm/certificateValidation:CertificateValidation")
# Where a certificate is put to use: listeners, listener certificates, CloudFront viewer certificates, API Gateway
# domain names (`certificate_arn`, `acm_certificate_arn`, `regional_certificate_arn`, `CertificateArn`).
USE = re.compile(r"certificate_?arn$", re.I)


def _uses(r: Resource, arn: str) -> str | None:
    """The attribute through which `r` uses the certificate `arn`, if it does."""
    for path, value in leaves(r.native_properties):
        if value == arn and USE.search(path.split(".")[-1]):
            return path.split(".")[0]
    return None


class CertificateNeverValidated(Rule):
    """A DNS-validated ACM certificate that a listener or distribution uses while nothing in the stack validates it.

    What it finds: an ACM certificate requested with `validation_method = "DNS"` (`aws_acm_certificate`,
    `aws.acm.Certificate`) that a load balancer listener, listener certificate, CloudFront distribution or API
    Gateway domain name of the stack uses (`certificate_arn`, `acm_certificate_arn`), when the stack has no
    certificate validation resource (`aws_acm_certificate_validation`, `aws.acm.CertificateValidation`) for it.
    Silent when a validation resource names a value not known before deploy, for imported and private-CA
    certificates, and for CloudFormation/CDK (CloudFormation itself waits for the certificate to be issued).
    Why it breaks: requesting the certificate only returns its ARN in status `PENDING_VALIDATION`; ACM issues it
    once the CNAME records it asks for exist in the domain's DNS zone. With no validation resource (and usually no
    Route 53 records for `domain_validation_options`) nothing creates those records or waits for issuance, so the
    listener or distribution is created with a certificate that is not issued (and never will be, for a domain
    the account does not control, such as a `.local` name).
    Bad: `resource "aws_acm_certificate" "main" { domain_name = "app.example.com" validation_method = "DNS" }`
    and `aws_lb_listener` with `certificate_arn = aws_acm_certificate.main.arn`, nothing else.
    Good: `aws_route53_record` entries for each `domain_validation_options` item, an
    `aws_acm_certificate_validation` with `validation_record_fqdns` pointing at them, and the listener using
    `aws_acm_certificate_validation.main.certificate_arn`.
    What AWS says: the listener or distribution is refused while the certificate is pending
    (`UnsupportedCertificate` from ELB, `InvalidViewerCertificate` from CloudFront); a validation resource without
    records waits until its create timeout (`timeout while waiting for state to become 'ISSUED'`).
    References: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html ,
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/acm_certificate_validation
    """

    id = "WIR019"
    category = Category.WIRING
    severity = Severity.HIGH
    title = "DNS-validated certificate in use with nothing that validates it"
    docs_url = "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return
        g = ctx.graph
        certs = [c for c in g if is_type(c, CERTIFICATE)]
        if not certs:
            return
        validated: set[str] = set()
        for v in g:
            if is_type(v, VALIDATION):
                ref = v.native_properties.get("certificate_arn")
                if not isinstance(ref, str) or unknown_value(ref):
                    return  # validates a certificate the graph cannot name
                hit = g.resolve_resource(ref)
                validated.add(ref)  # by value too: module instances of one certificate may share an ARN
                if hit is not None:
                    validated.add(hit.id)
        for cert in certs:
            n = cert.native_properties
            method = n.get("validation_method")
            if not isinstance(method, str) or method.upper() != "DNS" or cert.id in validated:
                continue
            if n.get("certificate_authority_arn") or n.get("private_key") or n.get("certificate_body"):
                continue
            arn = cert.outputs.get("Arn")
            if not isinstance(arn, str) or arn in validated:
                continue
            users = [(r, attr) for r in g if r is not cert and not is_type(r, VALIDATION)
                     for attr in [_uses(r, arn)] if attr]
            if not users:
                continue
            names = ", ".join(f"{r.id} ({attr})" for r, attr in users)
            domain = n.get("domain_name")
            yield self.finding(
                f"certificate {cert.id}{f' for {domain}' if isinstance(domain, str) else ''} is DNS-validated and "
                f"used by {names}, but nothing in the stack validates it (no certificate validation resource): it "
                "stays PENDING_VALIDATION while the listener or distribution is created with it",
                resource=cert, attribute="validation_method",
                error=("UnsupportedCertificate (ELB) / InvalidViewerCertificate (CloudFront): the certificate is "
                       "not issued; a validation resource without DNS records waits until its timeout"),
                fix=(f"create the DNS records of {cert.id}.domain_validation_options (aws_route53_record with "
                     "for_each), an aws_acm_certificate_validation with validation_record_fqdns = those records, and "
                     "use the validation's certificate_arn in the listener/distribution"),
                users=[r.id for r, _ in users])
