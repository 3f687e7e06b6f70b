"""The tests stage has a budget: a hanging unit run is stopped when it is spent, and the integration phase says
what it could not run instead of running past it."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from iacqa.testsuite import run


@pytest.mark.slow
def test_tests_budget_stops_and_reports_what_did_not_run(isolation: str, tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "stack.py").write_text("def f():\n    return 1\n")
    unit = tmp_path / "tests" / "unit"
    unit.mkdir(parents=True)
    (unit / "test_stack.py").write_text("import time\nfrom lib.stack import f\n\n\ndef test_f():\n"
                                        "    time.sleep(300)\n    assert f() == 1\n")
    integ = tmp_path / "tests" / "integration"
    integ.mkdir(parents=True)
    (integ / "test_deployed.py").write_text("import boto3\n\n\ndef test_bucket():\n"
                                            "    assert boto3.client('s3').list_buckets()\n")
    t0 = time.monotonic()
    res = run(SimpleNamespace(root=tmp_path), {"tests_budget": 8, "test_timeout": 0, "endpoint_url":
                                               "http://127.0.0.1:9"})
    assert time.monotonic() - t0 < 25
    assert "stopped" in res.detail
    assert "integration: not run, the tests stage's budget" in res.detail, res.detail
