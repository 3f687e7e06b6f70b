"""An HTTPS listener on a DNS-validated certificate, validated through its Route 53 record."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


def _record(options, key):
    """One field of the certificate's first domain validation option (the record ACM asks for)."""
    first = (options or [{}])[0]
    value = first.get(key) if isinstance(first, dict) else getattr(first, key, None)
    return value or "placeholder"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        alb = aws.lb.LoadBalancer(f"web-alb-{sfx}", load_balancer_type="application",
                                  subnets=["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"], opts=child)
        cert = aws.acm.Certificate(
            f"web-cert-{sfx}",
            domain_name=f"{sfx}.app.example.com",
            validation_method="DNS",
            opts=child,
        )
        zone = aws.route53.Zone(f"app-zone-{sfx}", name="app.example.com", opts=child)
        record = aws.route53.Record(
            f"web-cert-validation-{sfx}",
            zone_id=zone.zone_id,
            name=cert.domain_validation_options.apply(lambda o: _record(o, "resource_record_name")),
            type="CNAME",
            ttl=60,
            records=[cert.domain_validation_options.apply(lambda o: _record(o, "resource_record_value"))],
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            f"web-cert-validated-{sfx}",
            certificate_arn=cert.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child,
        )
        certificate_arn = validation.certificate_arn
        aws.lb.Listener(
            f"web-https-{sfx}",
            load_balancer_arn=alb.arn,
            port=443,
            protocol="HTTPS",
            certificate_arn=certificate_arn,
            default_actions=[{"type": "fixed-response",
                              "fixed_response": {"content_type": "text/plain", "status_code": "200"}}],
            opts=child,
        )
