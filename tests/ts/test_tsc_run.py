"""tsc on a real workspace: a file that does not parse must not hide the type errors of the others."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_type_errors_are_reported_next_to_a_parse_error(tmp_path: Path, toolchain) -> None:
    from iacqa.frontends.node import tsc
    from iacqa.toolchain.sources import raw_sites
    from iacqa.toolchain.workspace import prepare

    (tmp_path / "bin").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "bin" / "app.ts").write_text("// bin/app.ts\n#!/usr/bin/env node\nimport '../lib/stack';\n")
    (tmp_path / "lib" / "stack.ts").write_text(
        "import * as sqs from 'aws-cdk-lib/aws-sqs';\nimport { Stack } from 'aws-cdk-lib';\n"
        "export class S extends Stack {\n  build() {\n    new sqs.Queue(this, 'q', { retentionDays: 4 });\n  }\n}\n")
    ws = prepare(tmp_path, toolchain, "cdk", "ts")
    try:
        res = tsc.check(ws.root, toolchain.node_modules)
        found = tsc.findings(res, ws.root, raw_sites(ws.root, ws.files), set(ws.files) - set(ws.added))
    finally:
        ws.cleanup()
    got = {(f.rule, f.file, f.line) for f in found}
    assert ("TSC003", "bin/app.ts", 2) in got
    assert ("TSC001", "lib/stack.ts", 5) in got, got  # found by the second pass
