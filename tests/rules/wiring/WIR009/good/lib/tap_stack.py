"""WIR009 good: the blue/green service's deployment group holds both target groups; the worker uses rolling
updates (the ECS controller)."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

ASSUME = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        cluster = aws.ecs.Cluster(f"app-cluster-{env}", opts=child)
        blue = aws.lb.TargetGroup(f"blue-{env}", port=80, protocol="HTTP", target_type="ip",
                                  vpc_id="vpc-0123456789abcdef0", opts=child)
        green = aws.lb.TargetGroup(f"green-{env}", port=80, protocol="HTTP", target_type="ip",
                                   vpc_id="vpc-0123456789abcdef0", opts=child)
        listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2"
        web = aws.ecs.Service(
            f"web-{env}",
            name=f"web-{env}",
            cluster=cluster.arn,
            task_definition="web:1",
            desired_count=2,
            deployment_controller={"type": "CODE_DEPLOY"},
            load_balancers=[{"target_group_arn": blue.arn, "container_name": "web", "container_port": 80}],
            opts=child,
        )
        aws.ecs.Service(
            f"worker-{env}",
            name=f"worker-{env}",
            cluster=cluster.arn,
            task_definition="worker:1",
            desired_count=1,
            deployment_controller={"type": "ECS"},
            opts=child,
        )
        app = aws.codedeploy.Application(f"web-app-{env}", compute_platform="ECS", opts=child)
        role = aws.iam.Role(f"codedeploy-role-{env}", assume_role_policy=ASSUME, opts=child)
        aws.codedeploy.DeploymentGroup(
            f"web-dg-{env}",
            app_name=app.name,
            deployment_group_name=f"web-dg-{env}",
            service_role_arn=role.arn,
            deployment_config_name="CodeDeployDefault.ECSAllAtOnce",
            deployment_style={"deployment_option": "WITH_TRAFFIC_CONTROL", "deployment_type": "BLUE_GREEN"},
            blue_green_deployment_config={
                "deployment_ready_option": {"action_on_timeout": "CONTINUE_DEPLOYMENT"},
                "terminate_blue_instances_on_deployment_success": {"action": "TERMINATE",
                                                                   "termination_wait_time_in_minutes": 5},
            },
            ecs_service={"cluster_name": cluster.name, "service_name": web.name},
            load_balancer_info={
                "target_group_pair_info": {
                    "prod_traffic_route": {"listener_arns": [listener_arn]},
                    "target_groups": [{"name": blue.name}, {"name": green.name}],
                },
            },
            opts=child,
        )
        pulumi.export("green_target_group", green.arn)

        self.register_outputs({})
