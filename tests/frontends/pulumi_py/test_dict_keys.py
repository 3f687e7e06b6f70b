"""SDK008: keys of plain dicts passed for nested pulumi-aws inputs, against the SDK's XArgsDict TypedDicts."""

from __future__ import annotations

import importlib.util

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pulumi_aws") is None, reason="pulumi extra not installed")

BAD = '''import pulumi_aws as aws
aws.ecs.Service(
    "svc",
    deployment_configuration={
        "maximum_percent": 200,
        "canary_configuration": {"canary_percnt": 10},
    },
    network_configuration={"subnets": ["a"], "assignPublicIp": False, "security_group": ["sg"]},
)
'''
GOOD = '''import pulumi_aws as aws
aws.ecs.Service(
    "svc",
    deployment_maximum_percent=200,
    deployment_configuration={"strategy": "CANARY", "canary_configuration": {"canary_percent": 10}},
    network_configuration={"subnets": ["a"], "assignPublicIp": False, "security_groups": ["sg"]},
    tags={"AnyKey": "free-form maps are not judged"},
)
'''


def test_unknown_keys_are_reported_at_their_line_with_the_close_key() -> None:
    from iacqa.frontends.pulumi_py.static_check import check_source

    found = [(f.line, f.symbol, f.fix.split(",")[0]) for f in check_source("lib/s.py", BAD) if f.rule == "SDK008"]
    assert found == [
        (5, "pulumi_aws.ecs.Service(deployment_configuration.maximum_percent=)",
         "keys of ServiceDeploymentConfigurationArgsDict: bake_time_in_minutes"),
        (6, "pulumi_aws.ecs.Service(deployment_configuration.canary_configuration.canary_percnt=)",
         "use `canary_percent`"),
        (8, "pulumi_aws.ecs.Service(network_configuration.security_group=)", "use `security_groups`"),
    ]


def test_known_snake_and_wire_names_are_accepted() -> None:
    from iacqa.frontends.pulumi_py.static_check import check_source

    assert [f for f in check_source("lib/s.py", GOOD) if f.rule == "SDK008"] == []
