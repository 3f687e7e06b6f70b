"""WIR015-WIR020 on Terraform and CloudFormation shapes (the Pulumi shapes are the fixture pairs)."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.pipeline import analyze

IDS = ("WIR015", "WIR016", "WIR017", "WIR018", "WIR019", "WIR020")


def _run(root: Path, platform: str, text: str) -> list:
    (root / "lib").mkdir(parents=True, exist_ok=True)
    (root / "metadata.json").write_text(json.dumps({"platform": platform,
                                                   "language": "yaml" if platform == "cfn" else "hcl"}))
    (root / ("lib/TapStack.yml" if platform == "cfn" else "lib/main.tf")).write_text(text)
    return [f for f in analyze(root, stages=("ingest", "graph", "check")).findings if f.rule in IDS]


def _got(found: list) -> list[tuple[str, str | None, str]]:
    return sorted((f.rule, f.resource, f.severity.value) for f in found)


TF_FUNCTION = """
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})
}

resource "aws_lambda_function" "fn" {
  function_name = "processor"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "fn.zip"
}

resource "aws_s3_bucket" "uploads" {
  bucket = "uploads-bucket-wir015"
}
"""

TF_PERMISSION = """
resource "aws_lambda_permission" "s3" {
  statement_id  = "AllowS3"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.uploads.arn
}
"""

TF_NOTIFICATION = """
resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  lambda_function {
    lambda_function_arn = aws_lambda_function.fn.arn
    events              = ["s3:ObjectCreated:*"]
  }
}
"""


def test_terraform_notification_needs_the_permission_first(tmp_path: Path) -> None:
    missing = _run(tmp_path / "missing", "tf", TF_FUNCTION + TF_NOTIFICATION)
    assert _got(missing) == [("WIR015", "aws_s3_bucket_notification.uploads", "critical")]
    assert "Unable to validate the following destination configurations" in (missing[0].error or "")
    unordered = _run(tmp_path / "unordered", "tf", TF_FUNCTION + TF_PERMISSION + TF_NOTIFICATION)
    assert _got(unordered) == [("WIR015", "aws_s3_bucket_notification.uploads", "high")]
    ordered = TF_NOTIFICATION.replace("  bucket = aws_s3_bucket.uploads.id\n",
                                      "  bucket = aws_s3_bucket.uploads.id\n  depends_on = [aws_lambda_permission.s3]\n")
    assert _run(tmp_path / "ordered", "tf", TF_FUNCTION + TF_PERMISSION + ordered) == []
    other_bucket = TF_PERMISSION.replace("aws_s3_bucket.uploads.arn", '"arn:aws:s3:::some-other-bucket"')
    found = _run(tmp_path / "other", "tf", TF_FUNCTION + other_bucket + ordered)
    assert _got(found) == [("WIR015", "aws_s3_bucket_notification.uploads", "critical")]


TF_QUEUE = TF_FUNCTION + """
resource "aws_sqs_queue" "events" {
  name = "upload-events"
POLICY}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  queue {
    queue_arn = aws_sqs_queue.events.arn
    events    = ["s3:ObjectCreated:*"]
  }
}
"""
INLINE_POLICY = """  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Principal = {Service = "s3.amazonaws.com"}, Action = "sqs:SendMessage", Resource = "*"}]})
"""


def test_terraform_queue_destination_needs_a_policy_for_s3(tmp_path: Path) -> None:
    found = _run(tmp_path / "bad", "tf", TF_QUEUE.replace("POLICY", ""))
    assert _got(found) == [("WIR015", "aws_s3_bucket_notification.uploads", "critical")]
    assert "no queue policy" in found[0].message
    assert _run(tmp_path / "good", "tf", TF_QUEUE.replace("POLICY", INLINE_POLICY)) == []
    events_only = INLINE_POLICY.replace("s3.amazonaws.com", "events.amazonaws.com")
    found = _run(tmp_path / "other", "tf", TF_QUEUE.replace("POLICY", events_only))
    assert _got(found) == [("WIR015", "aws_s3_bucket_notification.uploads", "critical")]


CFN_BUCKET = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FnRole.Arn
      Code:
        ZipFile: "def handler(event, context):\\n    return 1\\n"
  AllowS3:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: s3.amazonaws.com
      SourceArn: !Sub arn:aws:s3:::uploads-${AWS::AccountId}
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub uploads-${AWS::AccountId}
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt Fn.Arn
"""

