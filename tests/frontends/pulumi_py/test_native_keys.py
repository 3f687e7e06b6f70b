"""Pulumi inputs come back camelCased from the engine; the graph re-cases field names, never user data keys."""

from __future__ import annotations

from iacqa.frontends.pulumi_py.frontend import to_native


def test_user_data_maps_keep_their_keys() -> None:
    inputs = {"metricName": "4xxErrors", "dimensions": {"BucketName": "b", "FilterId": "all"},
              "tags": {"CostCenter": "x"}, "environment": {"variables": {"TABLE_NAME": "t", "tableName": "u"}},
              "ruleConfig": {"maxAge": 3}}
    assert to_native(inputs) == {
        "metric_name": "4xxErrors", "dimensions": {"BucketName": "b", "FilterId": "all"},
        "tags": {"CostCenter": "x"}, "environment": {"variables": {"TABLE_NAME": "t", "tableName": "u"}},
        "rule_config": {"max_age": 3}}
