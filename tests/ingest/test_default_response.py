"""Which code `iacqa analyze <task dir>` reads when --response is not given."""

from __future__ import annotations

from pathlib import Path

from iacqa.ingest.task import load

RESPONSE = '## File: lib/main.tf\n\n```hcl\nresource "aws_sqs_queue" "q" {\n  name = "q"\n}\n```\n'


def _task(root: Path) -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "metadata.json").write_text('{"platform": "tf", "language": "hcl"}')
    (root / "lib" / "MODEL_RESPONSE.md").write_text(RESPONSE)
    (root / "lib" / "PROMPT.md").write_text("A queue.")
    return root


def test_a_task_with_only_its_description_and_responses_reads_the_model_response(tmp_path: Path) -> None:
    # a markdown-only task copy: metadata.json is not code (it used to be analysed as "code": no .tf, DEPLOYABLE)
    proj = load(_task(tmp_path / "t"))
    assert proj.response == "model"
    assert "lib/main.tf" in proj.files


def test_a_task_with_code_reads_the_code(tmp_path: Path) -> None:
    root = _task(tmp_path / "t")
    (root / "lib" / "main.tf").write_text('resource "aws_sns_topic" "t" {}\n')
    assert load(root).response == "code"
