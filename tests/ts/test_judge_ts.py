"""The static judgment of TS tests knows the CDK assertions library: Template methods throw on mismatch."""

from __future__ import annotations

from pathlib import Path

from iacqa.testsuite.discover import discover
from iacqa.testsuite.judge import judge

UNIT = """import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as assert from 'assert';
import { TapStack } from '../lib/tap-stack';

describe('TapStack', () => {
  const template = Template.fromStack(new TapStack(new App(), 'T', { environmentSuffix: 'dev' }));
  test('queue has a visibility timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 30 });
  });
  test('one queue', () => {
    template.resourceCountIs('AWS::SQS::Queue', 1);
  });
  test('node assert', () => {
    assert.strictEqual(1, 1);
  });
  test('synthesizes', () => {
    Template.fromStack(new TapStack(new App(), 'U', { environmentSuffix: 'dev' }));
  });
});
"""


def test_cdk_assertions_count_as_assertions(tmp_path: Path) -> None:
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "tap-stack.unit.test.ts").write_text(UNIT)
    j = judge(tmp_path, discover(tmp_path))
    flagged = {c.name: c.verdict for c in j.cases}
    assert flagged["queue has a visibility timeout"] == "ok"
    assert flagged["one queue"] == "ok"
    assert flagged["node assert"] == "ok"
    assert flagged["synthesizes"] == "no-assert"
