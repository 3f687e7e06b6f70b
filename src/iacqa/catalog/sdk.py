"""Ids emitted by the SDK static check (frontends/pycheck, with each platform's index) and by running the program."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class MissingSymbol(Entry):
    """A module, class, function or attribute that the installed SDK does not have.

    What it finds: every name the program takes from `pulumi` and `pulumi_aws` (imports, attribute chains such as
    `aws.lambda_.FunctionCodeArgs`), checked against the installed packages; also seen at run time under mocks.
    Why it breaks: Python raises AttributeError/ImportError when the program runs: `pulumi preview` fails.
    Bad: `code=aws.lambda_.FunctionCodeArgs(zip_file=src)` (a CDK-style construct).
    Good: `code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(src)})`.
    What AWS says: nothing; Python says `AttributeError: module 'pulumi_aws.lambda_' has no attribute
    'FunctionCodeArgs'`.
    References: https://www.pulumi.com/registry/packages/aws/api-docs/
    """

    id = "SDK001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "SDK name does not exist"
    emitters = ("iacqa.frontends.pycheck.checker", "iacqa.frontends.pulumi_py.frontend")
    stage = "frontend"


class UnknownKeyword(Entry):
    """A keyword argument that the SDK class or function does not accept.

    What it finds: keyword arguments of calls to `pulumi_aws` resources, Args classes and functions that are not
    in their signature (read from the installed SDK).
    Why it breaks: `TypeError: ..._internal_init() got an unexpected keyword argument` at synth.
    Bad: `aws.lambda_.Function("f", memory=512, ...)`.
    Good: `aws.lambda_.Function("f", memory_size=512, ...)`.
    What AWS says: nothing; Python raises TypeError before any API call.
    References: https://www.pulumi.com/registry/packages/aws/api-docs/lambda/function/
    """

    id = "SDK002"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "unknown keyword argument"
    emitters = ("iacqa.frontends.pycheck.checker",)
    stage = "frontend"


class OutputInJson(Entry):
    """`json.dumps` over a Pulumi Output.

    What it finds: `json.dumps({... resource.arn ...})` outside `.apply()`: the Output is not a string yet.
    Why it breaks: `TypeError: Object of type Output is not JSON serializable` at synth.
    Bad: `policy=json.dumps({"Resource": table.arn})`
    Good: `policy=table.arn.apply(lambda arn: json.dumps({"Resource": arn}))`
    What AWS says: nothing; the program fails first.
    References: https://www.pulumi.com/docs/iac/concepts/inputs-outputs/
    """

    id = "SDK003"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "json.dumps over an Output"
    emitters = ("iacqa.frontends.pulumi_py.frontend",)
    stage = "frontend"


class PlainDictForArchive(Entry):
    """A plain dict passed where the SDK needs an Archive.

    What it finds: `code={...}` on Lambda functions and layers.
    Why it breaks: Pulumi type-checks the input: `TypeError: expected Archive`.
    Bad: `code={"zip_file": src}`
    Good: `code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(src)})`
    What AWS says: nothing; the program fails first.
    References: https://www.pulumi.com/docs/iac/concepts/assets-archives/
    """

    id = "SDK006"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "plain dict where the SDK needs an Archive"
    emitters = ("iacqa.frontends.pulumi_py.static_check",)
    stage = "frontend"

class MissingRequiredArgument(Entry):
    """A CDK construct, struct or method called without a required argument, or with too many positional ones.

    What it finds: calls to `aws_cdk` classes and static methods whose signature (read from the installed
    aws-cdk-lib) has a required keyword-only argument that the call does not pass, or that get more positional
    arguments than the signature takes (construct props are keyword-only in CDK Python).
    Why it breaks: Python raises TypeError when the app runs, so `cdk synth` fails before any template exists.
    Bad: `sqs.DeadLetterQueue(queue=dlq)`; `sqs.Queue(self, "q", "orders")`.
    Good: `sqs.DeadLetterQueue(max_receive_count=3, queue=dlq)`; `sqs.Queue(self, "q", queue_name="orders")`.
    What AWS says: nothing; Python says `TypeError: DeadLetterQueue.__init__() missing 1 required keyword-only
    argument: 'max_receive_count'`.
    References: https://docs.aws.amazon.com/cdk/api/v2/python/
    """

    id = "CDK001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "required argument missing or too many positional arguments"
    emitters = ("iacqa.frontends.pycheck.checker",)
    stage = "frontend"


class SynthErrorAnnotation(Entry):
    """CDK recorded an error on a construct while synthesizing.

    What it finds: `aws:cdk:error` annotations in the cloud assembly: constructs that CDK itself rejects without
    raising (for example an invalid combination of props, an unresolvable lookup, a failed validation).
    Why it breaks: `cdk synth` and `cdk deploy` print the error and exit non-zero; nothing is deployed.
    Bad: a construct whose validation adds an error, e.g. a SQS-triggered Lambda whose timeout exceeds the
    queue's visibility timeout in CDK versions that annotate instead of raising.
    Good: props that pass CDK's validation, so the assembly carries no error annotation.
    What AWS says: nothing; the CDK CLI says `[Error at /Stack/Construct] <message>` and `Found errors`.
    References: https://docs.aws.amazon.com/cdk/v2/guide/cli.html
    """

    id = "CDK002"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "CDK reports an error at synth"
    emitters = ("iacqa.frontends.cdk_py.frontend", "iacqa.frontends.cdk_ts.frontend")
    stage = "frontend"

class BlockShapeMismatch(Entry):
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
    emitters = ("iacqa.frontends.cdktf_py.static_check",)
    stage = "frontend"


class DroppedStructKey(Entry):
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
    emitters = ("iacqa.frontends.cdktf_py.static_check",)
    stage = "frontend"


class WrongLiteralType(Entry):
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
    emitters = ("iacqa.frontends.cdktf_py.static_check",)
    stage = "frontend"


class DeprecatedCdkApi(Entry):
    """A deprecated aws-cdk-lib class, property, method, enum member or construct argument.

    What it finds: every name a CDK Python program takes from `aws_cdk` (attribute chains, imported names, members
    of locals that hold a construct) and every keyword argument of construct, struct and method calls, looked up
    in the deprecation markers (`docs.deprecated`) of the jsii assembly that the installed aws-cdk-lib ships; the
    finding quotes the assembly's text and the replacement it names, with the installed version. For CDK
    TypeScript/JavaScript apps: the props keys of located `new X(this, 'id', {...})` calls (`pointInTimeRecovery`,
    `cidr`) and dotted names from aws-cdk-lib imports (`lambda.Runtime.NODEJS_14_X`), against the assembly of the
    Node toolchain's aws-cdk-lib (the one tsc checks the program against).
    Why it breaks: nothing fails today; jsii prints a warning at every synth, `JSII_DEPRECATED=fail` (used by
    strict pipelines) turns it into an error, and the API goes away in the next major version. Some deprecated
    members name values the AWS service is retiring (old Lambda runtimes, RDS engine versions); the dates are
    judged by LIM002/LIM003, so this stays medium.
    Bad: `dynamodb.Table(self, "t", partition_key=pk, point_in_time_recovery=True)`; `ec2.Vpc(self, "v",
    cidr="10.0.0.0/16")`; `runtime=lambda_.Runtime.PYTHON_3_7`.
    Good: `point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
    point_in_time_recovery_enabled=True)`; `ip_addresses=ec2.IpAddresses.cidr("10.0.0.0/16")`;
    `runtime=lambda_.Runtime.PYTHON_3_12`.
    What AWS says: nothing at deploy for most; jsii says at synth `[WARNING] aws-cdk-lib.aws_dynamodb.TableOptions#
    pointInTimeRecovery is deprecated, and will be removed in the next major release. use
    `pointInTimeRecoverySpecification` instead` (a DeprecationError with JSII_DEPRECATED=fail).
    References: https://docs.aws.amazon.com/cdk/api/v2/python/ ;
    https://aws.github.io/jsii/user-guides/lib-author/toolchain/jsii/#deprecation-warnings
    """

    id = "CDK003"
    category = Category.SDK_API
    severity = Severity.MEDIUM
    title = "deprecated aws-cdk-lib API"
    emitters = ("iacqa.frontends.cdk_py.deprecated_check", "iacqa.frontends.cdk_ts.deprecated")
    stage = "frontend"


class ExperimentalCdkModule(Entry):
    """An import of an experimental (alpha) AWS CDK module.

    What it finds: `from aws_cdk import aws_xxx_alpha`, `import aws_cdk.aws_xxx_alpha` and `from
    aws_cdk.aws_xxx_alpha import ...`, and in TypeScript/JavaScript imports or requires of
    `@aws-cdk/aws-xxx-alpha`; when the installed aws-cdk-lib has the module's stable successor
    (`aws_cdk.aws_apigatewayv2`, `aws-cdk-lib/aws-apigatewayv2`), the finding says so.
    Why it breaks: alpha modules are published separately (`aws-cdk.aws-xxx-alpha`, versions `2.x.ya0`) and may
    change their API in any release; an unpinned one breaks the app when either package moves.
    Bad: `from aws_cdk import aws_apigatewayv2_alpha as apigw` with an unpinned `aws-cdk.aws-apigatewayv2-alpha`.
    Good: `from aws_cdk import aws_apigatewayv2 as apigw` (graduated), or the alpha pinned to the release built
    for the app's aws-cdk-lib.
    What AWS says: nothing; pip or Python fails (`ModuleNotFoundError`, `TypeError`) when the versions drift.
    References: https://docs.aws.amazon.com/cdk/v2/guide/versioning.html
    """

    id = "CDK004"
    category = Category.SDK_API
    severity = Severity.LOW
    title = "experimental (alpha) CDK module"
    emitters = ("iacqa.frontends.cdk_py.deprecated_check", "iacqa.frontends.cdk_ts.deprecated")
    stage = "frontend"


class DeprecatedPulumiApi(Entry):
    """A deprecated pulumi-aws resource, input argument or output.

    What it finds: in Pulumi Python programs, every class the program takes from `pulumi_aws`, every keyword of its
    resource, Args and function calls, and the outputs it reads from a resource local or a function's result,
    looked up in the deprecation markers the installed pulumi_aws's generated code carries
    (`warnings.warn(..., DeprecationWarning)` in a class body or under `if <arg> is not None:`,
    `@_utilities.deprecated` on a getter); in TypeScript/JavaScript programs, `new aws.x.Y(...)` of a class and
    the top-level keys of its args object literal, against the `@deprecated` JSDoc of the Node toolchain's
    @pulumi/aws declaration files. The finding quotes the SDK's text, with the installed version.
    Why it breaks: nothing fails today; `pulumi preview` prints a warning for every use, and the provider removes
    deprecated resources and arguments in a later major version (pulumi-aws 7 deprecated the inline S3 bucket
    configuration and renamed BucketV2 back to Bucket); inline bucket settings also fight the split resources
    (BucketVersioning, BucketServerSideEncryptionConfiguration) when both are used.
    Bad: `aws.s3.BucketV2("logs")`; `aws.s3.Bucket("data", versioning={"enabled": True})`;
    `new aws.s3.Bucket("data", { serverSideEncryptionConfiguration: {...} })`.
    Good: `aws.s3.Bucket("logs")`; `aws.s3.BucketVersioning("data-versioning", bucket=data.id,
    versioning_configuration={"status": "Enabled"})`.
    What AWS says: nothing; Pulumi says at preview `warning: BucketV2 is deprecated: s3.BucketV2 has been
    deprecated in favor of s3.Bucket` / `warning: versioning is deprecated: versioning is deprecated. Use the
    s3.BucketVersioning resource instead.`
    References: https://www.pulumi.com/registry/packages/aws/how-to-guides/7-0-migration/ ;
    https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucket/
    """

    id = "SDK007"
    category = Category.SDK_API
    severity = Severity.MEDIUM
    title = "deprecated pulumi-aws API"
    emitters = ("iacqa.frontends.pulumi_py.deprecated_check", "iacqa.frontends.pulumi_ts.deprecated")
    stage = "frontend"


class UnknownDictKey(Entry):
    """A plain dict passed for a nested pulumi-aws input holds a key its input type does not have.

    What it finds: dict literals (and lists of them) passed to a pulumi-aws resource argument whose type is an
    input type (`deployment_configuration={...}` of `aws.ecs.Service`), checked key by key against the SDK's own
    `XArgsDict` TypedDict, nested dicts included; the closest real keys are suggested.
    Why it breaks: the SDK checks keywords of `XArgs(...)` but not the keys of a dict: an unknown key is sent as
    written, a property the provider schema does not have, so the setting never takes effect as the code says
    (or the provider rejects the unknown property).
    Bad: `deployment_configuration={"maximum_percent": 200}` (the service's own `deployment_maximum_percent`).
    Good: `deployment_maximum_percent=200`; keys of `ServiceDeploymentConfigurationArgsDict` inside the dict.
    What AWS says: nothing at deploy for the setting itself: it is missing from the deployed resource.
    References: https://www.pulumi.com/docs/iac/languages-sdks/python/#inputs-and-outputs
    """

    id = "SDK008"
    category = Category.SDK_API
    severity = Severity.HIGH
    title = "dict key that the pulumi-aws input type does not have"
    emitters = ("iacqa.frontends.pulumi_py.static_check",)
    stage = "frontend"
