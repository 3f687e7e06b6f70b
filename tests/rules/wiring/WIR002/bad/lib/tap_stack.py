"""WIR002 bad: a mapping on a table without a stream, a stream mapping without a starting position."""

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
        role = aws.iam.Role(f"fn-role-{env}", assume_role_policy=ASSUME, opts=child)
        aws.iam.RolePolicyAttachment(
            f"fn-ddb-{env}",
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
            opts=child,
        )
        fn = aws.lambda_.Function(
            f"enricher-{env}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=CODE,
            timeout=30,
            opts=child,
        )

        prices = aws.dynamodb.Table(
            f"prices-{env}",
            hash_key="id",
            billing_mode="PAY_PER_REQUEST",
            attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")],
            opts=child,
        )
        aws.lambda_.EventSourceMapping(
            f"prices-mapping-{env}",
            event_source_arn=prices.stream_arn,  # expect: WIR002
            function_name=fn.name,
            starting_position="LATEST",
            opts=child,
        )
        trades = aws.dynamodb.Table(
            f"trades-{env}",
            hash_key="id",
            billing_mode="PAY_PER_REQUEST",
            attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")],
            stream_enabled=True,
            stream_view_type="NEW_AND_OLD_IMAGES",
            opts=child,
        )
        aws.lambda_.EventSourceMapping(
            f"trades-mapping-{env}",
            event_source_arn=trades.stream_arn,  # expect: WIR002
            function_name=fn.name,
            batch_size=100,
            opts=child,
        )

        self.register_outputs({})
