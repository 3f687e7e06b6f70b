"""Entry point that exports what the integration tests read."""

import pulumi

from lib.tap_stack import TapStack, TapStackArgs

stack = TapStack("TapStack", TapStackArgs(environment_suffix=pulumi.Config().get("env") or "dev"))
pulumi.export("queue_url", stack.queue.url)
pulumi.export("table_name", stack.table.name)
