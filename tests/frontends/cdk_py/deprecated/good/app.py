#!/usr/bin/env python3
"""CDK app: an orders table read by a Lambda function inside a VPC."""
import aws_cdk as cdk
from lib.orders_stack import OrdersStack

app = cdk.App()
OrdersStack(app, "OrdersStackdev")
app.synth()
