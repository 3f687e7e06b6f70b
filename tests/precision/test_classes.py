"""The false-alarm classes of issue 11, each as a fixture pair under tests/precision/fixtures/<case>/:
`good/` reproduces code that deploys, on which iacqa used to raise the finding (it must not any more), and `bad/`
is its really broken twin (the finding must still be there)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from iacqa.pipeline import analyze

FIXTURES = Path(__file__).parent / "fixtures"
STATIC = ("ingest", "graph", "check")

# case -> (finding id, stages, profile): the id good/ must not get and bad/ must get.
CASES: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "tf_archive_hash": ("PKG002", STATIC, None),  # class 1: archive_file zip exists when it is hashed
    "tf_policy_by_name": ("WIR004", STATIC, None),  # data aws_iam_policy resolves by name, whatever the path
    "sam_implicit": ("CFN003", STATIC, None),  # class 8: SAM's implicit role / api / event source mapping
    "cfn_stack_name": ("LIM001", STATIC, None),  # class 15: AWS::StackName is chosen at deploy time
    "tf_provider_values": ("LIM001", STATIC, None),  # class 3: provider's -1 default, SecureString
    "layer_runtimes": ("LIM002", STATIC, None),  # class 9: a layer's compatible runtimes are a filter
    "tf_heredoc": ("SYN004", STATIC, None),  # class 2: heredoc closing marker followed by spaces
    # class 11: a call that names no resource (task token) is judged on "may the role call it at all"
    "iam_unknown_resource": ("PRM101", (*STATIC, "emulate"), None),
    "hyg_random_suffix": ("HYG001", STATIC, "tap"),  # class 21: a random suffix makes the name unique
    # class 11: a KeyError about a variable the function's code never names is a library's own lookup
    "library_keyerror": ("RTE002", (*STATIC, "emulate"), None),
    # class 11: aws_kms_key_policy read, its Logs principal in the stack's region (a variable), not an assumed one
    "kms_region": ("PRM004", STATIC, None),
    "pulumi_config_default": ("PKG002", STATIC, None),  # class 7: Pulumi.yaml config defaults apply
    "pulumi_shapes": ("SDK004", STATIC, None),  # class 6: map outputs and invoke results a program can index
    "pulumi_resource_arg": ("WIR004", STATIC, None),  # class 4: a resource object where a name/ARN is taken
    # class 14 (runtime side): Node.js 18+ runtimes ship the whole AWS SDK v3, iacqa's toolchain does not
    "node_sdk_v3": ("RTE004", (*STATIC, "emulate"), None),
}


def _rules(project: Path, stages: tuple[str, ...], profile: str | None) -> dict[str, list[str]]:
    r = analyze(project, "code", stages=stages, options={"profile": profile} if profile else None)
    out: dict[str, list[str]] = {}
    for f in r.findings:
        out.setdefault(f.rule, []).append(f"{f.severity.value} {f.file}:{f.line} {f.message}")
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_good_twin_has_no_false_finding(case: str) -> None:
    rule, stages, profile = CASES[case]
    found = _rules(FIXTURES / case / "good", stages, profile)
    assert rule not in found, found[rule]


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_twin_is_still_found(case: str) -> None:
    rule, stages, profile = CASES[case]
    found = _rules(FIXTURES / case / "bad", stages, profile)
    assert rule in found, found


def test_deprecated_runtime_reported_once() -> None:
    """Class 13: cfn-lint's E2531 (LIM003) repeated LIM002 on the same line and runtime."""
    found = _rules(FIXTURES / "layer_runtimes" / "bad", STATIC, None)
    assert len(found.get("LIM002", [])) == 1 and "LIM003" not in found, found


def test_unparseable_file_keeps_its_other_resources() -> None:
    """Class 2: the file with a broken heredoc still yields its other blocks (the queue's limit is found)."""
    found = _rules(FIXTURES / "tf_heredoc" / "bad", STATIC, None)
    assert "SYN004" in found and any("visibility_timeout_seconds" in m for m in found.get("LIM001", [])), found


