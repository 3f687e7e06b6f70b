"""The Pulumi -> CloudFormation type map: every path it can produce exists in the cfn-lint schema; behaviour."""

from __future__ import annotations

import importlib
import inspect
import json
import re

import pytest

from iacqa.knowledge.constraints import has_path, has_type, schema
from iacqa.knowledge.typemap import FREE_MAPS, _Builder, map_pulumi, table

pytest.importorskip("cfnlint")

REQUIRED_TOKENS = [
    "aws:lambda/function:Function", "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    "aws:lambda/eventSourceMapping:EventSourceMapping", "aws:lambda/permission:Permission",
    "aws:lambda/alias:Alias", "aws:lambda/layerVersion:LayerVersion", "aws:lambda/functionUrl:FunctionUrl",
    "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy", "aws:sns/topic:Topic",
    "aws:sns/topicSubscription:TopicSubscription", "aws:sns/topicPolicy:TopicPolicy", "aws:dynamodb/table:Table",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
    "aws:s3/bucketNotification:BucketNotification", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketLogging:BucketLogging", "aws:iam/role:Role", "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:kms/key:Key",
    "aws:kms/alias:Alias", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget",
    "aws:apigateway/restApi:RestApi", "aws:apigateway/resource:Resource", "aws:apigateway/method:Method",
    "aws:apigateway/integration:Integration", "aws:apigateway/deployment:Deployment",
    "aws:apigateway/stage:Stage", "aws:apigateway/authorizer:Authorizer", "aws:apigateway/usagePlan:UsagePlan",
    "aws:apigateway/apiKey:ApiKey", "aws:apigatewayv2/api:Api", "aws:apigatewayv2/route:Route",
    "aws:apigatewayv2/integration:Integration", "aws:apigatewayv2/stage:Stage",
    "aws:sfn/stateMachine:StateMachine", "aws:ssm/parameter:Parameter", "aws:secretsmanager/secret:Secret",
    "aws:secretsmanager/secretVersion:SecretVersion",
]

TOKENS = sorted(table())
NON_PSEUDO = [t for t in TOKENS if not table()[t].get("pseudo")]


# -- the SDK's real argument names ------------------------------------------------------------------------------
def _sdk_args(token: str) -> tuple[type, object]:
    pulumi_aws = pytest.importorskip("pulumi_aws")
    _, mod, name = token.split(":")
    pkg = mod.split("/")[0]
    pkg = {"lambda": "lambda_"}.get(pkg, pkg)
    m = importlib.import_module(f"{pulumi_aws.__name__}.{pkg}")
    return getattr(m, name + "Args"), importlib.import_module(f"{m.__name__}._inputs")


def _arg_tree(cls: type, inputs: object, prefix: str = "", depth: int = 0) -> list[tuple[str, bool]]:
    """(native dotted path, has children) for every argument, following nested *Args input types."""
    out: list[tuple[str, bool]] = []
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.name in ("region", "tags_all"):
            continue  # provider-level region; tags_all is computed
        path = f"{prefix}{p.name}"
        m = re.search(r"'(\w+Args)'", str(p.annotation))
        sub = getattr(inputs, m.group(1), None) if m and depth < 6 and p.name not in FREE_MAPS else None
        children = _arg_tree(sub, inputs, path + ".", depth + 1) if sub is not None else []
        out.append((path, bool(children)))
        out.extend(children)
    return out


def _producible(token: str) -> list[tuple[str, str]]:
    """(native path, CFN path) for every argument path the table maps (not dropped, not inside parsed JSON)."""
    spec = table()[token]
    b = _Builder(spec)
    cls, inputs = _sdk_args(token)
    tree = _arg_tree(cls, inputs)
    out = []
    for native, has_children in tree:
        if b.dropped(native) or any(native.startswith(j + ".") for j in b.json):
            continue
        if spec.get("special") and native.split(".")[0] in _special_inputs(token):
            continue
        cfn = b.cfn_path(native)
        if has_children:
            kids = [b.cfn_path(n) for n, _ in tree if n.startswith(native + ".") and not b.dropped(n)]
            if not any(k.startswith(cfn + ".") for k in kids):
                continue  # flattened into the parent (health_check.* -> HealthCheck*): no object of its own
        out.append((native, cfn))
    return out


def _special_inputs(token: str) -> set[str]:
    return set(table()[token].get("drop", []))


def test_required_tokens_are_mapped() -> None:
    missing = [t for t in REQUIRED_TOKENS if t not in table()]
    assert not missing, missing


@pytest.mark.parametrize("token", TOKENS)
def test_token_exists_in_the_sdk(token: str) -> None:
    cls, _ = _sdk_args(token)
    assert cls is not None


