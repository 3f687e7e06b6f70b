"""Read-only facts as data: type maps, constraints, SDK symbol indexes, quotas, IAM."""
