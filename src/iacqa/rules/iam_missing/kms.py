"""PRM004: customer managed KMS keys that the service or role using them may not use."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from iacqa.knowledge.iam import RolePermissions, key_policy_allows
from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._common import permissions_for
from iacqa.rules.wiring._refs import arn_of, kms_key, mapping_parts, target

LOGS_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
LOGS_RECOMMENDED = '"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"'
CONSUMER_ACTIONS = ["kms:Decrypt"]
PRODUCER_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"]
_ENCRYPTION_PROP = {"AWS::SQS::Queue": "KmsMasterKeyId", "AWS::SNS::Topic": "KmsMasterKeyId"}


# Resources that set a key's policy apart from the key (Terraform aws_kms_key_policy, Pulumi aws.kms.KeyPolicy).
_KEY_POLICY_TYPES = ("aws_kms_key_policy", "aws:kms/keyPolicy:KeyPolicy")
_LOGS_PRINCIPAL = re.compile(r"^logs\.([a-z0-9-]+)\.amazonaws\.com$")


def key_policy(graph: ResourceGraph, key: Resource) -> Any:
    """The key's policy: its own `policy`, else the one a separate key-policy resource attaches to it."""
    policy = key.get("KeyPolicy")
    if policy is None:
        policy = key.native_properties.get("policy")
    if policy is not None:
        return policy
    ids = {v for v in (key.outputs.get("Arn"), key.outputs.get("Id"), key.outputs.get("KeyId"), key.id) if v}
    for r in graph:
        if r.native_type in _KEY_POLICY_TYPES and r.native_properties.get("key_id") in ids:
            return r.native_properties.get("policy")
    return None


def _unknown(policy: Any) -> bool:
    text = json.dumps(policy, default=str) if not isinstance(policy, str) else policy
    return any(m in text for m in ("<unresolved", "mock-", "${"))


def _key_missing(key: Resource, who: str, actions: list[str], perms: RolePermissions | None,
                 graph: ResourceGraph | None = None) -> list[str]:
    key_arn = arn_of(key) or "*"
    policy = key_policy(graph, key) if graph is not None else key.get("KeyPolicy")
    if policy is None and graph is None:
        policy = key.native_properties.get("policy")
    stmts = perms.statements if perms is not None else None
    return [a for a in actions if not key_policy_allows(policy, who, a, stmts, key_arn)]


