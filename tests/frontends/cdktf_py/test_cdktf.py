"""CDKTF Python: static check against the installed bindings, synth in the sandbox, graph through Terraform."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

if importlib.util.find_spec("cdktf_cdktf_provider_aws") is None:  # find, not import: importing costs 14 s, 1.2 GB
    pytest.skip("the cdktf extra is not installed", allow_module_level=True)

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
            "'cdktf_cdktf_provider_aws.dynamodb_table' (.../cdktf_cdktf_provider_aws/dynamodb_table/__init__.py)") in got
    assert "ModuleNotFoundError: No module named 'cdktf_cdktf_provider_aws.no_such_resource'" in errors
    assert ("ImportError: cannot import name 'not_a_module' from 'cdktf_cdktf_provider_aws' "
            "(.../cdktf_cdktf_provider_aws/__init__.py)") in errors
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
    assert fr.status == "failed" and "unused missing imports" in fr.detail
    assert len(fr.graph) == 14
    # whole once the import is fixed: rules that need the whole graph (PRM005/PRM006) may judge it
    assert fr.graph.revealed_by == next(f for f in fr.findings if f.severity.value == "critical").fingerprint
    assert not list(root.rglob("cdktf.out"))  # synth wrote nothing into the project
    fn = fr.graph.resources["aws_lambda_function.price-enricher"]
    assert (fn.location.file, fn.location.line) == ("lib/tap_stack.py", 84)
    assert fn.location_of("ReservedConcurrentExecutions").line == 94
    role = fr.graph.resources["aws_iam_role.price-enricher-role"]
    assert role.location.line == 121  # IamRole(self, id, ...) in a helper: found by its class
    art = fr.graph.code["aws_lambda_function.price-enricher"]
    # terraform runs in cdktf.out/stacks/<stack>, where the relative "lambda/price-enricher.zip" points
    assert art.kind == "missing" and art.source_path == "cdktf.out/stacks/TapStackdev/lambda/price-enricher.zip"
    assert art.missing_error.startswith('Error: unable to load "lambda/price-enricher.zip"')


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


# Shapes and dict keys, each verified against a real synth of the same code (cdktf 0.21, provider 21.22.1): a list
# for a single block -> TypeError; one block for a list -> jsii "Value is not an array"; a dict for a single block
# becomes Struct(**d) (unknown key -> TypeError); a dict inside a list reaches jsii as a map, where snake_case keys
# of several words are dropped without a word (or fail synth when required).
BLOCKS = '''from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule, S3BucketLifecycleConfigurationRuleExpiration)


def build(self, rules):
    Route53Record(self, "r", zone_id="Z", name="a", type="A", weighted_routing_policy=[{"weight": 1}])
    S3BucketLifecycleConfiguration(self, "lc", bucket="b", rule=[S3BucketLifecycleConfigurationRule(
        id="r", status="Enabled", expiration=S3BucketLifecycleConfigurationRuleExpiration(days=30))])
    LambdaFunction(self, "f", function_name="f", role="r", environment={"variablez": {"A": "1"}})
    S3BucketLifecycleConfiguration(self, "lc2", bucket="b", rule=[{
        "id": "r", "status": "Enabled", "abort_incomplete_multipart_upload": [{"daysAfterInitiation": 7}]}])
    DynamodbTable(self, "t", name="t", global_secondary_index=[{"name": "i", "hash_key": "k",
                                                                "projectionType": "ALL"}] if rules else [])
'''
BLOCKS_OK = '''from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable, DynamodbTableGlobalSecondaryIndex
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import S3BucketLifecycleConfiguration


def build(self, rules, extra):
    LambdaFunction(self, "f", function_name="f", role="r", environment={"variables": {"A": "1"}},
                   tags={"any_key": "v"}, vpc_config={"subnet_ids": [], "security_group_ids": []})
    S3BucketLifecycleConfiguration(self, "lc", bucket="b", rule=[{
        "id": "r", "status": "Enabled", "expiration": [{"days": 30}], "filter": [{"prefix": ""}],
        "noncurrentVersionExpiration": [{"noncurrentDays": 9}]}, {**extra}])
    S3BucketLifecycleConfiguration(self, "lc2", bucket="b", rule=rules)
    DynamodbTable(self, "t", name="t", ttl={"attribute_name": "x", "enabled": True},
                  attribute=[{"name": "k", "type": "S"}],
                  global_secondary_index=[DynamodbTableGlobalSecondaryIndex(name="i", hash_key="k",
                                                                            projection_type="ALL")])
'''


def test_block_shapes_and_dict_keys() -> None:
    got = check_source("lib/s.py", BLOCKS)
    by = {(f.rule, f.line): f for f in got}
    assert by[("CTF001", 9)].error.startswith(
        "TypeError: type of argument weighted_routing_policy must be one of (cdktf_cdktf_provider_aws.route53_record."
        "Route53RecordWeightedRoutingPolicy, Dict[str, Any], NoneType); got list instead")
    assert "Key 'expiration'" in by[("CTF001", 11)].error and "Value is not an array" in by[("CTF001", 11)].error
    assert by[("CTF001", 11)].fix.startswith("wrap it in a list: expiration=[")
    assert by[("SDK002", 12)].error == ("TypeError: LambdaFunctionEnvironment.__init__() got an unexpected keyword "
                                        "argument 'variablez'")
    dropped = by[("CTF002", 14)]
    assert dropped.severity.value == "high" and "abortIncompleteMultipartUpload" in dropped.message
    required = [f for f in got if f.rule == "CTF002" and f.severity.value == "critical"]
    assert len(required) == 1 and required[0].error.endswith(
        "Missing required properties for @cdktf/provider-aws.dynamodbTable.DynamodbTableGlobalSecondaryIndex: "
        "'hashKey'")
    assert len(got) == 5, [(f.rule, f.line, f.message) for f in got]  # hash_key: once, as the synth error


def test_block_shapes_silent_on_correct_code() -> None:
    assert check_source("lib/s.py", BLOCKS_OK) == []


def test_provider_renames_and_data_sources_get_useful_fixes() -> None:
    src = '''from cdktf import Fn
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
ElasticacheSubnetGroup(None, "s", subnet_group_name="x", subnet_ids=[])
ElasticacheReplicationGroup(None, "r", replication_group_id="r", replication_group_description="d")
account = Fn.data_aws_caller_identity
'''
    fixes = {f.line: f.fix for f in check_source("lib/s.py", src)}
    assert fixes[4] == "name=" and fixes[5] == "description="
    assert "DataAwsCallerIdentity" in fixes[6]


def test_dropped_dict_key_is_what_a_real_synth_does(tmp_path: Path) -> None:
    """The CTF002 premise, kept honest: cdktf really drops the snake_case key and keeps the camelCase one."""
    import json

    from iacqa.frontends.cdktf_py.synth import synth

    (tmp_path / "main.py").write_text('''from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import S3BucketLifecycleConfiguration


class S(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        AwsProvider(self, "aws", region="us-east-1")
        S3BucketLifecycleConfiguration(self, "lc", bucket="b", rule=[{
            "id": "r", "status": "Enabled", "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}],
            "noncurrentVersionExpiration": [{"noncurrentDays": 9}]}])


app = App()
S(app, "s")
app.synth()
''')
    flagged = [f for f in check_source("main.py", (tmp_path / "main.py").read_text()) if f.rule == "CTF002"]
    assert [f.line for f in flagged] == [11]
    result = synth(tmp_path, "main.py", timeout=120, memory_mb=3072)
    try:
        assert result.status == "ok", result.events
        rule = json.loads(result.tf_json_paths[0].read_text())["resource"]["aws_s3_bucket_lifecycle_configuration"][
            "lc"]["rule"][0]
        assert "abort_incomplete_multipart_upload" not in rule
        assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 9}]
    finally:
        result.cleanup()


JSII_MESSAGE = """Passed to parameter config of new @cdktf/provider-aws.dynamodbTable.DynamodbTable: Unable to deserialize \
value as @cdktf/provider-aws.dynamodbTable.DynamodbTableConfig
├── 🛑 Failing value is an object
│      { '$jsii.struct': [Object] }
╰── 🔍 Failure reason(s):
    ╰─ Key 'globalSecondaryIndex': Unable to deserialize value as cdktf.IResolvable | \
