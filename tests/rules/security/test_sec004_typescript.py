"""SEC004 on TypeScript/JavaScript projects: the literal is looked up in the TS source (strings only, comments
never), on graphs shaped as the CDKTF/CDK/Pulumi TS front ends build them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iacqa.model import Location, Resource, ResourceGraph
from iacqa.rules.context import RuleContext
from iacqa.rules.security.secrets import PlaintextSecret

BAD = """import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { Construct } from 'constructs';

export class Database extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DbInstance(this, 'db', {
      engine: 'postgres',
      username: 'dbadmin',
      password: 'ChangeMe#2024$Secure!', // should come from Secrets Manager
    });
  }
}
"""

# The same value appears, but only in a comment and in a computed template: nothing written is the password.
GOOD = """import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { Construct } from 'constructs';

// never write 'ChangeMe#2024$Secure!' here
/* old: password: "ChangeMe#2024$Secure!" */
export class Database extends Construct {
  constructor(scope: Construct, id: string, password: string) {
    super(scope, id);
    const prefix = 'ChangeMe';
    new DbInstance(this, 'db', {
      engine: 'postgres',
      username: 'dbadmin',
      password: `${prefix}#2024$Secure!`,
    });
    new DbInstance(this, 'db2', { engine: 'postgres', password });
  }
}
"""


def _ctx(root: Path, file: str, *res: tuple[str, str, dict[str, Any], int]) -> RuleContext:
    g = ResourceGraph(platform="cdktf")
    for rid, cfn, props, line in res:
        g.add(Resource(id=rid, type=cfn, native_type="aws_db_instance", properties=props, native_properties={},
                       location=Location(file, line)))
    return RuleContext(graph=g, root=root)


@pytest.mark.parametrize("suffix", [".ts", ".js"])
def test_literal_password_in_typescript_is_found(tmp_path: Path, suffix: str) -> None:
    file = f"lib/modules{suffix}"
    (tmp_path / "lib").mkdir()
    (tmp_path / file).write_text(BAD)
    ctx = _ctx(tmp_path, file, ("db", "AWS::RDS::DBInstance", {"MasterUserPassword": "ChangeMe#2024$Secure!"}, 7))
    found = list(PlaintextSecret().check(ctx))
    assert [(f.rule, f.attribute) for f in found] == [("SEC004", "MasterUserPassword")]
    assert "ChangeMe#2024$Secure!" not in found[0].message  # masked


def test_comment_or_computed_value_is_not_a_literal(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "modules.ts").write_text(GOOD)
    ctx = _ctx(tmp_path, "lib/modules.ts",
               ("db", "AWS::RDS::DBInstance", {"MasterUserPassword": "ChangeMe#2024$Secure!"}, 10),
               ("db2", "AWS::RDS::DBInstance", {"MasterUserPassword": "ChangeMe#2024$Secure!"}, 15))
    assert list(PlaintextSecret().check(ctx)) == []


def test_lambda_env_secret_in_typescript_and_terraform_tokens(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap-stack.ts").write_text(
        "const fn = new LambdaFunction(this, 'fn', {\n"
        "  environment: { variables: { API_KEY: \"sk-live-1234567890\", DB_PASSWORD: '${var.db_password}' } },\n"
        "});\n")
    ctx = _ctx(tmp_path, "lib/tap-stack.ts",
               ("fn", "AWS::Lambda::Function",
                {"Environment": {"Variables": {"API_KEY": "sk-live-1234567890", "DB_PASSWORD": "${var.db_password}"}}},
                1))
    found = list(PlaintextSecret().check(ctx))
    assert [f.attribute for f in found] == ["Environment.Variables.API_KEY"]
