"""The provider schema check over real HCL parsed by python-hcl2 (the shape `terraform validate` would see)."""

from __future__ import annotations

import io
from pathlib import Path

import hcl2
import pytest
from hcl2.utils import SerializationOptions

from iacqa.frontends.terraform.schema_check import check
from iacqa.model import Finding, Severity

OPTS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)


def parse(text: str) -> dict:
    return hcl2.load(io.StringIO(text), serialization_options=OPTS)


def run(text: str, major: int | None = 6) -> list[Finding]:
    return check(parse(text), None, major)


def ids(findings: list[Finding]) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.rule, f.resource, f.attribute) for f in findings)


GOOD = """
variable "env" { default = "dev" }
locals { names = toset(["a", "b"]) }
data "aws_caller_identity" "me" {}
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "r-${var.env}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
resource "aws_sqs_queue" "q" {
  for_each                   = local.names
  name                       = "q-${each.key}"
  visibility_timeout_seconds = 60
  tags                       = { Env = var.env }
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
  }
}
resource "aws_lambda_function" "f" {
  count         = 1
  function_name = "f-${count.index}"
  role          = aws_iam_role.r.arn
  runtime       = "python3.12"
  handler       = "index.handler"
  filename      = "${path.module}/f.zip"
  environment {
    variables = {
      QUEUE = aws_sqs_queue.q["a"].url
      ACCOUNT = data.aws_caller_identity.me.account_id
    }
  }
  tracing_config { mode = "Active" }
  dynamic "vpc_config" {
    for_each = var.env == "prod" ? [1] : []
    content {
      subnet_ids         = []
      security_group_ids = []
    }
  }
  depends_on = [aws_iam_role.r]
  provisioner "local-exec" { command = "echo ${self.arn}" }
}
resource "aws_security_group" "sg" {
  name = "sg"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress = [{ from_port = 0, to_port = 0, protocol = "-1", cidr_blocks = ["0.0.0.0/0"], description = null,
              ipv6_cidr_blocks = [], prefix_list_ids = [], security_groups = [], self = false }]
}
resource "aws_dynamodb_table" "t" {
  name         = "t"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"
}
resource "aws_lambda_event_source_mapping" "m" {
  event_source_arn = aws_dynamodb_table.t.stream_arn
  function_name    = aws_lambda_function.f[0].arn
  starting_position = "LATEST"
}
resource "random_id" "x" { byte_length = 4 }
output "queue_urls" { value = [for q in aws_sqs_queue.q : q.url] }
output "rid" { value = random_id.x.hex }
"""


@pytest.mark.parametrize("major", [5, 6, None])
def test_no_false_alarm_on_a_correct_configuration(major: int | None) -> None:
    assert ids(run(GOOD, major)) == []


def test_unknown_resource_and_data_source_types() -> None:
    found = run('resource "aws_s3_bucke" "b" {}\ndata "aws_account_id" "me" {}\n'
                'resource "aws_caller_identity" "x" {}\n')
    assert ids(found) == [("TFS001", "aws_caller_identity.x", None), ("TFS001", "aws_s3_bucke.b", None),
                          ("TFS001", "data.aws_account_id.me", None)]
    by = {f.resource: f for f in found}
    assert by["aws_s3_bucke.b"].error == ('Error: Invalid resource type: The provider hashicorp/aws does not support '
                                          'resource type "aws_s3_bucke". Did you mean "aws_s3_bucket"?')
    assert "is a data source" in by["aws_caller_identity.x"].message
    assert by["data.aws_account_id.me"].error.startswith("Error: Invalid data source")


def test_unknown_argument_with_suggestion() -> None:
    (f,) = run('resource "aws_sqs_queue" "q" {\n  visibility_timeout = 30\n}\n')
    assert (f.rule, f.resource, f.attribute) == ("TFS002", "aws_sqs_queue.q", "visibility_timeout")
    assert f.error == 'Error: Unsupported argument: An argument named "visibility_timeout" is not expected here.'
    assert f.fix == 'use "visibility_timeout_seconds"' and f.severity is Severity.CRITICAL


def test_unknown_nested_block_and_argument_inside_a_block() -> None:
    found = run('''
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  tracing { mode = "Active" }
  environment {
    vars = { A = "1" }
  }
}''')
    assert ids(found) == [("TFS002", "aws_lambda_function.f", "vars"), ("TFS003", "aws_lambda_function.f", "tracing")]
    block = next(f for f in found if f.rule == "TFS003")
    assert block.error == 'Error: Unsupported block type: Blocks of type "tracing" are not expected here.'
    assert block.fix == 'use "tracing_config"'


def test_block_written_as_argument_and_argument_written_as_block() -> None:
    found = run('''
resource "aws_lambda_function" "f" {
  function_name  = "f"
  role           = "r"
  tracing_config = { mode = "Active" }
  tags {
    Name = "f"
  }
}''')
    by = {f.attribute: f for f in found}
    assert set(by) == {"tracing_config", "tags"}
    assert by["tracing_config"].rule == "TFS002"
    assert by["tracing_config"].error == ('Error: Unsupported argument: An argument named "tracing_config" is not '
                                          'expected here. Did you mean to define a block of type "tracing_config"?')
    assert by["tags"].rule == "TFS003"
    assert 'Did you mean to define argument "tags"? If so, use the equals sign' in by["tags"].error


def test_missing_required_arguments_and_blocks() -> None:
    found = run('''
resource "aws_lambda_function" "f" {
  function_name = "f"
  tracing_config {}
}
resource "aws_dynamodb_table" "t" {
  name = "t"
  attribute {
    name = "pk"
  }
}''')
    assert ("TFS004", "aws_lambda_function.f", "role") in ids(found)
    assert ("TFS004", "aws_lambda_function.f", "mode") in ids(found)  # required inside the nested block
    assert ("TFS004", "aws_dynamodb_table.t", "type") in ids(found)
    role = next(f for f in found if f.attribute == "role")
    assert role.error == 'Error: Missing required argument: The argument "role" is required, but no definition was found.'


