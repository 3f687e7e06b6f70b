"""iam-missing rules: permissions AWS checks when a service integration is created or first used (PRM*)."""
