"""Lambda functions registered in target groups: one with no ELB permission, one registered before it."""

import json

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


def _function(name, role, child):
    return aws.lambda_.Function(
        name,
        runtime="python3.12",
        handler="index.handler",
        role=role.arn,
        code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")}),
        opts=child,
    )


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"web-role-{sfx}",
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            opts=child,
        )
        api = _function(f"web-api-{sfx}", role, child)
        api_group = aws.lb.TargetGroup(f"web-api-tg-{sfx}", target_type="lambda", opts=child)
        aws.lambda_.Permission(
            f"web-api-allow-elb-{sfx}",
            action="lambda:InvokeFunction",
            function=api.name,
            principal="elasticloadbalancing.amazonaws.com",
            source_arn=api_group.arn,
            opts=child,
        )
        aws.lb.TargetGroupAttachment(
            f"web-api-attachment-{sfx}",
            target_group_arn=api_group.arn,
            target_id=api.arn,  # expect: WIR016
            opts=pulumi.ResourceOptions(parent=self, depends_on=[api]),
        )
        admin = _function(f"web-admin-{sfx}", role, child)
        admin_group = aws.lb.TargetGroup(f"web-admin-tg-{sfx}", target_type="lambda", opts=child)
        aws.lb.TargetGroupAttachment(
            f"web-admin-attachment-{sfx}",
            target_group_arn=admin_group.arn,
            target_id=admin.arn,  # expect: WIR016
            opts=child,
        )
