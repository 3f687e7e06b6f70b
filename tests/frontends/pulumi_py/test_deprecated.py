"""SDK007 (deprecated pulumi-aws APIs) in the Pulumi Python static check.

The fixture pair deprecated/{bad,good} is one small program: bad uses the pulumi-aws 6 idioms that pulumi-aws 7
deprecates (inline bucket versioning and encryption, BucketV2, BucketVersioningV2, get_region().name, the bucket's
website_endpoint output, a GSI's hash_key in a dict literal: each line
marked `# expect: SDK007`), good uses the split resources and outputs the SDK's messages name.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from iacqa.frontends.pulumi_py import deprecations
from iacqa.frontends.pulumi_py.deprecations import index_module, load, module_of
from tests.conftest import expect_marks

HERE = Path(__file__).parent / "deprecated"
needs_sdk = pytest.mark.skipif(importlib.util.find_spec("pulumi_aws") is None,
                               reason="the pulumi extra is not installed")

# The three shapes pulumi's code generator writes (copied in form from pulumi_aws/s3/bucket_v2.py, cut down).
GENERATED = '''
import warnings
import pulumi
from .. import _utilities


class ThingArgs:
    def __init__(__self__, *, name=None, legacy=None):
        if legacy is not None:
            warnings.warn("""legacy is deprecated. Use the x.LegacyThing resource instead.""", DeprecationWarning)
            pulumi.log.warn("""legacy is deprecated: legacy is deprecated. Use the x.LegacyThing resource instead.""")
        if legacy is not None:
            pulumi.set(__self__, "legacy", legacy)


class _ThingState:
    def __init__(__self__, *, hidden=None):
        if hidden is not None:
            warnings.warn("""hidden is deprecated.""", DeprecationWarning)


class Thing(pulumi.CustomResource):
    def _internal_init(__self__, resource_name, opts=None, name=None, legacy=None, __props__=None):
        pass

    @property
    @pulumi.getter
    @_utilities.deprecated("""endpoint is deprecated. Use x.Endpoint instead.""")
    def endpoint(self):
        return pulumi.get(self, "endpoint")


warnings.warn("""x.ThingV2 has been deprecated in favor of x.Thing""", DeprecationWarning)


class ThingV2(pulumi.CustomResource):
    warnings.warn("""x.ThingV2 has been deprecated in favor of x.Thing""", DeprecationWarning)

    def _internal_init(__self__, resource_name, opts=None, __props__=None):
        pass


class GetThingResult:
    @property
    @pulumi.getter
    @_utilities.deprecated("""name is deprecated. Use region instead.""")
    def name(self):
        return pulumi.get(self, "name")


class AwaitableGetThingResult(GetThingResult):
    pass


def get_thing(id=None) -> AwaitableGetThingResult:
    pass


def get_thing_output(id=None) -> pulumi.Output[GetThingResult]:
    pass
'''


def _index():
    out = deprecations.DeprecationIndex(version="7.0.0")
    index_module(ast.parse(GENERATED), module_of(Path("x/thing.py")), out)
    return out


def test_index_reads_the_three_generated_shapes() -> None:
    idx = _index()
    assert module_of(Path("s3/bucket_v2.py")) == "pulumi_aws.s3" and module_of(Path("get_region.py")) == "pulumi_aws"
    assert idx.types == {"pulumi_aws.x.ThingV2"}
    assert idx.symbol("pulumi_aws.x.ThingV2").text == "x.ThingV2 has been deprecated in favor of x.Thing"
    # the resource takes its Args class's keywords; the Args class itself too
    assert idx.keyword("pulumi_aws.x.Thing", "legacy").text.startswith("legacy is deprecated. Use the x.LegacyThing")
    assert idx.keyword("pulumi_aws.x.ThingArgs", "legacy") is not None
    assert idx.keyword("pulumi_aws.x.Thing", "name") is None
    assert "pulumi_aws.x._ThingState" not in idx.keywords  # the private state class is not a program name
    assert idx.symbol("pulumi_aws.x.Thing.endpoint").text == "endpoint is deprecated. Use x.Endpoint instead."
    # a function's result, through the Awaitable subclass and through Output[...]
    assert idx.symbol("pulumi_aws.x.get_thing().name") is not None
    assert idx.symbol("pulumi_aws.x.get_thing_output().name") is not None
    assert idx.symbol("pulumi_aws.x.get_thing().id") is None


def test_index_is_cached_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    pkg = tmp_path / "site" / "pulumi_aws"
    (pkg / "x").mkdir(parents=True)
    (pkg / "x" / "thing.py").write_text(GENERATED)
    (pkg / "x" / "plain.py").write_text("class Plain:\n    pass\n")
    (tmp_path / "site" / "pulumi_aws-7.0.0.dist-info").mkdir()
    first = load(pkg)
    assert first is not None and first.source == "sources" and first.version == "7.0.0"
    second = load(pkg)
    assert second is not None and second.source == "cache"
    assert second.types == first.types and second.keywords == first.keywords and second.symbols == first.symbols
    assert (tmp_path / "cache" / "iacqa" / "pulumi-aws-py-deprecations-7.0.0-f1.json").is_file()


def test_checker_on_the_small_index() -> None:
    from iacqa.frontends.pulumi_py.deprecated_check import DeprecationChecker
    from iacqa.frontends.pulumi_py.static_check import INDEX

    src = ("import pulumi_aws as aws\n"
           "t = aws.x.Thing('t', legacy=1)\n"  # 2: keyword
           "v = aws.x.ThingV2('v')\n"  # 3: class (its keywords would not be reported again)
           "n = aws.x.get_thing().name\n"  # 4: output of a function result
           "def f(thing: aws.x.ThingV2) -> None:\n"  # 5: annotations are not uses
           "    return None\n")
    found = DeprecationChecker(INDEX, "m.py", _index()).run(ast.parse(src))
    got = {(f.line, f.symbol) for f in found if f.rule == "SDK007"}
    # (outputs of resource locals need a class the SDK really has: the fixture pair's `data.website_endpoint`)
    assert got == {(2, "pulumi_aws.x.Thing(legacy=)"), (3, "pulumi_aws.x.ThingV2"),
                   (4, "pulumi_aws.x.get_thing().name")}, got


# -- the installed SDK ------------------------------------------------------------------------------------------------
def _found(root: Path) -> list:
    from iacqa.frontends.pulumi_py.static_check import check_sdk_usage

    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    return [f for f in check_sdk_usage(root, files) if f.rule == "SDK007"]


@needs_sdk
def test_fixture_pair_exactly_the_marked_lines() -> None:
    bad = _found(HERE / "bad")
    assert sorted((f.file, f.line) for f in bad) == sorted(
        (f, line) for f, line, tag in expect_marks(HERE / "bad") if tag == "SDK007")
    assert _found(HERE / "good") == []


@needs_sdk
def test_findings_quote_the_installed_sdk() -> None:
    by = {f.line: f for f in _found(HERE / "bad")}
    v = deprecations.installed().version
    assert by[20].symbol == "pulumi_aws.s3.Bucket(versioning=)"
    assert "Use the s3.BucketVersioning resource instead" in by[20].message and f"pulumi-aws {v}" in by[20].message
    assert by[20].error.startswith("warning: versioning is deprecated: versioning is deprecated.")
    assert by[26].symbol == "pulumi_aws.s3.BucketV2" and "in favor of s3.Bucket" in by[26].fix
    assert by[34].symbol == "pulumi_aws.get_region().name" and "Use region instead" in by[34].message
    assert by[36].symbol == "pulumi_aws.s3.Bucket.website_endpoint"
    # a dict literal where the signature takes TableGlobalSecondaryIndexArgs: its deprecated key, at the key's line
    assert by[44].symbol == "pulumi_aws.dynamodb.TableGlobalSecondaryIndexArgs(hash_key=)"
    assert "global_secondary_indexes" in by[44].message and "Use key_schema instead" in by[44].message
    assert all(f.severity.value == "medium" and f.category.value == "sdk-api" and v in f.extra["evidence"]
               for f in by.values())


@needs_sdk
def test_installed_index_has_the_pulumi_aws_7_s3_deprecations() -> None:
    idx = deprecations.installed()
    assert idx is not None
    if not idx.version.startswith("7."):
        pytest.skip(f"pulumi-aws {idx.version}: the S3 deprecations checked here are those of 7.x")
    assert {"pulumi_aws.s3.BucketV2", "pulumi_aws.s3.BucketVersioningV2",
            "pulumi_aws.s3.BucketServerSideEncryptionConfigurationV2"} <= idx.types
    assert {"versioning", "server_side_encryption_configuration", "lifecycle_rules"} <= set(
        idx.keywords["pulumi_aws.s3.Bucket"])
    assert "pulumi_aws.s3.BucketVersioning" not in idx.types  # the replacement is not deprecated
