"""LIM016 on Terraform/TypeScript graph shapes: launch template text (critical), instance base64 (low)."""

from __future__ import annotations

import base64
from pathlib import Path

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.limits.user_data import UserDataEncoding

SCRIPT = "#!/bin/bash\nyum install -y nginx\n"
TF = """resource "aws_instance" "web" {
  ami           = data.aws_ami.al2.id
  instance_type = "t3.micro"
  user_data     = base64encode(templatefile("${path.module}/init.sh", {}))
}

resource "aws_instance" "ok" {
  ami       = data.aws_ami.al2.id
  user_data = templatefile("${path.module}/init.sh", {})
}
"""


def _ctx(*res: Resource, root: Path | None = None) -> RuleContext:
    g = ResourceGraph(platform="tf")
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root)


def _r(rid: str, native: str, user_data: object, line: int = 1, file: str = "main.tf") -> Resource:
    return Resource(id=rid, type=native, native_type=native, native_properties={"user_data": user_data},
                    location=Location(file, line))


def test_launch_template_text_and_unknown_values() -> None:
    found = list(UserDataEncoding().check(_ctx(
        _r("lt", "aws_launch_template", SCRIPT),
        _r("lt_ok", "aws_launch_template", base64.b64encode(SCRIPT.encode()).decode()),
        _r("lt_var", "aws_launch_template", "${base64encode(local.script)}"),
        _r("ts", "aws:ec2/launchTemplate:LaunchTemplate", "#!/bin/bash\necho hi"))))
    assert [(f.resource, f.severity) for f in found] == [("lt", Severity.CRITICAL), ("ts", Severity.CRITICAL)]
    assert found[0].error == "InvalidUserData.Malformed: Invalid BASE64 encoding of user data"
    assert "botocore" in found[0].extra["evidence"]


def test_instance_with_base64encode_in_source(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF)
    web = _r("aws_instance.web", "aws_instance", "${base64encode(templatefile(...))}", line=1)
    ok = _r("aws_instance.ok", "aws_instance", "${templatefile(...)}", line=7)
    found = list(UserDataEncoding().check(_ctx(web, ok, root=tmp_path)))
    assert [(f.resource, f.line, f.severity) for f in found] == [("aws_instance.web", 4, Severity.LOW)]
    # an evaluated value that is base64 of a script says the same without the source
    enc = _r("aws_instance.e", "aws_instance", base64.b64encode(SCRIPT.encode()).decode(), file="other.tf")
    assert [f.severity for f in UserDataEncoding().check(_ctx(enc))] == [Severity.LOW]
