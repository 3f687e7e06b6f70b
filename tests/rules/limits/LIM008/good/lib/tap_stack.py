"""AWS Config recorders: one records everything, one a list of types."""

import json

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        role = aws.iam.Role(
            f"config-role-{sfx}",
            assume_role_policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                               "Principal": {"Service": "config.amazonaws.com"}}],
            }),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.cfg.Recorder(
            f"recorder-{sfx}",
            name=f"recorder-{sfx}",
            role_arn=role.arn,
            recording_group=aws.cfg.RecorderRecordingGroupArgs(
                all_supported=True,
                include_global_resource_types=True,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.cfg.Recorder(
            f"list-recorder-{sfx}",
            name=f"list-recorder-{sfx}",
            role_arn=role.arn,
            recording_group=aws.cfg.RecorderRecordingGroupArgs(
                all_supported=False,
                include_global_resource_types=False,
                resource_types=["AWS::S3::Bucket", "AWS::IAM::Role"],
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("role_arn", role.arn)
