"""HYG009 bad: the stack tags its bucket, queue and table, and forgets the log group and the topic."""

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
        self.stack_name = name
        tags = {"Environment": env, "Project": "orders"}
        aws.s3.Bucket(f"data-{env}", tags=tags, opts=child)
        aws.sqs.Queue(f"jobs-{env}", tags=tags, opts=child)
        aws.dynamodb.Table(f"orders-{env}", hash_key="id", attributes=[{"name": "id", "type": "S"}],
                           billing_mode="PAY_PER_REQUEST", tags=tags, opts=child)
        aws.cloudwatch.LogGroup(f"app-logs-{env}", retention_in_days=7, opts=child)  # expect: HYG009
        aws.sns.Topic(f"alerts-{env}", tags={"Name": f"alerts-{env}"}, opts=child)  # expect: HYG009
        self.register_outputs({"stack_name": name})
