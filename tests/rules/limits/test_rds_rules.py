"""LIM006 (generated RDS master password characters/length) and LIM007 (RDS combinations) on Terraform,
CloudFormation and Pulumi shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacqa.model import Severity
from iacqa.pipeline import analyze
from iacqa.rules.limits.rds_password import botocore_constraint

DB = '''
resource "aws_db_instance" "db" {
  identifier          = "orders-dev"
  engine              = "%(engine)s"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "orders"
  password            = %(password)s
  skip_final_snapshot = true
}
'''


def _found(root: Path, rule: str) -> list:
    return [f for f in analyze(root, stages=("ingest", "graph", "check")).findings if f.rule == rule]


def _tf(root: Path, generator: str, engine: str = "postgres", password: str = "random_password.db.result") -> Path:
    (root / "main.tf").write_text(generator + DB % {"engine": engine, "password": password})
    return root


@pytest.mark.parametrize(("generator", "bad"), [
    ('resource "random_password" "db" {\n  length = 16\n}\n', ["@"]),  # special defaults to true
    ('resource "random_password" "db" {\n  length = 16\n  override_special = "/@_"\n}\n', ["/", "@"]),
    ('resource "random_password" "db" {\n  length = 16\n  override_special = "!#$%^*"\n}\n', None),
    ('resource "random_password" "db" {\n  length = 16\n  special = false\n}\n', None),
    ('variable "specials" {}\nresource "random_password" "db" {\n  length = 16\n  override_special = var.specials\n}\n',
     None),  # not known statically: not judged
])
def test_terraform_generator_specials(tmp_path: Path, generator: str, bad: list[str] | None) -> None:
    got = _found(_tf(tmp_path, generator), "LIM006")
    if bad is None:
        assert got == []
        return
    assert [(f.attribute, f.severity) for f in got] == [("password", Severity.HIGH)]
    assert got[0].extra["characters"] == bad and got[0].extra["generator"] == "random_password.db"
    assert "not a valid password" in got[0].error and "botocore" in got[0].extra["evidence"]


def test_count_instance_and_random_string(tmp_path: Path) -> None:
    gen = 'resource "random_string" "db" {\n  count  = 1\n  length = 16\n}\n'
    got = _found(_tf(tmp_path, gen, password="random_string.db[0].result"), "LIM006")
    assert [f.extra["generator"] for f in got] == ["random_string.db[0]"]


def test_password_not_from_a_generator_is_not_judged(tmp_path: Path) -> None:
    gen = 'resource "random_password" "other" {\n  length = 16\n}\nvariable "db_password" {\n  default = "x"\n}\n'
    assert _found(_tf(tmp_path, gen, password="var.db_password"), "LIM006") == []


def test_oracle_forbids_ampersand_too(tmp_path: Path) -> None:
    gen = 'resource "random_password" "db" {\n  length = 20\n  override_special = "&_-"\n}\n'
    assert _found(_tf(tmp_path, gen, engine="postgres"), "LIM006") == []
    (tmp_path / "main.tf").unlink()
    got = _found(_tf(tmp_path, gen, engine="oracle-se2"), "LIM006")
    assert got and got[0].extra["characters"] == ["&"]


def test_length_over_engine_limit_is_critical(tmp_path: Path) -> None:
    gen = 'resource "random_password" "db" {\n  length = 64\n  special = false\n}\n'
    got = _found(_tf(tmp_path, gen, engine="mysql"), "LIM006")
    assert [(f.severity, f.line) for f in got] == [(Severity.CRITICAL, 12)]
    assert "longer than 41 characters" in got[0].error
    (tmp_path / "main.tf").unlink()
    assert _found(_tf(tmp_path, gen, engine="postgres"), "LIM006") == []  # PostgreSQL allows 128


def test_only_forbidden_specials_with_min_special_fails_every_time(tmp_path: Path) -> None:
    gen = 'resource "random_password" "db" {\n  length = 16\n  override_special = "@"\n  min_special = 2\n}\n'
    got = _found(_tf(tmp_path, gen), "LIM006")
    assert [f.severity for f in got] == [Severity.CRITICAL] and "every time" in got[0].message


def test_pulumi_generators_told_apart_by_variable_name(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "LIM006" / "good"
    for rel in ("Pulumi.yaml", "tap.py", "lib/__init__.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text((fixture / rel).read_text())
    text = (fixture / "lib" / "tap_stack.py").read_text()
    # a second generator, default specials, used for something else: the database's own stays clean
    text = text.replace("        aws.rds.Instance(", "        api_token = random.RandomPassword(\n"
                        '            f"api-token-{sfx}", length=32, opts=pulumi.ResourceOptions(parent=self)\n'
                        "        )\n        aws.rds.Instance(", 1)
    (tmp_path / "lib" / "tap_stack.py").write_text(text)
    assert _found(tmp_path, "LIM006") == []
    (tmp_path / "lib" / "tap_stack.py").write_text(text.replace("password=db_password.result",
                                                                "password=api_token.result"))
    got = _found(tmp_path, "LIM006")
    assert [f.extra["generator"] for f in got] == ["api-token-dev"]


def test_botocore_authority_is_read() -> None:
    text = botocore_constraint("CreateDBInstance")
    assert '"/"' in text and '"@"' in text


GP3 = '''
resource "aws_db_instance" "db" {
  identifier                      = "orders-dev"
  engine                          = "%(engine)s"
  instance_class                  = "db.m5.large"
  allocated_storage               = %(size)s
  storage_type                    = "gp3"
  storage_throughput              = 500
  username                        = "orders"
  manage_master_user_password     = true
  enabled_cloudwatch_logs_exports = %(logs)s
  skip_final_snapshot             = true
}
'''


@pytest.mark.parametrize(("engine", "size", "logs", "expected"), [
    ("postgres", 100, '["postgresql", "upgrade"]', [(8, "storage_throughput")]),
    ("postgres", 400, '["postgresql", "upgrade"]', []),
    ("mysql", 500, '["audit", "error", "general", "slowquery"]', []),
    ("mysql", 500, '["error", "postgresql"]', [(11, "enabled_cloudwatch_logs_exports")]),
    ("oracle-ee", 250, '["alert", "listener"]', []),  # Oracle's threshold is 200 GiB
    ("oracle-ee", 100, '["alert", "slowquery"]', [(8, "storage_throughput"), (11, "enabled_cloudwatch_logs_exports")]),
    ("sqlserver-se", 100, '["agent", "error"]', []),  # no threshold judged for SQL Server
    ("postgres", 500, '["postgresql", "slow_query"]', []),  # not an RDS log type at all: LIM001's
])
def test_gp3_and_log_exports(tmp_path: Path, engine: str, size: int, logs: str, expected: list) -> None:
    (tmp_path / "main.tf").write_text(GP3 % {"engine": engine, "size": size, "logs": logs})
    got = _found(tmp_path, "LIM007")
    assert [(f.line, f.attribute) for f in got] == expected
    for f in got:
        assert f.error.startswith("InvalidParameterCombination") and f.severity == Severity.CRITICAL


def test_aurora_cluster_log_exports(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
resource "aws_rds_cluster" "c" {
  cluster_identifier              = "orders-dev"
  engine                          = "aurora-postgresql"
  master_username                 = "orders"
  manage_master_user_password     = true
  enabled_cloudwatch_logs_exports = ["postgresql", "error"]
}
''')
    got = _found(tmp_path, "LIM007")
    assert [(f.line, f.extra["log_types"]) for f in got] == [(7, ["error"])]


def test_cloudformation_template(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text('''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mariadb
      DBInstanceClass: db.t3.micro
      AllocatedStorage: "20"
      StorageType: gp3
      Iops: 3000
      MasterUsername: admin
      ManageMasterUserPassword: true
''')
    got = _found(tmp_path, "LIM007")
    assert [f.extra["check"] for f in got] == ["gp3"] and "engine mariadb" in got[0].error
