"""Report formats: pure functions of TaskResult plus rule metadata."""
