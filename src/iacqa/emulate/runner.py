"""Run one handler on one event in a sandboxed child, the way the Lambda Python runtime does.

The child gets a scrubbed environment pointing every AWS SDK call at the emulator, the function's environment
variables (already rewritten to real identifiers), the variables the Lambda runtime itself sets, its timeout and
memory as limits, and the code root as working directory and first `sys.path` entry. The module is imported the
way Lambda does (`index.handler` -> `import index`, module-level clients created inside the emulated environment).

Everything observable is reported as events: each AWS call (service, operation, the parameters that name the
resource, and for messages the payload, so flow.py can deliver them), warnings and errors logged, the exception with
its frames inside the code root, the return value. Imports of packages the deployment does not contain and the
Lambda runtime does not provide fail as they would on Lambda.
"""

from __future__ import annotations

import builtins
import importlib
import json
import logging
import os
import sys
import tempfile
import time
import traceback
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from iacqa.sandbox import EventSink, Limits, run_forked, safe_env

# What the Lambda Python runtimes provide besides the standard library.
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six", "awslambdaric",
                    "bootstrap", "runtime", "_cffi_backend"}
RESERVED_ENV = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER", "LAMBDA_TASK_ROOT",
                "AWS_EXECUTION_ENV"}
# Parameters worth keeping from each call: what names the resource, and payloads the flow delivers.
KEEP_PARAMS = ("TableName", "QueueUrl", "TopicArn", "TargetArn", "Bucket", "Key", "FunctionName", "SecretId",
               "Name", "Names", "Path", "StreamName", "StateMachineArn", "KeyId", "EventBusName", "LogGroupName",
               "DeliveryStreamName", "IndexName", "Message", "Subject", "MessageBody", "InvocationType", "Payload",
               "Entries", "RequestItems", "TransactItems", "Prefix", "Input", "MessageGroupId", "PhoneNumber",
               "MessageAttributes", "Destination", "Source", "ResourceArn", "ClusterName", "ApiId", "ConnectionId")
MAX_LOGS = 30


class LambdaContext:
    def __init__(self, name: str, arn: str, memory: int, timeout: float) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = str(memory)
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _to_decimal(v: Any) -> Any:
    """Floats -> Decimal, in place inside the handler's own dicts and lists: the fixed code would have built
    the item with Decimals, and later code (json.dumps of the same dict) must see them."""
    if isinstance(v, float):
        return Decimal(str(v))
    if isinstance(v, dict):
        for k, x in list(v.items()):
            v[k] = _to_decimal(x)
        return v
    if isinstance(v, list):
        v[:] = [_to_decimal(x) for x in v]
        return v
    if isinstance(v, tuple):
        return tuple(_to_decimal(x) for x in v)
    if isinstance(v, set):
        return {_to_decimal(x) for x in v}
    return v


def install_fixes(fixes: list[str]) -> None:
    """Assume the first failures are fixed, mechanically, so the run shows what fails next."""
    if "float-decimal" in fixes:
        from boto3.dynamodb.types import TypeSerializer

        orig = TypeSerializer.serialize

        def serialize(self: Any, value: Any) -> Any:
            return orig(self, _to_decimal(value))

        TypeSerializer.serialize = serialize  # type: ignore[method-assign]
        # The resource API deep-copies parameters before serializing: convert in the handler's own objects first.
        import boto3.dynamodb.transform as transform

        orig_copy = transform.copy_dynamodb_params

        def copy_dynamodb_params(params: Any, **kwargs: Any) -> Any:
            return orig_copy(_to_decimal(params), **kwargs)

        transform.copy_dynamodb_params = copy_dynamodb_params
    if "decimal-json" in fixes:
        orig_default = json.JSONEncoder.default

        def default(self: Any, o: Any) -> Any:
            if isinstance(o, Decimal):
                return int(o) if o == o.to_integral_value() else float(o)
            return orig_default(self, o)

        json.JSONEncoder.default = default  # type: ignore[method-assign]


def _jsonable(v: Any, depth: int = 0) -> Any:
    if depth > 8:
        return "..."
    if isinstance(v, (str, int, bool)) or v is None:
        return v if not isinstance(v, str) else v[:4000]
    if isinstance(v, float):
        return v
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (bytes, bytearray)):
        return v[:4000].decode(errors="replace")
    if isinstance(v, dict):
        return {str(k): _jsonable(x, depth + 1) for k, x in list(v.items())[:50]}
    if isinstance(v, (list, tuple, set)):
        return [_jsonable(x, depth + 1) for x in list(v)[:50]]
    if hasattr(v, "read"):
        return "<stream>"
    return repr(v)[:200]


