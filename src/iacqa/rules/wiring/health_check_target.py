"""WIR010: a Route 53 endpoint health check with nothing to check (neither an IP address nor a domain name)."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import blank, is_type, one, prop, unknown_value

HEALTH_CHECK = ("AWS::Route53::HealthCheck", "aws_route53_health_check", "aws:route53/healthCheck:HealthCheck")
# Types that check an endpoint; CALCULATED, CLOUDWATCH_METRIC and RECOVERY_CONTROL check something else.
ENDPOINT_TYPES = ("HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP")
ERROR = "InvalidInput: IP address and fully qualified domain name can not be both empty"


class HealthCheckWithoutTarget(Rule):
    """A Route 53 HTTP/HTTPS/TCP health check names neither an IP address nor a domain name to check.

    What it finds: a health check (`AWS::Route53::HealthCheck` `HealthCheckConfig`, `aws.route53.HealthCheck`,
    `aws_route53_health_check`) of type HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH or TCP with neither
    `IPAddress` (`ip_address`) nor `FullyQualifiedDomainName` (`fqdn`). Silent when either is present, even with a
    value not known before deploy, and when the type is not known.
    Why it breaks: an endpoint health check sends its requests to the IP address, or to the address DNS gives for
    the domain name; with neither Route 53 has no endpoint and CreateHealthCheck refuses the request, so the deploy
    stops at the health check (and the failover records that use it). Models write the path, port and thresholds
    and forget the target, often meaning the load balancer or API they just created.
    Bad: `aws.route53.HealthCheck("hc", type="HTTPS", resource_path="/health", port=443, failure_threshold=3)`.
    Good: `aws.route53.HealthCheck("hc", type="HTTPS", fqdn=alb.dns_name, resource_path="/health", port=443,
    failure_threshold=3)`.
    What AWS says: `InvalidInput: IP address and fully qualified domain name can not be both empty` (Route 53
    CreateHealthCheck; seen deploying corpus task pulumi-py Pr4300). The botocore route53 model documents
    `IPAddress`: "If you don't specify a value for IPAddress, Route 53 sends a DNS request to resolve the domain
    name that you specify in FullyQualifiedDomainName", and `InvalidInput` as "The input is not valid."
    References: https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html ,
    https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
    """

    id = "WIR010"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "Route 53 health check without an IP address or domain name"
    resource_types = HEALTH_CHECK

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for hc in ctx.graph:
            if not is_type(hc, HEALTH_CHECK):
                continue
            cfg, _ = prop(hc, "HealthCheckConfig", "health_check_config")
            cfg = one(cfg)
            if isinstance(cfg, dict):  # CloudFormation nests the settings
                kind, ip, fqdn = cfg.get("Type"), cfg.get("IPAddress"), cfg.get("FullyQualifiedDomainName")
                attr = "HealthCheckConfig.Type"
            else:
                kind, attr = prop(hc, "Type", "type")
                ip = prop(hc, "IPAddress", "ip_address")[0]
                fqdn = prop(hc, "FullyQualifiedDomainName", "fqdn")[0]
            if not isinstance(kind, str) or unknown_value(kind) or kind.upper() not in ENDPOINT_TYPES:
                continue
            if not blank(ip) or not blank(fqdn):
                continue
            yield self.finding(
                f"health check {hc.id} of type {kind} has neither an IP address nor a domain name: Route 53 has no "
                "endpoint to check and refuses to create it", resource=hc, attribute=attr, error=ERROR,
                fix=("set fqdn / FullyQualifiedDomainName to the endpoint's DNS name (the load balancer's dns_name, "
                     "the API's domain) or ip_address / IPAddress to a public IP, with port and resource_path"),
                type=kind)
