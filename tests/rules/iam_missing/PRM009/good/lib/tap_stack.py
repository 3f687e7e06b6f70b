"""PRM009 good: both projects run as roles CodeBuild may assume, with the Logs and S3 permissions their builds use."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions


def trust(service):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    })


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        artifacts = aws.s3.BucketV2(f"build-artifacts-{env}", bucket=f"build-artifacts-{env}", opts=child)
        environment = {"compute_type": "BUILD_GENERAL1_SMALL", "image": "aws/codebuild/standard:7.0",
                       "type": "LINUX_CONTAINER"}

        pipeline_role = aws.iam.Role(f"pipeline-role-{env}", assume_role_policy=trust("codebuild.amazonaws.com"),
                                     opts=child)
        aws.codebuild.Project(
            f"lint-{env}",
            name=f"lint-{env}",
            service_role=pipeline_role.arn,
            source={"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases:\n  build:\n    commands: [make lint]\n"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment=environment,
            logs_config={"cloudwatch_logs": {"status": "DISABLED"}},
            opts=child,
        )

        build_role = aws.iam.Role(f"build-role-{env}", assume_role_policy=trust("codebuild.amazonaws.com"), opts=child)
        aws.iam.RolePolicy(
            f"build-policy-{env}",
            role=build_role.id,
            policy=artifacts.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"{arn}/*"},
                    {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": "arn:aws:logs:*:*:log-group:/aws/codebuild/*"},
                ],
            })),
            opts=child,
        )
        aws.codebuild.Project(
            f"package-{env}",
            name=f"package-{env}",
            service_role=build_role.arn,
            source={"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases:\n  build:\n    commands: [make zip]\n"},
            artifacts={"type": "S3", "location": artifacts.bucket, "path": "builds/"},
            environment=environment,
            opts=child,
        )

        self.register_outputs({})
