"""SEC015 on Terraform and CloudFormation shapes: IMDSv1 left on instances and launch templates."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.pipeline import analyze

TF = """
resource "aws_instance" "web" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
}

resource "aws_launch_template" "app" {
  image_id      = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }
}

resource "aws_instance" "from_template" {
  launch_template {
    id = aws_launch_template.app.id
  }
}

resource "aws_launch_template" "legacy" {
  image_id = "ami-0c02fb55956c7d316"
  metadata_options {
    http_tokens = "optional"
  }
}
"""

CFN = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Al2023:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: '{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}'
      InstanceType: t3.micro
  Plain:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0c02fb55956c7d316
      InstanceType: t3.micro
"""


def _sec015(root: Path, platform: str, rel: str, text: str) -> list:
    (root / "lib").mkdir(parents=True, exist_ok=True)
    (root / "metadata.json").write_text(json.dumps({"platform": platform,
                                                   "language": "yaml" if platform == "cfn" else "hcl"}))
    (root / rel).write_text(text)
    return [f for f in analyze(root, stages=("ingest", "graph", "check")).findings if f.rule == "SEC015"]


def test_terraform_instances_and_templates(tmp_path: Path) -> None:
    found = _sec015(tmp_path, "tf", "lib/main.tf", TF)
    assert sorted((f.resource, f.line) for f in found) == [("aws_instance.web", 2),
                                                          ("aws_launch_template.legacy", 24)]
    assert "HttpTokens optional" in next(f for f in found if f.resource.endswith("legacy")).message


def test_amazon_linux_2023_requires_tokens_already(tmp_path: Path) -> None:
    found = _sec015(tmp_path, "cfn", "lib/TapStack.yml", CFN)
    assert [f.resource for f in found] == ["Plain"]
