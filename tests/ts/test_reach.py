"""Files the entry reaches: a compile error elsewhere fails only a build of every file (high), not the deploy."""

from __future__ import annotations

from pathlib import Path

from iacqa.catalog.typescript import TsCompileError
from iacqa.frontends.cdk_ts.frontend import _unreached
from iacqa.model import Location
from iacqa.toolchain.reach import reachable


def _project(tmp_path: Path) -> Path:
    files = {
        "lib/index.ts": "import { Stack } from './stack';\nimport * as cfg from './config/index.js';\n"
                        "export * from './outputs';\nconst h = require('../handlers/h');\n",
        "lib/stack.ts": "import type { X } from './types';\nexport class Stack {}\n",
        "lib/types.ts": "export interface X {}\n",
        "lib/config/index.ts": "export const a = 1;\n",
        "lib/outputs.ts": "export const o = import('./lazy');\n",
        "lib/lazy.ts": "export {};\n",
        "handlers/h.js": "module.exports = {};\n",
        "bin/tap.ts": "import { TapStack } from '../lib/tap-stack';\n",
        "lib/unused.ts": "export const u = 2;\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_reachable_follows_relative_imports_of_every_form(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert reachable(root, "lib/index.ts") == {"lib/index.ts", "lib/stack.ts", "lib/types.ts", "lib/config/index.ts",
                                               "lib/outputs.ts", "lib/lazy.ts", "handlers/h.js"}
    assert reachable(root, "missing.ts") == set()


def test_compile_error_outside_the_entry_is_high(tmp_path: Path) -> None:
    root = _project(tmp_path)
    bad = TsCompileError.finding("TS2307: Cannot find module '../lib/tap-stack'", location=Location("bin/tap.ts", 1))
    inside = TsCompileError.finding("TS2339: Property 'x' does not exist", location=Location("lib/stack.ts", 2))
    out = _unreached([bad.with_(severity=bad.severity), inside], root, "lib/index.ts")
    assert bad.severity.value == "critical" and inside.severity.value == "critical"
    assert [f.severity.value for f in out] == ["high", "critical"], out
    assert "never imports" in out[0].message and out[0].extra["unreached_from"] == "lib/index.ts"
