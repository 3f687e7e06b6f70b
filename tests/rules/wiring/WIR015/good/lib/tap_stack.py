"""Bucket notifications ordered after the lambda permission and the queue policy that let S3 deliver."""

import json

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(f"uploads-{sfx}", bucket=f"uploads-{sfx}", opts=child)
        role = aws.iam.Role(
            f"processor-role-{sfx}",
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            opts=child,
        )
        fn = aws.lambda_.Function(
            f"processor-{sfx}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return 1\n")}),
            opts=child,
        )
        permission = aws.lambda_.Permission(
            f"allow-s3-{sfx}",
            action="lambda:InvokeFunction",
            function=fn.name,
            principal="s3.amazonaws.com",
            source_arn=bucket.arn,
            opts=child,
        )
        aws.s3.BucketNotification(
            f"uploads-to-processor-{sfx}",
            bucket=bucket.id,
            lambda_functions=[{
                "lambda_function_arn": fn.arn,
                "events": ["s3:ObjectCreated:*"],
            }],
            opts=pulumi.ResourceOptions(parent=self, depends_on=permission),
        )
        archive = aws.s3.Bucket(f"archive-{sfx}", bucket=f"archive-{sfx}", opts=child)
        queue = aws.sqs.Queue(f"archive-events-{sfx}", opts=child)
        queue_policy = aws.sqs.QueuePolicy(
            f"archive-events-policy-{sfx}",
            queue_url=queue.id,
            policy=pulumi.Output.all(queue.arn, archive.arn).apply(lambda a: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": a[0],
                    "Condition": {"ArnLike": {"aws:SourceArn": a[1]}},
                }],
            })),
            opts=child,
        )
        aws.s3.BucketNotification(
            f"archive-to-queue-{sfx}",
            bucket=archive.id,
            queues=[{
                "queue_arn": queue.arn,
                "events": ["s3:ObjectCreated:*"],
            }],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[queue_policy]),
        )
