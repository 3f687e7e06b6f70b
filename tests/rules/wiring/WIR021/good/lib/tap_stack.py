"""An HTTPS listener on an imported certificate."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        config = pulumi.Config()
        cert = aws.acm.Certificate(f"web-cert-{sfx}", private_key=config.get_secret("tlsKey") or "key",
                                   certificate_body=config.get("tlsCert") or "cert", opts=child)
        alb = aws.lb.LoadBalancer(f"web-alb-{sfx}", load_balancer_type="application",
                                  subnets=["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"], opts=child)
        aws.lb.Listener(
            f"web-https-{sfx}",
            load_balancer_arn=alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificate_arn=cert.arn,
            default_actions=[{"type": "fixed-response",
                              "fixed_response": {"content_type": "text/plain", "status_code": "200"}}],
            opts=child,
        )
        self.certificate = cert
