"""What a response is analysed with: the task's root scaffold of its own platform and language only (a stray
Pulumi tap.py in a CDKTF TypeScript task is not copied), scaffold files kept apart from the response's code (not
linted as the response's), and a response whose code blocks hold no program is SYN003, never deployable."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.ingest.task import load

STRAY_TAP = "import os\nimport pulumi\nfrom lib.tap_stack import TapStack\n"
UNIT_TEST = ("import { App, Testing } from 'cdktf';\nimport { TapStack } from '../lib/tap-stack';\n\n"
             "test('synth', () => {\n  expect(Testing.synth(new TapStack(new App(), 'x'))).toBeDefined();\n});\n")
STACK = ("import { TerraformStack } from 'cdktf';\nimport { Construct } from 'constructs';\n\n"
         "export class TapStack extends TerraformStack {\n  constructor(scope: Construct, id: string) {\n"
         "    super(scope, id);\n  }\n}\n")


def _task(root: Path, response: str, platform: str = "cdktf", language: str = "ts") -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "metadata.json").write_text(json.dumps({"platform": platform, "language": language}))
    (root / "cdktf.json").write_text('{"language": "typescript", "app": "npx ts-node bin/tap.ts"}')
    (root / "tap.py").write_text(STRAY_TAP)  # leftovers of another platform's scaffold
    (root / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\n")
    (root / "lib" / "MODEL_RESPONSE.md").write_text(response)
    return root


def _md(*files: tuple[str, str, str]) -> str:
    return "# Response\n\n" + "\n".join(f"## File: {p}\n\n```{lang}\n{text}```\n" for p, lang, text in files)


def test_tests_only_response_is_no_code_and_strays_are_not_copied(tmp_path: Path) -> None:
    proj = load(_task(tmp_path / "t", _md(("test/tap-stack.unit.test.ts", "typescript", UNIT_TEST))), "model")
    try:
        assert [f.rule for f in proj.findings] == ["SYN003"]
        assert "no infrastructure program" in proj.findings[0].message
        assert not (proj.root / "tap.py").exists() and not (proj.root / "Pulumi.yaml").exists()
        assert "tap.py" not in proj.files
        assert sorted(proj.scaffold) == ["cdktf.json", "metadata.json"]
    finally:
        proj.cleanup()


def test_response_with_its_stack_is_not_no_code(tmp_path: Path) -> None:
    md = _md(("lib/tap-stack.ts", "typescript", STACK), ("test/tap-stack.unit.test.ts", "typescript", UNIT_TEST))
    proj = load(_task(tmp_path / "t", md), "model")
    try:
        assert not [f for f in proj.findings if f.rule == "SYN003"]
        assert "lib/tap-stack.ts" in proj.files and "lib/tap-stack.ts" not in proj.scaffold
    finally:
        proj.cleanup()


def test_python_task_keeps_its_own_tap_py_as_scaffold_unless_the_response_writes_it(tmp_path: Path) -> None:
    stack = "from cdktf import TerraformStack\n\n\nclass TapStack(TerraformStack):\n    pass\n"
    proj = load(_task(tmp_path / "a", _md(("lib/tap_stack.py", "python", stack)), language="py"), "model")
    try:
        assert (proj.root / "tap.py").exists() and "tap.py" in proj.scaffold
        assert not (proj.root / "Pulumi.yaml").exists()  # a Pulumi file in a CDKTF task is a stray
    finally:
        proj.cleanup()
    md = _md(("tap.py", "python", "import os\n"), ("lib/tap_stack.py", "python", stack))
    proj = load(_task(tmp_path / "b", md, language="py"), "model")
    try:
        assert "tap.py" not in proj.scaffold and (proj.root / "tap.py").read_text() == "import os\n"
    finally:
        proj.cleanup()


def test_lint_leaves_the_scaffold_out(tmp_path: Path) -> None:
    from iacqa.pipeline import analyze

    stack = "import json\n\n\nclass TapStack:\n    pass\n"  # `json` unused: F401 on the response's file
    task = _task(tmp_path / "t", _md(("lib/tap_stack.py", "python", stack)), language="py")
    result = analyze(task, response="model", stages=("ingest", "lint"))
    lint_files = {f.file for f in result.findings if f.rule.startswith("LNT")}
    assert "lib/tap_stack.py" in lint_files and "tap.py" not in lint_files  # tap.py has unused imports too
