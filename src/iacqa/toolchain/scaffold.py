"""Packages the TAP scaffold's root package.json declares (its dependencies and devDependencies).

The pipeline installs them all; iacqa's toolchain holds the subset the analysis runs. An import of a declared
package that iacqa does not hold is not a finding (TS2307 would be iacqa's gap, not the project's); an import of a
package the scaffold does not declare fails in the pipeline too and is reported.
"""

DECLARED: frozenset[str] = frozenset("""
@aws-cdk/aws-pipes-alpha @aws-cdk/aws-pipes-sources-alpha @aws-cdk/aws-pipes-targets-alpha
@aws-cdk/lambda-layer-kubectl-v28 @aws-cdk/lambda-layer-kubectl-v29 @aws-lambda-powertools/logger
@aws-lambda-powertools/metrics @aws-lambda-powertools/tracer @aws-sdk/client-accessanalyzer @aws-sdk/client-acm
@aws-sdk/client-apigatewaymanagementapi @aws-sdk/client-cloudwatch @aws-sdk/client-cognito-identity-provider
@aws-sdk/client-datasync @aws-sdk/client-ec2 @aws-sdk/client-eks @aws-sdk/client-iam @aws-sdk/client-inspector2
@aws-sdk/client-iot-data-plane @aws-sdk/client-opensearch @aws-sdk/client-s3 @aws-sdk/client-sns @aws-sdk/client-sqs
@aws-sdk/client-ssm @aws-sdk/client-timestream-query @aws-sdk/client-timestream-write @aws-sdk/lib-dynamodb
@aws-sdk/s3-request-presigner @aws-sdk/signature-v4-crt @aws-sdk/signature-v4a @aws-sdk/util-dynamodb
@cdktf/provider-archive @cdktf/provider-aws @cdktf/provider-random @cdktf/provider-tls @inquirer/prompts
@kubernetes/client-node @pulumi/aws @pulumi/awsx @pulumi/eks @pulumi/kubernetes @pulumi/pulumi @pulumi/random
@pulumi/tls @types/archiver @types/aws-lambda archiver aws-cdk-lib cdk-ec2-key-pair cdktf cdktf-cli constructs
fs-extra source-map-support uuid
@aws-sdk/client-api-gateway @aws-sdk/client-apigatewayv2 @aws-sdk/client-application-auto-scaling
@aws-sdk/client-application-insights @aws-sdk/client-athena @aws-sdk/client-auto-scaling @aws-sdk/client-backup
@aws-sdk/client-cloudformation @aws-sdk/client-cloudfront @aws-sdk/client-cloudtrail @aws-sdk/client-cloudwatch-logs
@aws-sdk/client-codebuild @aws-sdk/client-codecommit @aws-sdk/client-codedeploy @aws-sdk/client-codepipeline
@aws-sdk/client-config-service @aws-sdk/client-database-migration-service @aws-sdk/client-dynamodb
@aws-sdk/client-ecr @aws-sdk/client-ecs @aws-sdk/client-efs @aws-sdk/client-elastic-beanstalk
@aws-sdk/client-elastic-load-balancing-v2 @aws-sdk/client-elasticache @aws-sdk/client-eventbridge
@aws-sdk/client-firehose @aws-sdk/client-glue @aws-sdk/client-guardduty @aws-sdk/client-iot @aws-sdk/client-kinesis
@aws-sdk/client-kms @aws-sdk/client-lambda @aws-sdk/client-location @aws-sdk/client-macie2
@aws-sdk/client-network-firewall @aws-sdk/client-opensearchserverless @aws-sdk/client-quicksight
@aws-sdk/client-rds @aws-sdk/client-rds-data @aws-sdk/client-resource-groups-tagging-api @aws-sdk/client-route-53
@aws-sdk/client-sagemaker @aws-sdk/client-scheduler @aws-sdk/client-secrets-manager @aws-sdk/client-securityhub
@aws-sdk/client-servicediscovery @aws-sdk/client-sesv2 @aws-sdk/client-sfn @aws-sdk/client-sts
@aws-sdk/client-vpc-lattice @aws-sdk/client-wafv2 @aws-sdk/client-xray @aws-sdk/credential-provider-node
@opensearch-project/opensearch @types/aws-sdk @types/jest @types/node @types/node-fetch @types/pg @types/uuid
aws-cdk aws-sdk aws-sdk-client-mock aws4 axios esbuild hcl2-parser jest js-yaml mysql2 node-fetch pg ts-jest
ts-node typescript yaml-cfn
""".split())
