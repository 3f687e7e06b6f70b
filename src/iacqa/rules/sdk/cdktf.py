"""Ids emitted by the CDKTF (Python) front end beyond the shared SDK ids (frontends/cdktf_py)."""

from __future__ import annotations

from iacqa.model import Category, Severity
from iacqa.rules.base import Rule


class BlockShapeMismatch(Rule):
    """A nested block passed as one value where the binding takes a list of blocks, or as a list where it takes one.

    What it finds: keyword arguments of cdktf AWS provider classes and structs whose type (read from the installed
    bindings) is `Sequence[Struct]` but get a single struct or dict, or whose type is a single `Struct` but get a
    list. Terraform blocks that may repeat (`expiration`, `rule`, `global_secondary_index`) are lists in cdktf;
    blocks limited to one (`environment`, `ttl`, `weighted_routing_policy`) are single values.
    Why it breaks: a list for a single block fails in the bindings' type check (TypeError); a single value for a
    list fails when jsii hands the configuration to the node kernel; either way `cdktf synth` stops.
    Bad: `S3BucketLifecycleConfigurationRule(id="r", status="Enabled",
    expiration=S3BucketLifecycleConfigurationRuleExpiration(days=30))`;
    `Route53Record(..., weighted_routing_policy=[{"weight": 1}])`.
    Good: `expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=30)]`;
    `weighted_routing_policy=Route53RecordWeightedRoutingPolicy(weight=1)`.
    What AWS says: nothing; Python says `TypeError: type of argument weighted_routing_policy must be one of
    (cdktf_cdktf_provider_aws.route53_record.Route53RecordWeightedRoutingPolicy, Dict[str, Any], NoneType); got
    list instead`, jsii says `Key 'expiration': Unable to deserialize value as cdktf.IResolvable |
    array<@cdktf/provider-aws.s3BucketLifecycleConfiguration.S3BucketLifecycleConfigurationRuleExpiration> |
    undefined ... Value is not an array`.
    References: https://developer.hashicorp.com/terraform/cdktf/concepts/resources
    """

    id = "CTF001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "nested block passed as one value where a list is required, or the reverse"
    stage = "frontend"


class DroppedStructKey(Rule):
    """A plain dict inside a list of blocks uses a key the jsii struct does not have, so cdktf drops it.

    What it finds: dict literals passed inside a list where the binding expects structs (for example
    `rule=[{...}]` of `S3BucketLifecycleConfiguration`, `global_secondary_index=[{...}]` of `DynamodbTable`)
    whose keys are not the struct's jsii property names. Such dicts reach jsii as plain maps, matched by the
    camelCase names (`hashKey`), not the Python snake_case ones (`hash_key`); single-word keys happen to match.
    Why it breaks: an unknown key is dropped without a warning, so the setting never reaches Terraform (measured:
    `abort_incomplete_multipart_upload` vanished from cdk.tf.json); when the dropped key is a required property,
    synth fails with `Missing required properties`.
    Bad: `global_secondary_index=[{"name": "by-user", "hash_key": "userId", "projection_type": "ALL"}]`.
    Good: `global_secondary_index=[DynamodbTableGlobalSecondaryIndex(name="by-user", hash_key="userId",
    projection_type="ALL")]` (or the camelCase keys `hashKey`, `projectionType`).
    What AWS says: nothing; jsii says `Missing required properties for
    @cdktf/provider-aws.dynamodbTable.DynamodbTableGlobalSecondaryIndex: 'hashKey', 'projectionType'` when a
    required key is lost, and nothing at all otherwise.
    References: https://aws.github.io/jsii/user-guides/lib-user/language-specific/python/
    """

    id = "CTF002"
    category = Category.SDK_API
    severity = Severity.HIGH
    title = "dict key that cdktf drops from a list of blocks"
    stage = "frontend"


class WrongLiteralType(Rule):
    """A literal of a type the cdktf binding does not accept for that argument.

    What it finds: keyword arguments of cdktf AWS provider classes and structs that are typed with scalars only in
    the installed bindings (`typing.Optional[builtins.str]`, `jsii.Number`, `builtins.bool`) and get a literal of
    another type, such as `True` where the Terraform schema has a string ("true").
    Why it breaks: every generated `__init__` checks its arguments with typeguard, so the program raises TypeError
    and `cdktf synth` stops. The Terraform schema, not Python habit, decides: `at_rest_encryption_enabled` of
    aws_elasticache_replication_group is a string while `transit_encryption_enabled` is a bool.
    Bad: `ElasticacheReplicationGroup(..., at_rest_encryption_enabled=True)`.
    Good: `ElasticacheReplicationGroup(..., at_rest_encryption_enabled="true")`.
    What AWS says: nothing; Python says `TypeError: type of argument at_rest_encryption_enabled must be one of
    (str, NoneType); got bool instead`.
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group
    """

    id = "CTF003"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "literal of a type the binding does not accept"
    stage = "frontend"
