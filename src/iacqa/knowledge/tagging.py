"""Which resource types carry tags: read from the CloudFormation schemas (cfn-lint's), less the types reviewers do
not expect tags on. Shared by the requirement checks (tagging concepts) and the partial-tagging rule (HYG009)."""

from __future__ import annotations

from functools import lru_cache

TAG_EXEMPT = frozenset({"AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::Events::Rule",
                        "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule",
                        "AWS::EC2::VPCEndpoint", "AWS::SNS::Subscription", "AWS::Lambda::Permission",
                        "AWS::IAM::ManagedPolicy", "AWS::KMS::Alias", "AWS::EC2::SubnetRouteTableAssociation",
                        "AWS::ApplicationAutoScaling::ScalableTarget"})


@lru_cache(maxsize=512)
def taggable(cfn_type: str) -> bool:
    """Whether the CloudFormation schema of the type has `Tags` (cfn-lint's schemas)."""
    try:
        from iacqa.knowledge.constraints import has_path

        return bool(has_path(cfn_type, "Tags"))
    except Exception:  # noqa: BLE001 - no schema for the type: not counted as taggable
        return False
