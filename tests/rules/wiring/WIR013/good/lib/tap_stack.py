"""Reader role whose policy names the bucket by its ARN."""

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
        bucket = aws.s3.Bucket(f"reports-{sfx}", bucket=f"reports-{sfx}", opts=pulumi.ResourceOptions(parent=self))
        role = aws.iam.Role(
            f"reader-{sfx}",
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"reader-policy-{sfx}",
            role=role.id,
            policy=bucket.arn.apply(lambda b: json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["s3:GetObject"],
                "Resource": f"{b}/*"}]})),
            opts=pulumi.ResourceOptions(parent=self),
        )
