"""A .tf file that does not parse as a whole still gives every block it holds (hcl_files.salvage)."""

from __future__ import annotations

from iacqa.frontends.terraform.hcl_files import salvage

# A response pasted with its reasoning between the blocks, and an EC2 user_data script whose bash function opens
# `{` in column 0 inside the heredoc (tf-hcl Pr5028: 5 blocks were lost, 7 false "not declared" criticals).
TEXT = '''locals {
  name = "app"
}
Now let's set up the table:

resource "aws_dynamodb_table" "main" {
  name     = local.name
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
Next, the instance:

resource "aws_instance" "main" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  user_data     = <<-EOF
#!/bin/bash
function retry {
    echo retry
}
EOF
}

output "table" {
  value = aws_dynamodb_table.main.name
}
'''


def test_prose_between_blocks_and_braces_in_heredocs_lose_no_block() -> None:
    blocks, total = salvage(TEXT, "lib/main.tf")
    assert total == 4
    assert [(b.type, *b.labels) for b in blocks] == [
        ("locals",), ("resource", "aws_dynamodb_table", "main"), ("resource", "aws_instance", "main"),
        ("output", "table")]
    assert [b.line for b in blocks] == [1, 6, 16, 27]  # each at its own line in the file
