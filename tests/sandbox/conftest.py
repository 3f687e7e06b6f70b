"""Hostile fixtures run under both isolations: namespaces (bubblewrap; skipped where it cannot run) and the forced
process-level fallback. Every fixture is written by the test itself; nothing connects beyond loopback."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from iacqa.sandbox import bwrap


@pytest.fixture(params=["namespaces", "process", "process-guard-only"])
def isolation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """namespaces (bubblewrap), process (the fallback: Landlock where the kernel has it, plus the Python guard),
    process-guard-only (the fallback where the kernel has no Landlock either)."""
    from iacqa.sandbox.spawn import landlock_abi

    if request.param == "namespaces" and bwrap.probe() is not None:
        pytest.skip(f"namespaces unavailable here: {bwrap.probe()}")
    monkeypatch.setenv("IACQA_ISOLATION", "auto" if request.param == "namespaces" else "process")
    if request.param == "process-guard-only":
        monkeypatch.setenv("IACQA_LANDLOCK", "0")
    landlock_abi.cache_clear()
    request.addfinalizer(landlock_abi.cache_clear)
    return "namespaces" if request.param == "namespaces" else "process"


@pytest.fixture
def decoys(tmp_path: Path) -> dict[str, Path]:
    """Files outside the project that no child may change: their content is checked after the run."""
    outside = tmp_path / "outside"
    outside.mkdir()
    files = {}
    for name in ("decoy.txt", "victim.txt"):
        p = outside / name
        p.write_text(f"untouched {name}\n")
        files[name] = p
    return files


def unchanged(decoys: dict[str, Path]) -> bool:
    return all(p.exists() and p.read_text() == f"untouched {n}\n" for n, p in decoys.items()) and \
        sorted(x.name for x in next(iter(decoys.values())).parent.iterdir()) == sorted(decoys)


class Listener:
    """A loopback TCP listener outside the sandbox that records every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            c.close()

    def close(self) -> None:
        self._stop = True
        self._t.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Listener:
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """A marker in this process's environment: no child may get hold of it."""
    marker = "IACQA-SECRET-" + os.urandom(8).hex()
    monkeypatch.setenv("IACQA_TEST_PARENT_SECRET", marker)
    return marker


PY = sys.executable
