"""Static judgment: each seed failure reported with the right id, category and line; the corrected twins clean."""

from __future__ import annotations

import pytest

from iacqa.model import Category
from iacqa.testsuite.discover import classify, discover
from iacqa.testsuite.judge import judge

from .conftest import FIXTURES, marks

STATIC = {"TST001", "TST002", "TST003", "TST004", "TST005", "TST010", "TST020"}
# project-level findings (no line) each faulty fixture must also produce
PROJECT_LEVEL = {
    "no_tests/faulty": {"TST001", "TST002"},
    "placeholders_ts/faulty": {"TST001", "TST002"},
    "placeholders_py/faulty": {"TST001", "TST002"},
}
FAULTY = ["boto3_patch/faulty", "placeholders_ts/faulty", "placeholders_py/faulty", "no_tests/faulty",
          "integration/faulty"]
FIXED = ["boto3_patch/fixed", "placeholders_ts/fixed", "placeholders_py/fixed", "no_tests/fixed",
         "integration/fixed", "coverage/full", "hang/fixed", "writes_outside/fixed"]


def _static(name: str):
    root = FIXTURES / name
    return judge(root, discover(root))


@pytest.mark.parametrize("name", FAULTY)
def test_faulty_fixture_static_findings(name: str) -> None:
    j = _static(name)
    # Placeholder / assertion-free / exists-only findings are one per file: every test's line is in extra["lines"].
    got = {(f.file, line, f.rule) for f in j.findings if f.file for line in f.extra.get("lines") or [f.line]}
    want = {m for m in marks(FIXTURES / name) if m[2] in STATIC}
    assert got == want
    per_file = [(f.file, f.rule) for f in j.findings if f.rule in ("TST003", "TST004", "TST005")]
    assert len(per_file) == len(set(per_file))
    assert {f.rule for f in j.findings if not f.file} == PROJECT_LEVEL.get(name, set())


@pytest.mark.parametrize("name", FIXED)
def test_fixed_twin_has_no_static_findings(name: str) -> None:
    j = _static(name)
    assert [f.message for f in j.findings] == []
    assert j.meaningful("unit") and j.meaningful("integration")


def test_categories_and_messages() -> None:
    j = _static("boto3_patch/faulty")
    (f,) = j.findings
    assert f.category is Category.TESTS_BROKEN and f.stage == "tests"
    assert "lib/lambda/api_handler/index.py" in f.message and "sqs = boto3.client" in f.message
    assert f.snippet.strip().startswith('@patch("boto3.client")')
    j = _static("integration/faulty")
    (f,) = j.findings
    assert f.category is Category.TESTS_INTEGRATION and "raise when it is missing" in f.message
    j = _static("placeholders_ts/faulty")
    cats = {f.rule: f.category for f in j.findings}
    assert cats["TST003"] is Category.TESTS_MISSING and cats["TST005"] is Category.TESTS_MISSING


def test_classify_paths() -> None:
    assert classify("tests/integration/test_api.py") == "integration"
    assert classify("test/tap-stack.int.test.ts") == "integration"
    assert classify("tests/unit/test_interface.py") == "unit"
    assert classify("test/tap-stack.unit.test.ts") == "unit"


def test_patch_inside_with_and_reload_is_fine(tmp_path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "handler.py").write_text("import boto3\nsqs = boto3.client('sqs')\n")
    t = tmp_path / "tests" / "unit"
    t.mkdir(parents=True)
    (t / "test_h.py").write_text(
        "import importlib\nfrom unittest.mock import patch\nfrom lib import handler\n\n\n"
        "def test_reloaded():\n    with patch('boto3.client') as m:\n        h = importlib.reload(handler)\n"
        "        assert h.sqs is m.return_value\n\n\n"
        "def test_not_reloaded():\n    with patch('boto3.client'):\n        assert handler.sqs\n")
    j = judge(tmp_path, discover(tmp_path))
    assert [(f.rule, f.line) for f in j.findings if f.rule == "TST010"] == [("TST010", 13)]


def test_dynamic_loader_at_module_level(tmp_path) -> None:
    (tmp_path / "lib" / "lambda" / "api").mkdir(parents=True)
    (tmp_path / "lib" / "lambda" / "api" / "index.py").write_text("import boto3\nddb = boto3.resource('dynamodb')\n")
    t = tmp_path / "tests" / "unit"
    t.mkdir(parents=True)
    (t / "test_api.py").write_text(
        "import importlib.util\nfrom unittest.mock import patch\n\n\n"
        "def load(name):\n    spec = importlib.util.spec_from_file_location(name, f'lib/lambda/{name}/index.py')\n"
        "    mod = importlib.util.module_from_spec(spec)\n    spec.loader.exec_module(mod)\n    return mod\n\n\n"
        "api = load('api')\n\n\n"
        "@patch('boto3.resource')\ndef test_put(m):\n    assert api.ddb\n\n\n"
        "@patch('boto3.resource')\ndef test_put_loaded(m):\n    mod = load('api')\n    assert mod.ddb is m.return_value\n")
    j = judge(tmp_path, discover(tmp_path))
    assert [(f.rule, f.line) for f in j.findings if f.rule == "TST010"] == [("TST010", 15)]


def test_js_assertion_free_and_comments(tmp_path) -> None:
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "a.unit.test.ts").write_text(
        "// test('commented', () => { expect(false).toBe(true); });\n"
        "test('calls only', () => {\n  const s = `${'{'}`;\n  build(s);\n});\n"
        "it('checks', () => {\n  expect(build('}')).toEqual({});\n});\n")
    j = judge(tmp_path, discover(tmp_path))
    assert [(c.name, c.verdict) for c in j.cases] == [("calls only", "no-assert"), ("checks", "ok")]
