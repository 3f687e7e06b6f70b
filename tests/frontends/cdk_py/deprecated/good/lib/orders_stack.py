"""Orders stack with the replacements aws-cdk-lib names for its deprecated props and runtimes."""
from aws_cdk import Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.aws_lambda import Runtime
from constructs import Construct


class OrdersStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        table = dynamodb.Table(
            self, "Orders",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
        )
        vpc = ec2.Vpc(self, "Vpc", ip_addresses=ec2.IpAddresses.cidr("10.0.0.0/16"), max_azs=2, nat_gateways=0)
        reader = lambda_.Function(
            self, "Reader",
            runtime=Runtime.NODEJS_22_X,
            handler="index.handler",
            code=lambda_.Code.from_inline("exports.handler = async () => ({statusCode: 200});"),
            timeout=Duration.seconds(10),
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            environment={"TABLE_NAME": table.table_name},
            log_group=logs.LogGroup(self, "ReaderLogs", retention=logs.RetentionDays.ONE_WEEK),
        )
        table.grant_read_data(reader)
