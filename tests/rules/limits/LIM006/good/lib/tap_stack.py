"""PostgreSQL database whose master password uses only special characters RDS accepts."""

import pulumi
import pulumi_aws as aws
import pulumi_random as random


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        db_password = random.RandomPassword(
            f"db-password-{sfx}",
            length=20,
            special=True,
            override_special="!#$%&*()-_=+[]{}<>:?",
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.rds.Instance(
            f"orders-db-{sfx}",
            engine="postgres",
            instance_class="db.t3.micro",
            allocated_storage=20,
            username="orders",
            password=db_password.result,
            skip_final_snapshot=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
