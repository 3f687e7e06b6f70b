"""IAM policy evaluation over the resource graph: normalize, match, evaluate, gather a role's policies.

Vocabulary (all plain data, no AWS calls):

- a *statement* is a dict in IAM JSON shape, normalized by `statements()`: `Effect` ("Allow"/"Deny"), and list
  values for whichever of `Action`/`NotAction`, `Resource`/`NotResource` the statement has; `Principal`,
  `NotPrincipal`, `Condition` and `Sid` are kept as written. Every statement also carries `_source`, a short
  text naming where it came from ("inline policy `x` of role r", "AWS managed policy AWSLambdaRole").
- `allows(policies, action, resource_arn)` answers the IAM question for identity policies: an explicit Deny
  wins, then any Allow, else implicit deny. `Condition` blocks are not evaluated: an Allow with a condition
  counts as an allow and a Deny with a condition is ignored, so the answers lean towards "allowed" and rules
  built on them do not raise false alarms about missing permissions.
- `role_permissions(graph, role)` gathers everything attached to a role in the graph (inline `Policies`,
  `AWS::IAM::RolePolicy` / `AWS::IAM::Policy` resources naming the role, `ManagedPolicyArns` and
  `RolePolicyAttachment` pseudo resources pointing at `AWS::IAM::ManagedPolicy` resources or at the AWS managed
  policies in `AWS_MANAGED_POLICIES`) and says which attachments it could not read (`unknown`), so a rule can
  stay silent when the picture is incomplete. `role_policies(graph, role)` returns the statements only.
- `key_policy_allows(...)` evaluates a KMS key policy for a principal (service or role), with the default key
  policy when none is written.

Users: rules in rules/iam_missing (PRM*), rules/iam_broad (IAM*) and the emulator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from iacqa.model import Resource, ResourceGraph

__all__ = [
    "AWS_MANAGED_POLICIES",
    "ManagedPolicy",
    "RolePermissions",
    "action_matches",
    "allows",
    "aws_managed_policy",
    "evaluate",
    "function_role",
    "has_placeholders",
    "key_policy_allows",
    "missing_actions",
    "parse_document",
    "principal_matches",
    "refers_to",
    "resource_matches",
    "role_permissions",
    "role_policies",
    "statements",
]

# -- documents and statements -----------------------------------------------------------------------------------


def parse_document(doc: Any) -> dict[str, Any] | None:
    """A policy document as a dict: accepts a dict or a JSON string; None when it is neither."""
    if isinstance(doc, dict):
        return doc
    if isinstance(doc, (bytes, bytearray)):
        doc = doc.decode(errors="replace")
    if isinstance(doc, str) and doc.strip():
        try:
            value = json.loads(doc)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _normalize(stmt: dict[str, Any], source: str) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": str(stmt.get("Effect", "Allow")).capitalize()}
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in stmt:
            out[key] = [str(v) for v in _as_list(stmt[key]) if v is not None]
    for key in ("Principal", "NotPrincipal", "Condition", "Sid"):
        if key in stmt:
            out[key] = stmt[key]
    out["_source"] = stmt.get("_source", source)
    return out


def statements(policies: Any, source: str = "") -> list[dict[str, Any]]:
    """Normalized statements from a document, a JSON string, a statement, or a list of any of these."""
    out: list[dict[str, Any]] = []
    if policies is None:
        return out
    if isinstance(policies, (list, tuple)):
        for p in policies:
            out.extend(statements(p, source))
        return out
    doc = parse_document(policies)
    if doc is None:
        return out
    if "Statement" in doc:
        for st in _as_list(doc["Statement"]):
            if isinstance(st, dict):
                out.append(_normalize(st, source))
            else:
                out.extend(statements(st, source))
        return out
    if any(k in doc for k in ("Effect", "Action", "NotAction")):
        out.append(_normalize(doc, source))
    return out


# -- matching ---------------------------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{[^}]*\}")


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for piece in re.split(r"(\$\{[^}]*\}|\*|\?)", pattern):
        if piece == "*" or _VARIABLE.fullmatch(piece or ""):
            parts.append(".*")
        elif piece == "?":
            parts.append(".")
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts) + r"\Z", re.IGNORECASE if ignore_case else 0)


def action_matches(pattern: str, action: str) -> bool:
    """IAM action match: `service:Name`, case-insensitive, with `*` and `?` wildcards (`*` alone = all)."""
    if pattern == "*":
        return True
    return bool(_glob(pattern, True).match(action))


def resource_matches(pattern: str, arn: str) -> bool:
    """IAM resource match: case-sensitive glob with `*`/`?`; policy variables (`${aws:username}`) match anything.

    `*` may span `:` and `/`, as IAM allows (`arn:aws:logs:*:*:*`).
    A question about `"*"` (every resource) is answered only by patterns that match the literal `*`."""
    return pattern == "*" or bool(_glob(pattern, False).match(arn))


def _applies(stmt: dict[str, Any], action: str, resource: str) -> bool:
    if "Action" in stmt:
        if not any(action_matches(p, action) for p in stmt["Action"]):
            return False
    elif "NotAction" in stmt:
        if any(action_matches(p, action) for p in stmt["NotAction"]):
            return False
    else:
        return False
    if "Resource" in stmt:
        return any(resource_matches(p, resource) for p in stmt["Resource"])
    if "NotResource" in stmt:
        return not any(resource_matches(p, resource) for p in stmt["NotResource"])
    # Identity policies need a Resource; resource policies (key, queue) often omit it and mean "this resource".
    return True


def evaluate(policies: Any, action: str, resource_arn: str = "*") -> str:
    """"deny" (explicit), "allow", or "implicit" (no statement allows) for `action` on `resource_arn`.

    Conditions are not evaluated (see module docstring): conditional Allows count, conditional Denies do not."""
    allowed = False
    for st in statements(policies):
        if not _applies(st, action, resource_arn):
            continue
        if st["Effect"] == "Deny":
            if "Condition" not in st:
                return "deny"
        elif st["Effect"] == "Allow":
            allowed = True
    return "allow" if allowed else "implicit"


def allows(policies: Any, action: str, resource_arn: str = "*") -> bool:
    """True when the policies allow `action` on `resource_arn` (explicit Deny wins; default deny)."""
    return evaluate(policies, action, resource_arn) == "allow"


def missing_actions(policies: Any, actions: Iterable[str], resource_arn: str = "*") -> list[str]:
    """The actions of `actions` that the policies do not allow on `resource_arn`, in order."""
    stmts = statements(policies)
    return [a for a in actions if not allows(stmts, a, resource_arn)]


# -- principals (resource policies: key policies, queue policies) ------------------------------------------------

_ROOT = re.compile(r"^(arn:aws[\w-]*:iam::)?(\d{12})(:root)?$")


def _principal_values(principal: Any) -> list[tuple[str, str]]:
    """(kind, value) pairs of a Principal element; kind is AWS, Service, Federated or *."""
    if principal == "*":
        return [("*", "*")]
    out: list[tuple[str, str]] = []
    if isinstance(principal, dict):
        for kind, vals in principal.items():
            for v in _as_list(vals):
                out.append((str(kind), str(v)))
    elif isinstance(principal, str):
        out.append(("AWS", principal))
    return out


def principal_matches(principal: Any, who: str) -> str | None:
    """How a Principal element covers `who` (a service principal such as `logs.us-east-1.amazonaws.com`, or an
    IAM ARN): "direct", "account" (the account root: access is delegated to IAM policies), or None.

    Service principals match with or without the region part (`logs.amazonaws.com` covers
    `logs.us-east-1.amazonaws.com`)."""
    is_service = not who.startswith("arn:")
    best: str | None = None
    for kind, value in _principal_values(principal):
        if value == "*":
            return "direct"
        if is_service:
            if kind == "Service" and _service_equal(value, who):
                return "direct"
            continue
        if kind != "AWS":
            continue
        if value == who or resource_matches(value, who):
            return "direct"
        if _ROOT.match(value):
            best = "account"
    return best


def _service_equal(a: str, b: str) -> bool:
    def base(s: str) -> str:
        s = s.lower().removesuffix(".amazonaws.com").removesuffix(".amazonaws.com.cn")
        return s.split(".")[0]

    a_l, b_l = a.lower(), b.lower()
    return a_l == b_l or (base(a_l) == base(b_l) and (a_l.count(".") == 2 or b_l.count(".") == 2))


def default_key_policy(account: str = "123456789012") -> dict[str, Any]:
    """The key policy AWS applies when none is given: the account root may do kms:* (delegation to IAM)."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"}]}


