"""Dashboard with one metric widget written the way PutDashboard expects."""

import json

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


def _body(queue_name):
    return json.dumps({
        "widgets": [
            {
                "type": "metric",
                "x": 0,
                "y": 0,
                "width": 12,
                "height": 6,
                "properties": {
                    "title": "Queue depth",
                    "region": "us-east-1",
                    "metrics": [
                        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue_name,
                         {"stat": "Maximum"}],
                        [".", "NumberOfMessagesSent", ".", "."],
                    ],
                    "period": 300,
                },
            },
            {
                "type": "text",
                "x": 12,
                "y": 0,
                "width": 12,
                "height": 6,
                "properties": {"markdown": "# Orders"},
            },
        ],
    })


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        queue = aws.sqs.Queue(f"orders-{sfx}", opts=pulumi.ResourceOptions(parent=self))
        aws.cloudwatch.Dashboard(
            f"orders-dashboard-{sfx}",
            dashboard_name=f"orders-{sfx}",
            dashboard_body=queue.name.apply(_body),
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("queue_url", queue.url)
