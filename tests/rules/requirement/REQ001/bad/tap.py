"""Entry point that exports nothing."""

import pulumi

from lib.tap_stack import TapStack, TapStackArgs

stack = TapStack("TapStack", TapStackArgs(environment_suffix=pulumi.Config().get("env") or "dev"))  # expect: REQ001
