"""Dashboard whose metric widget puts the dimensions in the options object and has no region."""

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
                    "metrics": [
                        ["AWS/SQS", "ApproximateNumberOfMessagesVisible",
                         {"stat": "Maximum", "dimensions": {"QueueName": queue_name}}],
                    ],
                    "period": 300,
                },
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
            dashboard_body=queue.name.apply(_body),  # expect: LIM010
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("queue_url", queue.url)
