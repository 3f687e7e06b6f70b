"""CloudFormation YAML/JSON front end (also the path of AWS CDK's synthesized templates)."""
