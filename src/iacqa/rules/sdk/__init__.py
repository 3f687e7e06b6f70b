"""sdk-api: the IaC SDK used in a way that cannot work."""
