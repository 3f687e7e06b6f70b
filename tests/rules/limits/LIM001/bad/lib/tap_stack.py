"""Webhook stack with values the AWS API rejects."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        role = aws.iam.Role(
            f"webhook-role-{sfx}",
            assume_role_policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
            '"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
            opts=pulumi.ResourceOptions(parent=self),
        )
        fn = aws.lambda_.Function(
            f"webhook-{sfx}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            timeout=1200,  # expect: LIM001
            memory_size=256,
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return 1\n")}),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.lambda_.FunctionEventInvokeConfig(
            f"webhook-config-{sfx}",
            function_name=fn.name,
            maximum_retry_attempts=5,  # expect: LIM001
            maximum_event_age_in_seconds=3600,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.cloudwatch.LogGroup(
            f"webhook-logs-{sfx}",
            name=f"/aws/lambda/webhook-{sfx}",
            retention_in_days=45,  # expect: LIM001
            opts=pulumi.ResourceOptions(parent=self),
        )
