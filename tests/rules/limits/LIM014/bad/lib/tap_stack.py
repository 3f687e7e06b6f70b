"""Fargate service behind an HTTPS listener, and an Aurora PostgreSQL cluster with a backtrack window."""

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
        cluster = aws.ecs.Cluster(f"app-{sfx}", name=f"app-{sfx}", opts=child)
        aws.ecs.Service(
            f"app-svc-{sfx}",
            name=f"app-svc-{sfx}",
            cluster=cluster.arn,
            task_definition="app:1",
            desired_count=2,
            launch_type="FARGATE",  # expect: LIM014
            capacity_provider_strategies=[aws.ecs.ServiceCapacityProviderStrategyArgs(
                capacity_provider="FARGATE_SPOT", weight=1)],
            opts=child,
        )
        lb = aws.lb.LoadBalancer(f"app-lb-{sfx}", name=f"app-lb-{sfx}", load_balancer_type="application",
                                 subnets=["subnet-0a1b2c3d", "subnet-4e5f6a7b"], opts=child)
        group = aws.lb.TargetGroup(f"app-tg-{sfx}", name=f"app-tg-{sfx}", port=80, protocol="HTTP",
                                   target_type="ip", vpc_id="vpc-0a1b2c3d", opts=child)
        aws.lb.Listener(
            f"app-https-{sfx}",
            load_balancer_arn=lb.arn,
            port=443,
            protocol="HTTPS",  # expect: LIM014
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=group.arn)],
            opts=child,
        )
        aws.rds.Cluster(
            f"orders-db-{sfx}",
            cluster_identifier=f"orders-db-{sfx}",
            engine="aurora-postgresql",
            engine_version="16.6",
            master_username="orders",
            manage_master_user_password=True,
            backtrack_window=259200,  # expect: LIM014
            skip_final_snapshot=True,
            opts=child,
        )
