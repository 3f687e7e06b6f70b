"""pylint as the TAP lint gate (linters/pylint.py): the messages ruff lacks, the score-based gate, the clean twin,
the ruff fallback when pylint is missing, and the default profile left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacqa.linters import pylint
from iacqa.linters.ruff import lint as ruff_lint
from iacqa.pipeline import analyze
from iacqa.profiles import load

GATE = load("tap").lint_gate
needs_pylint = pytest.mark.skipif(not pylint.available(), reason="pylint not installed (iacqa[lint])")

LONG_TOKEN = ("aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs"
              ".predefined_metric_type")  # 124 characters, 132 with its indentation

# Every message below is one the TAP gate prints and ruff (as iacqa runs it) does not, or does differently.
BAD = f'''"""Stack."""
import logging

logger = logging.getLogger(__name__)


def mode(enabled: bool) -> str:
    if enabled:
        return "ENABLED"
    else:
        return "DISABLED"


def spec(aws):
    return (
        {LONG_TOKEN}
    )


def label(name: str) -> str:
    logger.info(f"label {{name}}")
    return f"static label"


def positional(a, b, c, d, e, f, g):
    return a + b + c + d + e + f + g


class Stack:
    def __init__(self, name: str, args: dict) -> None:
        self.name = name
        self.args = args


def build(id: str) -> Stack:
    return Stack(id, environment_suffix="dev")
'''

GOOD = '''"""Stack."""
import logging

from aws_alias import PredefinedMetricSpecificationArgs as MetricSpec

logger = logging.getLogger(__name__)


def mode(enabled: bool) -> str:
    if enabled:
        return "ENABLED"
    return "DISABLED"


def spec():
    return MetricSpec


def label(name: str) -> str:
    logger.info("label %s", name)
    return "static label"


def positional(a, b, c, d, e, f, g):
    return a + b + c + d + e + f + g


class Stack:
    def __init__(self, name: str, args: dict) -> None:
        self.name = name
        self.args = args


def build(construct_id: str) -> Stack:
    return Stack(construct_id, {"environment_suffix": "dev"})
'''


def _project(root: Path, stack: str, extra: dict[str, str] | None = None) -> Path:
    """A Pulumi Python project in the TAP layout (metadata.json selects the tap profile)."""
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "__init__.py").write_text("")
    (root / "lib" / "tap_stack.py").write_text(stack)
    (root / "tap.py").write_text('"""Entry."""\nfrom lib.tap_stack import build\n\nSTACK = build("dev")\n')
    (root / "Pulumi.yaml").write_text("name: gate\nruntime: python\nmain: tap.py\n")
    (root / "metadata.json").write_text(json.dumps({"platform": "pulumi", "language": "py", "po_id": "fixture"}))
    for rel, text in (extra or {}).items():
        (root / rel).write_text(text)
    return root


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.py"))


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@needs_pylint
def test_messages_ruff_lacks_and_the_gate_fails(tmp_path: Path) -> None:
    root = _project(tmp_path, BAD + "\n".join(f"X{i} = {i}" for i in range(1000)) + "\n")
    ran = pylint.run(root, _files(root), GATE)
    assert ran.status == "ok", ran.detail
    got = {(f.rule, f.symbol, f.line) for f in ran.findings if f.file == "lib/tap_stack.py"}
    assert ("LNT-PR1705", "R1705", _line(BAD, "if enabled")) in got
    assert ("LNT-PC0301", "C0301", _line(BAD, LONG_TOKEN)) in got  # one token: ruff's E501 skips it
    assert ("LNT-PC0302", "C0302", 1) in got
    assert ("LNT-PW1309", "W1309", _line(BAD, 'f"static label"')) in got
    assert ("LNT-PW1203", "W1203", _line(BAD, "logger.info")) in got
    assert ("LNT-PW0622", "W0622", _line(BAD, "def build(id")) in got
    assert ("LNT-PE1123", "E1123", _line(BAD, "environment_suffix=")) in got
    # The scaffold disables too-many-positional-arguments (R0917): not part of the gate.
    assert not [f for f in ran.findings if f.symbol in ("R0917", "R0913")], ran.findings
    # The other messages weigh little against 1000 more statements: this gate passes.
    assert ran.score is not None and ran.score > 9.0 and not [f for f in ran.findings if f.rule == "LNT001"]
    ruff_codes = {(f.rule, f.line) for f in ruff_lint(root, ["lib/tap_stack.py"])}
    assert ("LNT-E501", _line(BAD, LONG_TOKEN)) not in ruff_codes


@needs_pylint
def test_gate_fails_below_the_threshold_and_names_the_score(tmp_path: Path) -> None:
    root = _project(tmp_path, BAD)
    ran = pylint.run(root, _files(root), GATE)
    gate = [f for f in ran.findings if f.rule == "LNT001"]
    assert ran.score is not None and ran.score < GATE["fail_under"], ran.detail
    assert len(gate) == 1 and gate[0].severity.value == "high", gate
    assert f"{ran.score:.2f}/10" in gate[0].message and "R1705" in gate[0].message, gate[0].message
    assert gate[0].file == "lib/tap_stack.py" and gate[0].extra["statements"] > 0


@needs_pylint
def test_clean_twin_has_no_message(tmp_path: Path) -> None:
    root = _project(tmp_path, GOOD)
    ran = pylint.run(root, _files(root), GATE)
    assert ran.status == "ok" and ran.findings == [] and ran.score == 10.0, (ran.detail, ran.findings)


@needs_pylint
def test_project_pylintrc_is_not_obeyed(tmp_path: Path) -> None:
    """A response's own rcfile could disable everything (or run code through init-hook): iacqa uses its own."""
    root = _project(tmp_path, BAD, {".pylintrc": "[MESSAGES CONTROL]\ndisable=all\n"})
    ran = pylint.run(root, _files(root), GATE)
    assert any(f.symbol == "R1705" for f in ran.findings), ran.detail