# The shape aws-cdk-lib synthesizes for bucket.add_event_notification(LambdaDestination(fn)).
CDK_SHAPE = CFN_BUCKET.split("  AllowS3:")[0] + """  AllowS3:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Fn.Arn
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
      SourceArn: !GetAtt Uploads.Arn
  Uploads:
    Type: AWS::S3::Bucket
  UploadsNotifications:
    Type: Custom::S3BucketNotifications
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:BucketNotificationsHandler
      BucketName: !Ref Uploads
      NotificationConfiguration:
        LambdaFunctionConfigurations:
          - Events: ['s3:ObjectCreated:*']
            LambdaFunctionArn: !GetAtt Fn.Arn
      Managed: true
    DependsOn: [AllowS3]
"""


def test_cloudformation_bucket_notification_and_cdk_shape(tmp_path: Path) -> None:
    found = _run(tmp_path / "bad", "cfn", CFN_BUCKET)
    assert _got(found) == [("WIR015", "Uploads", "high")]
    assert found[0].line == 32  # the Function of the LambdaConfigurations entry
    ordered = CFN_BUCKET.replace("    Type: AWS::S3::Bucket\n", "    Type: AWS::S3::Bucket\n    DependsOn: AllowS3\n")
    assert _run(tmp_path / "good", "cfn", ordered) == []
    assert _run(tmp_path / "cdk", "cfn", CDK_SHAPE) == []
    unordered_cdk = CDK_SHAPE.replace("    DependsOn: [AllowS3]\n", "")
    assert _got(_run(tmp_path / "cdk-bad", "cfn", unordered_cdk)) == [("WIR015", "UploadsNotifications", "high")]


TF_LAMBDA_TARGET = TF_FUNCTION + """
resource "aws_lb_target_group" "api" {
  name        = "api"
  target_type = "lambda"
}

resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = aws_lambda_function.fn.arn
DEPENDS}
PERMISSION"""
TF_ELB_PERMISSION = """
resource "aws_lambda_permission" "lb" {
  statement_id  = "AllowLB"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn.function_name
  principal     = "elasticloadbalancing.amazonaws.com"
  source_arn    = aws_lb_target_group.api.arn
}
"""


def test_terraform_lambda_target_needs_the_elb_permission_first(tmp_path: Path) -> None:
    missing = _run(tmp_path / "missing", "tf", TF_LAMBDA_TARGET.replace("DEPENDS", "").replace("PERMISSION", ""))
    assert _got(missing) == [("WIR016", "aws_lb_target_group_attachment.api", "critical")]
    assert "elasticloadbalancing principal does not have permission" in (missing[0].error or "")
    unordered = TF_LAMBDA_TARGET.replace("DEPENDS", "").replace("PERMISSION", TF_ELB_PERMISSION)
    assert _got(_run(tmp_path / "unordered", "tf", unordered)) == [
        ("WIR016", "aws_lb_target_group_attachment.api", "high")]
    ordered = TF_LAMBDA_TARGET.replace("DEPENDS", "  depends_on = [aws_lambda_permission.lb]\n").replace(
        "PERMISSION", TF_ELB_PERMISSION)
    assert _run(tmp_path / "ordered", "tf", ordered) == []


CFN_LAMBDA_TARGET = CFN_BUCKET.split("  AllowS3:")[0] + """  AllowElb:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Fn.Arn
      Principal: elasticloadbalancing.amazonaws.com
  Api:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      TargetType: lambda
      Targets:
        - Id: !GetAtt Fn.Arn
"""


def test_cloudformation_target_group_with_inline_lambda_target(tmp_path: Path) -> None:
    found = _run(tmp_path / "bad", "cfn", CFN_LAMBDA_TARGET)
    assert _got(found) == [("WIR016", "Api", "high")]
    ordered = CFN_LAMBDA_TARGET.replace("    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n",
                                        "    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    DependsOn: AllowElb\n")
    assert _run(tmp_path / "good", "cfn", ordered) == []


TF_NETWORK = """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

resource "aws_subnet" "isolated" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.3.0/24"
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "public_default" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
"""


