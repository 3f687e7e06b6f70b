"""Pulumi entry point: one TapStack per environment suffix."""

import os

import pulumi

from lib.tap_stack import TapStack, TapStackArgs

environment_suffix = os.getenv("ENVIRONMENT_SUFFIX") or pulumi.Config().get("env") or "dev"
stack = TapStack("TapStack", TapStackArgs(environment_suffix=environment_suffix))
pulumi.export("api_url", stack.api_url)
pulumi.export("table_name", stack.table.name)
pulumi.export("topic_arn", stack.topic.arn)
