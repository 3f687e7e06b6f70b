"""Pulumi entry point for the TapStack fixture."""

import pulumi

from lib.tap_stack import TapStack, TapStackArgs

config = pulumi.Config()
environment_suffix = config.get("env") or "dev"
stack = TapStack("TapStack", TapStackArgs(environment_suffix=environment_suffix))
