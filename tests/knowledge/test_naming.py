"""One case converter for every front end: the names the SDK generators and AWS actually use."""

from __future__ import annotations

import pytest

from iacqa.knowledge.naming import camel, lower_first, pascal, snake


@pytest.mark.parametrize(("name", "want"), [
    ("HTTPServer", "http_server"),  # an acronym is split from the word after it (jsii, Pulumi codegen)
    ("DNSName", "dns_name"),
    ("AttributeARN", "attribute_arn"),
    ("maxReceiveCount", "max_receive_count"),  # Pulumi wire / jsii camelCase
    ("MaximumRetryAttempts", "maximum_retry_attempts"),  # CloudFormation PascalCase
    ("S3Bucket", "s3_bucket"),  # no split inside a letter-digit run
    ("ipv6CidrBlock", "ipv6_cidr_block"),
    ("EC2Instance", "ec2_instance"),
    ("already_snake", "already_snake"),
    ("x", "x"),
    ("", ""),
])
def test_snake(name: str, want: str) -> None:
    assert snake(name) == want


@pytest.mark.parametrize(("name", "want"), [
    ("http_server", "httpServer"), ("hash_key", "hashKey"), ("hashKey", "hashKey"), ("name", "name"),
    ("ipv6_cidr_block", "ipv6CidrBlock"),
])
def test_camel(name: str, want: str) -> None:
    assert camel(name) == want


@pytest.mark.parametrize(("name", "want"), [
    ("http_server", "HttpServer"), ("maximum_retry_attempts", "MaximumRetryAttempts"), ("_x__y_", "XY"),
    ("memory_size", "MemorySize"),
])
def test_pascal(name: str, want: str) -> None:
    assert pascal(name) == want


def test_round_trips_of_sdk_names() -> None:
    for name in ("visibility_timeout_seconds", "dead_letter_config", "stream_view_type", "s3_bucket"):
        assert snake(camel(name)) == name
        assert snake(pascal(name)) == name


def test_lower_first_keeps_acronyms() -> None:
    assert lower_first("DNSName") == "dNSName"
    assert lower_first("MemorySize") == "memorySize"
    assert lower_first("") == ""
