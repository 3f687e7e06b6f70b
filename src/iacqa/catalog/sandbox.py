"""The analysed program itself misbehaved in the sandbox: it hung, ate memory, or ended the process."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Finding, Location, Severity


class ProgramTimeout(Entry):
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
    emitters = (
        "iacqa.frontends.cdk_py.frontend",
        "iacqa.frontends.cdktf_py.frontend",
        "iacqa.frontends.pulumi_py.frontend",
    )
    stage = "frontend"

    @classmethod
    def make(cls, loc: Location, seconds: float) -> Finding:
        return cls.finding(f"the program was still running after {seconds:.0f} s and was stopped; the "
                           "resources it declared before that are analysed", location=loc,
                           error=f"timed out after {seconds:.0f} s", fix="remove loops, waits and network calls "
                           "from synth-time code")


class ProgramMemory(Entry):
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
    emitters = (
        "iacqa.frontends.cdk_py.frontend",
        "iacqa.frontends.cdktf_py.frontend",
        "iacqa.frontends.pulumi_py.frontend",
    )
    stage = "frontend"

    @classmethod
    def make(cls, loc: Location, memory_mb: int) -> Finding:
        return cls.finding(f"the program tried to use more than {memory_mb} MB and was stopped",
                           location=loc, error="MemoryError", fix="do not allocate large data at synth time")


class ProgramExited(Entry):
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
    emitters = (
        "iacqa.frontends.cdk_py.frontend",
        "iacqa.frontends.cdktf_py.frontend",
        "iacqa.frontends.pulumi_py.frontend",
    )
    stage = "frontend"

    @classmethod
    def make(cls, loc: Location, what: str) -> Finding:
        return cls.finding(what, location=loc, error="Program exited with non-zero exit code",
                           fix="do not exit the process from IaC code")



class StageOverBudget(Entry):
    """A stage still running when the task's time budget was spent.

    What it finds: the stage that was interrupted when the whole analysis of the task reached `--timeout-total`
    (default 600 s); the stages before it are reported, the ones after it are skipped.
    Why it breaks: nothing in the project is judged by it: the stage's checks did not finish, so what they would
    have found is unknown (iacqa's own limit, not a defect of the code; never blocking).
    Bad: a 20,000-resource template, or a `count` in the millions, that keeps a stage busy past the budget.
    Good: the analysis finishes within the budget, or `--timeout-total` is raised for such tasks.
    What AWS says: nothing; this is iacqa's budget.
    References: https://docs.python.org/3/library/signal.html#signal.setitimer
    """

    id = "SBX004"
    category = Category.INTERNAL
    severity = Severity.MEDIUM
    title = "stage stopped by the task's time budget"
    emitters = ("iacqa.pipeline",)
    stage = "engine"

    @classmethod
    def make(cls, stage: str, total: float) -> Finding:
        return cls.finding(f"the {stage} stage did not finish within the task's time budget ({total:g} s, "
                           "--timeout-total) and was stopped; its checks are missing from this report",
                           error=f"stage {stage} stopped after the {total:g} s budget",
                           fix="raise --timeout-total for this task, or make the input smaller", stage_name=stage)
