"""requirement: what the task needs that the code does not do."""
