"""Latency alarm that asks for a plain and a percentile statistic at once."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        aws.cloudwatch.MetricAlarm(
            f"api-latency-{sfx}",
            name=f"api-latency-{sfx}",
            comparison_operator="GreaterThanThreshold",
            evaluation_periods=2,
            metric_name="Duration",
            namespace="AWS/Lambda",
            period=60,
            statistic="Average",  # expect: LIM013
            extended_statistic="p99",
            threshold=1000,
            opts=pulumi.ResourceOptions(parent=self),
        )
