"""WIR008 (VPC Lambda without a way out), WIR009 (ECS CODE_DEPLOY), WIR010 (Route 53 health check target) and
WIR011 (S3 access log destination) over hand-built graphs in the CloudFormation (CDK) and Terraform shapes: CFN
types with their properties, unmapped Terraform types with native snake_case blocks as one-item lists."""

from __future__ import annotations

from iacqa.model import CodeArtifact, Location, Resource, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring.access_logging import AccessLogDestination as WIR011
from iacqa.rules.wiring.ecs_blue_green import EcsCodeDeployWithoutGroup as WIR009
from iacqa.rules.wiring.health_check_target import HealthCheckWithoutTarget as WIR010
from iacqa.rules.wiring.vpc_egress import LambdaVpcNoEgress as WIR008
from iacqa.rules.wiring.vpc_egress import handler_services
from tests.rules.wiring import wiring_graphkit as gk

ACCT, REG = gk.ACCT, gk.REG
PY_DDB = "import boto3\n\nddb = boto3.resource('dynamodb')\n\ndef handler(e, c):\n    return ddb.Table('t').scan()\n"


def _res(rid, cfn, native="", props=None, outputs=None, native_props=None) -> Resource:
    return Resource(id=rid, type=cfn, native_type=native or cfn, properties=props or {},
                    native_properties=native_props or {}, outputs=outputs or {"Id": rid},
                    location=Location("template.yaml", 1))


# -- WIR008: CloudFormation (CDK) shapes ---------------------------------------------------------------------------

def cfn_net(*routes, endpoints=(), associate=True):
    """VPC, one subnet, its route table (with the given AWS::EC2::Route targets) and an internet gateway."""
    vpc = _res("Vpc", "AWS::EC2::VPC", outputs={"Id": "vpc-1"})
    subnet = _res("Private", "AWS::EC2::Subnet", props={"VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"},
                  outputs={"Id": "subnet-1"})
    rt = _res("PrivateRT", "AWS::EC2::RouteTable", props={"VpcId": "vpc-1"}, outputs={"Id": "rtb-1"})
    igw = _res("Igw", "AWS::EC2::InternetGateway", outputs={"Id": "igw-1"})
    out = [vpc, subnet, rt, igw]
    if associate:
        out.append(_res("Assoc", "AWS::EC2::SubnetRouteTableAssociation",
                        props={"SubnetId": "subnet-1", "RouteTableId": "rtb-1"}))
    for i, target in enumerate(routes):
        out.append(_res(f"Route{i}", "AWS::EC2::Route",
                        props={"RouteTableId": "rtb-1", "DestinationCidrBlock": "0.0.0.0/0", **target}))
    for i, svc in enumerate(endpoints):
        out.append(_res(f"Ep{i}", "AWS::EC2::VPCEndpoint",
                        props={"VpcId": "vpc-1", "ServiceName": f"com.amazonaws.{REG}.{svc}"}))
    return out


def vpc_fn(graph_resources, code=PY_DDB, subnets=("subnet-1",), file="index.py"):
    fn = gk.function("Fn", VpcConfig={"SubnetIds": list(subnets), "SecurityGroupIds": ["sg-1"]}, Timeout=15)
    ctx = RuleContext(graph=gk.graph(fn, *graph_resources))
    if code is not None:
        ctx.graph.code[fn.id] = CodeArtifact(resource=fn.id, files={file: code})
    return list(WIR008().check(ctx))


def test_wir008_isolated_subnet_without_endpoint():
    (f,) = vpc_fn(cfn_net())
    assert f.rule == "WIR008" and f.severity == Severity.HIGH and f.attribute == "VpcConfig.SubnetIds"
    assert "dynamodb (boto3 resource('dynamodb'))" in f.message and "no route out" in f.message
    assert "Task timed out after 15 seconds" in f.error
    assert f.extra["services"] == ["dynamodb"]


def test_wir008_internet_gateway_route_does_not_help_a_function():
    (f,) = vpc_fn(cfn_net({"GatewayId": "igw-1"}))
    assert "internet gateway" in f.message and "no public IP" in f.message


def test_wir008_nat_or_other_targets_are_a_way_out():
    assert vpc_fn(cfn_net({"NatGatewayId": "nat-1"})) == []
    assert vpc_fn(cfn_net({"TransitGatewayId": "tgw-1"})) == []
    assert vpc_fn(cfn_net({"GatewayId": "vgw-unknown"})) == []  # not an internet gateway of the stack


