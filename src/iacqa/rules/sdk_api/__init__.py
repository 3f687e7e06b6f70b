"""sdk-api: the IaC SDK used in a way that cannot work, seen in what the program declared (SDK* graph rules)."""
