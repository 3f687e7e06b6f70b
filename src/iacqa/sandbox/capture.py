"""Read a child's stdout/stderr through pipes, keeping only a bounded tail and counting the rest.

A program printing in a loop can write hundreds of MB per second; the parent must neither store it nor block the
child (a full pipe would stall it until the timeout, hiding what it was doing). A thread per stream drains the pipe,
keeps the last `keep` bytes, and counts everything.
"""

from __future__ import annotations

import os
import threading
from collections import deque

KEEP_BYTES = 10 * 2**20  # kept per stream; the rest is counted and dropped
_CHUNK = 1 << 16


class Tail:
    def __init__(self, fd: int, keep: int = KEEP_BYTES) -> None:
        self.fd, self.keep = fd, keep
        self.total = 0
        self._chunks: deque[bytes] = deque()
        self._held = 0
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
                self._chunks.append(chunk)
                self._held += len(chunk)
                while self._held - len(self._chunks[0]) >= self.keep:  # O(1) per chunk, memory ~ keep
                    self._held -= len(self._chunks.popleft())
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
        return b"".join(list(self._chunks))[-self.keep:]

    @property
    def dropped(self) -> int:
        return self.total - min(self._held, self.keep)

    def text(self, limit: int = 20000) -> str:
        tail = b""
        for chunk in reversed(list(self._chunks)):  # only the last `limit` bytes are joined
            tail = chunk + tail
            if len(tail) >= limit:
                break
        return tail[-limit:].decode(errors="replace")
