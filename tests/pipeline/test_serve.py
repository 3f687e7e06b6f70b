"""`iacqa emulate PATH --serve` serves the graph of the project's own platform (front-end registry), not Pulumi's.

Each test writes a small Terraform or CloudFormation project (a queue and a table), starts the command as a shell
would, reads the exported endpoint, finds both resources in the emulator, and stops it with Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")

TF = """provider "aws" {
  region = "us-east-1"
}

resource "aws_sqs_queue" "jobs" {
  name                       = "jobs-tf"
  visibility_timeout_seconds = 60
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders-tf"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

output "queue_url" {
  value = aws_sqs_queue.jobs.url
}
"""

CFN = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs-cfn
      VisibilityTimeout: 60
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders-cfn
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
Outputs:
  QueueUrl:
    Value: !Ref Jobs
"""


def _terminal_like() -> None:  # the child starts as from a shell: SIGINT neither blocked nor ignored
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _serve(project: Path) -> tuple[str, str]:
    """Run `iacqa emulate PROJECT --serve`; return (endpoint, output) once it serves; Ctrl-C it at the end."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.Popen([sys.executable, "-m", "iacqa", "emulate", str(project), "--serve"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            preexec_fn=_terminal_like)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line or not line:
                break
        text = "".join(lines)
        assert "export AWS_ENDPOINT_URL=http://127.0.0.1:" in text, text
        url = text.split("export AWS_ENDPOINT_URL=")[1].split()[0]
        yield url, text
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        assert "emulator stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _client(service: str, url: str):  # noqa: ANN202 - a boto3 client
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "source", "suffix"), [("main.tf", TF, "tf"), ("template.yaml", CFN, "cfn")])
def test_serve_deploys_the_project_of_its_own_platform(tmp_path: Path, name: str, source: str, suffix: str) -> None:
    (tmp_path / name).write_text(source)
    gen = _serve(tmp_path)
    url, text = next(gen)
    assert "2 resources deployed" in text, text
    sqs, ddb = _client("sqs", url), _client("dynamodb", url)
    try:
        assert any(u.endswith(f"/jobs-{suffix}") for u in sqs.list_queues().get("QueueUrls", []))
        assert f"orders-{suffix}" in ddb.list_tables()["TableNames"]
    finally:
        sqs.close()
        ddb.close()  # no keep-alive connection left open while the server shuts down
    with pytest.raises(StopIteration):
        next(gen)  # Ctrl-C: the emulator stops
