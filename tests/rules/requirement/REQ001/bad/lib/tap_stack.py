"""A queue and a table."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        self.queue = aws.sqs.Queue(f"orders-{sfx}", opts=pulumi.ResourceOptions(parent=self))
        self.table = aws.dynamodb.Table(
            f"orders-table-{sfx}", billing_mode="PAY_PER_REQUEST", hash_key="id",
            attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")], opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"queue_url": self.queue.url})
