"""SEC012 bad: a database password drawn with secrets.choice each time the program runs."""

import json
import secrets
import string
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions


def make_password(length=24):
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        self.stack_name = name
        db_password = make_password()
        aws.rds.Instance(
            f"orders-db-{env}",
            engine="postgres",
            instance_class="db.t3.micro",
            allocated_storage=20,
            username="dbadmin",
            password=db_password,  # expect: SEC012
            storage_encrypted=True,
            skip_final_snapshot=True,
            opts=child,
        )
        secret = aws.secretsmanager.Secret(f"orders-db-credentials-{env}", opts=child)
        aws.secretsmanager.SecretVersion(
            f"orders-db-credentials-v1-{env}",
            secret_id=secret.id,
            secret_string=json.dumps({"username": "dbadmin", "password": db_password}),  # expect: SEC012
            opts=child,
        )
        self.register_outputs({"stack_name": name})
