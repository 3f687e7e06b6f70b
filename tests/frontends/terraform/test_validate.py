"""TFS015: provider aliases across module calls, use_lockfile vs required_version, required_providers coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacqa.frontends.terraform.validate import allows_below
from iacqa.model import Severity
from iacqa.pipeline import analyze

ROOT = '''terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

module "storage" {
  source = "./modules/storage"
  providers = {
    aws         = aws
    aws.replica = aws.west
  }
}
'''
CHILD = '''terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"%s
    }
  }
}

resource "aws_s3_bucket" "primary" {
  bucket = "primary-dev"
}

resource "aws_s3_bucket" "replica" {
  provider = aws.replica
  bucket   = "replica-dev"
}
'''


def _tfs015(root: Path) -> list:
    return [f for f in analyze(root, stages=("ingest", "graph")).findings if f.rule == "TFS015"]


def _modules(root: Path, main: str, child_extra: str) -> Path:
    (root / "modules" / "storage").mkdir(parents=True)
    (root / "main.tf").write_text(main)
    (root / "modules" / "storage" / "main.tf").write_text(CHILD % child_extra)
    return root


def test_alias_passed_to_module_without_configuration_aliases(tmp_path: Path) -> None:
    got = _tfs015(_modules(tmp_path, ROOT, ""))
    assert [(f.file, f.line, f.severity, f.symbol) for f in got] == [
        ("modules/storage/main.tf", 14, Severity.CRITICAL, "module.storage.aws_s3_bucket.replica")]
    assert "Provider configuration not present" in got[0].error
    assert "configuration_aliases = [aws.replica]" in got[0].fix


def test_alias_declared_in_configuration_aliases_is_clean(tmp_path: Path) -> None:
    root = _modules(tmp_path, ROOT, "\n      configuration_aliases = [aws.replica]")
    assert _tfs015(root) == []


def test_legacy_proxy_provider_block_is_clean(tmp_path: Path) -> None:
    root = _modules(tmp_path, ROOT, "")
    (root / "modules" / "storage" / "providers.tf").write_text('provider "aws" {\n  alias = "replica"\n}\n')
    assert _tfs015(root) == []


def test_configuration_alias_the_caller_does_not_pass(tmp_path: Path) -> None:
    main = ROOT.replace("    aws.replica = aws.west\n", "")
    got = _tfs015(_modules(tmp_path, main, "\n      configuration_aliases = [aws.replica]"))
    assert [(f.file, f.line, f.symbol) for f in got] == [("main.tf", 12, "module.storage")]
    assert got[0].error.startswith("Error: Missing required provider configuration")


BACKEND = '''terraform {
  %s
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
  backend "s3" {
    bucket       = "tf-state-dev"
    key          = "app/terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}
'''


@pytest.mark.parametrize(("version", "found"), [
    ('required_version = ">= 1.5.0"', True),
    ("", True),  # no constraint: any Terraform may run it
    ('required_version = "~> 1.9.0"', True),
    ('required_version = ">= 1.10.0"', False),
    ('required_version = "~> 1.10"', False),
    ('required_version = ">= 1.4, >= 1.11"', False),
])
def test_use_lockfile_needs_terraform_1_10(tmp_path: Path, version: str, found: bool) -> None:
    (tmp_path / "main.tf").write_text(BACKEND % version)
    got = _tfs015(tmp_path)
    if not found:
        assert got == []
        return
    assert [(f.line, f.severity, f.symbol) for f in got] == [(10, Severity.MEDIUM, "backend.s3.use_lockfile")]
    assert 'An argument named "use_lockfile" is not expected here' in got[0].error


def test_use_lockfile_in_json_syntax(tmp_path: Path) -> None:
    """cdktf's `add_override("terraform.backend.s3.use_lockfile", True)` ends up in the JSON syntax."""
    config = {"terraform": {"backend": {"s3": {"bucket": "b", "key": "k", "use_lockfile": True}},
                            "required_providers": {"aws": {"source": "aws", "version": "5.0.0"}}}}
    (tmp_path / "backend.tf.json").write_text(json.dumps(config))
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    got = _tfs015(tmp_path)
    assert len(got) == 1 and got[0].error.startswith("Error: Extraneous JSON object property")


def test_allows_below() -> None:
    assert allows_below([]) is True
    assert allows_below([">= 0.14.9"]) is True
    assert allows_below(["= 1.10.2"]) is False
    assert allows_below(["~> 1.14"]) is False
    assert allows_below(["< 2.0.0", ">= 1.9"]) is True
    assert allows_below(["${var.v}"]) is None


def test_provider_missing_from_required_providers_is_low(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "random_password" "db" {
  length = 16
}

resource "random_id" "suffix" {
  byte_length = 4
}

data "archive_file" "zip" {
  type        = "zip"
  source_file = "main.tf"
  output_path = "f.zip"
}

resource "terraform_data" "marker" {}
''')
    got = _tfs015(tmp_path)
    assert [(f.line, f.severity, f.symbol) for f in got] == [
        (7, Severity.LOW, "required_providers.random"), (15, Severity.LOW, "required_providers.archive")]
    assert "hashicorp/random" in got[0].message


def test_no_required_providers_block_is_not_judged(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "random_id" "suffix" {\n  byte_length = 4\n}\n')
    assert _tfs015(tmp_path) == []
