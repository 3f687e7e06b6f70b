"""Find the failure behind the failure: assume a mechanical fix, run again, report what fails next.

A failure is *mechanical* when the fix does not depend on intent: a Python float handed to DynamoDB (convert to
Decimal: boto3's TypeSerializer is patched in the child to do it), a Decimal handed to `json.dumps` (serialize it as
a number: `json.JSONEncoder.default` is patched). Each attempt adds the fix its predecessor needed, up to a bound;
the findings of attempt k carry `revealed_by` = the fingerprint of attempt k-1's finding. Seed 001 is the model
case: the float failure at `put_item`, and once that is fixed, the Decimal failure at `json.dumps`.

Findings are built here from the attempts of one handler run (runtime errors, server errors, timeouts, missing
packages, handler not found, calls the role does not allow).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from iacqa.catalog.runtime import (
    EnvVarNotSet,
    HandlerException,
    HandlerNotFound,
    HandlerTimeout,
    MissingPackage,
    RouteNotHandled,
    ServerErrorResponse,
)
from iacqa.model import Finding, Location, Severity

if TYPE_CHECKING:
    from iacqa.emulate.deploy import FunctionSpec
    from iacqa.emulate.flow import Delivery, Emulation

FIXABLE: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"Float types are not supported"), "float-decimal",
     "convert floats to Decimal before writing to DynamoDB: json.loads(body, parse_float=Decimal) or "
     "Decimal(str(value))"),
    (re.compile(r"Object of type Decimal is not JSON serializable"), "decimal-json",
     "serialize Decimal values explicitly: json.dumps(obj, default=lambda d: float(d)) or convert them to "
     "int/float before building the message"),
]
MAX_ATTEMPTS = 4
API_KINDS = ("api-rest", "api-http", "url")


def failure_text(attempt: dict[str, Any]) -> str:
    """The error of an attempt: the exception, else an error logged by a handler that caught it."""
    f = attempt.get("failure")
    if f:
        return f"{f.get('type')}: {f.get('message')}"
    for log in attempt.get("logs", []):
        if log.get("exc"):
            return f"{log['exc']['type']}: {log['exc']['message']}"
    for log in attempt.get("logs", []):
        if log.get("level") in ("ERROR", "CRITICAL"):
            return log.get("message", "")
    return ""


def needed_fix(attempt: dict[str, Any], have: list[str]) -> str | None:
    text = failure_text(attempt)
    if not text:
        return None
    for pat, fix, _ in FIXABLE:
        if fix not in have and pat.search(text):
            return fix
    return None


def run_with_fixes(invoke: Callable[[list[str]], dict[str, Any]]) -> list[dict[str, Any]]:
    attempts: list[dict[str, Any]] = []
    fixes: list[str] = []
    for _ in range(MAX_ATTEMPTS):
        a = invoke(fixes)
        attempts.append(a)
        fix = needed_fix(a, fixes) if (a.get("failure") or _server_error(a) or _error_logged(a)) else None
        if fix is None:
            break
        fixes = [*fixes, fix]
    return attempts


def _server_error(attempt: dict[str, Any]) -> bool:
    r = attempt.get("result")
    return isinstance(r, dict) and isinstance(r.get("statusCode"), int) and r["statusCode"] >= 500


def _error_logged(attempt: dict[str, Any]) -> bool:
    return any(log.get("level") in ("ERROR", "CRITICAL") for log in attempt.get("logs", []))


def fix_hint(text: str) -> str | None:
    for pat, _, hint in FIXABLE:
        if pat.search(text):
            return hint
    return None


# -- findings -------------------------------------------------------------------------------------------------------


def failing_call(frames: list[Any] | None) -> str | None:
    """The call on the handler's own line that raised (`table.put_item`, `json.dumps`): the outermost call of the
    innermost user frame's source line; None when the line is not a readable call."""
    if not frames or not isinstance(frames[-1], (list, tuple)) or len(frames[-1]) < 3:
        return None
    text = str(frames[-1][2] or "").strip().rstrip(":")
    for prefix in ("return ", "raise ", "await ", "yield "):
        text = text[len(prefix):] if text.startswith(prefix) else text
    try:
        tree = ast.parse(text)
    except SyntaxError:
        try:
            tree = ast.parse(text + ")")  # the call continues on the next lines
        except SyntaxError:
            return None
    call = next((n for n in ast.walk(tree) if isinstance(n, ast.Call)), None)
    if call is None:
        return None
    try:
        return ast.unparse(call.func)
    except (ValueError, TypeError):  # pragma: no cover - unparse of an expression node does not fail
        return None


