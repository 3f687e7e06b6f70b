"""PRM003 bad: asynchronous destinations and the role's grants."""

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
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        failures = aws.sqs.Queue(f"failures-{env}", opts=child)
        success = aws.sns.Topic(f"success-{env}", opts=child)
        policy = aws.iam.Policy(
            f"fn-destinations-{env}",
            policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "*"}]}),
            opts=child,
        )
        role = aws.iam.Role(
            f"fn-role-{env}",
            assume_role_policy=ASSUME,
            managed_policy_arns=[BASIC, policy.arn],
            opts=child,
        )
        fn = aws.lambda_.Function(
            f"webhook-{env}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=CODE,
            opts=child,
        )
        aws.lambda_.FunctionEventInvokeConfig(
            f"webhook-config-{env}",
            function_name=fn.name,
            maximum_retry_attempts=2,
            destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                on_success=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs(
                    destination=success.arn,  # expect: PRM003
                ),
                on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                    destination=failures.arn,
                ),
            ),
            opts=child,
        )

        self.register_outputs({})
