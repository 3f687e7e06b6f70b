"""How a sandboxed child ended: the one record every spawn returns (program run, app synth, tests, handlers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Outcome:
    """status: ok | error | timeout | memory | exit | killed | start-failed.

    `exit` means the foreign code ended the process itself (os._exit, an exit code the runner did not set);
    `killed` means a signal the watchdog did not send. `exit_code` is the process's code (None when signalled),
    `signal` the signal number that ended it. The runner's own codes are never read as the program's: a runner
    reports through a `runner-exit` event before it exits, so a bare exit code is always the program's.
    """

    status: str
    exit_code: int | None = None
    signal: int | None = None
    timed_out: bool = False
    memory_exceeded: bool = False
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    isolation: str = "process"  # namespaces | process
    events: list[dict[str, Any]] = field(default_factory=list)
    stdout: str = ""  # tail of what the child printed (the rest was counted, see *_dropped)
    stderr: str = ""
    stdout_bytes: int = 0
    stderr_bytes: int = 0
    stdout_dropped: int = 0
    stderr_dropped: int = 0
    detail: str = ""

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("kind") == kind]

    @property
    def returncode(self) -> int | None:
        """As subprocess reports it: negative signal number when signalled."""
        return -self.signal if self.signal else self.exit_code

    @property
    def peak_mb(self) -> float:
        return self.peak_rss_mb

    @property
    def log_tail(self) -> str:
        """What the child printed, for the stage log (never iacqa's stdout)."""
        parts = []
        if self.stdout.strip():
            parts.append(self.stdout.rstrip())
        if self.stderr.strip():
            parts.append(self.stderr.rstrip())
        dropped = self.stdout_dropped + self.stderr_dropped
        if dropped:
            parts.append(f"[iacqa: {dropped} bytes of child output dropped (cap per stream)]")
        return "\n".join(parts)[-4000:]

    def summary(self) -> dict[str, Any]:
        return {"status": self.status, "exit_code": self.exit_code, "signal": self.signal,
                "timed_out": self.timed_out, "memory_exceeded": self.memory_exceeded,
                "seconds": round(self.seconds, 3), "peak_rss_mb": self.peak_rss_mb, "isolation": self.isolation,
                "stdout_dropped": self.stdout_dropped, "stderr_dropped": self.stderr_dropped}
