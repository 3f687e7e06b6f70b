"""SEC004 on Terraform and CloudFormation: a master password written in the .tf file or the template."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.pipeline import analyze

TF = """
resource "aws_db_instance" "main" {
  identifier        = "app-db"
  engine            = "postgres"
  instance_class    = "db.t3.medium"
  allocated_storage = 20
  username          = "dbadmin"
  password          = "ChangeMe123!"
  skip_final_snapshot = true
}
"""

CFN = """AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
Resources:
  Literal:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.medium
      AllocatedStorage: '20'
      MasterUsername: dbadmin
      MasterUserPassword: Sup3rSecret!
  FromParameter:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.medium
      AllocatedStorage: '20'
      MasterUsername: dbadmin
      MasterUserPassword: !Ref DbPassword
"""


def _sec004(root: Path, platform: str, rel: str, text: str) -> list:
    (root / "lib").mkdir(parents=True, exist_ok=True)
    (root / "metadata.json").write_text(json.dumps({"platform": platform,
                                                   "language": "yaml" if platform == "cfn" else "hcl"}))
    (root / rel).write_text(text)
    return [f for f in analyze(root, stages=("ingest", "graph", "check")).findings if f.rule == "SEC004"]


def test_terraform_password_literal(tmp_path: Path) -> None:
    found = _sec004(tmp_path / "bad", "tf", "lib/main.tf", TF)
    assert [(f.resource, f.attribute) for f in found] == [("aws_db_instance.main", "password")]
    fixed = TF.replace('"ChangeMe123!"', "var.db_password") + 'variable "db_password" {\n  sensitive = true\n}\n'
    assert _sec004(tmp_path / "good", "tf", "lib/main.tf", fixed) == []


def test_template_literal_but_not_a_parameter(tmp_path: Path) -> None:
    found = _sec004(tmp_path, "cfn", "lib/TapStack.yml", CFN)
    assert [f.resource for f in found] == ["Literal"]
