"""Canary security group and a backup vault encrypted with a key of its own."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        aws.ec2.SecurityGroup(
            f"canary-{sfx}",
            name_prefix=f"canary-{sfx}-",
            description="synthetics canary",
            vpc_id="vpc-0a1b2c3d",
            opts=child,
        )
        key = aws.kms.Key(f"backup-key-{sfx}", description="backup vault key", deletion_window_in_days=7,
                          enable_key_rotation=True, opts=child)
        aws.backup.Vault(
            f"vault-{sfx}",
            name=f"vault-{sfx}",
            kms_key_arn=key.arn,
            opts=child,
        )
