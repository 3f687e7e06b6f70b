"""WIR021: an HTTPS or TLS listener without a certificate (Terraform, CDKTF and Pulumi shapes)."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.knowledge.evidence import cfn_schema
from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import blank, is_type, unknown_value

# Native listener types only: CloudFormation's AWS::ElasticLoadBalancingV2::Listener is checked by cfn-lint's
# extension schema (aws_elasticloadbalancingv2_listener/certificate.json), which this rule applies to the shapes
# cfn-lint never sees (the listener has no CloudFormation mapping in the graph).
LISTENER = ("aws_lb_listener", "aws_alb_listener", "aws:lb/listener:Listener", "aws:alb/listener:Listener")


class SecureListenerWithoutCertificate(Rule):
    """An HTTPS or TLS load balancer listener with no certificate.

    What it finds: a listener (`aws_lb_listener`, `aws_alb_listener`, `aws.lb.Listener`, CDKTF `LbListener`) whose
    `protocol` is `HTTPS` or `TLS` and that sets no `certificate_arn`. Silent when the protocol or the certificate is
    not known before deploy. CloudFormation and CDK templates are left to cfn-lint, which checks the same rule on
    `AWS::ElasticLoadBalancingV2::Listener`.
    Why it breaks: an HTTPS or TLS listener terminates TLS on the load balancer, so ELB needs a default server
    certificate when the listener is created; `aws_lb_listener_certificate` only adds further certificates to a
    listener that already has one. The create is refused and the deploy stops there.
    Bad: `aws_lb_listener { port = 443 protocol = "HTTPS" default_action { ... } }` with no `certificate_arn`.
    Good: `certificate_arn = aws_acm_certificate_validation.main.certificate_arn` (and `ssl_policy`), or
    `protocol = "HTTP"` on port 80 with a redirect when there is no certificate yet.
    What AWS says: `ValidationError: A certificate must be specified for HTTPS listeners` (CreateListener).
    References: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html ,
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html
    """

    id = "WIR021"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "HTTPS/TLS listener without a certificate"
    docs_url = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for lst in ctx.graph:
            if not is_type(lst, LISTENER):
                continue
            n = lst.native_properties
            protocol = n.get("protocol")
            if not isinstance(protocol, str) or unknown_value(protocol) or protocol.upper() not in ("HTTPS", "TLS"):
                continue
            if not blank(n.get("certificate_arn")):
                continue
            kind = protocol.upper()
            yield self.finding(
                f"listener {lst.id} uses protocol {kind} but sets no certificate_arn: ELB refuses to create a "
                f"{kind} listener without a default certificate", resource=lst, attribute="protocol",
                error=f"ValidationError: A certificate must be specified for {kind} listeners (CreateListener)",
                fix=(f"set certificate_arn on {lst.id} to an issued ACM certificate (the certificate_arn of an "
                     "aws_acm_certificate_validation), or use protocol HTTP when there is no certificate"),
                evidence=(f"{cfn_schema()}: extension aws_elasticloadbalancingv2_listener/certificate.json requires "
                          "Certificates when Protocol is HTTPS or TLS (the ELBv2 CreateListener rule)"))
