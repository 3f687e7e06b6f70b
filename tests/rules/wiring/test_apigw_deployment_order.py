"""WIR014 on CloudFormation and Terraform shapes: REST API deployments not ordered after the methods."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.pipeline import analyze

CFN = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
  Items:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: items
  GetItems:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: GET
      AuthorizationType: AWS_IAM
      Integration:
        Type: MOCK
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
"""

TF = """
resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_integration" "get" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.get.http_method
  type        = "MOCK"
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
}
"""


def _wir014(root: Path, platform: str, rel: str, text: str) -> list:
    (root / "lib").mkdir(parents=True, exist_ok=True)
    (root / "metadata.json").write_text(json.dumps({"platform": platform,
                                                   "language": "yaml" if platform == "cfn" else "hcl"}))
    (root / rel).write_text(text)
    return [f for f in analyze(root, stages=("ingest", "graph", "check")).findings if f.rule == "WIR014"]


def test_cloudformation_deployment_without_depends_on(tmp_path: Path) -> None:
    found = _wir014(tmp_path / "bad", "cfn", "lib/TapStack.yml", CFN)
    assert [(f.resource, f.line, f.severity.value) for f in found] == [("Deployment", 22, "critical")]
    assert found[0].error == "BadRequestException: The REST API doesn't contain any methods"
    fixed = CFN.replace("    Type: AWS::ApiGateway::Deployment\n",
                        "    Type: AWS::ApiGateway::Deployment\n    DependsOn: [GetItems]\n")
    assert _wir014(tmp_path / "good", "cfn", "lib/TapStack.yml", fixed) == []


def test_terraform_depends_on_or_triggers_order_the_deployment(tmp_path: Path) -> None:
    found = _wir014(tmp_path / "bad", "tf", "lib/main.tf", TF)
    assert [(f.resource, f.severity.value) for f in found] == [("aws_api_gateway_deployment.api", "high")]
    triggers = TF.replace("  rest_api_id = aws_api_gateway_rest_api.api.id\n}\n",
                          "  rest_api_id = aws_api_gateway_rest_api.api.id\n  triggers = {\n    redeployment = "
                          "sha1(jsonencode([aws_api_gateway_method.get.id, aws_api_gateway_integration.get.id]))\n"
                          "  }\n}\n")
    assert triggers != TF
    assert _wir014(tmp_path / "triggers", "tf", "lib/main.tf", triggers) == []
    depends = TF.replace("resource \"aws_api_gateway_deployment\" \"api\" {\n",
                         "resource \"aws_api_gateway_deployment\" \"api\" {\n  depends_on = "
                         "[aws_api_gateway_integration.get]\n")
    assert _wir014(tmp_path / "depends", "tf", "lib/main.tf", depends) == []