array<@cdktf/provider-aws.dynamodbTable.DynamodbTableGlobalSecondaryIndex> | undefined
        ├── 🛑 Failing value is an array
        │      [ [Object] ]
        ╰── 🔍 Failure reason(s):
            ├─ [as array<@cdktf/provider-aws.dynamodbTable.DynamodbTableGlobalSecondaryIndex>] Index 0: Unable to \
deserialize value as @cdktf/provider-aws.dynamodbTable.DynamodbTableGlobalSecondaryIndex
                ├── 🛑 Failing value is an object
                │      { '$jsii.map': [Object] }
                ╰── 🔍 Failure reason(s):
                    ╰─ Missing required properties for \
@cdktf/provider-aws.dynamodbTable.DynamodbTableGlobalSecondaryIndex: 'hashKey', 'projectionType'
            ╰─ [as cdktf.IResolvable] Value does not have the "$jsii.byref" key"""


def test_jsii_error_tree_is_summarized_to_the_failing_key() -> None:
    """jsii's report (as synth of corpus Pr7824 MODEL printed it) -> the key path and the leaf reason."""
    from iacqa.frontends.cdktf_py.frontend import _jsii_finding, _relative
    from iacqa.model import Location

    f = _jsii_finding(JSII_MESSAGE, "RuntimeError", Location("lib/construct.py", 355))
    assert f.rule == "SDK004" and (f.file, f.line) == ("lib/construct.py", 355)
    assert "at Key 'globalSecondaryIndex' > Index 0: Missing required properties for " in f.message
    assert f.error.endswith("'hashKey', 'projectionType'") and "$jsii" not in f.error
    assert _relative("No such file or directory: '/tmp/x/p/lib/AWS_REGION'", (Path("/tmp/x/p"),)) == (
        "No such file or directory: 'lib/AWS_REGION'")