@needs_pylint
def test_pipeline_under_tap_runs_pylint_and_drops_ruff_twins(tmp_path: Path) -> None:
    root = _project(tmp_path, BAD)
    r = analyze(root, "code", stages=("ingest", "lint"))
    assert r.profile["name"] == "tap"
    lint_stage = next(s for s in r.stages if s.name == "lint")
    assert "pylint" in lint_stage.detail and "score" in lint_stage.detail, lint_stage.detail
    rules = {f.rule for f in r.findings}
    assert {"LNT-PR1705", "LNT-PW1203", "LNT001"} <= rules, rules
    # pylint's W1203/W0622 replace ruff's G004/A002 in the gated files: one message, once.
    assert not rules & {"LNT-G004", "LNT-A002", "LNT-E501"}, rules


def test_default_profile_is_unchanged(tmp_path: Path) -> None:
    """--profile aws: ruff only, no pylint ids, no gate."""
    root = _project(tmp_path, BAD)
    r = analyze(root, "code", stages=("ingest", "lint"), options={"profile": "aws"})
    rules = {f.rule for f in r.findings}
    assert not [x for x in rules if x.startswith("LNT-P") or x == "LNT001"], rules
    assert {"LNT-G004", "LNT-A002"} <= rules, rules
    assert "pylint" not in next(s for s in r.stages if s.name == "lint").detail


def test_without_pylint_the_gate_is_estimated_from_ruff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """3 ruff twins (2 x G004 = W1203, A002 = W0622) over 8 statements: about 6.25/10, below the gate's 7.0."""
    monkeypatch.setattr(pylint, "available", lambda: False)
    stack = ('import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef build(id):\n'
             '    logger.info(f"a {id}")\n    logger.info(f"b {id}")\n')
    root = _project(tmp_path, stack)
    r = analyze(root, "code", stages=("ingest", "lint"))
    lint_stage = next(s for s in r.stages if s.name == "lint")
    assert "pylint is not installed" in lint_stage.detail, lint_stage.detail
    gate = [f for f in r.findings if f.rule == "LNT001"]
    assert len(gate) == 1 and "estimated" in gate[0].message and gate[0].extra["score_estimate"] < 7.0, gate
    assert not [f for f in r.findings if f.rule.startswith("LNT-P")]


@needs_pylint
def test_entry_point_iacqa_added_is_not_linted(tmp_path: Path) -> None:
    """ingest writes an adaptive tap.py when the response has none: its calls are iacqa's, not the response's (on
    corpus pulumi-py Pr6944 it alone made pylint rate 6.15/10: E1123/E1120 on branches that never run)."""
    entry = ('"""Entry point added by iacqa (the TAP convention): the response did not provide one."""\n'
             'from lib.tap_stack import Stack\n\nSTACK = Stack("x", environment_suffix="dev")\n')
    root = _project(tmp_path, GOOD, {"tap.py": entry})
    ran = pylint.run(root, _files(root), GATE)
    assert ran.status == "ok" and ran.findings == [] and "not linted: tap.py" in ran.detail, ran.detail


def test_the_gate_lints_only_what_pylint_reaches_from_its_arguments() -> None:
    # `pylint tap.py lib` enters lib/ as a package and its subpackages only: Lambda code in lib/lambda/<fn>/ (no
    # __init__.py) is not the gate's, so ruff's twins of pylint's messages there are kept (cdktf seed004)
    from iacqa.linters import pylint

    gate = {"paths": ["tap.py", "lib/"], "supersedes": ["G004"]}
    files = ["tap.py", "lib/__init__.py", "lib/tap_stack.py", "lib/util/__init__.py", "lib/util/names.py",
             "lib/lambda/fn/index.py", "tests/unit/test_x.py"]
    assert pylint.gated_files(files, gate) == ["lib/__init__.py", "lib/tap_stack.py", "lib/util/__init__.py",
                                               "lib/util/names.py", "tap.py"]