def test_lint_is_grouped_and_never_high_without_a_gate() -> None:
    """Classes 18-19: lint is low/medium, one finding per code and file, embedded code shared by two functions is
    linted once; under the aws profile (a plain project) no lint finding is high."""
    r = analyze(FIXTURES / "lint_groups" / "good", "code", stages=("ingest", "graph", "lint"))
    lint = [f for f in r.findings if f.category.value == "lint"]
    assert r.profile["name"] == "aws"
    g004 = [f for f in lint if f.rule == "LNT-G004"]
    own = [f for f in g004 if not f.extra.get("embedded")]
    assert len(own) == 1 and own[0].extra["count"] == 2 and own[0].extra["lines"] == [16, 21], g004
    assert len([f for f in g004 if f.extra.get("embedded")]) == 1, g004  # two functions, one code string
    assert all(f.severity.value in ("low", "medium") for f in lint), lint


@pytest.mark.skipif(importlib.util.find_spec("aws_cdk") is None, reason="cdk extra not installed")
def test_cdk_own_inline_handler_is_not_linted() -> None:
    """Class 19 on CDK: `add_event_notification` makes aws-cdk-lib add its own inline Python handler
    (BucketNotificationsHandler); lint reads only the project's code, including its own inline handler."""
    good = analyze(FIXTURES / "cdk_inline_lint" / "good", "code", stages=("ingest", "graph", "lint"))
    bad = analyze(FIXTURES / "cdk_inline_lint" / "bad", "code", stages=("ingest", "graph", "lint"))
    assert good.graph["resources"] >= 5 and not [f for f in good.findings if f.category.value == "lint"], good.findings
    lint = [f for f in bad.findings if f.category.value == "lint"]
    assert [(f.rule, f.file, f.line) for f in lint] == [("LNT-F401", "app.py", 10)], lint
    assert "OnUpload" in lint[0].message and "BucketNotificationsHandler" not in str(bad.findings)


def test_tap_lint_gate_judges_the_score() -> None:
    """The same code in the TAP layout: the profile is tap (and says why); its pylint gate is judged by the score as
    the pipeline judges it (fails below 7.0): 3 messages over 11 statements rate 7.27/10, so the gate passes and each
    message is reported once per code and file (by pylint when installed, else by ruff's twins)."""
    r = analyze(FIXTURES / "lint_groups" / "bad", "code", stages=("ingest", "graph", "lint"))
    assert r.profile["name"] == "tap" and "metadata.json" in r.profile["reason"]
    assert not [f for f in r.findings if f.rule == "LNT001"], r.findings
    w1203 = [f for f in r.findings if f.rule in ("LNT-PW1203", "LNT-G004") and f.file == "lib/tap_stack.py"
             and not f.extra.get("embedded")]  # the Lambda code in a string is ruff's alone (not gated)
    assert len(w1203) == 1 and w1203[0].extra["count"] == 2, w1203


def test_declared_package_is_not_checkable_not_broken() -> None:
    """Class 14: a package requirements.txt declares but iacqa cannot install is "not checkable offline" (low); the
    same import with nothing declaring it stays a critical failure of the program."""
    good = analyze(FIXTURES / "declared_package" / "good", "code", stages=STATIC)
    bad = analyze(FIXTURES / "declared_package" / "bad", "code", stages=STATIC)
    g = [f for f in good.findings if f.rule == "SDK004"]
    b = [f for f in bad.findings if f.rule == "SDK004"]
    assert g and all(f.severity.value == "low" and "not checkable offline" in f.message for f in g), g
    assert good.graph["resources"] == 1  # a stand-in let the program go on past the import: its bucket is there
    assert b and b[0].severity.value == "critical" and b[0].extra.get("evidence"), b


@pytest.mark.slow
def test_tests_stage_reports_design_issues_once_per_file() -> None:
    """Classes 16-17: placeholders once per file; integration tests that pass with the outputs file the pipeline
    writes and fail without it are one medium-or-lower design finding per file, not a high per test; a test that
    fails with the outputs file written (bad twin) is still a TST021."""
    stages = (*STATIC, "tests")
    good = analyze(FIXTURES / "tests_noise" / "good", "code", stages=stages)
    by = {}
    for f in good.findings:
        by.setdefault(f.rule, []).append(f)
    assert len(by.get("TST003", [])) == 1 and by["TST003"][0].extra["tests"] == 3, by.get("TST003")
    assert "TST021" not in by, by.get("TST021")
    assert len(by.get("TST020", [])) == 1 and by["TST020"][0].severity.value in ("medium", "low"), by.get("TST020")
    bad = analyze(FIXTURES / "tests_noise" / "bad", "code", stages=stages)
    assert any(f.rule == "TST021" and "test_queue_visibility_timeout" in f.message for f in bad.findings), \
        [f.message for f in bad.findings]


