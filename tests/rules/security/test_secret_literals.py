"""SEC011 (Secrets Manager value written in the code) and SEC012 (password generated when the program runs) on
Terraform, CloudFormation, CDKTF and Pulumi sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph
from iacqa.rules.context import RuleContext
from iacqa.rules.security.program_random import PasswordGeneratedAtProgramTime
from iacqa.rules.security.secret_literals import LiteralSecretValue


def _res(rid: str, rtype: str, native_type: str, props: dict[str, Any], loc: Location) -> Resource:
    return Resource(id=rid, type=rtype, native_type=native_type, properties=props, native_properties=props,
                    location=loc)


def _ctx(root: Path, platform: str, *res: Resource) -> RuleContext:
    g = ResourceGraph(platform=platform)
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root, platform=platform)


def test_terraform_literal_password_in_jsonencode_and_variable_default(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_secretsmanager_secret_version" "db" {\n'
        "  secret_id     = aws_secretsmanager_secret.db.id\n"
        '  secret_string = jsonencode({ username = "admin", password = "Tr0ub4dor&3" })\n'
        "}\n"
        'resource "aws_secretsmanager_secret_version" "api" {\n'
        "  secret_id     = aws_secretsmanager_secret.api.id\n"
        "  secret_string = var.api_key\n"
        "}\n"
        'resource "aws_secretsmanager_secret_version" "gen" {\n'
        "  secret_id     = aws_secretsmanager_secret.gen.id\n"
        "  secret_string = random_password.gen.result\n"
        "}\n")
    (tmp_path / "variables.tf").write_text('variable "api_key" {\n  default = "sk_live_abcdef123456"\n}\n')
    db = _res("aws_secretsmanager_secret_version.db", "AWS::SecretsManager::SecretVersion",
              "aws_secretsmanager_secret_version",
              {"SecretString": json.dumps({"username": "admin", "password": "Tr0ub4dor&3"})}, Location("main.tf", 1))
    api = _res("aws_secretsmanager_secret_version.api", "AWS::SecretsManager::SecretVersion",
               "aws_secretsmanager_secret_version", {"SecretString": "sk_live_abcdef123456"}, Location("main.tf", 5))
    gen = _res("aws_secretsmanager_secret_version.gen", "AWS::SecretsManager::SecretVersion",
               "aws_secretsmanager_secret_version", {"SecretString": "<unresolved random_password.gen.result>"},
               Location("main.tf", 9))
    found = {f.resource: f for f in LiteralSecretValue().check(_ctx(tmp_path, "tf", db, api, gen))}
    assert set(found) == {"aws_secretsmanager_secret_version.db", "aws_secretsmanager_secret_version.api"}
    assert "'password'" in found["aws_secretsmanager_secret_version.db"].message
    assert "Tr0ub4dor" not in found["aws_secretsmanager_secret_version.db"].message  # masked
    assert "Terraform state" in found["aws_secretsmanager_secret_version.api"].message


def test_cloudformation_secret_string_and_generated_secret(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  DbSecret:\n"
        "    Type: AWS::SecretsManager::Secret\n"
        "    Properties:\n"
        '      SecretString: \'{"username": "admin", "password": "Hunter2Hunter2"}\'\n'
        "  GenSecret:\n"
        "    Type: AWS::SecretsManager::Secret\n"
        "    Properties:\n"
        "      GenerateSecretString: {SecretStringTemplate: '{\"username\": \"admin\"}', GenerateStringKey: password}\n")
    lit = _res("DbSecret", "AWS::SecretsManager::Secret", "AWS::SecretsManager::Secret",
               {"SecretString": json.dumps({"username": "admin", "password": "Hunter2Hunter2"})},
               Location("template.yaml", 2))
    gen = _res("GenSecret", "AWS::SecretsManager::Secret", "AWS::SecretsManager::Secret",
               {"GenerateSecretString": {"GenerateStringKey": "password"}}, Location("template.yaml", 6))
    found = list(LiteralSecretValue().check(_ctx(tmp_path, "cfn", lit, gen)))
    # the JSON document is one YAML scalar: its values are searched as quoted strings inside it
    assert [f.resource for f in found] == ["DbSecret"]
    assert "the template" in found[0].message


def test_value_not_written_in_the_code_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_secretsmanager_secret_version" "db" {\n'
                                      "  secret_string = data.external.pw.result\n}\n")
    r = _res("aws_secretsmanager_secret_version.db", "AWS::SecretsManager::SecretVersion",
             "aws_secretsmanager_secret_version", {"SecretString": "computed-elsewhere-123"}, Location("main.tf", 1))
    assert list(LiteralSecretValue().check(_ctx(tmp_path, "tf", r))) == []


CDKTF_STACK = '''import json
import secrets
import string

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion


class Stack(TerraformStack):
    def _password(self, length=32):
        alphabet = string.ascii_letters + string.digits
        return "".join(secrets.choice(alphabet) for _ in range(length))

    def __init__(self, scope, ns):
        super().__init__(scope, ns)
        self.db_password = self._password()
        cluster_name = f"db-{secrets.token_hex(4)}"
        SecretsmanagerSecretVersion(
            self, "v",
            secret_id="s",
            secret_string=json.dumps({"username": "admin", "password": self.db_password}),
        )
        RdsCluster(
            self, "db",
            cluster_identifier=cluster_name,
            master_password=self.db_password,
        )
        self.helper(password=self.db_password)

    def helper(self, password):
        return password
'''


def test_cdktf_generator_method_self_attribute_and_name_only_randomness(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(CDKTF_STACK)
    ver = _res("v", "AWS::SecretsManager::SecretVersion", "aws_secretsmanager_secret_version", {},
               Location("main.py", 19))
    db = _res("db", "AWS::RDS::DBCluster", "aws_rds_cluster", {}, Location("main.py", 24))
    found = list(PasswordGeneratedAtProgramTime().check(_ctx(tmp_path, "cdktf", ver, db)))
    assert [(f.resource, f.line) for f in found] == [("v", 22), ("db", 27)]
    assert all("secrets.choice" in f.message and "cdk.tf.json" in f.message for f in found)
    assert "secret_string['password']" not in found[0].message  # the keyword itself is the sink
    # cluster_identifier is random too, but it is not a secret; the helper call is not a resource


def test_pulumi_dict_key_sink_and_other_platforms_skipped(tmp_path: Path) -> None:
    (tmp_path / "stack.py").write_text(
        "import random\nimport pulumi_aws as aws\n\n"
        "token = str(random.randint(100000, 999999))\n"
        "aws.lambda_.Function(\n"
        "    'fn',\n"
        "    environment={'variables': {'API_TOKEN': token, 'TABLE': 'orders'}},\n"
        ")\n")
    fn = _res("fn", "AWS::Lambda::Function", "aws:lambda/function:Function", {}, Location("stack.py", 5))
    found = list(PasswordGeneratedAtProgramTime().check(_ctx(tmp_path, "pulumi", fn)))
    assert [(f.line, f.extra["source"]) for f in found] == [(7, "random.randint")]
    assert "environment['API_TOKEN']" in found[0].message and "pulumi up" in found[0].message
    assert list(PasswordGeneratedAtProgramTime().check(_ctx(tmp_path, "tf", fn))) == []


def test_placeholders_are_left_to_the_placeholder_rules(tmp_path: Path) -> None:
    (tmp_path / "index.ts").write_text(
        "new aws.secretsmanager.SecretVersion('app', {\n"
        "  secretString: JSON.stringify({ API_KEY: 'your-api-key-here', JWT_SECRET: '<jwt secret>',\n"
        "                                 DB_PASSWORD: 'ChangeMe123!' }),\n"
        "});\n")
    doc = {"API_KEY": "your-api-key-here", "JWT_SECRET": "<jwt secret>", "DB_PASSWORD": "ChangeMe123!"}
    r = _res("app", "AWS::SecretsManager::SecretVersion", "aws:secretsmanager/secretVersion:SecretVersion",
             {"SecretString": json.dumps(doc)}, Location("index.ts", 1))
    found = list(LiteralSecretValue().check(_ctx(tmp_path, "pulumi", r)))
    assert [f.extra["key"] for f in found] == ["DB_PASSWORD"]  # a working default password is still a secret
