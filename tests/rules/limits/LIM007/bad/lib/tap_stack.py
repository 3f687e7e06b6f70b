"""PostgreSQL database with gp3 IOPS on a 50 GiB volume and a MySQL log type."""

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
            iops=3000,  # expect: LIM007
            username="orders",
            manage_master_user_password=True,
            enabled_cloudwatch_logs_exports=["postgresql", "slowquery"],  # expect: LIM007
            skip_final_snapshot=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
