"""HYG011 on small projects of each language: clock/random values in names (high) and tags (low), never in
Lambda code (handler files, inline code strings)."""

from __future__ import annotations

from pathlib import Path

from iacqa.model import ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene.nondeterministic import NondeterministicValue


def _run(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, Severity]]:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    ctx = RuleContext(graph=ResourceGraph(platform="x"), root=tmp_path)
    return [(f.file, f.line, f.severity) for f in NondeterministicValue().check(ctx)]


CDK_TS = """import * as s3 from 'aws-cdk-lib/aws-s3';
export class TapStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: Props) {
    const bucket = new s3.Bucket(this, 'Data', {
      bucketName: `${props.environment}-serverless-data-bucket-${Date.now()}`,
    });
    const fn = new lambda.Function(this, 'Fn', {
      code: lambda.Code.fromInline(`
        exports.handler = async (event) => {
          return { Body: JSON.stringify({ timestamp: new Date().toISOString(), data: event }) };
        };`),
    });
    const stamp = Date.now().toString().substring(8);
    new s3.Bucket(this, 'Logs', { bucketName: `logs-${stamp}` });
    console.log(`deployed at ${new Date().toISOString()}`);  // a log line: not a resource value
  }
}
"""


def test_typescript_names_direct_and_through_a_variable(tmp_path: Path) -> None:
    got = _run(tmp_path, {"lib/tap-stack.ts": CDK_TS})
    assert got == [("lib/tap-stack.ts", 5, Severity.HIGH), ("lib/tap-stack.ts", 14, Severity.HIGH)]


def test_lambda_handler_files_are_not_read(tmp_path: Path) -> None:
    handler = "export const handler = async () => ({ name: `run-${Date.now()}` });\n"
    assert _run(tmp_path, {"lib/lambda/index.ts": handler}) == []
    worker = "import uuid\n\n\ndef main(event, context):\n    return {'name': f'run-{uuid.uuid4()}'}\n"
    assert _run(tmp_path, {"lib/worker.py": worker, "lib/functions/job.py": "name = f'x-{uuid.uuid4()}'\n"}) == []


TF = """locals {
  common_tags = {
    Environment = var.environment
    CreatedAt   = timestamp()
  }
  run_id = uuid()
}

resource "aws_s3_bucket" "b" {
  bucket = "data-${var.environment}"
  tags   = local.common_tags
}

resource "aws_sqs_queue" "q" {
  name = "jobs-${formatdate("YYYYMMDD", timestamp())}"
  tags = merge(local.common_tags, { Updated = timestamp() })
}
"""


def test_terraform_timestamp_in_tags_is_low_in_names_high(tmp_path: Path) -> None:
    got = _run(tmp_path, {"main.tf": TF})
    # run_id is never used: no finding; the tag is low (perpetual diff), the queue name high (replaced each apply)
    assert got == [("main.tf", 4, Severity.LOW), ("main.tf", 15, Severity.HIGH), ("main.tf", 16, Severity.LOW)]


PY = '''"""Stack."""
import datetime
import uuid

import pulumi_aws as aws

HANDLER = """
import datetime
def handler(event, context):
    return {"name": f"x-{datetime.datetime.now()}"}
"""


def build(env):
    aws.s3.Bucket(f"data-{uuid.uuid4().hex[:6]}", tags={"Environment": env})
    aws.sqs.Queue("jobs", name=f"jobs-{env}-{datetime.datetime.now():%Y%m%d}")
    aws.sqs.Queue("ok", name=f"ok-{env}", tags={"Deployed": datetime.date.today().isoformat()})
    aws.lambda_.Function("fn", code=HANDLER, environment={"variables": {"STARTED": str(datetime.datetime.now())}})
'''


def test_python_names_tags_and_inline_code(tmp_path: Path) -> None:
    got = _run(tmp_path, {"lib/tap_stack.py": PY})
    assert got == [("lib/tap_stack.py", 15, Severity.HIGH), ("lib/tap_stack.py", 16, Severity.HIGH),
                   ("lib/tap_stack.py", 17, Severity.LOW)]


def test_deterministic_names_are_clean(tmp_path: Path) -> None:
    ts = ("new s3.Bucket(this, 'Data', { bucketName: `data-${props.environment}` });\n"
          "new rds.DbInstance(this, 'Db', { finalSnapshotIdentifier: `db-final-${Date.now()}` });\n")
    tf = 'resource "aws_s3_bucket" "b" {\n  bucket = "data-${var.env}"\n  tags = { CreatedBy = "terraform" }\n}\n'
    assert _run(tmp_path, {"lib/tap-stack.ts": ts, "main.tf": tf}) == []
