"""WIR007 good: log errors reach the alert topic through a metric filter and an alarm; the subscription filter
streams to a Lambda function."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

CODE = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")})
ASSUME = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


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
        aws.cloudwatch.LogMetricFilter(
            f"errors-{env}",
            log_group_name=logs.name,
            pattern="ERROR",
            metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                name="AppErrors", namespace="App", value="1"),
            opts=child,
        )
        aws.cloudwatch.MetricAlarm(
            f"errors-alarm-{env}",
            comparison_operator="GreaterThanOrEqualToThreshold",
            evaluation_periods=1,
            metric_name="AppErrors",
            namespace="App",
            period=60,
            statistic="Sum",
            threshold=1,
            alarm_actions=[alerts.arn],
            opts=child,
        )
        role = aws.iam.Role(f"fn-role-{env}", assume_role_policy=ASSUME, opts=child)
        forwarder = aws.lambda_.Function(
            f"log-forwarder-{env}", runtime="python3.12", handler="index.handler", role=role.arn, code=CODE,
            opts=child)
        allow = aws.lambda_.Permission(
            f"logs-invoke-{env}",
            action="lambda:InvokeFunction",
            function=forwarder.name,
            principal="logs.amazonaws.com",
            source_arn=logs.arn.apply(lambda arn: f"{arn}:*"),
            opts=child,
        )
        aws.cloudwatch.LogSubscriptionFilter(
            f"errors-to-forwarder-{env}",
            log_group=logs.name,
            filter_pattern="ERROR",
            destination_arn=forwarder.arn,
            opts=ResourceOptions(parent=self, depends_on=[allow]),
        )

        self.register_outputs({})
