"""PostgreSQL database on gp3 at its baseline, exporting its own log types."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        aws.rds.Instance(
            f"orders-db-{sfx}",
            engine="postgres",
            engine_version="15.4",
            instance_class="db.t3.micro",
            allocated_storage=50,
            storage_type="gp3",
            username="orders",
            manage_master_user_password=True,
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            skip_final_snapshot=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
