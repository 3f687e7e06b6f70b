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
    res = check_requirements("## Requirements\n- Lambda with 512MB memory", ResourceGraph(platform="cfn"),
                             "failed", "cfn")
    assert {r.status for r in res} == {"not checkable"}
    assert all("could not be built" in (r.reason or "") for r in res)


def test_partial_graph_reports_only_offenders_present() -> None:
    """A front end that stopped at an error (Pulumi keep-going, CDK continuation) recorded part of the program: a
    resource present whose own value falls short of an 'every X' ask is reported; an X that is missing, or one
    X that does not have the value when another may come later, is not."""
    g = graph_of({FN: {"MemorySize": 128}})
    res = {r.concept: r for r in check_requirements("## Requirements\n- Lambda with 512MB memory", g, "failed", "cfn")}
    assert res["lambda.memory"].status == "not checkable" and "stopped at an error" in res["lambda.memory"].reason
    assert res["lambda.function"].status == "met"
    logs = graph_of({"AWS::Logs::LogGroup": [{"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1"}, {}]})
    ask = "## Constraints\n- KMS encryption for all log data"
    assert [r.status for r in check_requirements(ask, logs, "failed", "pulumi") if r.concept == "logs.kms"] == [
        "partly met"]
    nothing = graph_of({FN: {}})
    assert [r.status for r in check_requirements(ask, nothing, "failed", "pulumi") if r.concept == "logs.kms"] == [
        "not checkable"]


def test_cdktf_copy_with_unused_imports_removed_is_whole() -> None:
    """CDKTF synthesizes a copy whose only change is unused missing imports removed (revealed_by set): the graph
    is the response's whole program, so a missing resource is missing; the findings carry revealed_by."""
    from iacqa.requirements import checklist

    g = graph_of({FN: {}}, platform="cdktf")  # locations in lib/tap_stack.py: the Python front end
    ask = "## Requirements\n- Create an SQS dead-letter queue for failed messages"
    _, _, found = checklist(ask, g, "failed", "cdktf")
    assert found == []  # not revealed: a failed CDKTF graph is still partial
    g.revealed_by = "abc123"
    _, _, found = checklist(ask, g, "failed", "cdktf")
    assert found and all(f.revealed_by == "abc123" for f in found)
    # the keep-going run skips the statements that raised: what they declared is missing from its graph
    g.notes.append("graph built from a run with each failing statement skipped (keep-going)")
    _, _, found = checklist(ask, g, "failed", "cdktf")
    assert found == []


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
