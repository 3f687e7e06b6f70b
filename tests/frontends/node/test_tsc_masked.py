"""tsc checks no further property of an object literal once one is rejected: the pass that blanks the rejected
properties (js/drop_properties.js) reports what they hid, revealed_by them."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "masked_property"


@pytest.fixture
def toolchain():
    from iacqa.toolchain import node

    tc = node.find()
    if tc is None:
        pytest.skip(f"Node toolchain not installed ({node.unavailable_reason()})")
    return tc


def test_an_unknown_property_hidden_by_a_wrong_one_is_reported(toolchain) -> None:
    from iacqa.frontends.node import tsc
    from iacqa.toolchain.workspace import prepare

    ws = prepare(FIXTURE, toolchain, "cdktf", "ts")
    try:
        res = tsc.check(ws.root, toolchain.node_modules)
    finally:
        ws.cleanup()
    own = [(d.file, d.line, d.code, d.revealed_by) for d in res.diagnostics if d.file == "lib/tap-stack.ts"]
    assert own == [("lib/tap-stack.ts", 10, 2322, None),
                   ("lib/tap-stack.ts", 11, 2353, ("lib/tap-stack.ts", 10, 2322))], own
    assert "1 rejected object-literal propert(ies) blanked: 1 more" in res.detail