def _install_recorder(sink: EventSink) -> None:
    from botocore.client import BaseClient

    orig = BaseClient._make_api_call

    def _make_api_call(self: Any, operation_name: str, api_params: dict) -> Any:
        model = self.meta.service_model
        prefix = model.metadata.get("signingName") or model.endpoint_prefix
        frame = _user_frame()
        rec = {"kind": "call", "service": model.service_name, "prefix": prefix, "operation": operation_name,
               "params": {k: _jsonable(v) for k, v in api_params.items() if k in KEEP_PARAMS},
               "frame": frame}
        try:
            out = orig(self, operation_name, api_params)
        except Exception as exc:
            rec["error"] = f"{type(exc).__name__}: {exc}"[:500]
            sink.emit(rec)
            raise
        if operation_name in ("Publish", "SendMessage", "PutEvents") and isinstance(out, dict):
            rec["response"] = {k: _jsonable(v) for k, v in out.items() if k != "ResponseMetadata"}
        sink.emit(rec)
        return out

    BaseClient._make_api_call = _make_api_call  # type: ignore[method-assign]


_CODE_ROOT = ""


def _user_frame() -> list[Any] | None:
    f = sys._getframe(2)
    while f is not None:
        fn = f.f_code.co_filename
        if _CODE_ROOT and fn.startswith(_CODE_ROOT + os.sep):
            return [os.path.relpath(fn, _CODE_ROOT), f.f_lineno]
        f = f.f_back
    return None


def _install_import_guard(code_root: str, sink: EventSink) -> None:
    orig_import = builtins.__import__
    stdlib = set(sys.stdlib_module_names)

    def guarded(name: str, globals_: Any = None, locals_: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        if level == 0 and globals_ and str(globals_.get("__file__") or "").startswith(code_root + os.sep):
            top = name.split(".")[0]
            if (top not in stdlib and top not in RUNTIME_PROVIDED and not (Path(code_root) / top).exists()
                    and not (Path(code_root) / f"{top}.py").exists()
                    and not any(p.name.startswith(top) for p in Path(code_root).glob(f"{top}*.so"))):
                raise ModuleNotFoundError(f"No module named '{top}'", name=top)
        return orig_import(name, globals_, locals_, fromlist, level)

    builtins.__import__ = guarded


class _LogCapture(logging.Handler):
    def __init__(self, sink: EventSink) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if self.count >= MAX_LOGS:
            return
        self.count += 1
        exc = None
        if record.exc_info and record.exc_info[1] is not None:
            e = record.exc_info[1]
            exc = {"type": type(e).__name__, "message": str(e)[:500], "frames": _frames(record.exc_info[2])}
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call must not break the run
            msg = str(record.msg)
        self.sink.emit({"kind": "log", "level": record.levelname, "message": msg[:1000], "exc": exc,
                        "frame": [os.path.relpath(record.pathname, _CODE_ROOT), record.lineno]
                        if record.pathname.startswith(_CODE_ROOT + os.sep) else None})


def _frames(tb: Any) -> list[list[Any]]:
    out = []
    for fs in traceback.extract_tb(tb):
        if _CODE_ROOT and fs.filename.startswith(_CODE_ROOT + os.sep):
            out.append([os.path.relpath(fs.filename, _CODE_ROOT), fs.lineno, (fs.line or "")[:200]])
    return out


def _child(sink: EventSink, code_root: str, handler: str, event: Any, ctx: dict[str, Any],
           fixes: list[str]) -> None:
    global _CODE_ROOT
    _CODE_ROOT = code_root
    import boto3

    boto3.DEFAULT_SESSION = None
    install_fixes(fixes)
    _install_recorder(sink)
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(_LogCapture(sink))
    root.setLevel(logging.WARNING)
    sys.path.insert(0, code_root)
    module_name, _, func_name = handler.rpartition(".")
    _install_import_guard(code_root, sink)
    t0 = time.monotonic()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        own = (exc.name or "").split(".")[0] == module_name.split(".")[0]
        sink.emit({"kind": "import-error", "missing": exc.name, "own_module": own,
                   "type": type(exc).__name__, "message": str(exc), "frames": _frames(exc.__traceback__)})
        return
    except BaseException as exc:  # noqa: BLE001 - module-level code failed (Runtime.ImportModuleError)
        sink.emit({"kind": "exception", "phase": "init", "type": type(exc).__name__, "message": str(exc)[:2000],
                   "frames": _frames(exc.__traceback__)})
        return
    fn = getattr(module, func_name, None)
    if not callable(fn):
        sink.emit({"kind": "handler-missing", "module": module_name, "function": func_name,
                   "defined": sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_")
                                     and getattr(v, "__module__", None) == module.__name__)[:20]})
        return
    sink.emit({"kind": "init", "seconds": round(time.monotonic() - t0, 3)})
    context = LambdaContext(ctx["name"], ctx["arn"], ctx["memory"], ctx["timeout"])
    t1 = time.monotonic()
    try:
        result = fn(event, context)
    except BaseException as exc:  # noqa: BLE001 - the handler's own failure is what we report
        sink.emit({"kind": "exception", "phase": "invoke", "type": type(exc).__name__,
                   "message": str(exc)[:2000], "frames": _frames(exc.__traceback__),
                   "seconds": round(time.monotonic() - t1, 3)})
        return
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        sink.emit({"kind": "exception", "phase": "marshal", "type": "Runtime.MarshalError",
                   "message": f"Unable to marshal response: {exc}", "frames": [],
                   "seconds": round(time.monotonic() - t1, 3)})
        return
    sink.emit({"kind": "result", "value": _jsonable(result), "seconds": round(time.monotonic() - t1, 3)})


