"""Configuration: [tool.iacqa] in pyproject.toml, .iacqa.toml, --config FILE; flags win; bad keys/values exit 2.

The project is a small Terraform stack with two value errors that the AWS API rejects (LIM001, critical): a queue
visibility timeout of 50000 s in main.tf and a retention of 10 s in limits.tf.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacqa.cli import main
from iacqa.config import ConfigError, find, options_for, read
from iacqa.model import Options

MAIN_TF = """provider "aws" {
  region = "us-east-1"
}

resource "aws_sqs_queue" "a" {
  name                       = "a"
  visibility_timeout_seconds = 50000
}
"""
LIMITS_TF = """resource "aws_sqs_queue" "b" {
  name                      = "b"
  message_retention_seconds = 10
}
"""
FAST = ["--stages", "ingest,graph,check"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(MAIN_TF)
    (tmp_path / "limits.tf").write_text(LIMITS_TF)
    return tmp_path


def _json(project: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["analyze", str(project), "--format", "json", *FAST, *args])
    return code, json.loads(capsys.readouterr().out)


def _lim(data: dict) -> list[tuple[str, int]]:
    return sorted((f["file"], f["line"]) for f in data["findings"] if f["rule"] == "LIM001" and not f["suppressed"])


def test_without_configuration_both_errors_fail_the_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(project, capsys=capsys)
    assert code == 1
    assert _lim(data) == [("limits.tf", 3), ("main.tf", 7)]


def test_iacqa_toml_per_file_ignores_and_fail_on(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".iacqa.toml").write_text('per-file-ignores = {"limits.tf" = ["aws-limit"]}\nfail-on = "critical"\n')
    code, data = _json(project, capsys=capsys)
    assert _lim(data) == [("main.tf", 7)]  # the category ignored in limits.tf only
    assert code == 1


def test_pyproject_table_is_read_and_flags_win(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.iacqa]\nignore = ["LIM001"]\n'
                                            'stages = ["ingest", "graph"]\n')
    code, data = main(["analyze", str(project), "--format", "json"]), json.loads(capsys.readouterr().out)
    assert code == 0 and _lim(data) == []
    assert [s["name"] for s in data["stages"]] == ["ingest", "syntax", "graph"]  # stages from the file
    # flags win over the file: --stages and --ignore replace the file's values
    code, data = _json(project, "--ignore", "HYG", capsys=capsys)
    assert code == 1 and _lim(data) == [("limits.tf", 3), ("main.tf", 7)]
    assert "check" in [s["name"] for s in data["stages"]]


def test_explicit_config_file_wins_over_the_project_one(project: Path, tmp_path_factory: pytest.TempPathFactory,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".iacqa.toml").write_text('ignore = ["LIM"]\n')
    other = tmp_path_factory.mktemp("cfg") / "strict.toml"
    other.write_text('fail-on = "low"\n')
    code, data = _json(project, "--config", str(other), capsys=capsys)
    assert code == 1 and len(_lim(data)) == 2


def test_pyproject_without_our_table_is_not_a_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n')
    assert find(project) is None
    (project / "pyproject.toml").write_text("[project\nbroken")  # not ours: not read, not an error
    assert find(project) is None and options_for(project) == Options()


def test_response_md_finds_the_task_configuration(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    md = tmp_path / "lib" / "MODEL_RESPONSE.md"
    md.write_text("x")
    (tmp_path / ".iacqa.toml").write_text('fail-on = "high"\n')
    assert find(md) == tmp_path / ".iacqa.toml"
    assert options_for(md).fail_on == "high"


def test_every_documented_key_reads_into_typed_options(tmp_path: Path) -> None:
    cfg = tmp_path / ".iacqa.toml"
    cfg.write_text("\n".join([
        'select = ["SDK", "aws-limit"]', 'ignore = ["LNT001"]', 'fail-on = "High"', 'profile = "aws"',
        'quota-profile = "standard"', "account-concurrency = 1000", 'stages = ["ingest", "graph", "check"]',
        "timeout = 90", "memory-mb = 3072", 'per-file-ignores = {"tests/**" = ["LNT"]}', 'isolation = "strict"',
        "timeout-total = 900", "checkov = true", "coverage-threshold = 80.5"]) + "\n")
    opts = options_for(tmp_path)
    assert opts == Options(select=("SDK", "aws-limit"), ignore=("LNT001",), fail_on="high", profile="aws",
                           quota_profile="standard", account_concurrency=1000, stages=("ingest", "graph", "check"),
                           timeout=90.0, memory_mb=3072, per_file_ignores={"tests/**": ("LNT",)},
                           isolation="strict", timeout_total=900.0, checkov=True, coverage_threshold=80.5)
    assert options_for(tmp_path, {"fail_on": "low", "timeout": None}).fail_on == "low"  # None: flag not given


@pytest.mark.parametrize(("line", "key"), [
    ('fail-onn = "high"', "fail-onn"),
    ('fail-on = "severe"', "fail-on"),
    ('stages = ["graph", "lintt"]', "stages"),
    ('timeout = "fast"', "timeout"),
    ("memory-mb = 12.5", "memory-mb"),
    ("account-concurrency = 0", "account-concurrency"),
    ('isolation = "vm"', "isolation"),
    ('profile = "gcp"', "profile"),
    ('quota-profile = "huge"', "quota-profile"),
    ('select = ["SDX"]', "select"),
    ('ignore = "LNT;SEC"', "ignore"),
    ('per-file-ignores = {"tests/**" = ["NOPE"]}', "per-file-ignores"),
    ('per-file-ignores = ["tests/**"]', "per-file-ignores"),
    ("timeout-total = true", "timeout-total"),
    ("checkov = 1", "checkov"),
])
def test_bad_key_or_value_is_exit_2_with_one_line_naming_it(project: Path, line: str, key: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".iacqa.toml").write_text(line + "\n")
    assert main(["analyze", str(project), *FAST]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("iacqa: ") and ".iacqa.toml" in err and key in err, err
    with pytest.raises(ConfigError, match=key):
        read(project / ".iacqa.toml")


def test_broken_toml_is_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".iacqa.toml").write_text("timeout = [\n")
    assert main(["analyze", str(project)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid TOML" in err


@pytest.mark.parametrize(("flags", "named"), [
    (["--select", "SDX"], "--select"), (["--stages", "graph,lintt"], "--stages"), (["--timeout", "0"], "--timeout"),
    (["--quota-profile", "huge"], "--quota-profile"),
])
def test_bad_flag_value_is_exit_2_naming_the_flag(project: Path, flags: list[str], named: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(project), *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"iacqa: {named}: "), err


def test_category_selectors_are_accepted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(project, "--select", "sdk-api", capsys=capsys)
    assert code == 0 and _lim(data) == []
    code, data = _json(project, "--select", "aws-limit", capsys=capsys)
    assert code == 1 and len(_lim(data)) == 2


def test_help_shows_the_configuration_flags(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    out = capsys.readouterr().out
    for flag in ("--config", "--no-suppress", "--profile", "--isolation", "--timeout-total", "--prompt",
                 "--select", "--ignore", "--fail-on"):
        assert flag in out


def test_options_of_a_mapping_rejects_unknown_names() -> None:
    assert Options.of({"timeout": 3, "select": ["SDK"]}) == Options(timeout=3, select=("SDK",))
    with pytest.raises(TypeError, match="timout"):
        Options.of({"timout": 3})
    assert Options().limits(60, 2048) == (60.0, 2048) and Options(timeout=5).limits(120, 3072) == (5.0, 3072)