def key_policy_allows(key_policy: Any, who: str, action: str, identity_policies: Any = None,
                      key_arn: str = "*") -> bool:
    """Whether a KMS key policy lets `who` (service principal or role ARN) perform `action`.

    A statement naming `who` (or `*`) allows directly; a statement naming the account root delegates to IAM, so
    the answer then depends on `identity_policies` (the role's statements, evaluated on `key_arn`; service
    principals have none). `key_policy` None means the default key policy. Explicit Denies naming `who` win."""
    doc = parse_document(key_policy) if key_policy is not None else default_key_policy()
    if doc is None:
        return True  # unreadable: do not claim a denial
    direct = delegated = False
    for st in statements(doc):
        if not _applies(st, action, key_arn):
            continue
        how = principal_matches(st.get("Principal"), who) if "Principal" in st else None
        if how is None:
            continue
        if st["Effect"] == "Deny":
            if "Condition" not in st and how == "direct":
                return False
            continue
        if how == "direct":
            direct = True
        else:
            delegated = True
    if direct:
        return True
    if delegated and who.startswith("arn:"):
        return allows(identity_policies, action, key_arn)
    return False


# -- AWS managed policies -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagedPolicy:
    """An AWS managed policy: its ARN, its statements, and whether the statement list is abridged (only the
    actions of the policy's own service are listed for the large *FullAccess policies)."""

    name: str
    arn: str
    document: dict[str, Any]
    abridged: bool = False

    @property
    def statements(self) -> list[dict[str, Any]]:
        return statements(self.document, f"AWS managed policy {self.name}")


