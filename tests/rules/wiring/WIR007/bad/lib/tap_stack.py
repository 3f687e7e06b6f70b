"""WIR007 bad: a log subscription filter that streams to an SNS topic."""

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
        logs = aws.cloudwatch.LogGroup(f"app-logs-{env}", retention_in_days=14, opts=child)
        alerts = aws.sns.Topic(f"error-alerts-{env}", opts=child)
        aws.cloudwatch.LogSubscriptionFilter(
            f"errors-to-alerts-{env}",
            log_group=logs.name,
            filter_pattern="ERROR",
            destination_arn=alerts.arn,  # expect: WIR007
            opts=child,
        )

        self.register_outputs({})