@pytest.mark.parametrize("token", NON_PSEUDO)
def test_cfn_type_has_a_schema(token: str) -> None:
    assert has_type(table()[token]["cfn_type"]), table()[token]["cfn_type"]


@pytest.mark.parametrize("token", [t for t in TOKENS if table()[t].get("pseudo")])
def test_pseudo_types_are_not_real_cfn_types(token: str) -> None:
    assert not has_type(table()[token]["cfn_type"])


@pytest.mark.parametrize("token", NON_PSEUDO)
def test_every_producible_path_exists_in_the_schema(token: str) -> None:
    cfn_type = table()[token]["cfn_type"]
    bad = [f"{n} -> {c}" for n, c in _producible(token) if not has_path(cfn_type, c)]
    assert not bad, f"{token} ({cfn_type}): paths not in the schema: {bad}"


@pytest.mark.parametrize("token", NON_PSEUDO)
def test_every_rename_target_exists_in_the_schema(token: str) -> None:
    spec = table()[token]
    bad = [f"{n} -> {c}" for n, c in spec.get("renames", {}).items()
           if not _Builder(spec).dropped(n) and not has_path(spec["cfn_type"], c)]
    assert not bad, bad


@pytest.mark.parametrize("token", NON_PSEUDO)
def test_tags_shape_matches_the_schema(token: str) -> None:
    spec = table()[token]
    s = schema(spec["cfn_type"]) or {}
    tags = (s.get("properties") or {}).get("Tags")
    if tags is None:
        return
    defs = s.get("definitions", {})
    while "$ref" in tags:
        tags = defs[tags["$ref"].split("/")[-1]]
    is_list = tags.get("type") == "array" or "items" in tags
    assert (spec.get("tags") != "map") == is_list, f"{token}: schema Tags is {'a list' if is_list else 'a map'}"


# -- behaviour on realistic inputs ------------------------------------------------------------------------------
def test_unmapped_token_is_none() -> None:
    assert map_pulumi("aws:nosuch/thing:Thing", {"a": 1}) is None


def test_event_invoke_config_destinations_and_floats() -> None:
    m = map_pulumi("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", {
        "function_name": "webhook-dev", "maximum_retry_attempts": 5.0, "maximum_event_age_in_seconds": 3600.0,
        "destination_config": {"on_success": {"destination": "arn:aws:sqs:us-east-1:123456789012:ok"},
                               "on_failure": {"destination": "arn:aws:sqs:us-east-1:123456789012:dlq"}}})
    assert m is not None and m.cfn_type == "AWS::Lambda::EventInvokeConfig"
    assert m.properties["MaximumRetryAttempts"] == 5 and isinstance(m.properties["MaximumRetryAttempts"], int)
    assert m.properties["DestinationConfig"]["OnSuccess"]["Destination"].endswith(":ok")
    assert m.native_paths["DestinationConfig.OnSuccess.Destination"] == "destination_config.on_success.destination"
    assert m.native_paths["DestinationConfig.OnSuccess"] == "destination_config.on_success"
    assert m.native_paths["DestinationConfig"] == "destination_config"
    assert m.native_paths["MaximumRetryAttempts"] == "maximum_retry_attempts"


def test_event_source_mapping_failure_destination() -> None:
    m = map_pulumi("aws:lambda/eventSourceMapping:EventSourceMapping", {
        "event_source_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x", "function_name": "f",
        "starting_position": "LATEST", "batch_size": 100.0,
        "destination_config": {"on_failure": {"destination_arn": "arn:aws:sqs:us-east-1:123456789012:dlq"}}})
    assert m.properties["DestinationConfig"]["OnFailure"]["Destination"].endswith(":dlq")
    assert m.native_paths["DestinationConfig.OnFailure.Destination"] == "destination_config.on_failure.destination_arn"
    assert m.properties["BatchSize"] == 100


