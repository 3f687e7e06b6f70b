"""CDKTF TypeScript front-end tests: those that run node need the toolchain (`iacqa setup typescript`) and skip
cleanly without it."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def toolchain():
    from iacqa.toolchain import node

    tc = node.find()
    if tc is None:
        pytest.skip(f"Node toolchain not installed ({node.unavailable_reason()})")
    return tc