def test_wir008_endpoint_for_each_service_called():
    assert vpc_fn(cfn_net(endpoints=["dynamodb"])) == []
    (f,) = vpc_fn(cfn_net(endpoints=["s3"]))
    assert f.extra["services"] == ["dynamodb"]
    two = PY_DDB + "sqs = boto3.client('sqs')\n"
    (f,) = vpc_fn(cfn_net(endpoints=["dynamodb"]), code=two)
    assert f.extra["services"] == ["sqs"]


def test_wir008_main_route_table_when_no_association():
    (f,) = vpc_fn(cfn_net(associate=False))
    assert f.rule == "WIR008"
    tf_main = _res("aws_main_route_table_association.m", "aws_main_route_table_association",
                   native_props={"vpc_id": "vpc-1", "route_table_id": "rtb-2"})
    assert vpc_fn([*cfn_net(associate=False), tf_main]) == []


def test_wir008_silent_when_unsure():
    assert vpc_fn(cfn_net(), code=None) == []  # handler code not in the project
    assert vpc_fn(cfn_net(), code="def handler(e, c):\n    return 1\n") == []  # calls no AWS service
    assert vpc_fn(cfn_net(), subnets=("<unresolved Output>",)) == []
    assert vpc_fn(cfn_net(), subnets=("subnet-elsewhere",)) == []
    unknown_assoc = _res("Assoc2", "AWS::EC2::SubnetRouteTableAssociation",
                         props={"SubnetId": "<unresolved Output>", "RouteTableId": "rtb-1"})
    assert vpc_fn([*cfn_net(), unknown_assoc]) == []
    unknown_ep = _res("Ep9", "AWS::EC2::VPCEndpoint", props={"VpcId": "vpc-1", "ServiceName": "${var.svc}"})
    assert vpc_fn([*cfn_net(), unknown_ep]) == []
    partial = RuleContext(graph=gk.graph(gk.function("Fn", VpcConfig={"SubnetIds": ["subnet-1"]}), *cfn_net()),
                          graph_status="failed")
    partial.graph.code["Fn"] = CodeArtifact(resource="Fn", files={"index.py": PY_DDB})
    assert list(WIR008().check(partial)) == []


def test_wir008_terraform_inline_routes():
    vpc = _res("aws_vpc.v", "aws_vpc", outputs={"Id": "vpc-1"})
    subnet = _res("aws_subnet.p", "aws_subnet", native_props={"vpc_id": "vpc-1"}, outputs={"Id": "subnet-1"})
    igw = _res("aws_internet_gateway.g", "aws_internet_gateway", outputs={"Id": "igw-1"})
    assoc = _res("aws_route_table_association.a", "aws_route_table_association",
                 native_props={"subnet_id": "subnet-1", "route_table_id": "rtb-1"})

    def table(*routes):
        return _res("aws_route_table.rt", "aws_route_table", native_props={"vpc_id": "vpc-1", "route": list(routes)},
                    outputs={"Id": "rtb-1"})

    public = table({"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"})
    (f,) = vpc_fn([vpc, subnet, igw, assoc, public])
    assert "internet gateway" in f.message
    private = table({"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1"})
    assert vpc_fn([vpc, subnet, igw, assoc, private]) == []


def test_wir008_handler_services_in_javascript():
    fn = gk.function("Fn")
    g = gk.graph(fn)
    g.code["Fn"] = CodeArtifact(resource="Fn", files={
        "index.mjs": "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n"
                     "import { SFNClient } from '@aws-sdk/client-sfn';\n",
        "legacy.js": "const AWS = require('aws-sdk');\nconst s3 = new AWS.S3();\nconst d = new AWS.DynamoDB.DocumentClient();\n",
        "node_modules/@aws-sdk/client-sqs/index.js": "import '@aws-sdk/client-sqs'",
    })
    assert sorted(handler_services(g, fn)) == ["dynamodb", "s3", "states"]


# -- WIR009 --------------------------------------------------------------------------------------------------------

def tf_service(name="web", controller="CODE_DEPLOY"):
    return _res(f"aws_ecs_service.{name}", "aws_ecs_service",
                native_props={"name": name, "deployment_controller": [{"type": controller}]},
                outputs={"Id": f"{name}-1", "Name": name})


