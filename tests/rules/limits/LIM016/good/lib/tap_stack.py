"""LIM016 good: base64 on the launch template, text on the instance."""

import base64
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

SCRIPT = """#!/bin/bash
yum install -y httpd
systemctl enable --now httpd
"""


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        aws.ec2.LaunchTemplate(
            f"web-lt-{env}",
            image_id="ami-0abcdef1234567890",
            instance_type="t3.micro",
            user_data=base64.b64encode(SCRIPT.encode()).decode(),
            opts=child,
        )
        aws.ec2.Instance(
            f"web-{env}",
            ami="ami-0abcdef1234567890",
            instance_type="t3.micro",
            user_data=SCRIPT,
            opts=child,
        )
        self.register_outputs({"stack_name": name})