def test_index_is_cached_on_disk_per_package_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iacqa.frontends.cdktf_py import static_check

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    module = "cdktf_cdktf_provider_aws.dynamodb_table"
    static_check.module_info.cache_clear()
    try:
        parsed = static_check.module_info(module)
        files = list((tmp_path / "iacqa" / "cdktf-index").glob(f"cdktf-cdktf-provider-aws-*/{module}-*.json"))
        assert len(files) == 1
        static_check.module_info.cache_clear()
        assert static_check.module_info(module) == parsed  # read back from disk, same index
        files[0].write_text("{broken")
        static_check.module_info.cache_clear()
        assert static_check.module_info(module) == parsed  # a damaged cache file is parsed again, not trusted
    finally:
        static_check.module_info.cache_clear()


def test_literal_types_as_typeguard_checks_them() -> None:
    """`True` for an Optional[str] argument: the TypeError the generated __init__ raises (verified by a real synth
    of LbTargetGroup(deregistration_delay=30), as two corpus IDEAL responses have it); tokens are not judged."""
    src = '''from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
ElasticacheReplicationGroup(None, "r", replication_group_id="r", description="d",
                            at_rest_encryption_enabled=True, transit_encryption_enabled=True, port=6379)
LbTargetGroup(None, "tg", name=f"tg-{1}", port=80, deregistration_delay=30, health_check={"enabled": "yes"})
LbTargetGroup(None, "tg2", port=8080.0, deregistration_delay="30", health_check={"enabled": True})
'''
    got = {(f.rule, f.line, f.error) for f in check_source("lib/s.py", src)}
    assert got == {
        ("CTF003", 4, "TypeError: type of argument at_rest_encryption_enabled must be one of (str, NoneType); got "
                      "bool instead"),
        ("CTF003", 5, "TypeError: type of argument deregistration_delay must be one of (str, NoneType); got int "
                      "instead"),
    }, got


def test_static_errors_continue_as_their_fixes_say(tmp_path: Path) -> None:
    """Synth runs on a copy with each critical finding's sure continuation applied (same line numbers), so the graph
    shows what deploy meets next; a finding without one (Fn.data) keeps synth from running."""
    from iacqa.frontends.cdktf_py.frontend import _unused_import_fix

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "s.py").write_text(BLOCKS)
    findings = check_source("lib/s.py", BLOCKS)
    patched = _unused_import_fix(tmp_path, findings)["lib/s.py"]
    assert len(patched.splitlines()) == len(BLOCKS.splitlines())
    assert "weighted_routing_policy={\"weight\": 1})" in patched
    assert "expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=30)]" in patched
    assert "'hashKey': \"k\"" in patched and "variablez" not in patched
    assert [(f.rule, f.severity.value) for f in check_source("lib/s.py", patched)] == [("CTF002", "high")]
    (tmp_path / "lib" / "s.py").write_text(BAD)
    assert _unused_import_fix(tmp_path, check_source("lib/s.py", BAD)) is None