def test_lambda_function() -> None:
    m = map_pulumi("aws:lambda/function:Function", {
        "name": "webhook-dev", "role": "arn:aws:iam::123456789012:role/r", "runtime": "python3.12",
        "handler": "index.handler", "timeout": 30.0, "memory_size": 256.0, "reserved_concurrent_executions": 100.0,
        "environment": {"variables": {"TABLE_NAME": "t", "max_items": "5"}},
        "dead_letter_config": {"target_arn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
        "tracing_config": {"mode": "Active"}, "architectures": ["arm64"],
        "file_system_config": {"arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1",
                               "local_mount_path": "/mnt/efs"},
        "tags": {"Environment": "dev"}, "code": {"__archive": True}, "publish": True})
    p = m.properties
    assert (p["FunctionName"], p["Timeout"], p["MemorySize"]) == ("webhook-dev", 30, 256)
    assert p["Environment"]["Variables"] == {"TABLE_NAME": "t", "max_items": "5"}  # user's keys untouched
    assert p["DeadLetterConfig"]["TargetArn"].endswith(":dlq")
    assert p["TracingConfig"]["Mode"] == "Active" and p["Architectures"] == ["arm64"]
    assert p["FileSystemConfigs"] == [{"Arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1",
                                       "LocalMountPath": "/mnt/efs"}]
    assert p["Tags"] == [{"Key": "Environment", "Value": "dev"}]
    assert "Code" not in p and "Publish" not in p
    assert m.native_paths["ReservedConcurrentExecutions"] == "reserved_concurrent_executions"
    assert m.native_paths["Environment.Variables"] == "environment.variables"


def test_sqs_queue_renames_and_redrive_json() -> None:
    m = map_pulumi("aws:sqs/queue:Queue", {
        "name": "orders-dev", "visibility_timeout_seconds": 180.0, "message_retention_seconds": 1209600.0,
        "max_message_size": 262144.0, "receive_wait_time_seconds": 20.0,
        "redrive_policy": json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq",
                                      "maxReceiveCount": 3})})
    p = m.properties
    assert p["QueueName"] == "orders-dev" and p["VisibilityTimeout"] == 180
    assert p["MessageRetentionPeriod"] == 1209600 and p["MaximumMessageSize"] == 262144
    assert p["ReceiveMessageWaitTimeSeconds"] == 20
    assert p["RedrivePolicy"] == {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq",
                                  "maxReceiveCount": 3}
    assert m.native_paths["VisibilityTimeout"] == "visibility_timeout_seconds"
    assert m.native_paths["RedrivePolicy"] == "redrive_policy"


