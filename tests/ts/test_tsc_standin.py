"""A file that does not parse must not hide the type errors of the files it imports (tsc's second pass with a
stand-in), on a CDKTF project written for this test: lib/tap-stack.ts is truncated inside a string, lib/modules.ts
(imported by it) has a root import (TS2724) and an unknown property (TS2353), lib/unused.ts (imported by nothing)
an unknown property too; a misspelt property on a class imported from the package root (hidden until that import
is fixed) is revealed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iacqa.frontends.node.standin import exported_names, imports, stand_in

from .conftest import FIXTURES

PROJECT = FIXTURES / "cdktf_broken_stack"


def test_stand_in_keeps_import_lines_and_exports_any() -> None:
    text = (PROJECT / "lib" / "tap-stack.ts").read_text()
    out = stand_in(text, first_error_line=15)
    lines = out.splitlines()
    assert lines[2] == "import { AwsProvider } from '@cdktf/provider-aws';"  # same line as in the file
    assert lines[3] == "import { StorageModule } from './modules';"
    assert not any("new AwsProvider" in line for line in lines)
    assert "export declare const TapStack: any;" in out and "export declare const TapStackProps: any;" in out
    assert exported_names(text) == (["TapStackProps", "TapStack"], False)


def test_stand_in_reads_code_only() -> None:
    text = ("// export class InComment {}\nimport * as aws from '@cdktf/provider-aws';\n"
            "const s = `\nexport const InString = 1;\n`;\nexport { aws };\nexport default class {}\n"
            "import { late } from './late';\n")
    assert exported_names(text) == (["aws"], True)
    # an import after the first syntax error is not kept; a re-exported import is not declared again
    assert len(imports(text, 8)) == 1
    out = stand_in(text, 8)
    assert "export declare const aws" not in out and "export default __iacqa_default;" in out
    assert "./late" not in out


@pytest.mark.slow
def test_every_file_is_type_checked_next_to_a_file_that_does_not_parse(tmp_path: Path, toolchain) -> None:
    from iacqa.frontends import for_platform
    from iacqa.ingest.task import load

    proj = load(PROJECT, None)
    r = for_platform("cdktf", "ts").build(proj, {"synth": False})
    got = {(f.rule, f.file, f.line, f.symbol): f for f in r.findings}
    assert ("TSC003", "lib/tap-stack.ts", 15, "TS1002") in got, sorted(got)
    # the broken file's own import, checked at its line
    assert ("TSC001", "lib/tap-stack.ts", 3, "TS2724") in got, sorted(got)
    # lib/modules.ts: both errors, critical (the entry reaches it through lib/tap-stack.ts)
    for key in (("TSC001", "lib/modules.ts", 3, "TS2724"), ("TSC001", "lib/modules.ts", 16, "TS2353")):
        assert key in got and got[key].severity.value == "critical", sorted(got)
    assert "blockPublicAcls" in got[("TSC001", "lib/modules.ts", 16, "TS2353")].message
    # `Vpc` comes from the package root (any to tsc): its misspelt property is found once the import is taken
    # from its submodule, revealed by the import finding
    hidden = got[("TSC001", "lib/modules.ts", 18, "TS2561")]
    assert "enableDnsHostnames" in hidden.fix
    assert hidden.revealed_by == got[("TSC001", "lib/modules.ts", 3, "TS2724")].fingerprint
    # lib/unused.ts: a real error, but no deploy loads the file: high
    unused = got[("TSC001", "lib/unused.ts", 5, "TS2561")]
    assert unused.severity.value == "high" and "never imports" in unused.message
    # no echo of the stand-in in the files that import it (the test, the entry iacqa added)
    assert not [k for k in got if k[1].startswith("test/")], sorted(got)
    assert "stand-in" in r.detail


@pytest.mark.slow
def test_second_pass_finds_what_the_fixed_twin_finds(tmp_path: Path, toolchain) -> None:
    """The same project with the string closed: tsc's single pass reports modules.ts's errors itself; the
    second pass on the broken project must report exactly those."""
    from iacqa.frontends.node import tsc
    from iacqa.toolchain.workspace import prepare

    def diags(root: Path) -> set[tuple[str, int, int]]:
        ws = prepare(root, toolchain, "cdktf", "ts")
        try:
            before = {f: (ws.root / f).read_bytes() for f in ws.files}
            res = tsc.check(ws.root, toolchain.node_modules)
            # the copy synth runs next holds the project's files again, not stand-ins or rewritten imports
            assert {f: (ws.root / f).read_bytes() for f in ws.files} == before
        finally:
            ws.cleanup()
        return {(d.file, d.line, d.code) for d in res.diagnostics if d.file and d.file.startswith("lib/")}

    fixed = tmp_path / "fixed"
    shutil.copytree(PROJECT, fixed)
    stack = fixed / "lib" / "tap-stack.ts"
    stack.write_text(stack.read_text().replace("'data-\n", "'data'];\n    void names;\n  }\n}\n"))
    broken, good = diags(PROJECT), diags(fixed)
    assert {d for d in good if d[0] != "lib/tap-stack.ts"} == {d for d in broken if d[0] != "lib/tap-stack.ts"}
    assert ("lib/tap-stack.ts", 3, 2724) in good and ("lib/tap-stack.ts", 3, 2724) in broken


def test_root_import_rewrite_keeps_every_line_number() -> None:
    from iacqa.frontends.node.root_imports import Fix, rewrite

    text = ("import { Construct } from 'constructs';\nimport {\n  AwsProvider,\n  S3Bucket as Bucket,\n  dbInstance,\n"
            "} from '@cdktf/provider-aws';\nnew Bucket(scope, 'b', {});\n")
    fixes = [Fix("AwsProvider", "@cdktf/provider-aws", "@cdktf/provider-aws/lib/provider"),
             Fix("S3Bucket", "@cdktf/provider-aws", "@cdktf/provider-aws/lib/s3-bucket")]
    out, spans = rewrite(text, fixes)
    lines = out.splitlines()
    assert len(lines) == len(text.splitlines()) and lines[6] == "new Bucket(scope, 'b', {});"
    assert spans == [(2, 6)]
    assert lines[1] == ("import { dbInstance } from '@cdktf/provider-aws'; import { AwsProvider } from "
                        "'@cdktf/provider-aws/lib/provider'; import { S3Bucket as Bucket } from "
                        "'@cdktf/provider-aws/lib/s3-bucket';")
