"""CDKTF Python: static check against the installed bindings, synth in the sandbox, graph through Terraform."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("cdktf_cdktf_provider_aws")

from iacqa.frontends.cdktf_py.frontend import CdktfFrontend  # noqa: E402
from iacqa.frontends.cdktf_py.static_check import check_source  # noqa: E402
from iacqa.ingest.task import load  # noqa: E402
from iacqa.pipeline import analyze  # noqa: E402

FIXTURES = Path(__file__).parents[2] / "fixtures" / "cdktf"

BAD = '''from cdktf import Fn, TerraformStack, AssetType
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable, DynamodbTableStreamSpecification
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction, LambdaFunctionEnvironment
from cdktf_cdktf_provider_aws.no_such_resource import Thing
from cdktf_cdktf_provider_aws import s3_bucket, not_a_module


class S(TerraformStack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        account = Fn.data("aws_caller_identity")
        kind = AssetType.ARCHIVE
        LambdaFunction(self, "f", function_name="f", role="r", memory=512,
                       environment=LambdaFunctionEnvironment(variables={}, vars={}))
        s3_bucket.S3Bucket(self, "b", bucket_name="x")
'''
GOOD = '''from cdktf import Fn, TerraformStack, AssetType, TerraformOutput
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction, LambdaFunctionEnvironment
from cdktf_cdktf_provider_aws import s3_bucket


class S(TerraformStack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        kind = AssetType.ARCHIVE
        name = Fn.join("-", ["a", "b"])
        fn = LambdaFunction(self, "f", function_name=name, role="r", memory_size=512, count=1,
                            environment=LambdaFunctionEnvironment(variables={}), depends_on=[])
        s3_bucket.S3Bucket(self, "b", bucket="x", force_destroy=True)
        TerraformOutput(self, "o", value=fn.arn)
'''


def test_static_check_reports_what_python_would_raise() -> None:
    got = {(f.rule, f.line, f.error) for f in check_source("lib/s.py", BAD)}
    errors = "\n".join(sorted(e for _, _, e in got))
    assert ("SDK001", 2, "ImportError: cannot import name 'DynamodbTableStreamSpecification' from "
            "'cdktf_cdktf_provider_aws.dynamodb_table'") in got
    assert "ModuleNotFoundError: No module named 'cdktf_cdktf_provider_aws.no_such_resource'" in errors
    assert "ImportError: cannot import name 'not_a_module' from 'cdktf_cdktf_provider_aws'" in errors
    assert ("SDK001", 11, "AttributeError: type object 'Fn' has no attribute 'data'") in got
    assert ("SDK002", 13, "TypeError: LambdaFunction.__init__() got an unexpected keyword argument 'memory'") in got
    assert any(r == "SDK002" and "'vars'" in e for r, _, e in got)  # struct classes too
    assert any(r == "SDK002" and "'bucket_name'" in e for r, _, e in got)  # module.Class calls
    memory = next(f for f in check_source("lib/s.py", BAD) if "'memory'" in (f.error or ""))
    assert memory.fix == "memory_size="


def test_static_check_is_silent_on_correct_code() -> None:
    assert check_source("lib/s.py", GOOD) == []  # base-class members (Fn.join), enums, meta-arguments


def test_seed004_faulty_synth_continues_past_the_unused_missing_import(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "seed004_faulty", root)
    fr = CdktfFrontend().build(load(root, None, None), {})
    assert fr.status == "failed" and "without the unused missing import" in fr.detail
    assert len(fr.graph) == 14
    assert not list(root.rglob("cdktf.out"))  # synth wrote nothing into the project
    fn = fr.graph.resources["aws_lambda_function.price-enricher"]
    assert (fn.location.file, fn.location.line) == ("lib/tap_stack.py", 84)
    assert fn.location_of("ReservedConcurrentExecutions").line == 94
    role = fr.graph.resources["aws_iam_role.price-enricher-role"]
    assert role.location.line == 121  # IamRole(self, id, ...) in a helper: found by its class
    art = fr.graph.code["aws_lambda_function.price-enricher"]
    assert art.kind == "missing" and art.source_path == "lambda/price-enricher.zip"


def test_seed004_fixed_asset_code_maps_to_the_project() -> None:
    fr = CdktfFrontend().build(load(FIXTURES / "seed004_fixed", None, None), {})
    assert fr.status == "ok", fr.detail
    art = fr.graph.code["aws_lambda_function.price-enricher"]
    assert art.source_path == "lib/lambda/price_enricher" and "def handler" in art.files["index.py"]
    assert art.origin["index.py"].file == "lib/lambda/price_enricher/index.py"
    esm = fr.graph.resources["aws_lambda_event_source_mapping.enricher-stream"]
    assert fr.graph.resolve_resource(esm.get("EventSourceArn")).id == "aws_dynamodb_table.crypto-prices"


def test_synth_error_is_reported_at_the_users_line(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "seed004_fixed", root)
    stack = root / "lib" / "tap_stack.py"
    text = stack.read_text().replace('        topic = SnsTopic(', '        raise ValueError("boom")\n'
                                     '        topic = SnsTopic(', 1)
    stack.write_text(text)
    line = text.splitlines().index('        raise ValueError("boom")') + 1
    result = analyze(root, stages=("ingest", "graph"))
    err = [f for f in result.findings if f.rule == "SDK004"]
    assert err and (err[0].file, err[0].line) == ("lib/tap_stack.py", line) and "boom" in err[0].error
    assert next(s for s in result.stages if s.name == "graph").status == "failed"


def test_static_only_option(tmp_path: Path) -> None:
    fr = CdktfFrontend().build(load(FIXTURES / "seed004_faulty", None, None), {"synth": False})
    assert fr.status == "failed" and len(fr.graph) == 0
    assert [f.rule for f in fr.findings] == ["SDK001"]
