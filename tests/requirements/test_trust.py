"""Trust guards: what makes a shortfall 'not checkable' instead of a false 'not met'."""

from __future__ import annotations

from iacqa.model import Resource, ResourceGraph
from iacqa.requirements import check_requirements

from .samples import graph_of

FN = "AWS::Lambda::Function"


def _status(prompt: str, graph: ResourceGraph, concept: str, platform: str = "cfn") -> tuple[str, str | None]:
    res = [r for r in check_requirements("## Requirements\n- " + prompt, graph, "ok", platform) if r.concept == concept]
    assert res, f"{concept} not named by {prompt!r}"
    return res[0].status, res[0].reason


def test_graph_that_failed_to_build_checks_nothing() -> None:
    res = check_requirements("## Requirements\n- Lambda with 512MB memory", graph_of({FN: {"MemorySize": 128}}),
                             "failed", "cfn")
    assert {r.status for r in res} == {"not checkable"}
    assert all("could not be built" in (r.reason or "") for r in res)


def test_conditional_and_environment_specific_asks() -> None:
    g = graph_of({"AWS::RDS::DBInstance": {"MultiAZ": False}})
    assert _status("If EnableRds=true, create an RDS database with Multi-AZ", g, "rds.multi_az")[0] == "not checkable"
    assert _status("RDS database Multi-AZ: dev disabled, prod enabled", g, "rds.multi_az")[0] == "not checkable"


def test_resources_behind_a_false_condition_are_not_missing() -> None:
    g = graph_of({"AWS::ElasticLoadBalancingV2::Listener": {"Protocol": "HTTP", "Port": 80}})
    g.notes.append("HTTPSListener: condition HasCertificate is false; not created")
    status, reason = _status("Configure the ALB with an HTTPS listener", g, "compute.https_listener")
    assert status == "not checkable" and "HTTPSListener" in reason


def test_nested_stacks_and_remote_modules_hide_resources() -> None:
    g = graph_of({"AWS::CloudFormation::Stack": {"TemplateURL": "https://x"}})
    assert _status("Create a DynamoDB table with point-in-time recovery", g, "dynamodb.pitr")[0] == "not checkable"
    tf = graph_of({"AWS::S3::Bucket": {}}, platform="tf")
    tf.notes.append("module.eks: source 'terraform-aws-modules/eks/aws' is not a local directory; its resources are "
                    "not in the graph")
    assert _status("Create an EKS cluster version 1.28", tf, "compute.eks_version", "tf")[0] == "not checkable"


def test_tag_keys_no_resource_carries_may_be_provider_default_tags() -> None:
    g = graph_of({"AWS::S3::Bucket": {"Tags": [{"Key": "Name", "Value": "b"}]},
                  FN: {"Tags": [{"Key": "Name", "Value": "f"}]}}, platform="tf")
    status, reason = _status("Tag all resources with Environment and Owner tags", g, "tagging.keys", "tf")
    assert status == "not checkable" and "default_tags" in reason
    # A key some resources carry and others lack is a real gap.
    g = graph_of({"AWS::S3::Bucket": {"Tags": [{"Key": "Owner", "Value": "me"}]}, FN: {}}, platform="tf")
    assert _status("Tag all resources with Owner tags", g, "tagging.keys", "tf")[0] == "partly met"


def test_unknown_values_and_impossible_values() -> None:
    g = graph_of({"AWS::Logs::LogGroup": {"RetentionInDays": "<unresolved:Param.Days>"}})
    assert _status("CloudWatch log groups with 7-day retention", g, "logs.retention")[0] == "not checkable"
    g = graph_of({"AWS::EC2::FlowLog": {"MaxAggregationInterval": 600}})
    status, reason = _status("VPC flow logs with aggregation interval to 5 minutes", g, "network.flow_logs_interval")
    assert status == "not checkable" and "60, 600" in reason


def test_mapping_that_dropped_an_argument_reads_what_the_user_wrote() -> None:
    g = ResourceGraph(platform="cdktf")
    g.add(Resource(id="db", type="AWS::RDS::DBInstance", native_type="aws_db_instance", properties={"Engine": "postgres"},
                   native_properties={"engine": "postgres", "manage_master_user_password": True}))
    assert _status("Use managed master user password feature", g, "rds.managed_password", "cdktf")[0] == "met"