def test_missing_build_output_is_not_a_certain_failure() -> None:
    """Class 12: a zip under build/ that the repository does not keep is "not in the project" (high), while a
    missing source directory that archive_file must read stays a critical packaging failure."""
    good = analyze(FIXTURES / "pkg_artifact" / "good", "code", stages=STATIC)
    bad = analyze(FIXTURES / "pkg_artifact" / "bad", "code", stages=STATIC)
    g = [f for f in good.findings if f.rule == "PKG001"]
    assert g and all(f.severity.value == "high" and "not in the project" in f.message for f in g), g
    assert any(f.rule == "PKG001" and f.severity.value == "critical" for f in bad.findings), bad.findings


def test_resource_object_is_its_id_not_its_repr() -> None:
    """Class 4: `Permission(function=fn)` is checked as the function's id (its name), not the Python object's text."""
    good = _rules(FIXTURES / "pulumi_resource_arg" / "good", STATIC, None)
    bad = _rules(FIXTURES / "pulumi_resource_arg" / "bad", STATIC, None)
    assert "LIM001" not in good and "WIR004" not in good, good
    assert "LIM001" in bad, bad
    # Class 5 ("Task got Future attached to a different loop" on this program) is asserted in
    # tests/frontends/pulumi_py/test_harness.py: the cause was resource references rehydrated by the mock monitor.


def test_synth_time_aws_call_is_not_a_broken_program() -> None:
    """Class 10: an AWS call the program makes while it runs (STS at synth) cannot be answered offline; the finding
    says so at medium, while a real program error stays critical."""
    good = [f for f in analyze(FIXTURES / "synth_aws_call" / "good", "code", stages=STATIC).findings
            if f.rule == "SDK004"]
    bad = [f for f in analyze(FIXTURES / "synth_aws_call" / "bad", "code", stages=STATIC).findings
           if f.rule == "SDK004"]
    assert good and all(f.severity.value == "medium" and "calls AWS" in f.message for f in good), good
    assert bad and bad[0].severity.value == "critical", bad


