"""Classes of prompt statements added from the hand tally's missed items: each is recognised in several phrasings,
not in look-alike sentences that ask something else, and judged on small graphs (good and bad twins)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacqa.model import Location, Resource, ResourceGraph
from iacqa.requirements import check_requirements, checklist

from .samples import graph_of

LB = "AWS::ElasticLoadBalancingV2::LoadBalancer"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
SG = "AWS::EC2::SecurityGroup"


def _concepts(text: str, heading: str = "Requirements") -> set[str]:
    res = check_requirements(f"## {heading}\n- {text}", graph_of({}), "ok", "cfn")
    return {r.concept for r in res if r.concept}


def _status(prompt: str, graph: ResourceGraph, concept: str, platform: str = "cfn", **kw: object) -> str:
    res = [r for r in check_requirements(prompt, graph, "ok", platform, **kw) if r.concept == concept]  # type: ignore[arg-type]
    assert res, f"{concept} not named by {prompt!r}"
    return res[0].status


# -- HTTPS only on the load balancer (cdktf-py Pr6652: ALB SG opens 80 to 0.0.0.0/0) -------------------------------
@pytest.mark.parametrize("text", [
    "ALB must accept HTTPS only (port 443)",
    "HTTPS-only listener on port 443 from internet",
    "The load balancer should only accept HTTPS traffic",
    "Application Load Balancer serves HTTPS only",
])
def test_https_only_phrasings(text: str) -> None:
    assert "compute.https_only" in _concepts(text, "Load Balancing Requirements")


@pytest.mark.parametrize("text", [
    "CloudFront viewer protocol policy HTTPS only",
    "S3 bucket policy allows HTTPS only (aws:SecureTransport)",
    "API Gateway endpoints accept HTTPS only",
    "Redirect HTTP to HTTPS on the ALB",
    "Lambda functions write logs to CloudWatch",
])
def test_https_only_look_alikes(text: str) -> None:
    assert "compute.https_only" not in _concepts(text, "Security")


def _alb(sg_rules: list[dict], listeners: list[dict]) -> ResourceGraph:
    g = graph_of({LISTENER: listeners})
    g.add(Resource(id="albsg", type=SG, native_type=SG, properties={"SecurityGroupIngress": sg_rules},
                   outputs={"Id": "sg-0alb", "GroupId": "sg-0alb"}, location=Location("lib/main.py", 40)))
    g.add(Resource(id="appsg", type=SG, native_type=SG, properties={"SecurityGroupIngress": [
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"}]},
        outputs={"Id": "sg-0app"}, location=Location("lib/main.py", 50)))
    g.add(Resource(id="alb", type=LB, native_type=LB, properties={"SecurityGroups": ["sg-0alb"]},
                   outputs={"Arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1"}))
    return g


HTTPS_ONLY = "## Constraints\n- ALB must accept HTTPS only (port 443)"
OPEN_80 = {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"}
OPEN_443 = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
HTTPS = {"Protocol": "HTTPS", "Port": 443}


def test_https_only_on_the_graph() -> None:
    # port 80 open to the internet on the ALB's own security group: not met (the app SG's 80 is not the ALB's)
    assert _status(HTTPS_ONLY, _alb([OPEN_443, OPEN_80], [HTTPS]), "compute.https_only") == "not met"
    assert _status(HTTPS_ONLY, _alb([OPEN_443], [HTTPS]), "compute.https_only") == "met"
    # a plain HTTP listener that forwards: not met; one that redirects to HTTPS (and its open port 80): met
    forward = {"Protocol": "HTTP", "Port": 80, "DefaultActions": [{"Type": "forward"}]}
    redirect = {"Protocol": "HTTP", "Port": 80, "DefaultActions": [{"Type": "redirect"}]}
    assert _status(HTTPS_ONLY, _alb([OPEN_443], [HTTPS, forward]), "compute.https_only") == "not met"
    assert _status(HTTPS_ONLY, _alb([OPEN_443, OPEN_80], [HTTPS, redirect]), "compute.https_only") == "met"


def test_https_only_with_a_separate_ingress_rule_resource() -> None:
    """Terraform/CDKTF aws_security_group_rule: the rule names its group by id."""
    g = _alb([OPEN_443], [HTTPS])
    rule = "AWS::EC2::SecurityGroupIngress"
    g.add(Resource(id="http_in", type=rule, native_type=rule, properties={
        "SecurityGroupId": "sg-0alb", "FromPort": 80, "ToPort": 80, "IpProtocol": "tcp", "CidrBlocks": ["0.0.0.0/0"]}))
    assert _status(HTTPS_ONLY, g, "compute.https_only") == "not met"
    g.resources["http_in"].properties["SecurityGroupId"] = "sg-0app"
    assert _status(HTTPS_ONLY, g, "compute.https_only") == "met"


# -- alarms wired to SNS (cdktf-py Pr6739: 'Integration with CloudWatch alarms' under an SNS heading) --------------
ALARM = "AWS::CloudWatch::Alarm"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"


def test_alarms_integrated_with_sns() -> None:
    prompt = "### Alerting - SNS Topics\n- SNS topics in both regions\n- Integration with CloudWatch alarms"
    bare = graph_of({ALARM: {"MetricName": "HealthCheckStatus"}, "AWS::SNS::Topic": {}})
    wired = graph_of({ALARM: {"MetricName": "HealthCheckStatus", "AlarmActions": [TOPIC_ARN]}, "AWS::SNS::Topic": {}})
    assert _status(prompt, bare, "cw.alarm_actions_sns") == "not met"
    assert _status(prompt, wired, "cw.alarm_actions_sns") == "met"
    assert "cw.alarm_actions_sns" in _concepts("CloudWatch alarms must be wired to SNS", "Monitoring")
    # without SNS or notifications around it, 'integration with alarms' is not this ask
    assert "cw.alarm_actions_sns" not in _concepts("Integration with CloudWatch alarms", "Dashboards")


# -- Lambda error rate in percent (pulumi-py Pr5845: Sum(Errors) > 1 for "errors exceeding 1%") --------------------
def test_lambda_error_rate_percent_needs_metric_math() -> None:
    prompt = "## Monitoring\n- Set up alarms for Lambda errors exceeding 1% and DynamoDB throttling events."
    count = graph_of({ALARM: {"Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum", "Threshold": 1}})
    rate = graph_of({ALARM: {"Threshold": 1, "Metrics": [
        {"Id": "e", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors"}}},
        {"Id": "i", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations"}}},
        {"Id": "rate", "Expression": "100 * e / i"}]}})
    assert _status(prompt, count, "cw.alarm_lambda_error_rate") == "not met"
    assert _status(prompt, rate, "cw.alarm_lambda_error_rate") == "met"
    # a count ("more than 5 errors") is not a rate
    assert "cw.alarm_lambda_error_rate" not in _concepts("Alarm when Lambda errors exceed 5 in 5 minutes", "Monitoring")


# -- S3 bucket policies (tf-hcl Pr6005) ----------------------------------------------------------------------------
def test_bucket_policies() -> None:
    prompt = "## Compliance\n- Lock down S3 with proper bucket policies."
    assert _status(prompt, graph_of({"AWS::S3::Bucket": {}}), "s3.bucket_policy") == "not met"
    assert _status(prompt, graph_of({"AWS::S3::Bucket": {}, "AWS::S3::BucketPolicy": {"Bucket": "b"}}),
                   "s3.bucket_policy") == "met"
    assert "s3.bucket_policy" not in _concepts("CloudTrail needs a bucket policy on its log bucket", "Logging")


# -- one Terraform file (tf-hcl Pr4801, Pr6005) --------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "All code in a single main.tf file",
    "Everything in one file - let's call it main.tf or whatever makes sense.",
    "Keep everything in a single Terraform file (main.tf) with variables, locals, resources, and outputs included.",
    "Single file lib/tap_stack.tf with all logic",
])
def test_single_file_phrasings(text: str) -> None:
    assert "layout.single_tf_file" in _concepts(text, "Constraints")


@pytest.mark.parametrize("text", [
    "Launch the instance in a single availability zone",
    "Please provide the infrastructure code with one code block per file.",
    "Put variables in variables.tf and outputs in outputs.tf",
])
def test_single_file_look_alikes(text: str) -> None:
    assert "layout.single_tf_file" not in _concepts(text, "Constraints")


def test_single_file_on_the_response_files() -> None:
    prompt = "## Constraints\n- All code in a single main.tf file"
    g = graph_of({"AWS::S3::Bucket": {}}, platform="tf")
    assert _status(prompt, g, "layout.single_tf_file", "tf", files=["lib/main.tf", "lib/variables.tf",
                                                                     "lib/backend.tf", "lib/README.md"]) == "not met"
    # tests and docs are not configuration files
    assert _status(prompt, g, "layout.single_tf_file", "tf", files=["lib/main.tf", "lib/README.md",
                                                                     "test/terraform.int.test.tf"]) == "met"
    # no file list (a library caller): not checkable; a Pulumi response has no .tf to count
    assert _status(prompt, g, "layout.single_tf_file", "tf") == "not checkable"
    assert _status(prompt, g, "layout.single_tf_file", "pulumi", files=["__main__.py", "lib/stack.py"]) == \
        "not checkable"


# -- Terraform provider default_tags (tf-hcl Pr6005: Environment/Owner/ManagedBy, the prompt asks Compliance) ------
PROVIDER = '''provider "aws" {
  region = var.aws_region
  # tags applied to every resource
  default_tags {
    tags = {
      Environment = var.environment
      Owner       = var.owner_email
      ManagedBy   = "Terraform"%s
    }
  }
}
'''
TAGS_ASK = "## Compliance\n- Make sure everything is tagged properly for auditing (Environment, Compliance, Owner tags)."


def _tf_project(tmp_path: Path, extra: str) -> tuple[ResourceGraph, list[str]]:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "main.tf").write_text(PROVIDER % extra)
    g = graph_of({"AWS::S3::Bucket": {}, "AWS::SQS::Queue": {"Tags": [{"Key": "Name", "Value": "q"}]}}, platform="tf")
    return g, ["lib/main.tf"]


def test_default_tags_without_an_asked_key(tmp_path: Path) -> None:
    g, files = _tf_project(tmp_path, "")
    res = [r for r in check_requirements(TAGS_ASK, g, "ok", "tf", files, tmp_path) if r.concept == "tagging.keys"]
    assert res[0].status == "not met"
    assert "Compliance" in " ".join(res[0].evidence) and "default_tags" in " ".join(res[0].evidence)


def test_default_tags_with_every_asked_key(tmp_path: Path) -> None:
    g, files = _tf_project(tmp_path, '\n      Compliance  = "PCI-DSS"')
    res = [r for r in check_requirements(TAGS_ASK, g, "ok", "tf", files, tmp_path) if r.concept == "tagging.keys"]
    assert res[0].status == "met"


def test_default_tags_from_a_variable_stay_unknown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('provider "aws" {\n  default_tags {\n    tags = var.tags\n  }\n}\n')
    g = graph_of({"AWS::S3::Bucket": {}}, platform="tf")
    res = [r for r in check_requirements(TAGS_ASK, g, "ok", "tf", ["main.tf"], tmp_path)
           if r.concept == "tagging.keys"]
    assert res[0].status == "not checkable"


def test_findings_quote_the_prompt_line(tmp_path: Path) -> None:
    g, files = _tf_project(tmp_path, "")
    _, _, found = checklist(TAGS_ASK, g, "ok", "tf", "lib/PROMPT.md", files, tmp_path)
    f = next(f for f in found if f.extra.get("concept") == "tagging.keys")
    assert f.rule == "REQ002" and f.file == "lib/PROMPT.md" and f.line == 2
    assert "tagged properly for auditing" in f.message


# -- false 'not met' found while measuring (cdktf-py Pr6652, Pr6426) ----------------------------------------------
def test_terraform_inline_ingress_from_a_security_group() -> None:
    """aws_security_group ingress blocks keep Terraform's `security_groups` list: the database SG that admits only
    the ECS SG meets 'restricting access to ECS tasks only'; one open to a CIDR does not."""
    ask = "## Database\n- Security groups restricting access to ECS tasks only"
    tf_rule = {"FromPort": 3306, "ToPort": 3306, "Protocol": "tcp", "CidrBlocks": None, "SecurityGroups": ["sg-0ecs"]}
    assert _status(ask, graph_of({SG: {"SecurityGroupIngress": [tf_rule]}}), "network.db_sg_from_app") == "met"
    cidr = {**tf_rule, "SecurityGroups": None, "CidrBlocks": ["10.0.0.0/16"]}
    assert _status(ask, graph_of({SG: {"SecurityGroupIngress": [cidr]}}), "network.db_sg_from_app") == "not met"


def test_only_production_is_environment_specific() -> None:
    ask = "## Success Criteria\n- Multi-AZ: Only production RDS instances use Multi-AZ deployment"
    g = graph_of({"AWS::RDS::DBInstance": {"MultiAZ": False}})
    assert _status(ask, g, "rds.multi_az") == "not checkable"


def test_provider_and_backend_files_are_plumbing(tmp_path: Path) -> None:
    """The TAP scaffold's lib/provider.tf (terraform + provider blocks only) beside tap_stack.tf is one file of
    configuration (tf-hcl Pr3680/Pr4552/Pr6005 ideals); a variables.tf next to main.tf is a second one (Pr4801)."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "provider.tf").write_text('terraform {\n  backend "s3" {}\n}\nprovider "aws" {\n  region = "us-east-1"\n}\n')
    (lib / "tap_stack.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    prompt = "## Constraints\n- Build this in Terraform as a single file named tap_stack.tf."
    g = graph_of({"AWS::S3::Bucket": {}}, platform="tf")
    files = ["lib/provider.tf", "lib/tap_stack.tf"]
    assert _status(prompt, g, "layout.single_tf_file", "tf", files=files, root=tmp_path) == "met"
    (lib / "variables.tf").write_text('variable "env" {\n  default = "dev"\n}\n')
    assert _status(prompt, g, "layout.single_tf_file", "tf", files=[*files, "lib/variables.tf"],
                   root=tmp_path) == "not met"


def test_autoscaling_group_tag_blocks_count_as_tags() -> None:
    """aws_autoscaling_group carries `tag { key, value, propagate_at_launch }` blocks (tf-hcl Pr8672 model: the
    dynamic tag blocks over common_tags were read as no tags at all)."""
    asg = "AWS::AutoScaling::AutoScalingGroup"
    g = ResourceGraph(platform="tf")
    g.add(Resource(id="aws_autoscaling_group.web", type=asg, native_type="aws_autoscaling_group", properties={},
                   native_properties={"tag": [{"key": "Environment", "value": "dev", "propagate_at_launch": True},
                                              {"key": "Owner", "value": "me", "propagate_at_launch": True}]}))
    ask = "## Requirements\n- Consistent tagging with Environment, Owner on all resources"
    assert _status(ask, g, "tagging.keys", "tf") == "met"
    g.resources["aws_autoscaling_group.web"].native_properties["tag"] = [{"key": "Environment", "value": "dev"}]
    assert _status(ask, g, "tagging.keys", "tf") != "met"  # Owner on no resource: maybe default_tags


def test_partial_graph_ignores_resources_that_never_resolved() -> None:
    """pulumi-ts Pr6582 ideal: the program stopped before the node group's inputs resolved; its absent tags say
    nothing, while the add-on that registered without tags is a real gap."""
    g = graph_of({"AWS::S3::Bucket": {"Tags": [{"Key": "Environment", "Value": "Production"}]},
                  "AWS::EKS::Addon": {}, "AWS::EKS::Nodegroup": {}}, platform="pulumi")
    g.resources["Nodegroup1"].unresolved = True
    # an unmapped Pulumi type read through the view's table keeps the flag too
    g.add(Resource(id="ng-native", type="aws:eks/nodeGroup:NodeGroup", native_type="aws:eks/nodeGroup:NodeGroup",
                   mapped=False, unresolved=True, native_properties={"clusterName": "c"}))
    ask = "## Tagging requirements\n- Tag all resources with: Environment=Production"
    res = [r for r in check_requirements(ask, g, "failed", "pulumi") if r.concept == "tagging.keys"][0]
    assert res.status == "partly met" and "Addon1" in " ".join(res.evidence)
    assert "Nodegroup1" not in " ".join(res.evidence) and "ng-native" not in " ".join(res.evidence)


def test_bottlerocket_through_a_launch_template_image() -> None:
    ask = "## Requirements\n- Both node groups must use Bottlerocket AMI for enhanced security"
    lt = graph_of({"AWS::EKS::Nodegroup": [{"LaunchTemplate": {"Id": "lt-1"}}, {"AmiType": "BOTTLEROCKET_x86_64"}]})
    assert _status(ask, lt, "compute.bottlerocket") == "met"
    al2 = graph_of({"AWS::EKS::Nodegroup": [{"AmiType": "AL2_x86_64"}, {"AmiType": "BOTTLEROCKET_x86_64"}]})
    assert _status(ask, al2, "compute.bottlerocket") == "partly met"


def test_event_source_mappings_are_not_untagged_resources() -> None:
    ask = "## Requirements\n- Apply a standard tagging policy to all resources with Project, Environment tags."
    tags = [{"Key": "Project", "Value": "p"}, {"Key": "Environment", "Value": "dev"}]
    g = graph_of({"AWS::Lambda::Function": {"Tags": tags}, "AWS::Lambda::EventSourceMapping": {}})
    assert _status(ask, g, "tagging.keys") == "met"


def test_database_password_read_from_an_existing_secret() -> None:
    """cdktf-py Pr6426 ideal: password=DataAwsSecretsmanagerSecretVersion(...).secret_string (an existing secret,
    read by a data source) is managed through Secrets Manager; the model's literal 'changeme123' is not."""
    ask = "## Constraints\n- All database passwords must be managed through AWS Secrets Manager"
    db = "AWS::RDS::DBInstance"
    assert _status(ask, graph_of({db: {"MasterUserPassword": {}}}), "secrets.secret") == "met"
    assert _status(ask, graph_of({db: {"MasterUserPassword": "{}"}}), "secrets.secret") == "met"
    assert _status(ask, graph_of({db: {"ManageMasterUserPassword": True}}), "secrets.secret") == "met"
    assert _status(ask, graph_of({db: {"MasterUserPassword": "changeme123"}}), "secrets.secret") == "not met"


def test_https_only_evidence_names_the_open_rule() -> None:
    res = [r for r in check_requirements(HTTPS_ONLY, _alb([OPEN_443, OPEN_80], [HTTPS]), "ok", "cfn")
           if r.concept == "compute.https_only"][0]
    assert res.resource is not None and res.resource.id == "albsg" and res.attribute == "SecurityGroupIngress"
    assert '"FromPort": 80' in res.evidence[0] and '"FromPort": 443' not in res.evidence[0]


def test_look_alikes_seen_on_cdktf_models() -> None:
    """Sentences that describe traffic or how a VPC is shared do not ask for a database or a VPC (cdktf-py
    Pr6628, Pr7824 models, judged once their graphs were)."""
    text = "They need to share data securely - mainly HTTPS traffic and PostgreSQL database connections between subnets."
    assert "rds.database" not in _concepts(text)
    assert "network.vpc" not in _concepts("Use stack references to share VPC")


def test_partial_graph_does_not_judge_aurora_settings() -> None:
    """Aurora keeps backup retention on the cluster and Performance Insights on its instances: a partial graph
    may hold one side (cdk-py Pr7440 model)."""
    g = graph_of({"AWS::RDS::DBCluster": {"BackupRetentionPeriod": 30},
                  "AWS::RDS::DBInstance": [{"DBClusterIdentifier": "c"}, {"DBClusterIdentifier": "c"}]})
    ask = "## Requirements\n- All databases must keep automated backups with 30-day retention"
    res = [r for r in check_requirements(ask, g, "failed", "cdk") if r.concept == "rds.backup_retention"]
    assert res and res[0].status in ("met", "not checkable")
