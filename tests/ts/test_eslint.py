"""linters/eslint.py with the scaffold's rules on a file written for this test (needs the toolchain)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_scaffold_rules_report_errors_at_their_lines(tmp_path: Path, toolchain) -> None:
    from iacqa.linters import eslint

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap-stack.ts").write_text(
        "export function make(_scope: unknown): string {\n  const unused = 1;\n  return \"x\";\n}\n")
    (tmp_path / "lib" / "ok.ts").write_text("export const name = 'ok';\n")
    status, detail, found = eslint.lint(tmp_path, ["lib/tap-stack.ts", "lib/ok.ts"], "cdk", "ts")
    assert status == "ok", detail
    got = {(f.symbol, f.file, f.line) for f in found}
    assert ("@typescript-eslint/no-unused-vars", "lib/tap-stack.ts", 2) in got
    assert ("quotes", "lib/tap-stack.ts", 3) in got
    assert not [f for f in found if f.file == "lib/ok.ts"]
    assert "prettier: not run" in detail


def test_legacy_eslintrc_is_the_projects_own_config(tmp_path: Path, toolchain) -> None:
    """A project that carries a legacy `.eslintrc.json` (ESLint's eslintrc format) is linted with it, not the
    scaffold's rules: `no-var` is its own rule, the scaffold's quote style is not applied."""
    import json

    from iacqa.linters import eslint

    (tmp_path / "lib").mkdir()
    (tmp_path / ".eslintrc.json").write_text(json.dumps({
        "root": True, "parser": "@typescript-eslint/parser", "plugins": ["@typescript-eslint"],
        "rules": {"no-var": "error"}}))
    (tmp_path / "lib" / "tap-stack.ts").write_text("var legacy = \"x\";\nexport const y: string = legacy;\n")
    status, detail, found = eslint.lint(tmp_path, ["lib/tap-stack.ts"], "cdk", "ts")
    assert status == "ok" and ".eslintrc.json" in detail, detail
    assert {(f.symbol, f.file, f.line) for f in found} == {("no-var", "lib/tap-stack.ts", 1)}, found
