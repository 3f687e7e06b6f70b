"""Order queue with a dead-letter queue that nothing sends to."""

import json

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        dlq = aws.sqs.Queue(  # expect: WIR006
            f"orders-dlq-{sfx}",
            message_retention_seconds=1209600,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.sqs.Queue(
            f"orders-{sfx}",
            visibility_timeout_seconds=60,
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("dlq_url", dlq.url)
