"""Payments API whose POST method and function URL need no credentials."""

import json

import pulumi
import pulumi_aws as aws

HANDLER = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n"


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        parent = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"payments-role-{sfx}",
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            opts=parent,
        )
        fn = aws.lambda_.Function(
            f"payments-{sfx}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(HANDLER)}),
            opts=parent,
        )
        api = aws.apigateway.RestApi(f"payments-api-{sfx}", opts=parent)
        res = aws.apigateway.Resource(
            f"payments-res-{sfx}", rest_api=api.id, parent_id=api.root_resource_id, path_part="payments", opts=parent
        )
        aws.apigateway.Method(
            f"payments-post-{sfx}",
            rest_api=api.id,
            resource_id=res.id,
            http_method="POST",
            authorization="NONE",  # expect: SEC007
            opts=parent,
        )
        aws.apigateway.Method(
            f"payments-options-{sfx}",
            rest_api=api.id,
            resource_id=res.id,
            http_method="OPTIONS",
            authorization="NONE",
            opts=parent,
        )
        url = aws.lambda_.FunctionUrl(
            f"payments-url-{sfx}",
            function_name=fn.name,
            authorization_type="NONE",  # expect: SEC007
            opts=parent,
        )
        pulumi.export("url", url.function_url)