def test_dynamodb_table_keys_stream_pitr_sse_ttl() -> None:
    m = map_pulumi("aws:dynamodb/table:Table", {
        "name": "tx-dev", "billing_mode": "PAY_PER_REQUEST", "hash_key": "id", "range_key": "ts",
        "attributes": [{"name": "id", "type": "S"}, {"name": "ts", "type": "N"}],
        "stream_enabled": True, "stream_view_type": "NEW_AND_OLD_IMAGES",
        "point_in_time_recovery": {"enabled": True}, "server_side_encryption": {"enabled": True},
        "deletion_protection_enabled": True, "ttl": {"attribute_name": "expires", "enabled": True},
        "global_secondary_indexes": [{"name": "by-ts", "hash_key": "ts", "projection_type": "ALL"}]})
    p = m.properties
    assert p["TableName"] == "tx-dev" and p["BillingMode"] == "PAY_PER_REQUEST"
    assert p["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "ts", "KeyType": "RANGE"}]
    assert p["AttributeDefinitions"][1] == {"AttributeName": "ts", "AttributeType": "N"}
    assert p["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert m.native_paths["StreamSpecification"] == "stream_enabled"
    assert m.native_paths["StreamSpecification.StreamViewType"] == "stream_view_type"
    assert p["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert p["SSESpecification"] == {"SSEEnabled": True} and p["DeletionProtectionEnabled"] is True
    assert p["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert p["GlobalSecondaryIndexes"][0]["IndexName"] == "by-ts"
    assert "ProvisionedThroughput" not in p
    for path in ("KeySchema", "AttributeDefinitions", "StreamSpecification.StreamViewType",
                 "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", "SSESpecification.SSEEnabled",
                 "TimeToLiveSpecification.AttributeName", "GlobalSecondaryIndexes.IndexName"):
        assert has_path("AWS::DynamoDB::Table", path), path


def test_dynamodb_stream_without_view_type_still_on() -> None:
    m = map_pulumi("aws:dynamodb/table:Table", {"name": "t", "hash_key": "id", "stream_enabled": True})
    assert "StreamSpecification" in m.properties


def test_log_group_and_kms_key() -> None:
    lg = map_pulumi("aws:cloudwatch/logGroup:LogGroup", {"name": "/aws/lambda/x", "retention_in_days": 45.0})
    assert lg.cfn_type == "AWS::Logs::LogGroup"
    assert lg.properties == {"LogGroupName": "/aws/lambda/x", "RetentionInDays": 45}
    pol = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*",
                                                   "Resource": "*"}]}
    k = map_pulumi("aws:kms/key:Key", {"deletion_window_in_days": 7.0, "enable_key_rotation": True,
                                       "policy": json.dumps(pol), "description": "d"})
    assert k.properties["PendingWindowInDays"] == 7 and k.properties["EnableKeyRotation"] is True
    assert k.properties["KeyPolicy"] == pol
    assert k.native_paths["PendingWindowInDays"] == "deletion_window_in_days"


def test_iam_role_and_role_policy() -> None:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                     "Action": "sts:AssumeRole"}]}
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}
    r = map_pulumi("aws:iam/role:Role", {
        "name": "fn-role", "assume_role_policy": json.dumps(trust),
        "inline_policies": [{"name": "send", "policy": json.dumps(doc)}],
        "managed_policy_arns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]})
    p = r.properties
    assert p["RoleName"] == "fn-role" and p["AssumeRolePolicyDocument"] == trust
    assert p["Policies"] == [{"PolicyName": "send", "PolicyDocument": doc}]
    assert p["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    assert r.native_paths["Policies"] == "inline_policies"
    rp = map_pulumi("aws:iam/rolePolicy:RolePolicy", {"role": "fn-role", "policy": json.dumps(doc), "name": "p"})
    assert rp.cfn_type == "AWS::IAM::RolePolicy"
    assert rp.properties == {"RoleName": "fn-role", "PolicyDocument": doc, "PolicyName": "p"}
    att = map_pulumi("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": "r", "policy_arn": "arn:x"})
    assert att.pseudo and att.cfn_type == "AWS::IAM::RolePolicyAttachment"
    assert att.properties == {"Role": "r", "PolicyArn": "arn:x"}


def test_s3_split_resources_are_pseudo() -> None:
    v = map_pulumi("aws:s3/bucketVersioning:BucketVersioning",
                   {"bucket": "b", "versioning_configuration": {"status": "Enabled"}})
    assert v.pseudo and v.cfn_type == "AWS::S3::BucketVersioning"
    assert v.properties == {"Bucket": "b", "VersioningConfiguration": {"Status": "Enabled"}}
    b = map_pulumi("aws:s3/bucket:Bucket", {
        "bucket": "data-dev", "versioning": {"enabled": True},
        "server_side_encryption_configuration": {"rule": {"apply_server_side_encryption_by_default": {
            "sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:us-east-1:123456789012:key/k"}}}})
    assert b.properties["BucketName"] == "data-dev"
    assert b.properties["VersioningConfiguration"] == {"Status": "Enabled"}
    enc = b.properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert enc["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"


def test_metric_alarm_dimensions_and_ok_actions() -> None:
    m = map_pulumi("aws:cloudwatch/metricAlarm:MetricAlarm", {
        "name": "errors", "comparison_operator": "GreaterThanThreshold", "evaluation_periods": 1.0,
        "metric_name": "Errors", "namespace": "AWS/Lambda", "period": 60.0, "statistic": "Sum", "threshold": 1.0,
        "dimensions": {"FunctionName": "fn"}, "ok_actions": ["arn:aws:sns:us-east-1:123456789012:t"]})
    p = m.properties
    assert p["AlarmName"] == "errors" and p["Dimensions"] == [{"Name": "FunctionName", "Value": "fn"}]
    assert p["OKActions"] == ["arn:aws:sns:us-east-1:123456789012:t"] and p["Threshold"] == 1


def test_list_items_keep_renames_and_paths() -> None:
    m = map_pulumi("aws:lambda/eventSourceMapping:EventSourceMapping", {
        "function_name": "f", "source_access_configurations": [{"type": "VPC_SUBNET", "uri": "subnet:subnet-1"}]})
    assert m.properties["SourceAccessConfigurations"] == [{"Type": "VPC_SUBNET", "URI": "subnet:subnet-1"}]
    assert m.native_paths["SourceAccessConfigurations.URI"] == "source_access_configurations.uri"


def test_step_functions_and_usage_plan() -> None:
    sm = map_pulumi("aws:sfn/stateMachine:StateMachine", {
        "name": "flow", "role_arn": "arn:aws:iam::123456789012:role/r", "definition": '{"StartAt": "A"}',
        "type": "EXPRESS", "tracing_configuration": {"enabled": True},
        "logging_configuration": {"level": "ALL", "include_execution_data": True,
                                  "log_destination": "arn:aws:logs:us-east-1:123456789012:log-group:x:*"}})
    p = sm.properties
    assert p["StateMachineType"] == "EXPRESS" and p["TracingConfiguration"] == {"Enabled": True}
    assert p["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"].startswith("arn:")
    up = map_pulumi("aws:apigateway/usagePlan:UsagePlan", {
        "name": "plan", "quota_settings": {"limit": 1000.0, "period": "DAY"},
        "throttle_settings": {"burst_limit": 10.0, "rate_limit": 5.5}})
    assert up.properties["Quota"] == {"Limit": 1000, "Period": "DAY"}
    assert up.properties["Throttle"] == {"BurstLimit": 10, "RateLimit": 5.5}


def test_ssm_parameter_tags_stay_a_map() -> None:
    m = map_pulumi("aws:ssm/parameter:Parameter", {"name": "/app/x", "type": "String", "value": "v",
                                                    "tags": {"team": "a"}})
    assert m.properties["Tags"] == {"team": "a"}