def test_relative_code_paths_resolve_where_terraform_runs(tmp_path: Path) -> None:
    """A zip beside the app is not found by `cdktf deploy` when named relatively (terraform runs in
    cdktf.out/stacks/<stack>; corpus Pr7312/Pr7824 failed so); an absolute path built from __file__ is found."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "fn.zip", "w") as zf:
        zf.writestr("index.py", "def handler(event, context):\n    return 1\n")
    (tmp_path / "main.py").write_text('''import os
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction


class S(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        AwsProvider(self, "aws", region="us-east-1")
        for name, path in (("relative", "fn.zip"), ("absolute", os.path.join(os.path.dirname(__file__), "fn.zip"))):
            LambdaFunction(self, name, function_name=name, role="arn:aws:iam::123456789012:role/r",
                           runtime="python3.12", handler="index.handler", filename=path)


app = App()
S(app, "s")
app.synth()
''')
    fr = CdktfFrontend().build(load(tmp_path, None, None), {})
    assert fr.status == "ok", fr.detail
    rel, absolute = fr.graph.code["aws_lambda_function.relative"], fr.graph.code["aws_lambda_function.absolute"]
    assert rel.kind == "missing" and rel.source_path == "cdktf.out/stacks/s/fn.zip"
    assert absolute.kind == "zip" and absolute.source_path == "fn.zip" and "index.py" in absolute.files


MOVED = '''from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.vpc import Vpc, DataAwsVpc
from cdktf_cdktf_provider_aws.subnet import DataAwsSubnets


class S(TerraformStack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        v = DataAwsVpc(self, "v", default=True)
        DataAwsSubnets(self, "s", filter=[{"name": "vpc-id", "values": [v.id]}])
        Vpc(self, "vv", cidr_block="10.0.0.0/16")
'''


def test_a_provider_class_imported_from_another_resources_module_is_taken_from_its_own(tmp_path: Path) -> None:
    # data sources live in data_aws_<name> modules; `from ...vpc import DataAwsVpc` used to skip synth (Pr6426)
    from iacqa.frontends.cdktf_py.frontend import _unused_import_fix

    findings = check_source("lib/s.py", MOVED)
    moved = [f for f in findings if f.rule == "SDK001"]
    assert [(f.line, f.fix) for f in moved] == [
        (2, "`DataAwsVpc` is in cdktf_cdktf_provider_aws.data_aws_vpc"),
        (3, "`DataAwsSubnets` is in cdktf_cdktf_provider_aws.data_aws_subnets")]
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "s.py").write_text(MOVED)
    patched = _unused_import_fix(tmp_path, findings)["lib/s.py"]
    assert len(patched.splitlines()) == len(MOVED.splitlines())
    scope: dict = {"__name__": "s"}
    exec(compile("\n".join(patched.splitlines()[:3]), "s.py", "exec"), scope)  # noqa: S102 - the test's own source
    assert scope["DataAwsVpc"].__module__ == "cdktf_cdktf_provider_aws.data_aws_vpc"
    assert scope["Vpc"].__module__ == "cdktf_cdktf_provider_aws.vpc"


def test_keep_going_reports_each_error_and_builds_the_rest(tmp_path: Path) -> None:
    """Two independent errors (a config key that is not there, twice): the plain synth stops at the first; the
    guarded run reports the second and builds everything else, revealed by the first (corpus cdktf-py Pr4664 and
    Pr4778 models: 0 -> 28 and 34 resources)."""
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "seed004_fixed", root)
    stack = root / "lib" / "tap_stack.py"
    lines = stack.read_text().splitlines()
    lines.insert(55, '        retention = {"dev": 7}["prod"]')  # before the topic
    lines.insert(86, '        memory = {"small": 128}["large"]')  # before the first function
    stack.write_text("\n".join(lines) + "\n")
    fr = CdktfFrontend().build(load(root, None, None), {})
    errors = [f for f in fr.findings if f.rule == "SDK004"]
    assert [(f.line, f.error) for f in errors] == [(56, "KeyError: 'prod'"), (87, "KeyError: 'large'")], errors
    assert errors[1].revealed_by == errors[0].fingerprint and fr.graph.revealed_by == errors[0].fingerprint
    types = {r.type for r in fr.graph}
    assert {"aws_sns_topic", "aws_lambda_function", "aws_dynamodb_table"} <= {r.id.split(".")[0] for r in fr.graph}, types
