"""Ids of the tests stage (iacqa.testsuite): tests-missing, tests-broken, tests-coverage, tests-integration."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class _TestsRule(Entry):
    stage = "tests"


class NoUnitTests(_TestsRule):
    """The project has no unit tests that test anything.

    What it finds: no unit test file at all (`tests/unit/test_*.py`, `test/*.unit.test.ts`...), test files with no
    test in them, or unit tests that are all placeholders, assertion-free or file-exists checks.
    Why it breaks: the TAP pipeline's unit-test and coverage gates fail (0 % coverage); nothing checks the stack or
    the Lambda code before deployment.
    Bad: `tests/unit/` empty, or only `test('tap_stack.tf exists', () => expect(fs.existsSync(p)).toBe(true))`.
    Good: unit tests for the stack (synth under mocks) and for every handler (mocked AWS clients), covering every
    branch.
    What AWS says: nothing; the CI gate `coverage below 90 %` or `no tests collected` fails the pull request.
    References: https://docs.pytest.org/en/stable/how-to/assert.html,
    https://www.pulumi.com/docs/iac/concepts/testing/unit/
    """

    id = "TST001"
    category = Category.TESTS_MISSING
    severity = Severity.HIGH
    title = "no unit tests"
    emitters = ("iacqa.testsuite.judge",)


class NoIntegrationTests(_TestsRule):
    """The project has no integration tests that exercise a deployment.

    What it finds: no integration test file (`tests/integration/`, `*.int.test.ts`), or integration tests that are
    all placeholders or assertion-free.
    Why it breaks: nothing checks that the deployed resources work together (API -> Lambda -> queue -> table);
    wiring and IAM gaps reach production.
    Bad: `test('Dont forget!', async () => { expect(false).toBe(true); })`.
    Good: tests that read the stack outputs (`cfn-outputs/flat-outputs.json`, with discovery as fallback) and drive
    the deployed flow end to end with the AWS SDK.
    What AWS says: nothing; the integration gate fails or passes vacuously.
    References: https://docs.aws.amazon.com/prescriptive-guidance/latest/best-practices-cdk-typescript-iac/testing.html
    """

    id = "TST002"
    category = Category.TESTS_MISSING
    severity = Severity.HIGH
    title = "no integration tests"
    emitters = ("iacqa.testsuite.judge",)


class PlaceholderTest(_TestsRule):
    """A test that is a placeholder: it always fails, or has an empty body.

    What it finds: `expect(false).toBe(true)`, `fail(...)`, `assert False`, `self.fail(...)`, `pytest.fail(...)`,
    `raise NotImplementedError` as an unconditional statement of a test, and tests whose body is only `pass`, `...`
    or a docstring.
    Why it breaks: a test that always fails blocks the pipeline; an empty test passes and checks nothing.
    Bad: `def test_stack(self): pass`; `test('Dont forget!', async () => { expect(false).toBe(true); })`.
    Good: a test that builds the stack or calls the handler and asserts on what it returns.
    What AWS says: nothing; `expect(received).toBe(expected) Expected: true Received: false`.
    References: https://jestjs.io/docs/expect, https://docs.python.org/3/library/unittest.html
    """

    id = "TST003"
    category = Category.TESTS_MISSING
    severity = Severity.HIGH
    title = "placeholder test"
    emitters = ("iacqa.testsuite.judge",)


class AssertionFreeTest(_TestsRule):
    """A test that asserts nothing.

    What it finds: a test function with no `assert`, no `self.assert*`/`mock.assert_*` call, no `pytest.raises`,
    no `expect(...)`, and no call to a helper of the same file that asserts.
    Why it breaks: it passes as long as nothing raises, so it hides wrong outputs and counts towards coverage
    without checking anything.
    Bad: `def test_handler(self): handler.lambda_handler(event, None)`.
    Good: `self.assertEqual(handler.lambda_handler(event, None)["statusCode"], 202)`.
    What AWS says: nothing.
    References: https://docs.pytest.org/en/stable/how-to/assert.html
    """

    id = "TST004"
    category = Category.TESTS_MISSING
    severity = Severity.MEDIUM
    title = "test without assertions"
    emitters = ("iacqa.testsuite.judge",)


class FileExistsOnlyTest(_TestsRule):
    """A test that only checks that a file exists.

    What it finds: a test whose every assertion is about a path existing (`os.path.exists`, `Path.exists()`,
    `is_file()`, `fs.existsSync`).
    Why it breaks: the file existing says nothing about the stack: the test passes with any content, including
    code that cannot deploy.
    Bad: `test('tap_stack.tf exists', () => { expect(fs.existsSync(stackPath)).toBe(true); })`.
    Good: parse or synthesize the stack and assert on resources and their properties.
    What AWS says: nothing.
    References: https://jestjs.io/docs/expect
    """

    id = "TST005"
    category = Category.TESTS_MISSING
    severity = Severity.MEDIUM
    title = "test only checks that a file exists"
    emitters = ("iacqa.testsuite.judge",)


class Boto3PatchedAfterImport(_TestsRule):
    """`boto3.client`/`boto3.resource` is patched after the module under test already created its clients.

    What it finds: `@patch('boto3.client')` / `@patch('boto3.resource')` decorators (or `with patch(...)`, or
    `patch(...).start()`) in a test file that imports, at its top, a module which creates its boto3 clients at
    module level (`sqs = boto3.client('sqs')`), when the test does not load the module again after patching. The
    finding points at the patch line.
    Why it breaks: the module's client was created at import, before the patch: the handler still calls the real
    client (no credentials or no network in CI) and the mock is never used, so every such test fails
    (`AssertionError: 500 != 202`, `Object of type MagicMock is not JSON serializable`).
    Bad: `import index as api_handler` at the top, then `@patch('boto3.client') def test_x(self, m): ...`.
    Good: patch the module's attribute (`@patch.object(api_handler, 'sqs')`), or `with patch('boto3.client'):` and
    load the module inside the block (`importlib.reload`, `spec_from_file_location`).
    What AWS says: `botocore.exceptions.NoCredentialsError: Unable to locate credentials` or
    `EndpointConnectionError` from the real client.
    References: https://docs.python.org/3/library/unittest.mock.html#where-to-patch
    """

    id = "TST010"
    category = Category.TESTS_BROKEN
    severity = Severity.HIGH
    title = "boto3 patched after the module created its clients"
    emitters = ("iacqa.testsuite.judge",)


class UnitTestFails(_TestsRule):
    """A unit test fails or cannot be collected when the project's tests run.

    What it finds: each failing or erroring test (and each test file that cannot be imported) when iacqa runs the
    unit tests with pytest in its sandbox (fake credentials, AWS endpoint on a dead loopback port, no network). The
    finding carries the failure reason and points at the test's file and line.
    Why it breaks: the pipeline's unit-test gate fails; often the test is wrong (mock applied too late, import path
    that does not resolve), sometimes the code is.
    Bad: `AssertionError: 500 != 202` because the handler used a real client.
    Good: all unit tests pass offline.
    What AWS says: whatever the test printed, e.g. `NoCredentialsError`, `EndpointConnectionError`.
    References: https://docs.pytest.org/en/stable/how-to/output.html
    """

    id = "TST011"
    category = Category.TESTS_BROKEN
    severity = Severity.HIGH
    title = "unit test fails"
    emitters = ("iacqa.testsuite.jest", "iacqa.testsuite.unit")


class SuiteStopped(_TestsRule):
    """The tests were stopped by the sandbox: they hung or used too much memory.

    What it finds: a test still running when its time limit expired (per test, option `test_timeout`) or when the
    whole run's limit expired (option `tests_timeout`), or a run above the memory limit (option
    `tests_memory_mb`). Names the test that was running.
    Why it breaks: CI jobs hang until their own timeout; polling loops against real resources never end offline.
    Bad: `while not queue_empty(): time.sleep(5)` without a deadline.
    Good: bounded waits (`for _ in range(30)`), waiters with `MaxAttempts`.
    What AWS says: nothing; the CI job times out.
    References: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html#waiters
    """

    id = "TST012"
    category = Category.TESTS_BROKEN
    severity = Severity.HIGH
    title = "tests stopped by the sandbox (time or memory limit)"
    emitters = ("iacqa.testsuite.jest", "iacqa.testsuite.unit")


class WritesOutsideProject(_TestsRule):
    """A test tried to write outside the project directory.

    What it finds: a write, delete or rename of a path outside the project (and outside its temporary directory)
    attempted while the tests ran. iacqa refused it (the test then fails with PermissionError) and points at the
    test line that tried.
    Why it breaks: tests that write to `/tmp/fixed-name`, the home directory or `/etc` collide between parallel CI
    jobs, leave state behind and may damage the runner.
    Bad: `open('/var/tmp/outputs.json', 'w')`, `shutil.rmtree(os.path.expanduser('~/.aws'))`.
    Good: pytest's `tmp_path`, `tempfile.TemporaryDirectory()`.
    What AWS says: nothing.
    References: https://docs.pytest.org/en/stable/how-to/tmp_path.html
    """

    id = "TST013"
    category = Category.TESTS_BROKEN
    severity = Severity.HIGH
    title = "tests write outside the project directory"
    emitters = ("iacqa.testsuite.unit",)


class IntegrationNoDiscovery(_TestsRule):
    """Integration tests depend on a hard-coded outputs file or stack name, with no discovery and no fallback.

    What it finds: an integration test that reads `cfn-outputs/flat-outputs.json` (or names a stack literally)
    and raises when it is missing, without any other way to find the deployment: no environment variable, no
    `pulumi stack output`, no CloudFormation `describe_stacks`, no lookup of the resources by name or tag.
    Why it breaks: in any environment where the outputs file was not written at that path (another deploy tool,
    another stack name, a local run) every integration test errors in setUpClass before testing anything.
    Bad: `if not os.path.exists(outputs_file): raise FileNotFoundError(...)`.
    Good: read the file when present, otherwise discover (env, stack outputs, AWS names) or skip with a reason.
    What AWS says: nothing; `FileNotFoundError: Stack outputs not found at cfn-outputs/flat-outputs.json`.
    References: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html,
    https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_output/
    """

    id = "TST020"
    category = Category.TESTS_INTEGRATION
    severity = Severity.MEDIUM
    title = "integration tests without output discovery or fallback"
    emitters = ("iacqa.testsuite.judge", "iacqa.testsuite.integration")


class IntegrationTestFails(_TestsRule):
    """An integration test fails against the emulated deployment.

    What it finds: integration tests that iacqa runs against its emulated deployment of the stack (moto on
    127.0.0.1, `AWS_ENDPOINT_URL` set, fake credentials): with the outputs file written, and again without it (as
    in an environment that did not write `cfn-outputs/flat-outputs.json`). Each failure carries the reason. Not
    reported here but listed in the stage's tests: failures caused by what the emulator cannot do (Lambda invoke
    needs Docker, public URLs) as `unchecked`, and wrong-state assertions or polls that never end as `unverified`
    (the emulator deploys part of each resource's settings and does not run functions on their triggers).
    Why it breaks: the test cannot find or use the deployment, or the deployment does not do what the test checks.
    Bad: `FileNotFoundError: Stack outputs not found` when the file is absent.
    Good: tests that pass against a deployment whatever wrote its outputs.
    What AWS says: the error the SDK call returned, e.g. `ResourceNotFoundException`.
    References: https://docs.getmoto.org/en/latest/docs/server_mode.html
    """

    id = "TST021"
    category = Category.TESTS_INTEGRATION
    severity = Severity.HIGH
    title = "integration test fails against the emulated deployment"
    emitters = ("iacqa.testsuite.integration",)


class CoverageBelowThreshold(_TestsRule):
    """Unit-test coverage of `lib/` is below the required threshold.

    What it finds: the total coverage that `coverage` reports (statements and branches, `--branch`, source `lib/`)
    below the threshold (option `coverage_threshold`, default 90, the TAP gate; tasks that require 100 % set 100),
    with the figures for lines, branches and functions and the files and lines not covered.
    Why it breaks: the pipeline's coverage gate fails the pull request; the untested lines are usually error
    handling and pagination.
    Bad: 89 % with the exception handlers and the `LastEvaluatedKey` loop never run.
    Good: tests for every branch, including errors and pagination.
    What AWS says: nothing; the CI gate prints `Coverage failure: total of 89 is less than fail-under=90`.
    References: https://coverage.readthedocs.io/en/latest/branch.html
    """

    id = "TST030"
    category = Category.TESTS_COVERAGE
    severity = Severity.HIGH
    title = "coverage below the threshold"
    emitters = ("iacqa.testsuite.unit",)


class CoverageSummaryMissing(_TestsRule):
    """The coverage summary the pipeline reads is not produced.

    What it finds: no `coverage/coverage-summary.json` in the project as delivered, and nothing in the project
    that writes it (jest `coverageReporters: ['json-summary']`, a script that converts `coverage json`).
    Why it breaks: the pipeline's coverage gate reads `total.lines.pct` etc. from that file; without it the gate
    fails even when the tests pass. iacqa writes the file from its own coverage run.
    Bad: only `.coverage` or `coverage.xml`.
    Good: `{"total": {"lines": {"total": 266, "covered": 266, "skipped": 0, "pct": 100}, "statements": ...,
    "functions": ..., "branches": ...}}`.
    What AWS says: nothing.
    References: https://jestjs.io/docs/configuration#coveragereporters-arraystring--string-options,
    https://coverage.readthedocs.io/en/latest/cmd.html#json-reporting-coverage-json
    """

    id = "TST031"
    category = Category.TESTS_COVERAGE
    severity = Severity.MEDIUM
    title = "coverage summary missing"
    emitters = ("iacqa.testsuite.unit",)
