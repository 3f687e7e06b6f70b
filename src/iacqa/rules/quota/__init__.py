"""aws-quota rules: account-level quotas that a configuration exceeds (QTA*)."""
