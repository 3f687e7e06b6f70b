"""The analysed program itself misbehaved in the sandbox: it hung, ate memory, or ended the process."""

from __future__ import annotations

from iacqa.model import Category, Finding, Location, Severity
from iacqa.rules.base import Rule


class ProgramTimeout(Rule):
    """The IaC program did not finish within the time limit.

    What it finds: a program still running when the sandbox's time limit (default 60 s) expired: an endless loop,
    a blocking network call, a `time.sleep` or polling loop at synth time.
    Why it breaks: `pulumi preview`/`cdktf synth` would hang in CI until the job is killed.
    Bad: `while not ready(): time.sleep(5)` in the stack constructor.
    Good: synth-time code that only declares resources.
    What AWS says: nothing; the pipeline times out.
    References: https://www.pulumi.com/docs/iac/concepts/how-pulumi-works/
    """

    id = "SBX001"
    category = Category.RUNTIME_ERROR
    severity = Severity.CRITICAL
    title = "program does not finish (time limit)"
    stage = "frontend"

    @classmethod
    def make(cls, loc: Location, seconds: float) -> Finding:
        return cls.finding(None, f"the program was still running after {seconds:.0f} s and was stopped; the "
                           "resources it declared before that are analysed", location=loc,
                           error=f"timed out after {seconds:.0f} s", fix="remove loops, waits and network calls "
                           "from synth-time code")


class ProgramMemory(Rule):
    """The IaC program exceeded the memory limit.

    What it finds: a program that allocates more than the sandbox allows (default 2 GiB).
    Why it breaks: CI runners kill it (OOM) before anything is deployed.
    Bad: building a huge list or reading a large file at synth time.
    Good: synth-time code that only declares resources.
    What AWS says: nothing; the runner's OOM killer stops the job.
    References: https://docs.python.org/3/library/exceptions.html#MemoryError
    """

    id = "SBX002"
    category = Category.RUNTIME_ERROR
    severity = Severity.CRITICAL
    title = "program exceeds the memory limit"
    stage = "frontend"

    @classmethod
    def make(cls, loc: Location, memory_mb: int) -> Finding:
        return cls.finding(None, f"the program tried to use more than {memory_mb} MB and was stopped",
                           location=loc, error="MemoryError", fix="do not allocate large data at synth time")


class ProgramExited(Rule):
    """The IaC program ended the process itself.

    What it finds: `sys.exit()`, `exit()`, `os._exit()` called while the program runs.
    Why it breaks: the engine sees the program end before it has declared its resources.
    Bad: `if not os.environ.get("X"): sys.exit(1)` at module level.
    Good: raise a clear exception, or use config with defaults.
    What AWS says: `error: an unhandled error occurred: Program exited with non-zero exit code: 1`.
    References: https://www.pulumi.com/docs/iac/concepts/how-pulumi-works/
    """

    id = "SBX003"
    category = Category.RUNTIME_ERROR
    severity = Severity.CRITICAL
    title = "program exits before it finishes"
    stage = "frontend"

    @classmethod
    def make(cls, loc: Location, what: str) -> Finding:
        return cls.finding(None, what, location=loc, error="Program exited with non-zero exit code",
                           fix="do not exit the process from IaC code")


class InternalError(Rule):
    """iacqa itself failed on part of the task.

    What it finds: a crash inside one of iacqa's own rules or stages.
    Why it breaks: nothing in the user's code; the affected checks were skipped for this task.
    Bad: n/a. Good: n/a.
    What AWS says: n/a.
    References: please report it with the task.
    """

    id = "IQA001"
    category = Category.DOCS
    severity = Severity.LOW
    title = "internal error in iacqa"
    stage = "engine"

    @classmethod
    def crash(cls, what: str, exc: BaseException, stage: str) -> Finding:
        """The finding that stands for a crashed rule or stage, with where in iacqa it crashed."""
        import traceback
        from pathlib import Path

        tb = traceback.extract_tb(exc.__traceback__)[-1]
        return cls.finding(None, f"{what} crashed: {type(exc).__name__}: {exc} ({Path(tb.filename).name}:"
                           f"{tb.lineno}); its checks were skipped for this task").with_(stage=stage)