def location(spec: FunctionSpec, frames: list[Any] | None, fallback: Location) -> Location:
    if frames:
        pkg_file, line = frames[-1][0], frames[-1][1]
        if spec.artifact is not None:
            return spec.artifact.map_line(pkg_file, int(line))
        return Location(pkg_file, int(line))
    return fallback


def findings_for(em: Emulation, spec: FunctionSpec, d: Delivery, attempts: list[dict[str, Any]]) -> list[Finding]:
    res = em.graph.resources[spec.rid]
    fn_loc = res.location
    out: list[Finding] = []
    prev: str | None = d.revealed_by
    # No producer in the stack reached the function: its event (message body, record, payload) is one iacqa made
    # up from the handler's reads, so a failure on it is a lead, not a fact (see _attempt_finding's severity).
    synthetic = d.cause is None and d.trigger.kind in ("sqs", "ddb-stream", "kinesis", "sns", "direct")
    where = f"on {d.trigger.label()}" + (" (a synthetic event iacqa made up: no flow in the stack reached the "
                                         "function, so a real producer may send other fields)" if synthetic else "")
    if d.variant == "empty":
        where = f"on {d.trigger.label()} with an empty JSON body"
    seen_calls: set[tuple[str, str]] = set()
    for i, a in enumerate(attempts):
        f = _attempt_finding(em, spec, d, a, where, fn_loc, synthetic)
        if f is not None:
            extra = dict(f.extra)
            extra.update(function=spec.rid, trigger=d.trigger.label(), fixes_assumed=a["fixes"])
            f = f.with_(revealed_by=prev if (i > 0 or d.revealed_by) else None, extra=extra)
            if i > 0:
                f = f.with_(message=f.message + f" (revealed once the `{a['fixes'][-1]}` failure above is "
                            "assumed fixed)")
            out.append(f)
        for c in a.get("calls", []):
            key = (c["prefix"], c["operation"], str(c.get("params", {}).get("TableName") or ""))
            if key in seen_calls:
                continue
            seen_calls.add(key)
            pf = iam_finding(em, spec, c)
            if pf is not None:
                out.append(pf.with_(revealed_by=prev if i > 0 or d.revealed_by else None))
        if f is not None:
            prev = f.fingerprint
    return out


