"""Local module calls checked as terraform init/validate would: missing source directory, argument mismatch."""

from __future__ import annotations

from pathlib import Path

from iacqa.pipeline import analyze

MAIN = '''
module "db" {
  source        = "./modules/db"
  instance_size = "small"
}

module "network" {
  source = "./modules/network"
}
'''
DB = '''
variable "instance_class" {}
variable "name" {
  default = "db"
}
'''


def _project(root: Path, main: str) -> Path:
    (root / "modules" / "db").mkdir(parents=True)
    (root / "main.tf").write_text(main)
    (root / "modules" / "db" / "variables.tf").write_text(DB)
    return root


def test_bad_module_calls(tmp_path: Path) -> None:
    r = analyze(_project(tmp_path, MAIN), stages=("ingest", "graph"))
    got = sorted((f.rule, f.line, f.symbol) for f in r.findings if f.rule in ("TFS012", "TFS013"))
    assert got == [("TFS012", 8, "module.network"),
                   ("TFS013", 2, "module.db.instance_class"),  # required variable not passed: at the block
                   ("TFS013", 4, "module.db.instance_size")]  # argument the module does not declare


def test_matching_module_call_is_clean(tmp_path: Path) -> None:
    good = '''
module "db" {
  source         = "./modules/db"
  instance_class = "db.t3.micro"
}
'''
    r = analyze(_project(tmp_path, good), stages=("ingest", "graph"))
    assert not [f for f in r.findings if f.rule in ("TFS012", "TFS013")]


def test_module_without_any_variable_is_one_finding_per_call(tmp_path: Path) -> None:
    """A response that shows only a module's main.tf: the call's arguments are reported once, together."""
    (tmp_path / "modules" / "app").mkdir(parents=True)
    (tmp_path / "modules" / "app" / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n')
    (tmp_path / "main.tf").write_text('module "app" {\n  source = "./modules/app"\n  name   = "a"\n'
                                      '  size   = 2\n  tier   = "x"\n}\n')
    r = analyze(tmp_path, stages=("ingest", "graph"))
    got = [f for f in r.findings if f.rule == "TFS013"]
    assert [(f.line, f.symbol) for f in got] == [(3, "module.app")], got
    assert "3 arguments (name, size, tier)" in got[0].message and "variables.tf" in got[0].fix
    assert got[0].extra["arguments"] == ["name", "size", "tier"]


def test_backend_block_with_variables_or_nested_blocks(tmp_path: Path) -> None:
    (tmp_path / "provider.tf").write_text('''
terraform {
  backend "s3" {
    bucket = "state-${var.env}"
    key    = "app/terraform.tfstate"
    lifecycle {
      prevent_destroy = true
    }
  }
}

variable "env" {
  default = "dev"
}
''')
    r = analyze(tmp_path, stages=("ingest", "graph"))
    got = sorted((f.line, f.symbol) for f in r.findings if f.rule == "TFS014")
    assert got == [(4, "backend.s3.bucket"), (6, "backend.s3.lifecycle")]
    (tmp_path / "provider.tf").write_text('terraform {\n  backend "s3" {\n    bucket = "state-dev"\n  }\n}\n')
    assert not [f for f in analyze(tmp_path, stages=("ingest", "graph")).findings if f.rule == "TFS014"]
