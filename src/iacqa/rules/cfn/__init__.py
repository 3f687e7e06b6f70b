"""cfn: ids for CloudFormation templates: cfn-lint's matches in iacqa's categories, and what resolution finds."""
