"""aws-limit: values the AWS API rejects."""