def _attempt_finding(em: Emulation, spec: FunctionSpec, d: Delivery, a: dict[str, Any], where: str,
                     fn_loc: Location, synthetic: bool) -> Finding | None:
    res = em.graph.resources[spec.rid]
    status = a["status"]
    fail = a.get("failure") or {}
    if d.trigger.kind == "authorizer" and str(fail.get("message") or "").strip() == "Unauthorized":
        return None  # how a Lambda authorizer answers 401 (API Gateway's documented contract), not a failure
    # On a made-up event a failure may be the event's, not the code's: medium at most (raised again below when
    # the failure cannot depend on the event).
    sev = Severity.MEDIUM if synthetic else None
    if d.variant == "empty":
        sev = Severity.MEDIUM
    if status == "import-error":
        missing = fail.get("missing") or "?"
        if fail.get("own_module"):
            return HandlerNotFound.finding(
                f"handler `{spec.handler}`: module `{missing}` is not in the deployed package",
                resource=res, attribute="Handler",
                error=f"Runtime.ImportModuleError: Unable to import module '{missing}': {fail.get('message')}",
                fix="point handler at a module file inside the code package")
        if spec.layers:
            return None
        m = re.match(r"nodejs(\d+)", spec.runtime or "")
        if m and int(m.group(1)) >= 18 and str(missing).startswith("@aws-sdk/"):
            # Node.js 18+ Lambda runtimes include the whole AWS SDK for JavaScript v3; only iacqa's own node
            # toolchain lacks this client, so the handler is not broken (and was not run past the import).
            em.notes.append(f"{spec.rid}: {missing} is provided by the {spec.runtime} runtime but not by iacqa's "
                            "node toolchain; the handler was not run past that import")
            return None
        loc = location(spec, fail.get("frames"), fn_loc)
        return MissingPackage.finding(
            f"{spec.rid} imports `{missing}`, which its code package does not contain and the "
            f"{spec.runtime} runtime does not provide", resource=res, location=loc, symbol=missing,
            error=f"Runtime.ImportModuleError: Unable to import module '{spec.handler.rpartition('.')[0]}': "
            f"No module named '{missing}'",
            fix=f"vendor `{missing}` into the deployment directory (pip install -t), add a layer, or use the "
            "standard library")
    if status == "handler-missing":
        defined = ", ".join(fail.get("defined") or []) or "none"
        return HandlerNotFound.finding(
            f"handler `{spec.handler}`: module `{fail.get('module')}` has no function "
            f"`{fail.get('function')}` (it defines: {defined})", resource=res, attribute="Handler",
            error=f"Runtime.HandlerNotFound: Handler '{fail.get('function')}' missing on module "
            f"'{fail.get('module')}'", fix="make handler name the function the module defines")
    if status in ("timeout", "memory"):
        what = (f"did not finish within {a.get('timeout')} s" if status == "timeout"
                else f"exceeded its {spec.memory} MB")
        return HandlerTimeout.finding(f"{spec.rid} {what} {where}", resource=res,
                                      attribute="Timeout" if status == "timeout" else "MemorySize",
                                      error="Task timed out" if status == "timeout" else
                                      "Runtime exited with error: signal: killed", severity=sev)
    if status in ("error", "crash"):
        etype, emsg = fail.get("type", "Error"), fail.get("message", "")
        error = f"{etype}: {emsg}"
        loc = location(spec, fail.get("frames"), fn_loc)
        var = emsg.strip("'\"")
        if (etype == "KeyError" and re.fullmatch(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+", var)
                and not re.search(rf"\b{re.escape(var)}\b", "\n".join(em.sources(spec).values()))):
            # A KeyError about a name the function's code never mentions is raised inside a library (botocore looks
            # up AWS_CREDENTIAL_FILE and catches the KeyError itself): not the user's environment variable.
            em.notes.append(f"{spec.rid}: KeyError {var!r} raised inside a library, not by the function's code "
                            "(an environment iacqa's sandbox does not reproduce); not reported")
            return None
        if etype == "KeyError" and fail.get("frames") and "environ" in str(fail["frames"][-1][2]):
            return EnvVarNotSet.finding(
                f"{spec.rid} reads environment variable `{var}`, which the function does not set",
                resource=res, location=loc, symbol=var, error=error,
                fix=f"add `{var}` to the function's environment variables")
        if etype == "ModuleNotFoundError" and not spec.layers:
            missing = emsg.split("'")[1] if "'" in emsg else emsg
            return MissingPackage.finding(
                f"{spec.rid} imports `{missing}` at run time, which its package does not contain",
                resource=res, location=loc, symbol=missing, error=error)
        phase = {"init": "while importing the module (init)", "marshal": "returning a value Lambda cannot "
                 "serialize"}.get(fail.get("phase", ""), "")
        if fail.get("phase") == "init":
            # module-level code runs before the handler sees any event: every invocation fails, whatever it carries
            sev, where = None, f"on {d.trigger.label()}"
        call = failing_call(fail.get("frames"))
        return HandlerException.finding(
            f"{spec.rid} raises {etype} {where}{' ' + phase if phase else ''}"
            + (f" in `{call}(...)`" if call else "") + f": {emsg[:300]}",
            resource=res, location=loc, error=error, fix=fix_hint(error), severity=sev, symbol=call)
    result = a.get("result")
    if (status == "ok" and d.trigger.kind in ("api-rest", "api-http") and isinstance(result, dict)
            and result.get("statusCode") == 404 and "{" not in str(d.trigger.detail.get("path", ""))):
        text = "\n".join(em.sources(spec).values())
        hint = ""
        if d.trigger.detail.get("format") == "2.0" and re.search(r"""["'](httpMethod|path)["']""", text):
            hint = ("; the handler reads `httpMethod`/`path`, which payload format 2.0 does not send (it sends "
                    "`requestContext.http.method` and `rawPath`)")
        elif d.trigger.detail.get("format") == "1.0" and re.search(r"""["'](rawPath|routeKey)["']""", text):
            hint = "; the handler reads `rawPath`/`routeKey`, which payload format 1.0 does not send"
        return RouteNotHandled.finding(
            f"{spec.rid} answers 404 on {d.trigger.label()}, a route its API defines{hint}", resource=res,
            error=f"HTTP 404: {str(result.get('body'))[:200]}",
            fix="route on the fields of the payload format the integration sends", severity=sev)
    if status == "ok" and d.trigger.kind in API_KINDS and d.variant == "valid" and _server_error(a):
        text = failure_text(a) or "no error was logged"
        frames = None
        for log in a.get("logs", []):
            if log.get("exc"):
                frames = log["exc"].get("frames")
                break
            if log.get("level") in ("ERROR", "CRITICAL") and log.get("frame"):
                frames = [log["frame"]]
                break
        loc = location(spec, frames, fn_loc)
        return ServerErrorResponse.finding(
            f"{spec.rid} answers {a['result']['statusCode']} {where}; logged: {text[:300]}", resource=res,
            location=loc, error=text[:500], fix=fix_hint(text))
    return None


# -- IAM ------------------------------------------------------------------------------------------------------------

_PREFIX = {"monitoring": "cloudwatch", "email": "ses", "streams.dynamodb": "dynamodb"}
_ACTION = {
    ("s3", "ListObjectsV2"): "ListBucket", ("s3", "ListObjects"): "ListBucket", ("s3", "HeadObject"): "GetObject",
    ("s3", "HeadBucket"): "ListBucket", ("s3", "DeleteObjects"): "DeleteObject",
    ("s3", "ListObjectVersions"): "ListBucketVersions", ("s3", "CopyObject"): "PutObject",
    ("s3", "CreateMultipartUpload"): "PutObject", ("s3", "UploadPart"): "PutObject",
    ("s3", "CompleteMultipartUpload"): "PutObject", ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility", ("sns", "PublishBatch"): "Publish",
    ("lambda", "Invoke"): "InvokeFunction", ("lambda", "InvokeAsync"): "InvokeFunction",
    ("ses", "SendEmail"): "SendEmail",
}
_NO_IAM = {"sts", "xray"}
_BUCKET_OPS = {"ListBucket", "ListBucketVersions", "GetBucketLocation"}


def call_action(c: dict[str, Any]) -> str:
    prefix = _PREFIX.get(c["prefix"], c["prefix"])
    op = _ACTION.get((prefix, c["operation"]), c["operation"])
    return f"{prefix}:{op}"


def call_resources(c: dict[str, Any], em: Emulation) -> list[str]:
    p = c.get("params", {})
    acct, region = "123456789012", "us-east-1"
    prefix = _PREFIX.get(c["prefix"], c["prefix"])
    action = call_action(c)
    if prefix == "dynamodb":
        names = [p["TableName"]] if p.get("TableName") else list((p.get("RequestItems") or {}).keys())
        out = []
        for n in names:
            arn = n if str(n).startswith("arn:") else f"arn:aws:dynamodb:{region}:{acct}:table/{n}"
            out.append(f"{arn}/index/{p['IndexName']}" if p.get("IndexName") else arn)
        return out
    if prefix == "sqs" and p.get("QueueUrl"):
        name = str(p["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]
        return [f"arn:aws:sqs:{region}:{acct}:{name}"]
    if prefix == "sns":
        return [str(p.get("TopicArn") or p.get("TargetArn") or "*")]
    if prefix == "s3" and p.get("Bucket"):
        op = action.split(":")[1]
        if op in _BUCKET_OPS or not p.get("Key"):
            return [f"arn:aws:s3:::{p['Bucket']}"]
        return [f"arn:aws:s3:::{p['Bucket']}/{p['Key']}"]
    if prefix == "lambda" and p.get("FunctionName"):
        fn = str(p["FunctionName"])
        return [fn if fn.startswith("arn:") else f"arn:aws:lambda:{region}:{acct}:function:{fn}"]
    if prefix == "secretsmanager" and p.get("SecretId"):
        sid = str(p["SecretId"])
        if sid.startswith("arn:"):
            return [sid]
        real = next((a for rid, a in em.dep.secrets.items() if a.split(":secret:")[-1].rsplit("-", 1)[0] == sid),
                    None)
        return [real or f"arn:aws:secretsmanager:{region}:{acct}:secret:{sid}-AbCdEf"]
    if prefix == "ssm" and (p.get("Name") or p.get("Names") or p.get("Path")):
        names = p.get("Names") or [p.get("Name") or p.get("Path")]
        return [f"arn:aws:ssm:{region}:{acct}:parameter/{str(n).lstrip('/')}" for n in names]
    if prefix == "kms" and p.get("KeyId"):
        k = str(p["KeyId"])
        return [k if k.startswith("arn:") else f"arn:aws:kms:{region}:{acct}:{k if k.startswith('alias/') else 'key/' + k}"]
    if prefix == "events":
        buses = {str(e.get("EventBusName") or "default") for e in p.get("Entries") or []} or {"default"}
        return [b if b.startswith("arn:") else f"arn:aws:events:{region}:{acct}:event-bus/{b}" for b in buses]
    if prefix == "states" and p.get("StateMachineArn"):
        return [str(p["StateMachineArn"])]
    if prefix == "logs" and p.get("LogGroupName"):
        return [f"arn:aws:logs:{region}:{acct}:log-group:{p['LogGroupName']}:*"]
    return ["*"]


def iam_finding(em: Emulation, spec: FunctionSpec, c: dict[str, Any]) -> Finding | None:
    if c["prefix"] in _NO_IAM or spec.role_rid is None:
        return None
    try:
        from iacqa.knowledge.iam import role_permissions
    except ImportError:
        return None
    role = em.graph.resources.get(spec.role_rid)
    if role is None:
        return None
    perms = em.perms_cache.get(role.id)
    if perms is None:
        perms = em.perms_cache[role.id] = role_permissions(em.graph, role)
    if not perms.complete:
        em.notes.append(f"IAM of {spec.rid} not judged: role {role.id} has attachments iacqa cannot read "
                        f"({'; '.join(perms.unknown[:2])})")
        return None
    action = call_action(c)
    for real_arn in call_resources(c, em):
        arn = em.dep.synthetic(real_arn)
        if perms.allows(action, arn):
            continue
        if (not arn or arn == "*") and _allowed_somewhere(perms, action):
            # The call does not name its resource (SendTaskSuccess takes a task token; an unset name is ""), so
            # the question is whether the role may make the call at all, not whether it may on every resource.
            continue
        site = ""
        if c.get("frame") and spec.artifact is not None:
            loc = spec.artifact.map_line(c["frame"][0], int(c["frame"][1]))
            site = f" at {loc}"
        from iacqa.catalog.runtime import RuntimeCallNotAllowed

        return RuntimeCallNotAllowed.finding(
            f"{spec.rid} calls `{action}` on `{arn}`{site}, but its role {role.id} does not allow it",
            resource=role, location=policy_location(em, role), symbol=action,
            error=f"AccessDenied: ... is not authorized to perform: {action} on resource: {arn}",
            fix=f'add {{"Effect": "Allow", "Action": "{action}", "Resource": "{arn}"}} to the role\'s policy',
            function=spec.rid, action=action, resource_arn=arn, call_site=site.removeprefix(" at "))
    return None


def _allowed_somewhere(perms: Any, action: str) -> bool:
    """Whether an Allow statement grants `action` on some resource (and no Deny on every resource takes it back)."""
    from iacqa.knowledge.iam import allows

    for st in perms.statements:
        if st.get("Effect") != "Allow":
            continue
        for res in st.get("Resource") or ["*"]:
            if allows(perms.statements, action, str(res)):
                return True
    return False


def policy_location(em: Emulation, role: Any) -> Location:
    """Where a missing statement belongs: the `Statement` list of the role's own policy, else the role."""
    try:
        from iacqa.knowledge.iam import refers_to
    except ImportError:
        return role.location
    for r in em.graph.of_type("AWS::IAM::RolePolicy", "AWS::IAM::Policy"):
        refs = [r.get("RoleName"), r.native_properties.get("role"), *(r.get("Roles") or [])]
        if not any(refers_to(em.graph, v, role) for v in refs):
            continue
        loc = r.location_of("PolicyDocument")
        return _statement_line(em, loc) or loc
    if role.get("Policies"):
        loc = role.location_of("Policies")
        return _statement_line(em, loc) or loc
    return role.location


def _statement_line(em: Emulation, loc: Location) -> Location | None:
    root = em.root
    if not loc.file or not loc.line or root is None:
        return None
    try:
        lines = (root / loc.file).read_text(errors="replace").splitlines()
    except OSError:
        return None
    for i in range(loc.line - 1, min(len(lines), loc.line + 15)):
        if re.search(r"""["']Statement["']|statements\s*=""", lines[i]):
            return Location(loc.file, i + 1)
    return None
