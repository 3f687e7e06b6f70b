"""ESLint and Prettier as the pipeline runs them (`npm run lint`, `npm run format:check`) -> findings.

ESLint runs with the project's own configuration when it carries one (eslint.config.js / .eslintrc*); otherwise
with iacqa's copy of the TAP scaffold's main rules (typescript-eslint's recommended set, unused variables with the
`_` exception, single quotes) over the files the scaffold lints (lib/ .ts; bin/, tests, lambda/ and .js ignored).
The scaffold's `prettier/prettier` rule is left out of that default: the repository's Prettier options are not part
of the scaffold, and a guessed format would call formatted code unformatted. Prettier (`format:check`, lib/*.ts)
runs only when the project carries a Prettier configuration. Errors are findings (TSL001, TSL002); warnings are not.
"""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.catalog.typescript import EslintError, PrettierUnformatted
from iacqa.model import Finding, Location
from iacqa.toolchain import node as toolchain
from iacqa.toolchain import runner as noderun
from iacqa.toolchain.workspace import prepare

ESLINT_CONFIGS = ("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", ".eslintrc", ".eslintrc.js",
                  ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml")
PRETTIER_CONFIGS = (".prettierrc", ".prettierrc.json", ".prettierrc.js", ".prettierrc.cjs", ".prettierrc.yml",
                    ".prettierrc.yaml", "prettier.config.js", "prettier.config.cjs")

# The scaffold's main block, without the import plugin (its resolver is not installed) and without prettier.
DEFAULT_CONFIG = """const tsPlugin = require('@typescript-eslint/eslint-plugin');
const tsParser = require('@typescript-eslint/parser');
module.exports = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser, parserOptions: { ecmaVersion: 2020, sourceType: 'module' } },
    plugins: { '@typescript-eslint': tsPlugin },
    rules: {
      ...tsPlugin.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/explicit-function-return-type': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-explicit-any': 'warn',
      quotes: ['error', 'single', { avoidEscape: true }],
      'no-console': 'off',
      'class-methods-use-this': 'off',
      'no-new': 'off',
    },
  },
  { ignores: ['node_modules/**', 'cdk.out/**', 'cdktf.out/**', 'coverage/**', 'lambda/**', '**/lambda/**',
              'bin/**', '**/*.js', '**/*.mjs', '**/*.d.ts', '**/*.test.ts', '.gen/**'] },
];
"""


def lint(root: Path, files: list[str], platform: str, language: str, timeout: float = 120.0
         ) -> tuple[str, str, list[Finding]]:
    """(status, detail, findings) for the project at root."""
    ts_js = [f for f in files if f.endswith((".ts", ".mts", ".js", ".mjs", ".cjs")) and not f.endswith(".d.ts")]
    if not ts_js:
        return "skipped", "eslint: no TypeScript/JavaScript files", []
    tc = toolchain.find()
    if tc is None or not (tc.node_modules / "eslint").is_dir():
        return "unavailable", f"eslint: {toolchain.unavailable_reason()}", []
    ws = prepare(Path(root), tc, platform, language)
    try:
        own_config = next((c for c in ESLINT_CONFIGS if (ws.root / c).is_file()), None)
        findings: list[Finding] = []
        detail = _eslint(ws.root, tc.node_modules, own_config, findings, timeout)
        if any((ws.root / c).is_file() for c in PRETTIER_CONFIGS):
            detail += "; " + _prettier(ws.root, tc.node_modules, findings, timeout)
        else:
            detail += "; prettier: not run (the project has no Prettier configuration)"
        return "ok", detail, findings
    finally:
        ws.cleanup()


def _eslint(root: Path, nm: Path, own_config: str | None, findings: list[Finding], timeout: float) -> str:
    env = {"ESLINT_USE_FLAT_CONFIG": "false" if own_config and own_config.startswith(".eslintrc") else "true"}
    config = own_config
    if config is None:
        (root / ".iacqa-eslint.config.cjs").write_text(DEFAULT_CONFIG)
        config = ".iacqa-eslint.config.cjs"
    targets = [d for d in ("lib", "bin") if (root / d).is_dir()] or ["."]
    # ESLint 8 with a legacy .eslintrc lints only the .js files of a directory unless given the extensions (a flat
    # config names them in `files`): without --ext a TypeScript project was silently linted as empty.
    ext = ["--ext", ".ts,.tsx,.mts,.cts,.js,.jsx,.mjs,.cjs"] if env["ESLINT_USE_FLAT_CONFIG"] == "false" else []
    argv = [noderun.node(), str(nm / "eslint" / "bin" / "eslint.js"), "-f", "json", "--no-error-on-unmatched-pattern",
            *ext, "-c", config, *targets]
    r = noderun.run(argv, root, timeout=timeout, memory_mb=2048, env=env)
    try:
        data = json.loads(r.stdout)
    except ValueError:
        return f"eslint: could not run ({(r.stderr or r.stdout).strip()[-200:]})"
    n = 0
    for f in data:
        rel = str(Path(f.get("filePath", "")).resolve().relative_to(root.resolve())) if f.get("filePath") else None
        for m in f.get("messages") or []:
            if m.get("severity") != 2:
                continue
            n += 1
            rule = m.get("ruleId") or "parse"
            findings.append(EslintError.finding(
                f"ESLint {rule}: {m.get('message')}", location=Location(rel, m.get("line")),
                error=f"{rel}:{m.get('line')}:{m.get('column')} error {m.get('message')} {rule}", symbol=rule,
                fix=(m.get("fix") and "`eslint --fix` corrects it") or None))
    source = own_config or "the TAP scaffold's rules"
    return f"eslint ({source}): {n} error(s) in {len(data)} file(s), {r.seconds:.1f} s"


def _prettier(root: Path, nm: Path, findings: list[Finding], timeout: float) -> str:
    lib = sorted(str(p.relative_to(root)) for p in (root / "lib").glob("*.ts")) if (root / "lib").is_dir() else []
    if not lib:
        return "prettier: no lib/*.ts"
    r = noderun.run([noderun.node(), str(nm / "prettier" / "bin" / "prettier.cjs"), "--list-different", *lib], root,
                    timeout=timeout, memory_mb=1024)
    bad = [ln.strip() for ln in r.stdout.splitlines() if ln.strip().endswith(".ts")]
    for rel in bad:
        findings.append(PrettierUnformatted.finding(
            f"{rel} is not formatted as the project's Prettier configuration says (`npm run format:check` fails)",
            location=Location(rel, None), error=f"[warn] {rel}", fix=f"npx prettier --write {rel}"))
    return f"prettier: {len(bad)} of {len(lib)} lib file(s) unformatted"
