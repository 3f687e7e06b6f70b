"""HYG001: physical names without the environment suffix."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

# CloudFormation type -> the property holding a physical name that must be unique in the account/region (S3:
# in all of AWS). Names scoped to a parent (a role's inline policy, an API's resource) are not listed.
NAME_PROPS = {
    "AWS::Lambda::Function": "FunctionName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::Events::Rule": "Name",
    "AWS::Events::EventBus": "Name",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::SSM::Parameter": "Name",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::ElastiCache::ReplicationGroup": "ReplicationGroupId",
    "AWS::ElastiCache::CacheCluster": "ClusterName",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "Name",
}
# What each service answers when the name is taken.
CONFLICT = {
    "Lambda": "ResourceConflictException: Function already exist: {name}",
    "S3": "BucketAlreadyExists: The requested bucket name is not available",
    "IAM": "EntityAlreadyExists: Role with name {name} already exists.",
    "Logs": "ResourceAlreadyExistsException: The specified log group already exists",
    "DynamoDB": "ResourceInUseException: Table already exists: {name}",
    "SQS": "QueueAlreadyExists: A queue already exists with the same name and a different value for attribute",
    "SSM": "ParameterAlreadyExists: The parameter already exists.",
    "SecretsManager": "ResourceExistsException: The operation failed because the secret {name} already exists.",
    "KMS": "AlreadyExistsException: An alias with the name {name} already exists",
}
SUFFIX_KEYS = ("environmentsuffix", "environment_suffix", "env", "environment", "envsuffix", "suffix", "stage")


def suffixes(ctx: RuleContext) -> set[str]:
    """The environment suffix the stack was built with: the run's option, and the config value the program read."""
    out = {str(ctx.options.environment_suffix or "dev")}
    for key, value in ctx.graph.config_needs.items():
        if key.replace(".", ":").rsplit(":", 1)[-1].lower() in SUFFIX_KEYS and isinstance(value, str) and value:
            out.add(value)
    return {s for s in out if s}


def autonames(graph: ResourceGraph) -> set[str]:
    """Names the engine generated (a resource without an explicit name): unique per deployment already."""
    out = set()
    for r in graph:
        prop = NAME_PROPS.get(r.type)
        if prop and not r.has(prop):
            name = r.outputs.get("Name")
            if isinstance(name, str) and len(name) >= 8:
                out.add(name)
    return out


# The stack id CloudFormation assigns at create (frontends/cloudformation/graph.py uses this synthetic uuid): names
# built from `!Select [2, !Split ["/", !Ref AWS::StackId]]` or its last group are unique per deployment.
_STACK_UUID = ("00000000-0000-4000-8000-000000000000", "000000000000")


def per_deployment_values(graph: ResourceGraph) -> set[str]:
    """Values that differ on every deployment: outputs of random resources (random_id, random_string, Pulumi
    random.*) and the stack id CloudFormation assigns. A name that contains one does not collide."""
    out = set(_STACK_UUID)
    for r in graph:
        native = (r.native_type or "").lower()
        if native.startswith(("random:", "random_")) or r.type.startswith(("Random::", "random")):
            out.update(v for v in r.outputs.values() if isinstance(v, str) and len(v) >= 4)
    return out


class NameWithoutSuffix(Rule):
    """A resource is given a fixed physical name without the environment suffix.

    What it finds: explicit names (`name=`, `bucket=`, `function_name`...) of functions, queues, tables, topics,
    buckets, roles, log groups, parameters, secrets, aliases, alarms, rules, state machines, databases and load
    balancers that do not contain the environment suffix the stack was deployed with (`environment_suffix`,
    default `dev`). Names built from another resource's generated name are not reported.
    Why it breaks: the TAP pipeline deploys the same stack many times in one account (one stack per pull request,
    each with its own suffix); a fixed name exists already from another deployment, so the deploy fails. S3
    bucket names are global across all AWS accounts.
    Bad: `aws.lambda_.Function("processor", name="webhook-processor", ...)`
    Good: `aws.lambda_.Function(f"processor-{env}", name=f"webhook-processor-{env}", ...)`, or no `name` at all.
    What AWS says: `ResourceConflictException: Function already exist: webhook-processor`;
    `BucketAlreadyExists: The requested bucket name is not available`.
    References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    """

    id = "HYG001"
    category = Category.HYGIENE
    severity = Severity.HIGH
    title = "physical name without the environment suffix"
    resource_types = tuple(NAME_PROPS)
    docs_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        # One finding per file: a stack that hard-codes names does it everywhere (16 per task were seen), and the
        # reader needs the convention once, with every name and line listed (`extra.names`, `extra.lines`).
        groups: dict[str | None, list[Finding]] = {}
        for f in self._each(ctx):
            groups.setdefault(f.file, []).append(f)
        for items in groups.values():
            items.sort(key=lambda f: f.line or 0)
            first = items[0]
            if len(items) == 1:
                yield first
                continue
            others = ", ".join(f"{f.extra['name']!r}" + (f" (line {f.line})" if f.line else "") for f in items[1:8])
            more = f" and {len(items) - 8} more" if len(items) > 8 else ""
            yield first.with_(
                message=f"{first.message}; {len(items) - 1} more names in this file lack it too: {others}{more}",
                extra={**first.extra, "count": len(items), "names": [f.extra["name"] for f in items],
                       "resources": [f.resource for f in items], "lines": [f.line for f in items if f.line]})

    def _each(self, ctx: RuleContext) -> Iterator[Finding]:
        wanted = suffixes(ctx)
        generated = autonames(ctx.graph)
        unique = per_deployment_values(ctx.graph)
        for r in self.resources(ctx):
            prop = NAME_PROPS[r.type]
            name = r.get(prop)
            if not isinstance(name, str) or not name or "<unresolved" in name or "${" in name or "mock-" in name \
                    or any(part in name for part in unique):
                continue  # unresolved parts (a random suffix, a value known only at deploy) may well be unique
            low = name.lower()
            if any(s.lower() in low for s in wanted) or any(g in name for g in generated):
                continue
            shown = " or ".join(f"`{s}`" for s in sorted(wanted))
            native = r.native_name(prop)
            yield self.finding(
                f"{r.id}: {native}={name!r} does not contain the environment suffix {shown}; a second "
                "deployment of the stack collides with this name", resource=r, attribute=prop,
                error=CONFLICT.get(r.service, "the resource already exists").format(name=name),
                fix=f"{native}=f\"{name}-{{environment_suffix}}\" (or leave the name out and let the IaC engine generate "
                "one)", name=name)
