"""TFS016 (module output the local module does not declare) and TFS017 (unused declarations) on HCL projects."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.pipeline import analyze

NETWORK = '''
variable "cidr" {
  type = string
}

resource "aws_vpc" "v" {
  cidr_block = var.cidr
}

output "vpc_id" {
  value = aws_vpc.v.id
}
'''


def _project(root: Path, main: str, module: str = NETWORK, tfvars: str | None = None) -> Path:
    (root / "modules" / "network").mkdir(parents=True)
    (root / "modules" / "network" / "main.tf").write_text(module)
    (root / "main.tf").write_text(main)
    if tfvars is not None:
        (root / "terraform.tfvars").write_text(tfvars)
    return root


def _found(root: Path, rule: str) -> list:
    return [f for f in analyze(root, stages=("ingest", "graph")).findings if f.rule == rule]


def test_tfs016_counted_module_and_expressions(tmp_path: Path) -> None:
    main = '''
module "net" {
  count  = 1
  source = "./modules/network"
  cidr   = "10.0.0.0/16"
}

locals {
  ok      = module.net[0].vpc_id
  missing = [for s in module.net[0].subnet_ids : s]
  text    = "module.net.not_a_reference is only text"
  interp  = "vpc ${module.net[0].vpc_arn}"
}

output "ids" {
  value = [local.ok, local.missing, local.text, local.interp]
}
'''
    got = _found(_project(tmp_path, main), "TFS016")
    assert sorted((f.line, f.symbol) for f in got) == [(10, "module.net.subnet_ids"), (12, "module.net.vpc_arn")]
    assert got[0].error == 'Error: Unsupported attribute: This object does not have an attribute named "subnet_ids".'


def test_tfs016_one_finding_per_output_with_every_line(tmp_path: Path) -> None:
    main = '''
module "net" {
  source = "./modules/network"
  cidr   = "10.0.0.0/16"
}

output "a" {
  value = module.net.vpc
}

output "b" {
  value = module.net.vpc
}
'''
    got = _found(_project(tmp_path, main), "TFS016")
    assert len(got) == 1 and got[0].extra["lines"] == [8, 12]


def test_tfs016_not_judged_when_module_cannot_be_read_fully(tmp_path: Path) -> None:
    main = 'module "net" {\n  source = "./modules/network"\n  cidr   = "x"\n}\n\noutput "o" {\n' \
           '  value = module.net.vpc_arn\n}\n'
    assert not _found(_project(tmp_path, main, module=NETWORK + '\noutput "broken" {\n  value = \n'), "TFS016")
    registry = main.replace('"./modules/network"', '"terraform-aws-modules/vpc/aws"')
    (tmp_path / "r").mkdir()
    assert not _found(_project(tmp_path / "r", registry), "TFS016")


def test_tfs016_inside_a_child_module(tmp_path: Path) -> None:
    main = 'module "app" {\n  source = "./modules/app"\n}\n'
    root = _project(tmp_path, main)
    (root / "modules" / "app").mkdir()
    (root / "modules" / "app" / "main.tf").write_text(
        'module "net" {\n  source = "../network"\n  cidr   = "10.0.0.0/16"\n}\n\n'
        'resource "aws_security_group" "s" {\n  vpc_id = module.net.id\n}\n')
    got = _found(root, "TFS016")
    assert [(f.file, f.line) for f in got] == [("modules/app/main.tf", 7)]


def test_tfs017_unused_declarations_per_file(tmp_path: Path) -> None:
    main = '''
variable "cidr" {
  type = string
}

variable "from_tfvars_only" {
  type = string
}

variable "validated_only" {
  type = number
  validation {
    condition     = var.validated_only > 0
    error_message = "positive"
  }
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_availability_zones" "azs" {}

locals {
  a      = var.cidr
  b      = local.a
  unused = 1
}

module "net" {
  source     = "./modules/network"
  cidr       = local.b
  depends_on = [data.aws_region.current]
}

output "azs" {
  value = data.aws_availability_zones.azs.names
}
'''
    module = NETWORK + '\nvariable "tags" {\n  type = map(string)\n}\n'
    got = _found(_project(tmp_path, main, module=module, tfvars='from_tfvars_only = "x"\n'), "TFS017")
    by_file = {f.file: f for f in got}
    assert set(by_file) == {"main.tf", "modules/network/main.tf"}
    assert by_file["main.tf"].extra["names"] == ["var.from_tfvars_only", "var.validated_only",
                                                 "data.aws_caller_identity.current", "local.unused"]
    assert by_file["main.tf"].extra["lines"] == [6, 10, 18, 27]
    assert by_file["modules/network/main.tf"].extra["names"] == ["var.tags"]


def test_tfs017_json_syntax_and_unparsable_files(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "r" {\n  name = "r"\n}\n')
    (tmp_path / "queue.tf.json").write_text(json.dumps({
        "variable": {"env": {"type": "string", "default": "dev"}, "spare": {"default": 1}},
        "resource": {"aws_sqs_queue": {"q": {"name": "q-${var.env}"}}}}))
    got = _found(tmp_path, "TFS017")
    assert len(got) == 1 and got[0].extra["names"] == ["var.spare"]
    (tmp_path / "broken.tf").write_text('resource "aws_sqs_queue" "r" {\n  name = \n')
    assert not _found(tmp_path, "TFS017")


def test_tfs016_module_without_any_output_is_one_finding_per_call(tmp_path: Path) -> None:
    """A response that shows only a module's main.tf: every output the call reads, reported once."""
    main = '''
module "net" {
  source = "./modules/network"
  cidr   = "10.0.0.0/16"
}

output "a" {
  value = [module.net.vpc_id, module.net.subnet_ids]
}

output "b" {
  value = module.net.vpc_id
}
'''
    module = NETWORK.split('output "vpc_id"')[0]
    got = _found(_project(tmp_path, main, module=module), "TFS016")
    assert len(got) == 1
    assert got[0].extra["outputs"] == ["subnet_ids", "vpc_id"] and got[0].extra["lines"] == [8, 12]
    assert "declares no output at all" in got[0].message


def test_tfs017_scaffold_provider_variables_and_side_effect_data(tmp_path: Path) -> None:
    """Without a provider block the TAP scaffold's provider.tf (region, default tags) reads these variables; an
    archive_file data source writes the zip a function names by path."""
    main = '''
variable "aws_region" {
  type = string
}

variable "environment_suffix" {
  type = string
}

data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "src"
  output_path = "lambda.zip"
}
'''
    assert not _found(_project(tmp_path, main), "TFS017")
    (tmp_path / "provider.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n')
    got = _found(tmp_path, "TFS017")
    assert got and got[0].extra["names"] == ["var.aws_region", "var.environment_suffix"]
