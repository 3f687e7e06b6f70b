"""Aurora PostgreSQL cluster with a reserved master user name and a version RDS no longer creates."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        aws.rds.Cluster(
            f"fraud-db-{sfx}",
            cluster_identifier=f"fraud-db-{sfx}",
            engine="aurora-postgresql",
            engine_version="15.2",  # expect: LIM003
            master_username="admin",  # expect: LIM003
            master_password="Example-only-1234",
            database_name="fraud",
            storage_encrypted=True,
            skip_final_snapshot=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
