"""SEC009 bad: a REST API stage and an HTTP API stage that write no access log."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

CODE = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")})
ASSUME = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        self.stack_name = name
        role = aws.iam.Role(f"fn-role-{env}", assume_role_policy=ASSUME, opts=child)
        fn = aws.lambda_.Function(
            f"api-fn-{env}", runtime="python3.12", handler="index.handler", role=role.arn, code=CODE, opts=child
        )
        rest = aws.apigateway.RestApi(f"orders-api-{env}", opts=child)
        res = aws.apigateway.Resource(
            f"orders-res-{env}", rest_api=rest.id, parent_id=rest.root_resource_id, path_part="orders", opts=child
        )
        method = aws.apigateway.Method(
            f"orders-get-{env}", rest_api=rest.id, resource_id=res.id, http_method="GET",
            authorization="AWS_IAM", opts=child,
        )
        integ = aws.apigateway.Integration(
            f"orders-int-{env}", rest_api=rest.id, resource_id=res.id, http_method=method.http_method,
            integration_http_method="POST", type="AWS_PROXY", uri=fn.invoke_arn, opts=child,
        )
        deployment = aws.apigateway.Deployment(
            f"orders-deploy-{env}", rest_api=rest.id, opts=ResourceOptions(parent=self, depends_on=[integ])
        )
        aws.apigateway.Stage(  # expect: SEC009
            f"orders-stage-{env}", rest_api=rest.id, deployment=deployment.id, stage_name="prod", opts=child
        )
        http = aws.apigatewayv2.Api(f"events-api-{env}", protocol_type="HTTP", opts=child)
        aws.apigatewayv2.Stage(  # expect: SEC009
            f"events-stage-{env}", api_id=http.id, name="$default", auto_deploy=True, opts=child
        )
        self.register_outputs({"stack_name": name})
