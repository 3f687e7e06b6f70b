"""Moved to iacqa.toolchain.runner (below the front ends and the linters, which both run node)."""

from iacqa.toolchain.runner import JS_DIR, OUTPUT_LIMIT, NodeRun, bwrap_works, node, run, script

__all__ = ["JS_DIR", "OUTPUT_LIMIT", "NodeRun", "bwrap_works", "node", "run", "script"]
