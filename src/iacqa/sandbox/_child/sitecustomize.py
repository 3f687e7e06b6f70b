"""Installed by iacqa's tests stage: every Python process of the run starts guarded (see iacqa_guard)."""

import os

if os.environ.get("IACQA_SANDBOX_ROOT"):
    import iacqa_guard

    iacqa_guard.install()
