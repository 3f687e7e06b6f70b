"""SEC012 good: the password comes from pulumi_random (made once, kept in state); uuid only names things."""

import json
import uuid
from typing import Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random
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
        run_tag = uuid.uuid4().hex[:8]
        password = random.RandomPassword(f"orders-db-password-{env}", length=32, special=False, opts=child)
        aws.rds.Instance(
            f"orders-db-{env}",
            engine="postgres",
            instance_class="db.t3.micro",
            allocated_storage=20,
            username="dbadmin",
            password=password.result,
            storage_encrypted=True,
            skip_final_snapshot=True,
            tags={"Build": run_tag},
            opts=child,
        )
        secret = aws.secretsmanager.Secret(f"orders-db-credentials-{env}", opts=child)
        aws.secretsmanager.SecretVersion(
            f"orders-db-credentials-v1-{env}",
            secret_id=secret.id,
            secret_string=password.result.apply(lambda p: json.dumps({"username": "dbadmin", "password": p})),
            opts=child,
        )
        self.register_outputs({"stack_name": name})