def lambda_env(spec: Any, code_root: str) -> dict[str, str]:
    env = {k: v for k, v in spec.env.items() if k not in RESERVED_ENV}
    env.update({
        "AWS_LAMBDA_FUNCTION_NAME": spec.name, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]iacqa", "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "LAMBDA_TASK_ROOT": code_root, "LAMBDA_RUNTIME_DIR": "/var/runtime", "_HANDLER": spec.handler, "TZ": ":UTC",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR", "AWS_XRAY_SDK_ENABLED": "false", "AWS_MAX_ATTEMPTS": "1",
    })
    return env


def invoke(spec: Any, event: Any, endpoint_url: str, fixes: list[str] | None = None,
           timeout_cap: float = 20.0, base_rss_mb: float = 0.0) -> dict[str, Any]:
    """Run spec's handler on event; a JSON-able record of what happened (status, calls, error, result, logs)."""
    fixes = list(fixes or [])
    code_root = str(spec.code_dir)
    timeout = min(float(spec.timeout or 3), timeout_cap)
    # The runner's own imports (boto3, moto pages shared after fork) count in RSS; the function's memory is on top.
    limits = Limits(timeout=timeout + 5.0, memory_mb=int(spec.memory + max(base_rss_mb, 150) + 128))
    ctx = {"name": spec.name, "arn": spec.arn, "memory": spec.memory, "timeout": timeout}
    if os.environ.get("IACQA_ISOLATION_USED"):
        # Already inside a sandbox (the emulator child): fork from it, the modules it imported are shared.
        with tempfile.TemporaryDirectory(prefix="iacqa-lambda-") as home:
            env = safe_env(Path(home), endpoint_url=endpoint_url, extra=lambda_env(spec, code_root))
            outcome = run_forked(lambda sink: _child(sink, code_root, spec.handler, event, ctx, fixes),
                                 cwd=Path(code_root), env=env, limits=limits)
    else:
        # Called from iacqa's own process (moto's Lambda Invoke during the tests stage): a sandboxed interpreter.
        from urllib.parse import urlparse

        from iacqa.sandbox import run_python

        url = urlparse(endpoint_url or "")
        outcome = run_python("iacqa.emulate.runner:_child",
                             {"code_root": code_root, "handler": spec.handler, "event": _jsonable(event), "ctx": ctx,
                              "fixes": fixes},
                             project=Path(code_root), timeout=limits.timeout, memory_mb=limits.memory_mb,
                             endpoint_url=endpoint_url, env_extra=lambda_env(spec, code_root), copy=False,
                             ports=[url.port] if url.hostname in ("127.0.0.1", "localhost") and url.port else [])
    rec: dict[str, Any] = {"status": "ok", "seconds": round(outcome.seconds, 3), "peak_rss_mb": outcome.peak_rss_mb,
                           "fixes": fixes, "calls": outcome.of_kind("call"), "logs": outcome.of_kind("log")}
    for kind in ("import-error", "handler-missing", "exception"):
        evs = outcome.of_kind(kind)
        if evs:
            rec["status"] = kind if kind != "exception" else "error"
            rec["failure"] = evs[0]
            break
    res = outcome.of_kind("result")
    if res:
        rec["result"] = res[0]["value"]
    if outcome.status == "timeout":
        rec["status"] = "timeout"
        rec["timeout"] = timeout
    elif outcome.status == "memory":
        rec["status"] = "memory"
    elif outcome.status not in ("ok",) and rec["status"] == "ok":
        child_err = outcome.of_kind("child-error")
        rec["status"] = "crash"
        rec["failure"] = {"type": "Crash", "message": (child_err[0]["error"] if child_err else
                                                       f"the runtime process ended ({outcome.status}, exit "
                                                       f"{outcome.exit_code})"), "frames": []}
        rec["stderr"] = outcome.stderr[-2000:]
    return rec