def _principals(policy: Any) -> list[str]:
    """Service principals named in a key policy document (dict or JSON text)."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return []
    out: list[str] = []
    stmts = policy.get("Statement", []) if isinstance(policy, dict) else []
    for st in stmts if isinstance(stmts, list) else [stmts]:
        svc = (st.get("Principal") or {}).get("Service") if isinstance(st, dict) and isinstance(
            st.get("Principal"), dict) else None
        out.extend(svc if isinstance(svc, list) else [svc] if isinstance(svc, str) else [])
    return out


class KmsKeyNotUsable(Rule):
    """A customer managed KMS key that the service or the role using it may not use.

    What it finds:
    - a log group with `kms_key_id` whose key policy does not let the CloudWatch Logs service principal
      (`logs.<region>.amazonaws.com`) encrypt, decrypt and generate data keys (the default key policy, used when
      the key sets no `policy`, lets only the account's IAM principals use it);
    - an SQS queue encrypted with a key of the stack and consumed by a function whose role may not
      `kms:Decrypt` with that key (through its IAM policies when the key policy delegates to the account, or in
      the key policy itself);
    - a function dead-letter queue or destination (queue or topic) encrypted with a key of the stack while the
      role may not `kms:GenerateDataKey` / `kms:Decrypt` with it.
    Only keys defined in the stack are checked: AWS managed keys (`alias/aws/sqs`) need no grant.
    Why it breaks: the log group cannot be created (deploy fails); the queue consumer or producer fails on every
    message at run time.
    Bad: `aws.kms.Key("k")` without a policy, then `aws.cloudwatch.LogGroup("lg", kms_key_id=key.arn)`.
    Good: a key policy with a statement for `{"Service": "logs.us-east-1.amazonaws.com"}` allowing
    `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`, `kms:Describe*`; `kms:Decrypt` on
    the key in the consuming function's role.
    What AWS says: `AccessDeniedException: The specified KMS key does not exist or is not allowed to be used with
    Arn 'arn:aws:logs:us-east-1:123456789012:log-group:...'`; at run time `KMS.AccessDeniedException: The
    ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not
    allowed to access.`
    References: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html ,
    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
    """

    id = "PRM004"
    category = Category.IAM_MISSING
    severity = Severity.CRITICAL
    title = "KMS key not usable by its service or role"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        yield from self._log_groups(ctx)
        yield from self._consumers(ctx)
        yield from self._producers(ctx)

    def _log_groups(self, ctx: RuleContext) -> Iterator[Finding]:
        region = str(ctx.options.region or "us-east-1")
        who = f"logs.{region}.amazonaws.com"
        for lg in ctx.graph.of_type("AWS::Logs::LogGroup"):
            key = kms_key(ctx.graph, lg.get("KmsKeyId"))
            if key is None:
                continue
            policy = key_policy(ctx.graph, key)
            if policy is not None and _unknown(policy):
                continue  # a policy with values known only at deploy (the region variable) is not judged
            written = policy is not None
            # The region the policy names for the Logs principal is the stack's (a region variable or
            # data.aws_region, evaluated): judge with that principal, not with an assumed region.
            named = {m.group(1) for m in (_LOGS_PRINCIPAL.match(p) for p in _principals(policy)) if m}
            if len(named) == 1:
                region = named.pop()
                who = f"logs.{region}.amazonaws.com"
            missing = _key_missing(key, who, LOGS_ACTIONS, None, ctx.graph)
            if not missing:
                continue
            why = "its key policy" if written else "the default key policy (no policy is set on the key)"
            lg_arn = arn_of(lg) or f"arn:aws:logs:{region}:123456789012:log-group:{lg.get('LogGroupName', lg.id)}"
            yield self.finding(
                f"log group {lg.id} is encrypted with key {key.id}, but {why} does not allow {', '.join(missing)} "
                f"to the CloudWatch Logs service principal {who}", resource=lg, attribute="KmsKeyId",
                error=("AccessDeniedException: The specified KMS key does not exist or is not allowed to be used "
                       f"with Arn '{lg_arn.rstrip(':*')}'"),
                fix=(f"add to the policy of key {key.id}: {{\"Effect\": \"Allow\", \"Principal\": {{\"Service\": "
                     f"\"{who}\"}}, \"Action\": [{LOGS_RECOMMENDED}], \"Resource\": \"*\"}} (keep the statement "
                     "for the account root)"),
                key=key.id, actions=missing)

    def _consumers(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for esm in g.of_type("AWS::Lambda::EventSourceMapping"):
            src, fn = mapping_parts(g, esm)
            if src is None or fn is None or src.resource is None or src.resource.type != "AWS::SQS::Queue":
                continue
            key = kms_key(g, src.resource.get("KmsMasterKeyId"))
            if key is None:
                continue
            perms = permissions_for(g, fn)
            role_arn = arn_of(perms.role) if perms is not None else None
            if perms is None or role_arn is None:
                continue
            missing = _key_missing(key, role_arn, CONSUMER_ACTIONS, perms, ctx.graph)
            if missing:
                yield self._role_finding(ctx, esm, "EventSourceArn", perms, key, missing,
                                         f"to read encrypted queue {src.resource.id}")

    def _producers(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        checks: list[tuple[Resource, Resource | None, str]] = []
        for fn in g.functions():
            checks.append((fn, fn, "DeadLetterConfig.TargetArn"))
        for cfg in g.of_type("AWS::Lambda::EventInvokeConfig"):
            fn = g.function_for(cfg.get("FunctionName"))
            for path in ("DestinationConfig.OnSuccess.Destination", "DestinationConfig.OnFailure.Destination"):
                checks.append((cfg, fn, path))
        for r, fn, path in checks:
            t = target(g, r.get(path))
            if fn is None or t is None or t.resource is None or t.resource.type not in _ENCRYPTION_PROP:
                continue
            key = kms_key(g, t.resource.get(_ENCRYPTION_PROP[t.resource.type]))
            if key is None:
                continue
            perms = permissions_for(g, fn)
            role_arn = arn_of(perms.role) if perms is not None else None
            if perms is None or role_arn is None:
                continue
            missing = _key_missing(key, role_arn, PRODUCER_ACTIONS, perms, ctx.graph)
            if missing:
                yield self._role_finding(ctx, r, path, perms, key, missing, f"to send to encrypted {t.label}")

    def _role_finding(self, ctx: RuleContext, r: Resource, path: str, perms: RolePermissions, key: Resource,
                      missing: list[str], purpose: str) -> Finding:
        role = perms.role
        key_arn = arn_of(key) or key.id
        role_arn = arn_of(role) or role.id
        return self.finding(
            f"role {role.id} needs {', '.join(missing)} on key {key.id} {purpose} ({r.id}), but neither its "
            "policies (with a key policy that delegates to the account) nor the key policy allow it",
            resource=r, attribute=path,
            error=(f"KMS.AccessDeniedException: User: {role_arn} is not authorized to perform: {missing[0]} on "
                   f"resource: {key_arn}"),
            fix=(f"add to role {role.id}: {{\"Effect\": \"Allow\", \"Action\": [{', '.join(repr(a) for a in missing)}"
                 f"], \"Resource\": \"{key_arn}\"}}").replace("'", '"'),
            role=role.id, key=key.id, actions=missing)
