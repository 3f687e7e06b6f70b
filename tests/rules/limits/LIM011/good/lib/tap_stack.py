"""Alarm on an S3 request metric with the bucket's metrics configuration."""

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
        aws.s3.BucketMetric(
            f"assets-metrics-{sfx}",
            bucket=bucket.id,
            name="EntireBucket",
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.cloudwatch.MetricAlarm(
            f"assets-5xx-{sfx}",
            namespace="AWS/S3",
            metric_name="5xxErrors",
            dimensions={"BucketName": bucket.bucket, "FilterId": "EntireBucket"},
            statistic="Sum",
            period=300,
            evaluation_periods=1,
            threshold=5,
            comparison_operator="GreaterThanThreshold",
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.cloudwatch.MetricAlarm(
            f"assets-size-{sfx}",
            namespace="AWS/S3",
            metric_name="BucketSizeBytes",
            dimensions={"BucketName": bucket.bucket, "StorageType": "StandardStorage"},
            statistic="Average",
            period=86400,
            evaluation_periods=1,
            threshold=1000000000,
            comparison_operator="GreaterThanThreshold",
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("bucket_name", bucket.bucket)
