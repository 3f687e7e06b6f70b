"""SDK007 for Pulumi TypeScript/JavaScript (frontends/pulumi_ts/deprecated.py): deprecated classes and args keys,
against the @deprecated JSDoc of the Node toolchain's @pulumi/aws; fixture pair
tests/ts/fixtures/pulumi_deprecated_{bad,good} (inline bucket versioning/encryption/lifecycle rules, BucketV2,
BucketVersioningV2 through a named `s3` import; good: the split resources)."""

from __future__ import annotations

import pytest

from iacqa.frontends.cdk_py.deprecations import DeprecationIndex
from iacqa.frontends.pulumi_ts import deprecated

from .conftest import FIXTURES

# The `// expect: SDK007` lines of pulumi_deprecated_bad/lib/tap-stack.ts (expect_marks reads `#` comments only).
BAD_LINES = {18: "aws.s3.Bucket(versioning)", 19: "aws.s3.Bucket(serverSideEncryptionConfiguration)",
             22: "aws.s3.Bucket(lifecycleRules)", 26: "aws.s3.BucketV2", 27: "aws.s3.BucketVersioningV2"}

DTS = '''import * as pulumi from "@pulumi/pulumi";
/**
 * Provides a S3 bucket resource.
 *
 * @deprecated s3.ThingV2 has been deprecated in favor of s3.Thing
 */
export declare class ThingV2 extends pulumi.CustomResource {
    constructor(name: string, args?: ThingV2Args, opts?: pulumi.CustomResourceOptions);
}
export declare class Thing extends pulumi.CustomResource {
    /**
     * Website endpoint.
     *
     * @deprecated website_endpoint is deprecated. Use the
     * aws.s3.ThingWebsiteConfiguration resource instead.
     */
    readonly websiteEndpoint: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    constructor(name: string, args?: ThingArgs, opts?: pulumi.CustomResourceOptions);
}
export interface ThingArgs {
    /**
     * Versioning.
     *
     * @deprecated versioning is deprecated. Use the aws.s3.ThingVersioning resource instead.
     */
    versioning?: pulumi.Input<string>;
    /**
     * Not deprecated; mentions @deprecated in prose? no.
     */
    tags?: pulumi.Input<string>;
}
export interface ThingV2Args {
    /** @deprecated acl is deprecated. */
    acl?: pulumi.Input<string>;
}
'''


def _small() -> DeprecationIndex:
    out = DeprecationIndex(version="7.0.0")
    deprecated.index_file(DTS, "aws.s3", out)
    return out


def test_index_reads_classes_args_and_outputs() -> None:
    idx = _small()
    assert idx.types == {"aws.s3.ThingV2"}
    assert idx.symbol("aws.s3.ThingV2").text == "s3.ThingV2 has been deprecated in favor of s3.Thing"
    assert set(idx.keywords["aws.s3.Thing"]) == {"versioning"}  # the args interface, not the outputs
    assert idx.keyword("aws.s3.Thing", "versioning").ref == "aws.s3.ThingArgs#versioning"
    assert idx.keyword("aws.s3.Thing", "tags") is None
    assert idx.symbol("aws.s3.Thing.websiteEndpoint").text == \
        "website_endpoint is deprecated. Use the aws.s3.ThingWebsiteConfiguration resource instead."
    assert idx.symbol("aws.s3.Thing.arn") is None
    assert idx.keyword("aws.s3.ThingV2", "acl") is not None  # a one-line doc


def test_module_prefix_and_bindings() -> None:
    from iacqa.frontends.cdk_ts.deprecated import bindings

    assert deprecated.module_prefix("@pulumi/aws") == "aws"
    assert deprecated.module_prefix("@pulumi/aws/s3") == "aws.s3"
    assert deprecated.module_prefix("@pulumi/pulumi") is None
    text = ("import * as aws from '@pulumi/aws';\nimport { s3, ec2 as vpc } from '@pulumi/aws';\n"
            "import * as sqs from '@pulumi/aws/sqs';\nconst awsx = require('@pulumi/aws');\n"
            "import * as pulumi from '@pulumi/pulumi';\n")
    assert bindings(text, deprecated.module_prefix) == {"aws": "aws", "s3": "aws.s3", "vpc": "aws.ec2",
                                                        "sqs": "aws.sqs", "awsx": "aws"}


def test_check_on_the_small_index(tmp_path) -> None:
    (tmp_path / "index.ts").write_text(
        "import * as aws from '@pulumi/aws';\n"
        "const a = new aws.s3.ThingV2('a', { acl: 'private' });\n"  # 2: the class only, not its key too
        "// new aws.s3.ThingV2('comment')\n"  # 3: a comment is not code
        "const b = new aws.s3.Thing('b', {\n"
        "  versioning: 'on',\n"  # 5: a deprecated key
        "  tags: 'x',\n"
        "});\n")
    records = [{"file": "index.ts", "line": 2, "endLine": 2, "cls": "aws.s3.ThingV2", "keys": {"acl": [2, 2, 36]}},
               {"file": "index.ts", "line": 4, "endLine": 7, "cls": "aws.s3.Thing",
                "keys": {"versioning": [5, 5, 3], "tags": [6, 6, 3]}}]
    found = deprecated.check(tmp_path, records, ["index.ts"], _small())
    assert [(f.rule, f.line, f.symbol) for f in found] == [("SDK007", 2, "aws.s3.ThingV2"),
                                                          ("SDK007", 5, "aws.s3.Thing(versioning)")]
    assert found[1].severity.value == "medium" and "Use the aws.s3.ThingVersioning resource" in found[1].fix
    assert found[1].error == "warning: versioning is deprecated: versioning is deprecated. Use the " \
        "aws.s3.ThingVersioning resource instead."


def _static(name: str, toolchain) -> list:
    from iacqa.toolchain.sources import raw_sites
    from iacqa.toolchain.workspace import prepare

    ws = prepare(FIXTURES / name, toolchain, "pulumi", "ts")
    try:
        own = sorted(set(ws.files) - set(ws.added))
        return deprecated.check(ws.root, raw_sites(ws.root, own), own)
    finally:
        ws.cleanup()


def test_fixture_pair_exactly_the_marked_lines(toolchain) -> None:
    index = deprecated.toolchain_index()
    if index is None or "aws.s3.BucketV2" not in index.types:
        pytest.skip("the toolchain has no @pulumi/aws 7 (BucketV2 deprecated)")
    bad = _static("pulumi_deprecated_bad", toolchain)
    assert {f.line: f.symbol for f in bad} == BAD_LINES, [(f.line, f.symbol) for f in bad]
    assert all(f.file == "lib/tap-stack.ts" and index.version in f.message for f in bad)
    text = (FIXTURES / "pulumi_deprecated_bad" / "lib" / "tap-stack.ts").read_text().splitlines()
    assert {i for i, line in enumerate(text, 1) if "// expect: SDK007" in line} == set(BAD_LINES)
    assert _static("pulumi_deprecated_good", toolchain) == []
