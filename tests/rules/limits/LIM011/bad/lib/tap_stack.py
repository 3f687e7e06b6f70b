"""Alarms on S3 request metrics the bucket never publishes."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        bucket = aws.s3.Bucket(f"assets-{sfx}", force_destroy=True, opts=pulumi.ResourceOptions(parent=self))
        aws.cloudwatch.MetricAlarm(
            f"assets-5xx-{sfx}",
            namespace="AWS/S3",
            metric_name="5xxErrors",
            dimensions={"BucketName": bucket.bucket, "FilterId": "EntireBucket"},  # expect: LIM011
            statistic="Sum",
            period=300,
            evaluation_periods=1,
            threshold=5,
            comparison_operator="GreaterThanThreshold",
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.cloudwatch.MetricAlarm(
            f"assets-requests-{sfx}",
            namespace="AWS/S3",
            metric_name="AllRequests",
            dimensions={"BucketName": bucket.bucket},  # expect: LIM011
            statistic="Sum",
            period=300,
            evaluation_periods=1,
            threshold=10000,
            comparison_operator="GreaterThanThreshold",
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("bucket_name", bucket.bucket)
