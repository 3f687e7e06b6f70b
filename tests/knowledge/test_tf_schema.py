"""The shipped Terraform AWS provider schema index: provenance, shape, version awareness, load time."""

from __future__ import annotations

import gzip
import json
import time
from importlib import resources

from iacqa.knowledge import tf_schema
from iacqa.knowledge.tf_schema import load, suggest, terraform_suggestion


def test_provenance_names_sources_and_counts() -> None:
    prov = load().provenance
    jsii = next(s for s in prov["sources"] if s["kind"] == "jsii")
    assert jsii["package"] == "cdktf-cdktf-provider-aws" and jsii["provider_version"].startswith("6.")
    assert prov["resources"] > 1500 and prov["data_sources"] > 600
    assert prov["built"] and 6 in prov["majors"]
    # names come from the docs links or the generated JS, guessing is the rare exception
    assert jsii["names_guessed"] < 0.05 * (jsii["names_from_docs"] + jsii["names_from_js"])


def test_resource_arguments_blocks_and_attributes() -> None:
    fn = load().resource("aws_lambda_function")
    assert fn is not None
    assert fn.arguments["role"].required() and fn.arguments["role"].kind == "string"
    assert not fn.arguments["memory_size"].required() and fn.arguments["memory_size"].kind == "number"
    tracing = fn.blocks["tracing_config"]
    assert tracing.max_items == 1 and "mode" in tracing.block.arguments
    assert "variables" in fn.blocks["environment"].block.arguments
    assert {"arn", "invoke_arn", "qualified_arn"} <= set(fn.attributes)
    table = load().resource("aws_dynamodb_table")
    assert table is not None and "stream_arn" in table.attributes
    assert load().resource("aws_lambda") is None


def test_data_sources_are_separate_from_resources() -> None:
    schema = load()
    assert schema.data_source("aws_caller_identity") is not None
    assert schema.resource("aws_caller_identity") is None
    assert "account_id" in schema.data_source("aws_caller_identity").names()  # type: ignore[union-attr]


def test_version_aware_names() -> None:
    schema = load()
    if 5 not in schema.majors:  # built without a local 5.x provider
        return
    vpc = schema.resource("aws_eip").arguments["vpc"]  # type: ignore[union-attr]
    assert vpc.versions == (5,)
    region = schema.resource("aws_sqs_queue").arguments["region"]  # type: ignore[union-attr]
    assert region.versions == (6,)
    assert "vpc" in schema.resource("aws_eip").names(5)  # type: ignore[union-attr]
    assert "vpc" not in schema.resource("aws_eip").names(6)  # type: ignore[union-attr]
    assert schema.provider_versions()[5].startswith("5.")


def test_attribute_syntax_blocks() -> None:
    ingress = load().resource("aws_security_group").blocks["ingress"]  # type: ignore[union-attr]
    assert ingress.attribute_syntax and "from_port" in ingress.block.arguments


def test_suggestions() -> None:
    sqs = load().resource("aws_sqs_queue")
    assert sqs is not None
    assert suggest("visibility_timeout", sqs.names()) == "visibility_timeout_seconds"
    assert suggest("queue_arn", sqs.names()) == "arn"
    assert suggest("zzz", sqs.names()) is None
    assert terraform_suggestion("aws_s3_bucke", load().resource_types()) == "aws_s3_bucket"
    assert terraform_suggestion("visibility_timeout", sqs.names()) is None  # too far for terraform's own hint


def test_index_is_small_and_loads_fast() -> None:
    blob = resources.files("iacqa.data").joinpath(tf_schema.DATA_FILE).read_bytes()
    assert len(blob) < 3_000_000
    json.loads(gzip.decompress(blob))  # warm the OS cache, then time a fresh decode
    start = time.perf_counter()
    tf_schema.TfSchema(json.loads(gzip.decompress(blob)))
    assert time.perf_counter() - start < 0.6  # ~0.2 s here; slack for a loaded CI machine
