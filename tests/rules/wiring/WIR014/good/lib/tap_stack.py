"""REST API whose deployment is ordered after its method and integration."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        api = aws.apigateway.RestApi(f"orders-api-{sfx}", name=f"orders-api-{sfx}", opts=child)
        items = aws.apigateway.Resource(f"items-{sfx}", rest_api=api.id, parent_id=api.root_resource_id,
                                        path_part="items", opts=child)
        method = aws.apigateway.Method(f"get-items-{sfx}", rest_api=api.id, resource_id=items.id,
                                       http_method="GET", authorization="AWS_IAM", opts=child)
        integration = aws.apigateway.Integration(f"get-items-mock-{sfx}", rest_api=api.id, resource_id=items.id,
                                                 http_method=method.http_method, type="MOCK", opts=child)
        self.deployment = aws.apigateway.Deployment(
            f"orders-deployment-{sfx}",
            rest_api=api.id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[method, integration]),
        )
        self.integration = integration
