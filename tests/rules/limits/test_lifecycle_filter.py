"""TFS018 on Terraform: lifecycle rules without filter or prefix."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.pipeline import analyze

TF = """
resource "aws_s3_bucket" "logs" {
  bucket = "logs-dev"
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire"
    status = "Enabled"
    expiration {
      days = 30
    }
  }

  rule {
    id     = "archive"
    status = "Enabled"
    filter {
      prefix = "archive/"
    }
    transition {
      days          = 90
      storage_class = "GLACIER"
    }
  }
}
"""


def _tfs018(root: Path, text: str) -> list:
    (root / "lib").mkdir(parents=True, exist_ok=True)
    (root / "metadata.json").write_text(json.dumps({"platform": "tf", "language": "hcl"}))
    (root / "lib" / "main.tf").write_text(text)
    return [f for f in analyze(root, stages=("ingest", "graph", "check")).findings if f.rule == "TFS018"]


def test_rule_without_filter_is_reported_and_an_empty_filter_is_enough(tmp_path: Path) -> None:
    found = _tfs018(tmp_path / "bad", TF)
    assert len(found) == 1
    assert found[0].resource == "aws_s3_bucket_lifecycle_configuration.logs"
    assert "expire" in found[0].message and "archive" not in found[0].message
    assert "[rule[0].filter,rule[0].prefix]" in found[0].error
    fixed = TF.replace('    id     = "expire"\n', '    id     = "expire"\n    filter {}\n')
    assert _tfs018(tmp_path / "good", fixed) == []
