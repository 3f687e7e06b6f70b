"""SEC011 bad: database credentials and an API token written into Secrets Manager versions."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
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
        db = aws.secretsmanager.Secret(f"db-credentials-{env}", opts=child)
        aws.secretsmanager.SecretVersion(
            f"db-credentials-v1-{env}",
            secret_id=db.id,
            secret_string=json.dumps({"username": "dbadmin", "password": "Sup3rS3cret!2024"}),  # expect: SEC011
            opts=child,
        )
        token = aws.secretsmanager.Secret(f"partner-token-{env}", opts=child)
        aws.secretsmanager.SecretVersion(
            f"partner-token-v1-{env}",
            secret_id=token.id,
            secret_string="tok_live_4f9a8b7c6d5e",  # expect: SEC011
            opts=child,
        )
        # a slot filled out of band is not a secret written in the code
        slot = aws.secretsmanager.Secret(f"webhook-key-{env}", opts=child)
        aws.secretsmanager.SecretVersion(
            f"webhook-key-v1-{env}", secret_id=slot.id, secret_string="REPLACE_ME", opts=child
        )
        self.register_outputs({"stack_name": name})