def test_terraform_internet_facing_load_balancer_subnets(tmp_path: Path) -> None:
    lb = 'resource "aws_lb" "web" {\n  name    = "web"\n  subnets = [SUBNETS]\nINTERNAL}\n'
    found = _run(tmp_path / "private", "tf", TF_NETWORK + lb.replace("SUBNETS", "aws_subnet.private.id")
                 .replace("INTERNAL", ""))
    assert _got(found) == [("WIR017", "aws_lb.web", "high")]
    # the isolated subnet has no association: the new VPC's main table, local route only
    mixed = lb.replace("SUBNETS", "aws_subnet.public.id, aws_subnet.isolated.id").replace("INTERNAL", "")
    found = _run(tmp_path / "mixed", "tf", TF_NETWORK + mixed)
    assert _got(found) == [("WIR017", "aws_lb.web", "medium")]
    assert found[0].extra["private_subnets"] == ["aws_subnet.isolated"]
    public = lb.replace("SUBNETS", "aws_subnet.public.id").replace("INTERNAL", "")
    assert _run(tmp_path / "public", "tf", TF_NETWORK + public) == []
    internal = lb.replace("SUBNETS", "aws_subnet.private.id").replace("INTERNAL", "  internal = true\n")
    assert _run(tmp_path / "internal", "tf", TF_NETWORK + internal) == []
    # a route put on the VPC's main table: a subnet without association may then reach the gateway
    main_route = ('resource "aws_route" "main_default" {\n  route_table_id = aws_vpc.main.main_route_table_id\n'
                  '  destination_cidr_block = "0.0.0.0/0"\n  gateway_id = aws_internet_gateway.main.id\n}\n')
    isolated = lb.replace("SUBNETS", "aws_subnet.isolated.id").replace("INTERNAL", "")
    assert _run(tmp_path / "main", "tf", TF_NETWORK + main_route + isolated) == []


TF_TARGETS = TF_NETWORK + """
resource "aws_lb" "web" {
  name    = "web"
  subnets = [aws_subnet.public.id]
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_launch_template" "web" {
  name     = "web"
  image_id = "ami-0abcdef1234567890"
}

resource "aws_autoscaling_group" "web" {
  min_size            = 1
  max_size            = 2
  vpc_zone_identifier = [aws_subnet.private.id]
ASG  launch_template {
    id = aws_launch_template.web.id
  }
}
EXTRA"""


def test_terraform_target_group_without_targets(tmp_path: Path) -> None:
    found = _run(tmp_path / "bad", "tf", TF_TARGETS.replace("ASG", "").replace("EXTRA", ""))
    assert _got(found) == [("WIR018", "aws_lb_target_group.web", "medium")]
    assert found[0].extra["listeners"] == ["aws_lb_listener.http"]
    arns = TF_TARGETS.replace("ASG", "  target_group_arns = [aws_lb_target_group.web.arn]\n").replace("EXTRA", "")
    assert _run(tmp_path / "asg", "tf", arns) == []
    attachment = ('resource "aws_autoscaling_attachment" "web" {\n  autoscaling_group_name = '
                  'aws_autoscaling_group.web.name\n  lb_target_group_arn = aws_lb_target_group.web.arn\n}\n')
    assert _run(tmp_path / "attachment", "tf", TF_TARGETS.replace("ASG", "").replace("EXTRA", attachment)) == []
    no_compute = TF_TARGETS.replace("ASG", "").replace("EXTRA", "").split('resource "aws_launch_template"')[0]
    assert _run(tmp_path / "no-compute", "tf", no_compute) == []
    unknown = TF_TARGETS.replace("ASG", "  target_group_arns = var.target_groups\n").replace(
        "EXTRA", 'variable "target_groups" {\n  type = list(string)\n}\n')
    assert _run(tmp_path / "unknown", "tf", unknown) == []


CFN_TARGETS = """AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  VpcId: {Type: 'AWS::EC2::VPC::Id'}
  LoadBalancerArn: {Type: String}
Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 80
      Protocol: HTTP
      VpcId: !Ref VpcId
TARGETS  App:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcdef1234567890
      InstanceType: t3.micro
  Http:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancerArn
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref Web
"""


