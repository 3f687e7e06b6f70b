"""Run code iacqa did not write: one `spawn` for every child, under namespaces (bubblewrap) when the machine allows
it, else the process-level guard; one `Outcome` record for how it ended."""

from iacqa.sandbox.child import EventSink, Limits, run_forked
from iacqa.sandbox.env import safe_env
from iacqa.sandbox.outcome import Outcome
from iacqa.sandbox.policy import IsolationRefused
from iacqa.sandbox.run import run_python
from iacqa.sandbox.spawn import spawn

ChildOutcome = Outcome  # the former name of the record

__all__ = ["ChildOutcome", "EventSink", "IsolationRefused", "Limits", "Outcome", "run_forked", "run_python",
           "safe_env", "spawn"]
