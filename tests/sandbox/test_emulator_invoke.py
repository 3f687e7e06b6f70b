"""Lambda Invoke against the embedded emulator (as a project's integration tests do) runs the handler through
iacqa's own runner, sandboxed, and never reaches for Docker (which printed errors on stdout and broke reports)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest

pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")

HANDLER = '''
import os
def handler(event, context):
    return {"echo": event.get("x"), "fn": context.function_name, "endpoint": bool(os.environ.get("AWS_ENDPOINT_URL"))}
'''
FAILING = '''
def handler(event, context):
    raise ValueError("boom " + str(event.get("x")))
'''


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", code)
    return buf.getvalue()


@pytest.fixture
def backend():  # noqa: ANN201
    from iacqa.emulate import moto_backend

    b = moto_backend.start()
    yield b
    b.stop()


def _function(backend, name: str, code: str) -> str:  # noqa: ANN001
    name = f"{name}-{uuid.uuid4().hex[:8]}"  # moto keeps its state per process
    iam = backend.client("iam")
    role = iam.create_role(RoleName=f"r-{name}", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    backend.client("lambda").create_function(FunctionName=name, Runtime="python3.11", Role=role,
                                             Handler="index.handler", Code={"ZipFile": _zip(code)})
    return name


def test_invoke_runs_the_handler_without_docker(isolation: str, backend, capfd) -> None:  # noqa: ANN001
    name = _function(backend, "echo", HANDLER)
    resp = backend.client("lambda").invoke(FunctionName=name, Payload=json.dumps({"x": 42}))
    payload = json.loads(resp["Payload"].read())
    assert payload == {"echo": 42, "fn": name, "endpoint": True}
    assert "FunctionError" not in resp
    out, err = capfd.readouterr()
    assert "docker" not in (out + err).lower()


def test_invoke_reports_the_handlers_error(isolation: str, backend) -> None:  # noqa: ANN001
    name = _function(backend, "fails", FAILING)
    resp = backend.client("lambda").invoke(FunctionName=name, Payload=json.dumps({"x": 1}))
    assert resp.get("FunctionError") == "Handled"
    body = json.loads(resp["Payload"].read())
    assert body["errorType"] == "ValueError" and "boom 1" in body["errorMessage"]