def test_cloudformation_target_group_targets(tmp_path: Path) -> None:
    found = _run(tmp_path / "bad", "cfn", CFN_TARGETS.replace("TARGETS", ""))
    assert _got(found) == [("WIR018", "Web", "medium")]
    inline = CFN_TARGETS.replace("TARGETS", "      Targets:\n        - Id: !Ref App\n")
    assert _run(tmp_path / "good", "cfn", inline) == []
    # no compute in the stack: the target group waits for targets deployed elsewhere
    placeholder = CFN_TARGETS.replace("TARGETS", "").split("  App:")[0] + "  Http:" + CFN_TARGETS.split("  Http:")[1]
    assert _run(tmp_path / "placeholder", "cfn", placeholder) == []


TF_CERT = """
resource "aws_acm_certificate" "web" {
  domain_name       = "*.app.local"
  validation_method = "DNS"
}
VALIDATION
resource "aws_lb_listener" "https" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef"
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.web.arn
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}
"""


def test_terraform_certificate_in_use_without_validation(tmp_path: Path) -> None:
    found = _run(tmp_path / "bad", "tf", TF_CERT.replace("VALIDATION", ""))
    assert _got(found) == [("WIR019", "aws_acm_certificate.web", "high")]
    assert found[0].line == 4 and found[0].extra["users"] == ["aws_lb_listener.https"]
    validated = TF_CERT.replace("VALIDATION", 'resource "aws_acm_certificate_validation" "web" {\n'
                                "  certificate_arn = aws_acm_certificate.web.arn\n}\n")
    assert _run(tmp_path / "good", "tf", validated) == []
    email = TF_CERT.replace("VALIDATION", "").replace('"DNS"', '"EMAIL"')
    assert _run(tmp_path / "email", "tf", email) == []


TF_PEERING = """
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_vpc" "primary" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "secondary" {
  provider   = aws.west
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc_peering_connection" "link" {
  vpc_id      = aws_vpc.primary.id
  peer_vpc_id = aws_vpc.secondary.id
  peer_region = "us-west-2"
ACCEPT}
ACCEPTER"""
ACCEPTER = """
resource "aws_vpc_peering_connection_accepter" "link" {
  provider                  = aws.west
  vpc_peering_connection_id = aws_vpc_peering_connection.link.id
  auto_accept               = true
}
"""


def test_terraform_cross_region_peering_acceptance(tmp_path: Path) -> None:
    pending = _run(tmp_path / "pending", "tf", TF_PEERING.replace("ACCEPTER", "").replace(
        "ACCEPT", "  auto_accept = false\n"))
    assert _got(pending) == [("WIR020", "aws_vpc_peering_connection.link", "high")]
    auto = _run(tmp_path / "auto", "tf", TF_PEERING.replace("ACCEPTER", "").replace(
        "ACCEPT", "  auto_accept = true\n"))
    assert _got(auto) == [("WIR020", "aws_vpc_peering_connection.link", "critical")]
    assert auto[0].attribute == "auto_accept"
    assert _run(tmp_path / "accepted", "tf", TF_PEERING.replace("ACCEPTER", ACCEPTER).replace("ACCEPT", "")) == []
    other_account = TF_PEERING.replace("ACCEPTER", "").replace("ACCEPT", '  peer_owner_id = "210987654321"\n')
    assert _run(tmp_path / "other", "tf", other_account) == []


CFN_NETWORK = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Igw
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.2.0/24
  NatEip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEip.AllocationId
      SubnetId: !Ref PublicSubnet
  PublicRoutes:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicDefault:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PublicRoutes
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw
  PrivateRoutes:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRoutes
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnet
      RouteTableId: !Ref PublicRoutes
  PrivateAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PrivateSubnet
      RouteTableId: !Ref PrivateRoutes
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
SCHEME      Subnets: [!Ref SUBNET]
"""


def test_cloudformation_load_balancer_scheme_and_subnets(tmp_path: Path) -> None:
    found = _run(tmp_path / "bad", "cfn", CFN_NETWORK.replace("SCHEME", "").replace("SUBNET", "PrivateSubnet"))
    assert _got(found) == [("WIR017", "Alb", "high")]
    public = CFN_NETWORK.replace("SCHEME", "").replace("SUBNET", "PublicSubnet")
    assert _run(tmp_path / "public", "cfn", public) == []
    internal = CFN_NETWORK.replace("SCHEME", "      Scheme: internal\n").replace("SUBNET", "PrivateSubnet")
    assert _run(tmp_path / "internal", "cfn", internal) == []
