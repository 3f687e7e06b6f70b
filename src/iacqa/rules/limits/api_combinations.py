"""LIM014: parameter combinations the AWS API documentation (botocore's service models) says the call refuses,
where the CloudFormation schema does not state them: an ECS service with a launch type and a capacity provider
strategy, a CloudFront cache behavior with a cache policy and legacy forwarded values, an HTTPS/TLS listener
without a certificate, an RDS backtrack window on an engine other than Aurora MySQL.

Each check reads the resource the way each tool writes it (CloudFormation property, Terraform/CDKTF argument,
Pulumi argument: ECS, CloudFront and listener resources are not mapped to CloudFormation names for Terraform and
Pulumi) and quotes the botocore documentation sentence it rests on, read at run time (rules/limits/_botodoc.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.limits._botodoc import botocore_version, quote
from iacqa.rules.limits.rds_limits import engine_family
from iacqa.rules.limits.schema_dependencies import _decodes
from iacqa.rules.wiring._native import blank, is_type, many, one, unknown_value

ECS_SERVICE = ("AWS::ECS::Service", "aws_ecs_service", "aws:ecs/service:Service")
DISTRIBUTION = ("AWS::CloudFront::Distribution", "aws_cloudfront_distribution",
                "aws:cloudfront/distribution:Distribution")
LISTENER = ("AWS::ElasticLoadBalancingV2::Listener", "aws_lb_listener", "aws_alb_listener",
            "aws:lb/listener:Listener", "aws:alb/listener:Listener")
_TLS = ("HTTPS", "TLS")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def field(r: Resource, cfn: str | None, *native: str) -> tuple[Any, str]:
    """(value, attribute to report) of a property written in CloudFormation's name or one of the native names
    (snake_case, or its camelCase twin in the TypeScript SDKs); (None, cfn or the first native name) when absent."""
    if cfn is not None and r.has(cfn):
        return r.get(cfn), cfn
    props = r.native_properties
    for n in native:
        for key in (n, _camel(n)):
            if key in props:
                return props[key], n
    return None, cfn or native[0]


def sub(obj: Any, cfn: str, *native: str) -> tuple[Any, str | None]:
    """The same lookup inside a nested block (a dict, or a one-item list as Terraform writes blocks)."""
    obj = one(obj)
    if not isinstance(obj, dict):
        return None, None
    for key in (cfn, *native, *(_camel(n) for n in native)):
        if key in obj:
            return obj[key], key
    return None, None


def _set(value: Any) -> bool:
    """Written with a value (an empty list/block, False-like blanks and None are 'not set')."""
    return not blank(value) and value != [{}]


def _cfn_linted(ctx: RuleContext, r: Resource) -> bool:
    """A CloudFormation template cfn-lint read: its extension schemas already check what they cover."""
    if (ctx.platform or ctx.graph.platform) != "cfn" or not ctx.options.cfn_lint:
        return False
    if ctx.root is None or not r.location.file:
        return True
    if any(n.startswith(f"cfn-lint not run on {r.location.file}:") for n in ctx.graph.notes):
        return False  # over 500 resources: the front end skipped cfn-lint
    return _decodes(str(ctx.root / r.location.file))


class ApiParameterCombination(Rule):
    """Parameters the AWS API documentation says cannot go together (or one that needs another), beyond what the
    CloudFormation schema states.

    What it finds: (1) an ECS service with both `LaunchType` (`launch_type`) and a non-empty
    `CapacityProviderStrategy` (`capacity_provider_strategy`, Pulumi `capacity_provider_strategies`);
    (2) a CloudFront default or ordered cache behavior with both `CachePolicyId` and `ForwardedValues`;
    (3) an Application/Network Load Balancer listener with `Protocol` HTTPS or TLS and no certificate
    (`Certificates` / `certificate_arn`); on CloudFormation templates cfn-lint already checks this one;
    (4) an RDS DB cluster with `BacktrackWindow` above 0 whose engine is not Aurora MySQL.
    Unresolved values are not judged.
    Why it breaks: the service validates the request and refuses it: the resource is not created and the deploy
    stops there (CreateService, CreateDistribution/UpdateDistribution, CreateListener, CreateDBCluster).
    Bad: `EcsService(..., launch_type="FARGATE", capacity_provider_strategy=[{capacity_provider: "FARGATE_SPOT"}])`;
    `default_cache_behavior { cache_policy_id = "658327ea-..." forwarded_values { ... } }`;
    `LbListener(..., port=443, protocol="HTTPS")` without `certificate_arn`;
    `RdsCluster(..., engine="aurora-postgresql", backtrack_window=259200)`.
    Good: drop `launch_type` (the strategy decides); drop `forwarded_values` (the cache policy and an origin request
    policy replace it); give the listener `certificate_arn` (an ACM certificate); no `backtrack_window` on Aurora
    PostgreSQL (use point-in-time restore), or engine `aurora-mysql`.
    What AWS says: ECS `InvalidParameterException: Specifying both a launch type and capacity provider strategy is
    not supported. Remove one and try again.`; CloudFront `InvalidArgument: The parameter ForwardedValues cannot be
    used when a cache policy is associated to the cache behavior.`; botocore's models, quoted in each finding:
    ecs CreateService capacityProviderStrategy "If a capacityProviderStrategy is specified, the launchType
    parameter must be omitted."; cloudfront DefaultCacheBehavior "must include either a CachePolicyId or
    ForwardedValues"; elbv2 CreateListener Certificates "[HTTPS and TLS listeners] The default certificate for the
    listener. You must provide exactly one certificate."; rds CreateDBCluster BacktrackWindow "Valid for Cluster
    Type: Aurora MySQL DB clusters only".
    References: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html ,
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DefaultCacheBehavior.html ,
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html ,
    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
    """

    id = "LIM014"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "parameters the AWS API refuses together"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if is_type(r, ECS_SERVICE):
                yield from self._ecs(r)
            elif is_type(r, DISTRIBUTION):
                yield from self._cloudfront(r)
            elif is_type(r, LISTENER) and not _cfn_linted(ctx, r) and (ctx.platform or ctx.graph.platform) != "cdk":
                # aws-cdk-lib validates this listener itself at synth ("HTTPS Listener needs at least one
                # certificate"), reported from the synth; a second finding would say the same
                yield from self._listener(r)
            elif r.type == "AWS::RDS::DBCluster":
                yield from self._backtrack(r)

    def _evidence(self, service: str, where: str, member: str, pattern: str, fallback: str,
                  sentences: int = 1) -> str:
        return f"botocore {botocore_version()} {service} model, {where.removeprefix('shape:')} {member}: " \
               f"\"{quote(service, where, member, pattern, fallback, sentences)}\""

    def _ecs(self, r: Resource) -> Iterator[Finding]:
        launch, l_attr = field(r, "LaunchType", "launch_type")
        strategy, s_attr = field(r, "CapacityProviderStrategy", "capacity_provider_strategy",
                                 "capacity_provider_strategies")
        if not isinstance(launch, str) or unknown_value(launch) or not launch or not _set(strategy):
            return
        providers = [v for item in many(strategy) for v, _ in [sub(item, "CapacityProvider", "capacity_provider")]
                     if isinstance(v, str)]
        shown = f" ({', '.join(providers[:3])})" if providers else ""
        yield self.finding(
            f"ECS service {r.id} sets {l_attr} = {launch!r} and a capacity provider strategy{shown} in {s_attr}: "
            "a service uses one or the other, and CreateService refuses both", resource=r, attribute=l_attr,
            error="InvalidParameterException: Specifying both a launch type and capacity provider strategy is not "
            "supported. Remove one and try again.",
            fix=f"remove {l_attr} (the capacity provider strategy places the tasks; FARGATE/FARGATE_SPOT in it run on "
            f"Fargate), or remove {s_attr} to use the launch type",
            evidence=self._evidence("ecs", "CreateService", "capacityProviderStrategy", r"launchType.*must be omitted",
                                    "If a capacityProviderStrategy is specified, the launchType parameter must be "
                                    "omitted."), check="ecs_launch_type_strategy")

    def _cloudfront(self, r: Resource) -> Iterator[Finding]:
        config, c_attr = field(r, "DistributionConfig")
        behaviors: list[tuple[Any, str]] = []
        if isinstance(config, dict):
            behaviors.append((config.get("DefaultCacheBehavior"), f"{c_attr}.DefaultCacheBehavior"))
            behaviors += [(b, f"{c_attr}.CacheBehaviors.{i}") for i, b in enumerate(many(config.get("CacheBehaviors")))]
        else:
            default, d_attr = field(r, None, "default_cache_behavior")
            behaviors.append((default, d_attr))
            ordered, o_attr = field(r, None, "ordered_cache_behavior", "ordered_cache_behaviors")
            behaviors += [(b, f"{o_attr}.{i}") for i, b in enumerate(many(ordered))]
        for behavior, path in behaviors:
            policy, p_key = sub(behavior, "CachePolicyId", "cache_policy_id")
            forwarded, f_key = sub(behavior, "ForwardedValues", "forwarded_values")
            if not isinstance(policy, str) or not policy or not _set(forwarded):
                continue
            pattern = sub(behavior, "PathPattern", "path_pattern")[0]
            which = f"cache behavior {pattern!r}" if isinstance(pattern, str) else "the default cache behavior"
            attr = f"{path.split('.')[0]}" if r.type != "AWS::CloudFront::Distribution" else f"{path}.{f_key}"
            yield self.finding(
                f"distribution {r.id}: {which} sets both {p_key} and {f_key}; CloudFront takes a cache policy or the "
                "legacy forwarded values, never both", resource=r, attribute=attr,
                error="InvalidArgument: The parameter ForwardedValues cannot be used when a cache policy is "
                "associated to the cache behavior.",
                fix=f"remove {f_key} from {which} (the cache policy sets the cache key; forward headers, cookies or "
                "query strings to the origin with an origin request policy), or drop the cache policy",
                evidence=self._evidence("cloudfront", "shape:DefaultCacheBehavior", "CachePolicyId",
                                        r"either a .?CachePolicyId", "A DefaultCacheBehavior must include either a "
                                        "CachePolicyId or ForwardedValues."), check="cloudfront_policy_forwarded")

    def _listener(self, r: Resource) -> Iterator[Finding]:
        protocol, p_attr = field(r, "Protocol", "protocol")
        if not isinstance(protocol, str) or protocol.upper() not in _TLS:
            return
        certs, _ = field(r, "Certificates", "certificate_arn")
        if certs is not None and certs != [] and certs != {}:
            return  # given (even unresolved or empty-looking): only a listener with none is certain to fail
        if "certificates" in r.native_properties or "certificateArn" in r.native_properties:
            return
        yield self.finding(
            f"listener {r.id} has {p_attr} = {protocol!r} and no certificate: an {protocol.upper()} listener needs "
            "its default certificate when it is created", resource=r, attribute=p_attr,
            error=f"ValidationError (CreateListener): an {protocol.upper()} listener requires a default certificate "
            "(Certificates with one CertificateArn)",
            fix=f"set {r.native_name('Certificates') if r.type.startswith('AWS::') else 'certificate_arn'} to an "
            "ACM certificate ARN (aws_acm_certificate validated for the domain), or use protocol HTTP/TCP",
            evidence=self._evidence("elbv2", "CreateListener", "Certificates", r"HTTPS and TLS listeners",
                                    "[HTTPS and TLS listeners] The default certificate for the listener. You must "
                                    "provide exactly one certificate.", sentences=3), check="listener_certificate")

    def _backtrack(self, r: Resource) -> Iterator[Finding]:
        window = r.get("BacktrackWindow")
        if isinstance(window, bool) or not isinstance(window, (int, float)) or window <= 0:
            return
        engine = r.get("Engine")
        family = engine_family(engine)
        if family is None or family == "aurora-mysql":
            return
        yield self.finding(
            f"DB cluster {r.id} sets {r.native_name('BacktrackWindow')} = {int(window)} with engine {engine!r}: "
            "backtracking exists only for Aurora MySQL", resource=r, attribute="BacktrackWindow",
            error=f"InvalidParameterCombination (CreateDBCluster): BacktrackWindow is not supported for engine "
            f"{engine}",
            fix=f"remove {r.native_name('BacktrackWindow')} (for {engine} use point-in-time restore, kept for the "
            "backup retention period), or use engine aurora-mysql",
            evidence=self._evidence("rds", "CreateDBCluster", "BacktrackWindow", r"Valid for Cluster Type",
                                    "Valid for Cluster Type: Aurora MySQL DB clusters only"),
            check="backtrack_engine")
