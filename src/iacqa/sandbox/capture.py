"""Read a child's stdout/stderr through pipes, keeping only a bounded tail and counting the rest.

A program printing in a loop can write hundreds of MB per second; the parent must neither store it nor block the
child (a full pipe would stall it until the timeout, hiding what it was doing). A thread per stream drains the pipe,
keeps the last `keep` bytes, and counts everything.
"""

from __future__ import annotations

import os
import threading

KEEP_BYTES = 10 * 2**20  # kept per stream; the rest is counted and dropped
_CHUNK = 1 << 16


class Tail:
    def __init__(self, fd: int, keep: int = KEEP_BYTES) -> None:
        self.fd, self.keep = fd, keep
        self.total = 0
        self._buf = bytearray()
        self._thread = threading.Thread(target=self._run, daemon=True, name="iacqa-capture")
        self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                try:
                    chunk = os.read(self.fd, _CHUNK)
                except InterruptedError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                self.total += len(chunk)
                self._buf += chunk
                if len(self._buf) > 2 * self.keep:  # trim in amortized steps, not per chunk
                    del self._buf[:-self.keep]
        finally:
            try:
                os.close(self.fd)
            except OSError:
                pass

    def finish(self, timeout: float = 2.0) -> None:
        """Wait for the writer side to close (all holders gone); a grandchild holding it open is not waited for."""
        self._thread.join(timeout)

    @property
    def kept(self) -> bytes:
        return bytes(self._buf[-self.keep:])

    @property
    def dropped(self) -> int:
        return self.total - len(self.kept)

    def text(self, limit: int = 20000) -> str:
        return self.kept[-limit:].decode(errors="replace")