def _mp(name: str, path: str, stmts: list[tuple[list[str], list[str] | str]], abridged: bool = False,
        not_action: bool = False) -> ManagedPolicy:
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", ("NotAction" if not_action else "Action"): acts, "Resource": res} for acts, res in stmts]}
    return ManagedPolicy(name, f"arn:aws:iam::aws:policy/{path}{name}", doc, abridged)


_LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
_ENI = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
_XRAY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
         "xray:GetSamplingStatisticSummaries"]

_TABLE = [
    _mp("AWSLambdaBasicExecutionRole", "service-role/", [(_LOGS, "*")]),
    _mp("AWSLambdaSQSQueueExecutionRole", "service-role/",
        [(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"] + _LOGS, "*")]),
    _mp("AWSLambdaDynamoDBExecutionRole", "service-role/",
        [(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
          + _LOGS, "*")]),
    _mp("AWSLambdaKinesisExecutionRole", "service-role/",
        [(["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
           "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams", "kinesis:SubscribeToShard"]
          + _LOGS, "*")]),
    _mp("AWSLambdaVPCAccessExecutionRole", "service-role/", [(_LOGS + _ENI, "*")]),
    _mp("AWSLambdaENIManagementAccess", "service-role/",
        [(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
           "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], "*")]),
    _mp("AWSLambdaMSKExecutionRole", "service-role/",
        [(["kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers",
           "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
           "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"] + _LOGS, "*")]),
    _mp("AWSLambdaRole", "service-role/", [(["lambda:InvokeFunction"], "*")]),
    _mp("AWSLambdaExecute", "", [(["logs:*"], "arn:aws:logs:*:*:*"),
                                 (["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::*")]),
    _mp("AWSXRayDaemonWriteAccess", "", [(_XRAY, "*")]),
    _mp("AWSXrayWriteOnlyAccess", "", [(_XRAY, "*")]),
    _mp("CloudWatchLambdaInsightsExecutionRolePolicy", "",
        [(["logs:CreateLogGroup"], "*"),
         (["logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:*:*:log-group:/aws/lambda-insights:*")]),
    _mp("AdministratorAccess", "", [(["*"], "*")]),
    _mp("PowerUserAccess", "", [(["iam:*", "organizations:*", "account:*"], "*")], not_action=True, abridged=True),
    _mp("AmazonSQSFullAccess", "", [(["sqs:*"], "*")]),
    _mp("AmazonSQSReadOnlyAccess", "",
        [(["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues", "sqs:ListQueues",
           "sqs:ListMessageMoveTasks", "sqs:ListQueueTags"], "*")]),
    _mp("AmazonSNSFullAccess", "", [(["sns:*"], "*")]),
    _mp("AmazonSNSReadOnlyAccess", "", [(["sns:GetTopicAttributes", "sns:List*", "sns:CheckIfPhoneNumberIsOptedOut",
                                          "sns:GetEndpointAttributes", "sns:GetDataProtectionPolicy",
                                          "sns:GetPlatformApplicationAttributes", "sns:GetSMSAttributes",
                                          "sns:GetSMSSandboxAccountStatus", "sns:GetSubscriptionAttributes"], "*")]),
    _mp("AmazonDynamoDBFullAccess", "", [(["dynamodb:*", "dax:*"], "*")], abridged=True),
    _mp("AmazonDynamoDBReadOnlyAccess", "", [(["dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*",
                                               "dynamodb:GetAbacStatus", "dynamodb:GetItem",
                                               "dynamodb:GetResourcePolicy", "dynamodb:Query", "dynamodb:Scan",
                                               "dynamodb:PartiQLSelect", "dax:Describe*", "dax:List*",
                                               "dax:GetItem", "dax:BatchGetItem", "dax:Query", "dax:Scan"], "*")],
        abridged=True),
    _mp("AmazonKinesisFullAccess", "", [(["kinesis:*"], "*")]),
    _mp("AmazonS3FullAccess", "", [(["s3:*", "s3-object-lambda:*"], "*")]),
    _mp("AmazonS3ReadOnlyAccess", "", [(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*",
                                         "s3-object-lambda:List*"], "*")]),
    _mp("CloudWatchLogsFullAccess", "", [(["logs:*", "cloudwatch:GenerateQuery",
                                           "cloudwatch:GenerateQueryResultsSummary"], "*")]),
    _mp("CloudWatchFullAccess", "", [(["autoscaling:Describe*", "cloudwatch:*", "logs:*", "sns:*",
                                       "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole",
                                       "oam:ListSinks"], "*")], abridged=True),
    _mp("AmazonEventBridgeFullAccess", "", [(["events:*", "schemas:*", "scheduler:*", "pipes:*"], "*")],
        abridged=True),
    _mp("AWSStepFunctionsFullAccess", "", [(["states:*"], "*")], abridged=True),
    _mp("SecretsManagerReadWrite", "", [(["secretsmanager:*"], "*")], abridged=True),
    _mp("AWSKeyManagementServicePowerUser", "",
        [(["kms:CreateAlias", "kms:CreateKey", "kms:DeleteAlias", "kms:Describe*", "kms:GenerateRandom",
           "kms:Get*", "kms:List*", "kms:TagResource", "kms:UntagResource", "iam:ListGroups", "iam:ListRoles",
           "iam:ListUsers"], "*")]),
]

# Policy name -> ManagedPolicy. Keyed by name so a wrong path still resolves (see `aws_managed_policy`).
AWS_MANAGED_POLICIES: dict[str, ManagedPolicy] = {p.name: p for p in _TABLE}

_MANAGED_ARN = re.compile(r"^arn:aws[\w-]*:iam::aws:policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$")


def aws_managed_policy(arn: Any) -> ManagedPolicy | None:
    """The AWS managed policy an ARN names (matched by policy name, whatever path the ARN gives), if known."""
    if not isinstance(arn, str):
        return None
    m = _MANAGED_ARN.match(arn)
    return AWS_MANAGED_POLICIES.get(m.group(1)) if m else None


def is_aws_managed_arn(arn: Any) -> bool:
    return isinstance(arn, str) and bool(_MANAGED_ARN.match(arn))


# -- a role's policies in the graph -------------------------------------------------------------------------------


@dataclass
class RolePermissions:
    """What the graph says a role may do.

    statements: every readable statement attached to the role (each with `_source`).
    unknown: attachments that could not be read (an AWS managed policy not in the table, a policy ARN from
    outside the stack, a document that does not parse). When non-empty, "not allowed" answers are uncertain.
    """

    role: Resource
    statements: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unknown

    def allows(self, action: str, resource_arn: str = "*") -> bool:
        return allows(self.statements, action, resource_arn)

    def missing(self, actions: Iterable[str], resource_arn: str = "*") -> list[str]:
        return missing_actions(self.statements, actions, resource_arn)


ROLE_TYPES = ("AWS::IAM::Role",)
_ATTACH_TYPES = ("AWS::IAM::RolePolicyAttachment", "AWS::IAM::PolicyAttachment")
_ATTACH_NATIVE = ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment")
_ROLE_POLICY_NATIVE = ("aws:iam/rolePolicy:RolePolicy",)


def refers_to(graph: ResourceGraph, value: Any, target: Resource) -> bool:
    """Whether a property value (name, id, ARN, or anything `graph.resolve` knows) names `target`."""
    if not isinstance(value, str) or not value or value.startswith("mock-"):
        return False  # empty, or a placeholder the IaC engine's mocks made up for a computed output
    hit = graph.resolve_resource(value)
    if hit is not None and hit.id == target.id:
        return True
    names = {target.outputs.get(k) for k in ("Name", "Id", "Arn")}
    names |= {target.get("RoleName"), target.get("Name")}
    names.discard(None)
    if value in names:
        return True
    # A role ARN with a path (arn:...:role/service/x) still names role x.
    if value.startswith("arn:") and ":role/" in value:
        return value.rsplit("/", 1)[-1] in names
    return False


def _role_refs(r: Resource) -> list[Any]:
    refs: list[Any] = []
    for key in ("RoleName", "Role", "Roles"):
        refs.extend(_as_list(r.get(key)))
    if not r.mapped or not refs:
        for key in ("role", "roles"):
            refs.extend(_as_list(r.native_properties.get(key)))
    return refs


def _policy_arn(r: Resource) -> Any:
    return r.get("PolicyArn") or r.native_properties.get("policy_arn")


def _managed_by_arn(graph: ResourceGraph, arn: Any, perms: RolePermissions, via: str) -> None:
    res = graph.resolve_resource(arn)
    if res is not None and res.type == "AWS::IAM::ManagedPolicy":
        doc = res.get("PolicyDocument")
        if doc is None:
            doc = res.native_properties.get("policy")
        _add(perms, statements(doc, f"policy {res.id}{via}"), f"policy {res.id}", doc if doc is not None else "")
        return
    mp = aws_managed_policy(arn)
    if mp is not None:
        perms.statements.extend(statements(mp.document, f"AWS managed policy {mp.name}{via}"))
        return
    perms.unknown.append(f"policy {arn}" if isinstance(arn, str) else "a policy ARN not known at synth time")


def has_placeholders(stmts: list[dict[str, Any]]) -> bool:
    """Whether statements hold values the front end could not know (`<unresolved Output>` from json.dumps over
    a Pulumi Output, `mock-...` placeholders): such a policy cannot be judged."""
    for st in stmts:
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            for v in st.get(key, ()):
                if "<unresolved" in v or v.startswith("mock-") or "unknown" == v.lower():
                    return True
    return False


def _add(perms: RolePermissions, stmts: list[dict[str, Any]], what: str, doc: Any) -> None:
    if doc is not None and not stmts:
        perms.unknown.append(f"{what} (document not readable)")
    elif has_placeholders(stmts):
        perms.unknown.append(f"{what} (values not known at synth time)")
    perms.statements.extend(stmts)


def role_permissions(graph: ResourceGraph, role: Resource) -> RolePermissions:
    """Everything the graph attaches to `role`, as statements, plus what could not be read."""
    perms = RolePermissions(role)
    for pol in _as_list(role.get("Policies")):
        if not isinstance(pol, dict):
            continue
        name = pol.get("PolicyName") or pol.get("name") or "?"
        doc = pol.get("PolicyDocument", pol.get("policy"))
        _add(perms, statements(doc, f"inline policy `{name}` of role {role.id}"), f"inline policy `{name}`", doc)
    for arn in _as_list(role.get("ManagedPolicyArns")):
        _managed_by_arn(graph, arn, perms, f" (managed_policy_arns of role {role.id})")
    for r in graph:
        if r.id == role.id:
            continue
        is_inline = r.type in ("AWS::IAM::RolePolicy", "AWS::IAM::Policy") or r.native_type in _ROLE_POLICY_NATIVE
        is_attach = r.type in _ATTACH_TYPES or r.native_type in _ATTACH_NATIVE
        is_managed = r.type == "AWS::IAM::ManagedPolicy"
        if not (is_inline or is_attach or is_managed):
            continue
        if not any(refers_to(graph, v, role) for v in _role_refs(r)):
            continue
        if is_attach:
            _managed_by_arn(graph, _policy_arn(r), perms, f" (attached by {r.id})")
            continue
        doc = r.get("PolicyDocument")
        if doc is None:
            doc = r.native_properties.get("policy")
        _add(perms, statements(doc, f"policy {r.id}"), f"policy {r.id}", doc if doc is not None else "")
    return perms


def role_policies(graph: ResourceGraph, role: Resource) -> list[dict[str, Any]]:
    """The normalized statements attached to `role` in the graph (see `role_permissions` for completeness)."""
    return role_permissions(graph, role).statements


def function_role(graph: ResourceGraph, function: Resource) -> Resource | None:
    """The IAM role resource a function's `Role` names, when it is in the graph."""
    ref = function.get("Role")
    res = graph.resolve_resource(ref)
    if res is not None and res.type in ROLE_TYPES:
        return res
    if isinstance(ref, str):
        for r in graph.of_type(*ROLE_TYPES):
            if refers_to(graph, ref, r):
                return r
    return None
