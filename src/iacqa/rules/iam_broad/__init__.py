"""iam-broad: policies that grant more than needed (IAM*)."""
