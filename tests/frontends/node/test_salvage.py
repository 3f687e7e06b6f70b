"""js/salvage_truncated.js and salvage.py: a file cut off mid-statement, salvaged for the analysis copy only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacqa.frontends.node.salvage import _export_stack, root_import_fixes
from iacqa.frontends.node.workspace import Workspace
from iacqa.model import Finding


def _salvage(tmp_path: Path, toolchain, text: str, name: str = "lib/tap-stack.ts") -> tuple[dict, str]:
    from iacqa.toolchain import runner as noderun

    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "node_modules").symlink_to(toolchain.node_modules, target_is_directory=True)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    r = noderun.run([noderun.node(), noderun.script("salvage_truncated.js"), str(tmp_path), name], tmp_path,
                    timeout=60, memory_mb=1024)
    return json.loads(r.stdout), path.read_text()


STACK = """import { TerraformStack } from 'cdktf';

export class TapStack extends TerraformStack {
  constructor(scope: any, id: string) {
    super(scope, id);
    const a = new Thing(this, 'a', { name: 'a' });
"""


def test_statement_the_cut_fell_in_is_dropped_and_blocks_are_closed(tmp_path, toolchain) -> None:
    out, text = _salvage(tmp_path, toolchain, STACK + "    new Thing(this, 'b', {\n      name: \"b-de")
    assert out == {"ok": True, "kept_line": 6, "cut_line": 8, "closed": 2}, out
    assert "'b'" not in text and text.rstrip().endswith("}\n}") and "const a = new Thing" in text


def test_statements_of_a_loop_body_before_the_cut_are_kept(tmp_path, toolchain) -> None:
    body = "    for (const n of ['x', 'y']) {\n      new Thing(this, n, {});\n      new Other(this, `o-${n}`, {\n"
    out, text = _salvage(tmp_path, toolchain, STACK + body)
    assert out["ok"] and out["closed"] == 3, out
    assert "new Thing(this, n, {});\n}\n}\n}" in text and "Other" not in text


def test_a_cut_inside_a_comment_after_a_complete_method_closes_the_class(tmp_path, toolchain) -> None:
    out, text = _salvage(tmp_path, toolchain, STACK + "  }\n\n  /**\n   * Configures the backen")
    assert out["ok"] and out["closed"] == 1, out
    assert "Configures" not in text and "const a = new Thing" in text


def test_a_template_literal_open_at_the_cut(tmp_path, toolchain) -> None:
    out, text = _salvage(tmp_path, toolchain, STACK + "    const b = `${a.name}-${id")
    assert out["ok"] and out["kept_line"] == 6, out
    assert "const b" not in text


def test_files_that_parse_or_hold_nothing_complete_are_left_alone(tmp_path, toolchain) -> None:
    whole = STACK + "  }\n}\n"
    out, text = _salvage(tmp_path, toolchain, whole)
    assert out == {"ok": False, "why": "the file parses"} and text == whole
    out, text = _salvage(tmp_path / "b", toolchain, "const x = {\n  a: 1,\n")
    assert out["ok"] is False and text == "const x = {\n  a: 1,\n"


def _ws(tmp_path: Path, added: list[str]) -> Workspace:
    return Workspace(root=tmp_path, source=tmp_path, files=[], added=added)


def test_an_unexported_stack_class_is_exported_only_for_iacqa_s_own_entry(tmp_path) -> None:
    (tmp_path / "lib").mkdir()
    stack = tmp_path / "lib" / "tap-stack.ts"
    stack.write_text("class TapStack extends TerraformStack {\n}\n")
    assert _export_stack(_ws(tmp_path, []), "lib/tap-stack.ts", "bin/tap.ts") is None  # the project's own entry
    assert _export_stack(_ws(tmp_path, ["bin/tap.ts"]), "lib/tap-stack.ts", "bin/tap.ts") == "TapStack"
    assert stack.read_text().endswith("export { TapStack };\n")
    stack.write_text("export class TapStack extends TerraformStack {\n}\n")
    assert _export_stack(_ws(tmp_path, ["bin/tap.ts"]), "lib/tap-stack.ts", "bin/tap.ts") is None


def _tsc_finding(code: str, message: str) -> Finding:
    from iacqa.catalog.typescript import TsSdkApi

    return TsSdkApi.finding(f"{code}: {message}", error=f"lib/tap-stack.ts(1,10): error {code}: {message}",
                            symbol=code, location=__import__("iacqa.model", fromlist=["Location"]).Location(
                                "lib/tap-stack.ts", 1))


def test_root_import_fixes_come_from_the_package_typings(tmp_path, toolchain) -> None:
    (tmp_path / "node_modules").symlink_to(toolchain.node_modules, target_is_directory=True)
    found = [
        _tsc_finding("TS2724", "'\"@cdktf/provider-aws\"' has no exported member named 'S3Bucket'. "
                     "Did you mean 's3Bucket'?"),
        _tsc_finding("TS2305", "Module '\"@cdktf/provider-aws\"' has no exported member 'SqsQueue'."),
        _tsc_finding("TS2305", "Module '\"@cdktf/provider-aws\"' has no exported member 'NoSuchThing'."),
    ]
    fixes = root_import_fixes(_ws(tmp_path, []), found)
    assert {(f.name, f.specifier) for f in fixes["lib/tap-stack.ts"]} == {
        ("S3Bucket", "@cdktf/provider-aws/lib/s3-bucket"), ("SqsQueue", "@cdktf/provider-aws/lib/sqs-queue")}


@pytest.fixture
def toolchain():
    from iacqa.toolchain import node

    tc = node.find()
    if tc is None:
        pytest.skip(f"Node toolchain not installed ({node.unavailable_reason()})")
    return tc


def test_calls_of_methods_cut_off_are_revealed_by_the_truncation(tmp_path) -> None:
    from iacqa.catalog.ingest import TruncatedResponse
    from iacqa.catalog.typescript import NodeProgramError
    from iacqa.frontends.node.salvage import cut_off_calls
    from iacqa.model import Location

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap-stack.ts").write_text(
        "class TapStack {\n  constructor() {\n    this.validate();\n    this.configureBackend();\n  }\n\n"
        "  private validate(): void {}\n}\n")
    cut = TruncatedResponse.finding("cut off", location=Location("lib/tap-stack.ts", 9))
    calls = [NodeProgramError.finding("throws", location=Location("lib/tap-stack.ts", line),
                                      error=f"TypeError: this.{name} is not a function")
             for line, name in ((4, "configureBackend"), (3, "validate"))]
    out = cut_off_calls(_ws(tmp_path, []), [cut, *calls], ["lib/tap-stack.ts"])
    assert out[1].revealed_by == cut.fingerprint and "was cut off before it" in out[1].message
    assert out[2].revealed_by is None  # declared: a real error, not the cut's
    assert cut_off_calls(_ws(tmp_path, []), [cut, *calls], []) == [cut, *calls]  # nothing salvaged