def test_sandbox_broken_run_is_said_not_blamed() -> None:
    """Class 20: a run that iacqa's own sandbox broke (read-only jsii cache, broken pipe to node) is reported as
    the sandbox's, not as the program's or the test's failure; coverage from that run is not a gate failure."""
    from iacqa.model import Category, Finding, Severity
    from iacqa.profiles.declared import reclassify

    def f(rule: str, msg: str, sev: Severity = Severity.CRITICAL) -> Finding:
        return Finding(rule, Category.SDK_API, sev, "t", msg, error=msg)

    out = reclassify([f("SDK004", "JSIIError: Cannot use the jsii package cache in /x: EROFS: read-only file system"),
                      f("TST011", "tests/unit/test_stack.py::test_x fails: BrokenPipeError: [Errno 32] Broken pipe",
                        Severity.HIGH),
                      f("TST030", "coverage 4% below 90%", Severity.HIGH),
                      f("SDK004", "the program raises KeyError at main.py:3: 'account'"),
                      f("RTE001", "fn raises Error: iacqa sandbox: connection to sqs.us-east-1.amazonaws.com:443 "
                        "refused (no network during analysis)", Severity.HIGH)], FIXTURES)
    assert [x.severity.value for x in out] == ["low", "medium", "low", "critical", "low"], out
    assert "sandbox broke" in out[0].message and "sandbox broke" in out[1].message

    # The JSONDecodeError variant: raised inside jsii's kernel (its node process died or wrote garbage) it is the
    # runtime's; raised in the test's own code (json.loads of a bad fixture) it stays the test's failure.
    msg = "tests/unit/test_stack.py::test_y fails: json.decoder.JSONDecodeError: Expecting value: line 1 column 1"
    jsii = Finding("TST011", Category.TESTS_BROKEN, Severity.HIGH, "t", msg, error=msg,
                   extra={"crash": ".venv/lib/python3.11/site-packages/jsii/_kernel/providers/process.py:342"})
    own = Finding("TST011", Category.TESTS_BROKEN, Severity.HIGH, "t", msg, error=msg,
                  extra={"crash": "tests/unit/test_stack.py:12"})
    a, b = reclassify([jsii, own], FIXTURES)
    assert (a.severity.value, a.extra.get("sandbox_caused")) == ("medium", True), a
    assert (b.severity.value, b.extra.get("sandbox_caused")) == ("high", None), b

    # A collection error has no crash site, only its traceback (precision cdk-py athena-s3-glue under load)
    collect = "tests/unit/test_stack.py cannot be collected: json.decoder.JSONDecodeError: Expecting value: line 1"
    tb = ("tests/unit/test_stack.py:3: in <module>\n    import aws_cdk as cdk\n.venv/lib/python3.11/site-packages/"
          "jsii/_kernel/providers/process.py:330: in _next_message\n    return json.loads(self._process.stdout.read")
    c = Finding("TST011", Category.TESTS_BROKEN, Severity.HIGH, "t", collect, error=collect,
                extra={"crash": None, "longrepr": tb})
    assert reclassify([c], FIXTURES)[0].extra.get("sandbox_caused") is True
    # A failure on a synthetic event is medium already: the sandbox's blocked socket is still said to be the sandbox's
    synthetic = f("RTE001", "fn raises Error on direct (a synthetic event iacqa made up): iacqa sandbox: connection "
                  "to sqs.us-east-1.amazonaws.com:443 refused (no network during analysis)", Severity.MEDIUM)
    assert reclassify([synthetic], FIXTURES)[0].severity.value == "low"


def test_tests_needing_a_declared_package_are_not_checkable() -> None:
    """Class 14 in the tests stage: a test module importing a declared-but-uninstallable package is not checkable
    (medium), an undeclared one stays a broken test (high)."""
    from iacqa.model import Category, Finding, Severity
    from iacqa.profiles.declared import reclassify

    def f(module: str) -> Finding:
        msg = f"tests/test_x.py cannot be collected: ModuleNotFoundError: No module named '{module}'"
        return Finding("TST011", Category.TESTS_BROKEN, Severity.HIGH, "t", msg, error=msg)

    good, bad = reclassify([f("pulumi_extras_fixture"), f("not_declared_anywhere")],
                           FIXTURES / "declared_package" / "good")
    assert good.severity.value == "medium" and "not checkable offline" in good.message, good
    assert bad.severity.value == "high", bad


def test_errors_past_a_stand_in_for_a_declared_package_are_not_checkable() -> None:
    """A keep-going run that went on past a declared package's stand-in (precision cdk-py
    amazon-verified-permissions-rest-api: `cdklabs` is not installable offline) meets CDK validation of a REST API
    whose methods the stand-in's statements never added: that error is the stand-in's, not the program's. An error
    with no stand-in before it stays critical."""
    from iacqa.model import Category, Finding, Severity
    from iacqa.profiles.declared import reclassify

    root = FIXTURES / "declared_package" / "good"
    module = "pulumi_extras_fixture"  # requirements.txt of the fixture declares it; nothing installs it
    missing = Finding("SDK004", Category.SDK_API, Severity.CRITICAL, "t", "the app raises ModuleNotFoundError",
                      error=f"ModuleNotFoundError: No module named '{module}'")
    later = Finding("SDK004", Category.SDK_API, Severity.CRITICAL, "t", "ValidationFailedWithErrors: The REST API "
                    "doesn't contain any methods", error="RuntimeError", revealed_by=missing.fingerprint)
    first, second = reclassify([missing, later], root)
    assert first.severity is Severity.LOW and first.extra.get("not_checkable")
    assert second.severity is Severity.LOW and "past this point" in second.message
    (alone,) = reclassify([later], root)
    assert alone.severity is Severity.CRITICAL
