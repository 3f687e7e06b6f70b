"""Run code iacqa did not write: forked children with time and memory limits, scrubbed environment."""

from iacqa.sandbox.child import ChildOutcome, EventSink, Limits, run_forked
from iacqa.sandbox.env import safe_env

__all__ = ["ChildOutcome", "EventSink", "Limits", "run_forked", "safe_env"]