def tf_group(service="web", groups=("blue", "green")):
    pair = {"prod_traffic_route": [{"listener_arns": ["arn:listener"]}],
            "target_group": [{"name": g} for g in groups]}
    return _res("aws_codedeploy_deployment_group.dg", "aws_codedeploy_deployment_group",
                native_props={"ecs_service": [{"cluster_name": "c", "service_name": service}],
                              "load_balancer_info": [{"target_group_pair_info": [pair]}]})


def test_wir009_terraform_pair_with_one_target_group():
    (f,) = gk.run(WIR009, tf_service(), tf_group(groups=("blue",)))
    assert f.severity == Severity.CRITICAL and f.resource == "aws_codedeploy_deployment_group.dg"
    assert "InvalidTargetGroupPairException" in f.error and "only 1 target group" in f.message
    assert gk.run(WIR009, tf_service(), tf_group()) == []


def test_wir009_code_deploy_service_without_group():
    (f,) = gk.run(WIR009, tf_service())
    assert f.severity == Severity.HIGH and f.resource == "aws_ecs_service.web"
    assert "CODE_DEPLOY deployment controller" in f.error
    assert gk.run(WIR009, tf_service(controller="ECS")) == []
    assert gk.run(WIR009, tf_service(), tf_group(service="<unresolved Output>")) == []
    assert gk.run(WIR009, tf_service(), tf_group(service="a-name-the-graph-cannot-place")) == []


def test_wir009_cloudformation_shapes():
    svc = _res("Service", "AWS::ECS::Service", props={"ServiceName": "web", "DeploymentController": {"Type": "CODE_DEPLOY"}},
               outputs={"Id": f"arn:aws:ecs:{REG}:{ACCT}:service/c/web", "Name": "web"})
    group = _res("DG", "AWS::CodeDeploy::DeploymentGroup", props={
        "ECSServices": [{"ClusterName": "c", "ServiceName": "web"}],
        "LoadBalancerInfo": {"TargetGroupPairInfoList": [{
            "TargetGroups": [{"Name": "blue"}, {"Name": "green"}],
            "ProdTrafficRoute": {"ListenerArns": ["arn:listener"]}}]}})
    assert gk.run(WIR009, svc, group) == []
    group.properties["LoadBalancerInfo"]["TargetGroupPairInfoList"][0]["TargetGroups"] = [{"Name": "blue"}]
    (f,) = gk.run(WIR009, svc, group)
    assert f.attribute == "LoadBalancerInfo.TargetGroupPairInfoList.0.TargetGroups"


# -- WIR010 --------------------------------------------------------------------------------------------------------

def test_wir010_cloudformation_health_check_config():
    hc = _res("HC", "AWS::Route53::HealthCheck",
              props={"HealthCheckConfig": {"Type": "HTTPS", "ResourcePath": "/health", "Port": 443}})
    (f,) = gk.run(WIR010, hc)
    assert f.severity == Severity.CRITICAL and f.attribute == "HealthCheckConfig.Type"
    assert f.error == "InvalidInput: IP address and fully qualified domain name can not be both empty"
    hc.properties["HealthCheckConfig"]["FullyQualifiedDomainName"] = "api.example.com"
    assert gk.run(WIR010, hc) == []


def test_wir010_terraform_types():
    def tf(**native):
        return _res("aws_route53_health_check.h", "aws_route53_health_check", native_props=native)

    assert len(gk.run(WIR010, tf(type="TCP", port=5432))) == 1
    assert gk.run(WIR010, tf(type="TCP", port=5432, ip_address="203.0.113.10")) == []
    assert gk.run(WIR010, tf(type="HTTP", fqdn="<unresolved Output>")) == []  # set, value known at deploy
    assert gk.run(WIR010, tf(type="CALCULATED", child_health_threshold=1)) == []
    assert gk.run(WIR010, tf(type="CLOUDWATCH_METRIC", cloudwatch_alarm_name="a")) == []


# -- WIR011 --------------------------------------------------------------------------------------------------------

def bucket(rid, **props):
    return _res(rid, "AWS::S3::Bucket", props=props,
                outputs={"Arn": f"arn:aws:s3:::{rid.lower()}", "Name": rid.lower(), "Id": rid.lower()})


