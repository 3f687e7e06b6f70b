"""Moved to iacqa.toolchain.workspace (below the front ends and the linters, which both use it)."""

from iacqa.toolchain.workspace import (
                                       ENTRIES,
                                       JS_SUFFIXES,
                                       SKIP,
                                       TS_SUFFIXES,
                                       TSCONFIG,
                                       Workspace,
                                       app_command,
                                       code_files,
                                       entry_script,
                                       prepare,
                                       pulumi_main,
)

__all__ = ["ENTRIES", "JS_SUFFIXES", "SKIP", "TSCONFIG", "TS_SUFFIXES", "Workspace", "app_command", "code_files",
           "entry_script", "prepare", "pulumi_main"]
