"""Installed by iacqa's sandbox: every Python process of a sandboxed child starts guarded (see iacqa_guard)."""

import os

if os.environ.get("IACQA_SANDBOX_ROOT"):
    import iacqa_guard

    iacqa_guard.install()
