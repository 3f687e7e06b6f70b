"""VPC flow log with a 5-minute aggregation interval, which flow logs do not offer."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        vpc = aws.ec2.Vpc(
            f"vpc-{sfx}",
            cidr_block="10.0.0.0/16",
            opts=pulumi.ResourceOptions(parent=self),
        )
        bucket = aws.s3.Bucket(
            f"flow-logs-{sfx}",
            force_destroy=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.ec2.FlowLog(
            f"vpc-flow-log-{sfx}",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="s3",
            log_destination=bucket.arn,
            max_aggregation_interval=300,  # expect: LIM009
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("vpc_id", vpc.id)
