"""SEC011 good: the password is generated once by pulumi_random and kept as a secret in state."""

import json
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
        password = random.RandomPassword(f"db-password-{env}", length=32, special=False, opts=child)
        db = aws.secretsmanager.Secret(f"db-credentials-{env}", opts=child)
        aws.secretsmanager.SecretVersion(
            f"db-credentials-v1-{env}",
            secret_id=db.id,
            secret_string=password.result.apply(lambda p: json.dumps({"username": "dbadmin", "password": p})),
            opts=child,
        )
        self.register_outputs({"stack_name": name})
