"""Bastion instance on a fixed AMI that requires IMDSv2 session tokens."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        aws.ec2.Instance(
            f"bastion-{sfx}",
            ami="ami-0c02fb55956c7d316",
            instance_type="t3.micro",
            metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
            opts=pulumi.ResourceOptions(parent=self),
        )