def kms_encryption(algo="aws:kms", key=None):
    default = {"SSEAlgorithm": algo, **({"KMSMasterKeyID": key} if key else {})}
    return {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": default}]}


def test_wir011_cloudformation_logging_without_destination_is_the_bucket_itself():
    (f,) = gk.run(WIR011, bucket("Data", LoggingConfiguration={"LogFilePrefix": "logs/"}))
    assert f.severity == Severity.MEDIUM and f.attribute == "LoggingConfiguration"
    assert "to itself" in f.message


def test_wir011_cloudformation_destination_with_sse_kms():
    logs = bucket("Logs", BucketEncryption=kms_encryption())
    data = bucket("Data", LoggingConfiguration={"DestinationBucketName": "logs", "LogFilePrefix": "d/"})
    (f,) = gk.run(WIR011, data, logs)
    assert f.severity == Severity.HIGH and f.attribute == "LoggingConfiguration.DestinationBucketName"
    assert "aws:kms with the AWS managed key aws/s3" in f.message
    assert "not supported for Server Access Logging target buckets" in f.error
    assert gk.run(WIR011, data, bucket("Logs", BucketEncryption=kms_encryption("AES256"))) == []
    assert gk.run(WIR011, data, bucket("Logs", BucketEncryption=kms_encryption("<unresolved Output>"))) == []
    assert len(gk.run(WIR011, data, bucket("Logs", BucketEncryption=kms_encryption(key="alias/aws/s3")))) == 1


def test_wir011_customer_managed_key_needs_log_delivery_in_its_policy():
    data = bucket("Data", LoggingConfiguration={"DestinationBucketName": "logs"})
    root_only = gk.key("Key")  # no policy: the default key policy names only the account
    logs = bucket("Logs", BucketEncryption=kms_encryption(key=root_only.outputs["Arn"]))
    (f,) = gk.run(WIR011, data, logs, root_only)
    assert "key Key, whose key policy does not let logging.s3.amazonaws.com use it" in f.message
    granted = gk.key("Key", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}]})
    logs = bucket("Logs", BucketEncryption=kms_encryption(key=granted.outputs["Arn"]))
    assert gk.run(WIR011, data, logs, granted) == []
    outside = bucket("Logs", BucketEncryption=kms_encryption(key=f"arn:aws:kms:{REG}:{ACCT}:key/elsewhere"))
    assert gk.run(WIR011, data, outside) == []


def test_wir011_terraform_separate_resources():
    data, logs = bucket("aws_s3_bucket.data"), bucket("aws_s3_bucket.logs")

    def logging(target):
        return _res("aws_s3_bucket_logging.l", "AWS::S3::BucketLogging", "aws_s3_bucket_logging",
                    props={"Bucket": data.outputs["Id"], "TargetBucket": target, "TargetPrefix": "x/"})

    sse = _res("aws_s3_bucket_server_side_encryption_configuration.s", "aws_s3_bucket_server_side_encryption_configuration",
               native_props={"bucket": logs.outputs["Id"],
                             "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]})
    (f,) = gk.run(WIR011, data, logs, sse, logging(logs.outputs["Id"]))
    assert f.resource == "aws_s3_bucket_logging.l" and f.attribute == "TargetBucket"
    (f,) = gk.run(WIR011, data, logs, logging(data.outputs["Id"]))
    assert f.severity == Severity.MEDIUM
    assert gk.run(WIR011, data, logs, logging(logs.outputs["Id"])) == []
    assert gk.run(WIR011, data, logs, sse, logging("<unresolved Output>")) == []


def test_wir008_code_not_in_project_uses_environment():
    table = gk.table("Sessions", stream=False)
    fn = gk.function("Fn", VpcConfig={"SubnetIds": ["subnet-1"]},
                     Environment={"Variables": {"TABLE": table.outputs["Name"], "DB_HOST": "db.internal"}})
    ctx = RuleContext(graph=gk.graph(fn, table, *cfn_net({"GatewayId": "igw-1"})))
    (f,) = WIR008().check(ctx)
    assert f.extra["inferred_from_environment"] is True and "environment TABLE=Sessions" in f.message
    # code present that calls nothing: the environment is not used
    ctx.graph.code["Fn"] = CodeArtifact(resource="Fn", files={"index.py": "def handler(e, c):\n    return 1\n"})
    assert list(WIR008().check(ctx)) == []
