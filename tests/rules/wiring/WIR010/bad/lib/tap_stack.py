"""WIR010 bad: an HTTPS health check with a path and port but no endpoint to check."""

from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        aws.route53.HealthCheck(
            f"primary-health-{env}",
            type="HTTPS",  # expect: WIR010
            resource_path="/health",
            port=443,
            failure_threshold=3,
            request_interval=30,
            opts=child,
        )
        aws.route53.HealthCheck(
            f"calculated-health-{env}",
            type="CALCULATED",
            child_health_threshold=1,
            child_healthchecks=[],
            opts=child,
        )

        self.register_outputs({})
