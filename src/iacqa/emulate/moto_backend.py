"""The embedded emulator: moto's threaded server on 127.0.0.1 (a free port), or an endpoint that already runs.

Only loopback: the server binds 127.0.0.1 and port 0 (the OS picks a free port); a user-given `--endpoint-url`
is used as is (LocalStack, a moto server) and never started or stopped by iacqa.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_SESSION_TOKEN": "testing"}


@dataclass
class Backend:
    """A running AWS-compatible endpoint and a boto3 session pointed at it."""

    url: str
    server: Any = None  # ThreadedMotoServer when iacqa started it
    _session: Any = field(default=None, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def embedded(self) -> bool:
        return self.server is not None

    def client(self, service: str) -> Any:
        if service not in self._clients:
            import boto3
            from botocore.config import Config

            if self._session is None:
                self._session = boto3.session.Session(
                    aws_access_key_id="testing", aws_secret_access_key="testing", aws_session_token="testing",
                    region_name=REGION)
            self._clients[service] = self._session.client(
                service, endpoint_url=self.url, region_name=REGION,
                config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30))
        return self._clients[service]

    def env(self) -> dict[str, str]:
        """What a person exports to use the emulator from a shell (the AWS CLI, integration tests)."""
        return {"AWS_ENDPOINT_URL": self.url, "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
                **FAKE_CREDENTIALS, "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}

    def stop(self) -> None:
        if self.server is not None:
            try:
                self.server.stop()
            finally:
                self.server = None


def _quiet() -> None:
    for name in ("werkzeug", "moto", "botocore", "urllib3"):
        logging.getLogger(name).setLevel(logging.ERROR)


def start(endpoint_url: str | None = None) -> Backend:
    """Start the embedded moto server on 127.0.0.1 (free port), or adopt a running endpoint."""
    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    _quiet()
    if endpoint_url:
        return Backend(url=endpoint_url.rstrip("/"))
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    _lambda_without_docker(url)
    return Backend(url=url, server=server)


def _lambda_without_docker(url: str) -> None:
    """moto runs Invoke in Docker (and prints `error running docker ...` on stdout when there is none): route it
    to iacqa's own handler runner instead, in the sandbox, against this emulator. Python runtimes only; another
    runtime answers a function error saying it was not run."""
    try:
        from moto.awslambda import models
    except ImportError:  # pragma: no cover - moto is what started this server
        return
    if getattr(models.LambdaFunction._invoke_lambda, "_iacqa", False):
        return

    def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        return invoke_with_iacqa(self, event, url)

    _invoke_lambda._iacqa = True  # type: ignore[attr-defined]
    models.LambdaFunction._invoke_lambda = _invoke_lambda


def invoke_with_iacqa(fn: Any, event: Any, url: str) -> tuple[str, bool, str]:
    """(response payload, function error?, log text) of one Invoke of moto's LambdaFunction `fn`."""
    import io
    import json
    import tempfile
    import zipfile
    from pathlib import Path
    from types import SimpleNamespace

    from iacqa.emulate.runner import invoke

    runtime = str(getattr(fn, "run_time", "") or "")
    if not runtime.startswith("python"):
        return (json.dumps({"errorType": "iacqa.NotRun", "errorMessage": f"iacqa runs Python handlers only, not "
                            f"{runtime or 'this runtime'}"}), True, "")
    if isinstance(event, (str, bytes)):
        try:
            event = json.loads(event or "{}")
        except ValueError:
            pass
    with tempfile.TemporaryDirectory(prefix="iacqa-invoke-") as tmp:
        try:
            with zipfile.ZipFile(io.BytesIO(getattr(fn, "code_bytes", b"") or b"")) as zf:
                for name in zf.namelist():  # never outside the code directory
                    dest = (Path(tmp) / name).resolve()
                    if dest.is_relative_to(Path(tmp).resolve()) and not name.endswith("/"):
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        dest.write_bytes(zf.read(name))
        except (zipfile.BadZipFile, OSError) as exc:
            return json.dumps({"errorType": "Runtime.InvalidZip", "errorMessage": str(exc)}), True, ""
        spec = SimpleNamespace(name=fn.function_name, arn=fn.function_arn, runtime=runtime, handler=fn.handler or "",
                               timeout=int(fn.timeout or 3), memory=int(fn.memory_size or 128),
                               env=dict(fn.environment_vars or {}), code_dir=Path(tmp))
        rec = invoke(spec, event, url)
    logs = "\n".join(str(e.get("message", "")) for e in rec.get("logs", []))
    if rec.get("status") == "ok":
        return json.dumps(rec.get("result")), False, logs
    failure = rec.get("failure") or {}
    return (json.dumps({"errorType": failure.get("type", "Runtime.Error"),
                        "errorMessage": str(failure.get("message", rec.get("status")))[:2000]}), True, logs)


def available() -> str | None:
    """None when the embedded emulator can run, else why not."""
    try:
        import boto3  # noqa: F401
        import moto  # noqa: F401
        from moto.server import ThreadedMotoServer  # noqa: F401
    except ImportError as exc:
        return f"{exc}"
    return None
