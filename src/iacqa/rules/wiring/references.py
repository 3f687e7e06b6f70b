"""WIR004: references to things that do not exist (or are not what the attribute needs)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from iacqa.knowledge.iam import aws_managed_policy, is_aws_managed_arn
from iacqa.knowledge.managed_policy_list import policy_list
from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._refs import attr_name, is_placeholder, target

_ROLE_PATTERN = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
_FUNCTION_REFS = (
    ("AWS::Lambda::EventSourceMapping", "FunctionName"),
    ("AWS::Lambda::EventInvokeConfig", "FunctionName"),
    ("AWS::Lambda::Permission", "FunctionName"),
)


class DanglingReference(Rule):
    """A reference that names nothing AWS can find, or the wrong kind of thing.

    What it finds: only cases that cannot be right, to avoid false alarms:
    - a function `role` that is not an IAM role ARN: the role's name or id, or the ARN of a policy or of another
      resource;
    - an event source mapping, event invoke config or permission whose `function_name` names no function of the
      stack (while the stack defines functions), or names a resource that is not a function;
    - an AWS managed policy ARN with the wrong path, such as
      `arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole` (the policy lives under `service-role/`), a name that
      is no managed policy (`service-role/ConfigRole` for `service-role/AWS_ConfigRole`), or a service-linked role
      policy (`aws-service-role/...`), which only AWS can attach; checked against the managed policy list moto
      ships (a name missing from it with nothing close is high, not critical: it may be newer than the list).
    Why it breaks: the create call fails validation or cannot find the referenced resource; the deploy stops.
    Bad: `aws.lambda_.Function("f", role=role.name, ...)`;
    `aws.iam.RolePolicyAttachment("a", role=role.name, policy_arn="arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")`.
    Good: `role=role.arn`; `policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"`
    (or `aws.iam.ManagedPolicy.AWS_LAMBDA_BASIC_EXECUTION_ROLE`).
    What AWS says: `ValidationException: 1 validation error detected: Value 'x' at 'role' failed to satisfy
    constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?...`;
    `ResourceNotFoundException: Function not found: arn:aws:lambda:...`;
    `NoSuchEntity: Policy arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole does not exist or is not
    attachable.`
    References: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html ,
    https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html
    """

    id = "WIR004"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "reference to a missing or wrong resource"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for fn in g.functions():
            yield from self._role(ctx, fn)
        has_functions = any(True for _ in g.functions())
        for rtype, path in _FUNCTION_REFS:
            for r in g.of_type(rtype):
                yield from self._function_ref(ctx, r, path, has_functions)
        for role in g.of_type("AWS::IAM::Role"):
            arns = role.get("ManagedPolicyArns")
            for i, arn in enumerate(arns if isinstance(arns, list) else []):
                yield from self._managed_arn(ctx, role, f"ManagedPolicyArns.{i}", arn)
        for r in g:
            if r.type in ("AWS::IAM::RolePolicyAttachment", "AWS::IAM::PolicyAttachment") or r.native_type in (
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment"):
                arn = r.get("PolicyArn") or r.native_properties.get("policy_arn")
                yield from self._managed_arn(ctx, r, "PolicyArn", arn)

    def _role(self, ctx: RuleContext, fn: Resource) -> Iterator[Finding]:
        value = fn.get("Role")
        if not isinstance(value, str) or not value or is_placeholder(value):
            return
        attr = attr_name(fn, "Role")
        t = target(ctx.graph, value)
        error = (f"ValidationException: 1 validation error detected: Value '{value}' at 'role' failed to satisfy "
                 f"constraint: Member must satisfy regular expression pattern: {_ROLE_PATTERN}")
        if t is not None and t.resource is not None:
            res = t.resource
            if res.type == "AWS::IAM::Role":
                if t.attr in ("Arn",):
                    return
                yield self.finding(
                    f"{attr} of function {fn.id} is the {t.attr and t.attr.lower() or 'name'} of role {res.id}, "
                    "not its ARN", resource=fn, attribute="Role", error=error, fix=f"pass {res.id}.arn")
                return
            yield self.finding(
                f"{attr} of function {fn.id} is {t.label}, not an IAM role", resource=fn, attribute="Role",
                error=error, fix="pass the ARN of the function's execution role (role.arn)")
            return
        if value.startswith("arn:") and ":iam::" in value and ":role/" in value:
            return  # a role from outside the stack
        if value.startswith("arn:") or "/" not in value:
            kind = "an ARN that is not a role" if value.startswith("arn:") else "not an ARN"
            yield self.finding(
                f"{attr} of function {fn.id} is `{value}`, {kind}; Lambda needs the role's ARN",
                resource=fn, attribute="Role", error=error, fix="pass the ARN of the execution role (role.arn)")

    def _function_ref(self, ctx: RuleContext, r: Resource, path: str, has_functions: bool) -> Iterator[Finding]:
        value = r.get(path)
        if not isinstance(value, str) or not value or is_placeholder(value):
            return
        g = ctx.graph
        if g.function_for(value) is not None:
            return
        attr = attr_name(r, path)
        t = target(g, value)
        if t is not None and t.resource is not None:
            if t.resource.type in ("AWS::Lambda::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version"):
                return
            yield self.finding(
                f"{attr} of {r.id} is {t.label}, not a Lambda function", resource=r, attribute=path,
                error=f"ValidationException: 1 validation error detected: Value '{value}' at 'functionName' failed "
                "to satisfy constraint",
                fix="pass the function's name or ARN (fn.name / fn.arn)")
            return
        if not has_functions:
            return
        if value.startswith("arn:") and ":function:" not in value:
            return
        shown = value if value.startswith("arn:") else f"arn:aws:lambda:us-east-1:123456789012:function:{value}"
        names = ", ".join(sorted(str(f.outputs.get("Name") or f.id) for f in g.functions()))
        yield self.finding(
            f"{attr} of {r.id} is `{value}`, which names no function of the stack (functions: {names})",
            resource=r, attribute=path, error=f"ResourceNotFoundException: Function not found: {shown}",
            fix="reference the function resource (fn.name or fn.arn) instead of a hand-written name")

    def _managed_arn(self, ctx: RuleContext, r: Resource, path: str, arn: object) -> Iterator[Finding]:
        if not is_aws_managed_arn(arn) or not isinstance(arn, str):
            return
        error = f"NoSuchEntity: Policy {arn} does not exist or is not attachable."
        mp = aws_managed_policy(arn)
        if mp is not None:
            if mp.arn != arn:
                yield self.finding(
                    f"`{arn}` is not where AWS keeps {mp.name}; its ARN is `{mp.arn}`", resource=r, attribute=path,
                    error=error, fix=f"use `{mp.arn}`")
            return
        known = policy_list()
        if not known.paths:
            return  # no list here (moto not installed): only the policies iacqa knows are checked
        name = arn.rsplit("/", 1)[-1]
        evidence = f"{known.source}, {len(known.paths)} policies, updated to {known.as_of}"
        real = known.arn(name)
        if real is not None:
            if "/aws-service-role/" in real:
                # Service-linked role policies exist but only AWS attaches them (to its service-linked roles).
                yield self.finding(
                    f"`{arn}` is a service-linked role policy: AWS attaches it only to the service's own "
                    "service-linked role, never to a role of the stack", resource=r, attribute=path,
                    error="PolicyNotAttachable: Cannot attach a Service Role Policy to a Customer Role.",
                    fix="attach the service's customer-facing managed policy instead (often under service-role/), "
                    "or let the service create its service-linked role", evidence=evidence)
            elif real != arn:
                yield self.finding(
                    f"`{arn}` is not where AWS keeps {name}; its ARN is `{real}`", resource=r, attribute=path,
                    error=error, fix=f"use `{real}`", evidence=evidence)
            return
        close = difflib.get_close_matches(name, list(known.paths), n=1, cutoff=0.75)
        if close:
            yield self.finding(
                f"`{arn}` names no AWS managed policy; the closest real one is `{known.arn(close[0])}`",
                resource=r, attribute=path, error=error, fix=f"use `{known.arn(close[0])}`", evidence=evidence)
            return
        # Not in the list and nothing close: maybe newer than the list, so not a certain deploy failure.
        yield self.finding(
            f"`{arn}` names no AWS managed policy in the list of {known.as_of} (a policy AWS added since would "
            "not be there)", resource=r, attribute=path, error=error, severity=Severity.HIGH,
            fix="check the name in the AWS managed policy reference and use its exact ARN (path included)",
            evidence=f"{evidence}; as of {known.as_of}")