def test_too_many_blocks() -> None:
    found = run('''
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "r"
  tracing_config { mode = "Active" }
  tracing_config { mode = "PassThrough" }
}''')
    assert ids(found) == [("TFS005", "aws_lambda_function.f", "tracing_config")]
    assert found[0].error == 'Error: Too many tracing_config blocks: No more than 1 "tracing_config" blocks are allowed'


def test_dynamic_blocks_are_checked_by_label_and_content() -> None:
    found = run('''
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "r"
  dynamic "vpc" {
    for_each = []
    content { subnet_ids = [] }
  }
  dynamic "vpc_config" {
    for_each = []
    content {
      subnet_ids = []
      security_group_ids = []
      subnets = []
    }
  }
}''')
    assert ids(found) == [("TFS002", "aws_lambda_function.f", "subnets"), ("TFS003", "aws_lambda_function.f", "vpc")]


def test_references_to_missing_attributes_and_undeclared_resources() -> None:
    found = run('''
resource "aws_sqs_queue" "q" { name = "q" }
resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.missing.arn
  environment {
    variables = {
      QUEUE  = aws_sqs_queue.q.queue_arn
      STREAM = aws_dynamodb_table.t.stream_arn
      OTHER  = aws_sqs_queue.qq.url
    }
  }
}
output "acct" { value = data.aws_caller_identity.me.account_id }
''')
    assert ids(found) == [("TFS006", "aws_lambda_function.f", "environment.variables.QUEUE"),
                          ("TFS007", "aws_lambda_function.f", "environment.variables.OTHER"),
                          ("TFS007", "aws_lambda_function.f", "role"),
                          ("TFS007", "output.acct", "value")]
    attr = found[[f.rule for f in found].index("TFS006")]
    assert attr.error == ('Error: Unsupported attribute: This object has no argument, nested block, or exported '
                          'attribute named "queue_arn".')
    assert attr.fix == "use aws_sqs_queue.q.arn"
    other = next(f for f in found if f.attribute == "environment.variables.OTHER")
    assert other.error == ('Error: Reference to undeclared resource: A managed resource "aws_sqs_queue" "qq" has not '
                           'been declared in the root module. Did you mean "q"?')


EIP = 'resource "aws_eip" "e" {\n  vpc = true\n}\n'
REGION = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n  region = "eu-west-1"\n}\n'


def test_version_pinned_major_decides() -> None:
    assert ids(run(EIP, 5)) == []
    (f,) = run(EIP, 6)
    assert (f.rule, f.attribute, f.severity) == ("TFS008", "vpc", Severity.CRITICAL)
    assert "5.x (5." in f.message and "6.x (6." in f.message and "pins" in f.message
    assert f.error == 'Error: Unsupported argument: An argument named "vpc" is not expected here.'
    (g,) = run(REGION, 5)  # the 6.x per-resource region argument under ~> 5.0
    assert (g.rule, g.attribute) == ("TFS008", "region")
    assert ids(run(REGION, 6)) == []


def test_no_version_constraint_judges_the_union_and_names_the_version() -> None:
    (f,) = run(EIP, None)
    assert (f.rule, f.severity) == ("TFS008", Severity.MEDIUM)
    assert "no version constraint" in f.message
    assert ids(run(REGION, None)) == []
    (u,) = run('resource "aws_sqs_queue" "q" {\n  fifo = true\n}\n', None)
    assert "5.100" in u.message and "6.25" in u.message


def test_json_syntax_blocks_as_objects_are_not_confused_with_arguments(tmp_path: Path) -> None:
    from iacqa.model import Location

    config = {"resource": {"aws_lambda_function": {"f": {
        "function_name": "f", "role": "r", "tracing_config": {"mode": "Active"},
        "environment": [{"variables": {"Q": "${aws_sqs_queue.q.url}"}}]}},
        "aws_sqs_queue": {"q": {"name": "q"}}}}
    assert check(config, lambda _p: Location("cdk.tf.json", None), 6) == []


def test_real_line_numbers_through_the_terraform_locator(tmp_path: Path) -> None:
    from iacqa.frontends.terraform.config import to_config
    from iacqa.frontends.terraform.hcl_files import load_module_dir
    from iacqa.frontends.terraform.model import locator

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "main.tf").write_text('''resource "aws_sqs_queue" "q" {
  name = "q"
  visibility_timeout = 30
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "r"
  tracing_config = {
    mode = "Active"
  }
  environment {
    variables = {
      QUEUE = aws_sqs_queue.q.queue_arn
    }
  }
}
''')
    module = load_module_dir(tmp_path, "lib")
    found = check(to_config(module), locator(module), None)
    assert sorted((f.rule, f.file, f.line) for f in found) == [
        ("TFS002", "lib/main.tf", 3), ("TFS002", "lib/main.tf", 9), ("TFS006", "lib/main.tf", 13)]  # the map argument


def test_bad_input_never_raises() -> None:
    for config in ({}, {"resource": None}, {"resource": {"aws_sqs_queue": None}},
                   {"resource": {"aws_sqs_queue": {"q": "x"}}}, {"resource": [{"aws_sqs_queue": {"q": [{"a": 1}]}}]},
                   {"output": {"o": {"value": "${aws_sqs_queue.}"}}}, {"locals": [{"x": "${"}]}):
        check(config, None, 6)
    assert check([], None, None) == []  # type: ignore[arg-type]
