"""Report formats: pure functions of TaskResult plus rule metadata.

- `json_report.to_json` / `dumps`: the public JSON contract (docs/report.schema.json)
- `sarif.to_sarif`: SARIF 2.1.0, one run over one or more results
- `text.to_text`: the terminal summary
- `markdown.to_markdown`: MODEL_FAILURES.md in the form of the reviewers' failure analyses
- `compare.compare` / `compare.compare_to_text`: model vs ideal response (the submodule keeps the name `compare`)
"""

from iacqa.report.json_report import SCHEMA_VERSION, dumps, to_json
from iacqa.report.markdown import to_markdown
from iacqa.report.sarif import to_sarif
from iacqa.report.text import to_text

__all__ = ["SCHEMA_VERSION", "dumps", "to_json", "to_markdown", "to_sarif", "to_text"]
