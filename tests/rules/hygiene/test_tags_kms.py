"""HYG009 (partial tagging) and HYG010 (KMS key without alias) on CloudFormation/Terraform graph shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene.kms_alias import KmsKeyWithoutAlias
from iacqa.rules.hygiene.tags import PartialTagging

F = "lib/TapStack.yml"
TAGS = [{"Key": "Environment", "Value": "dev"}, {"Key": "Project", "Value": "orders"}]


def _res(rid: str, cfn: str, props: dict[str, Any] | None = None, line: int = 1, file: str = F,
         native: dict[str, Any] | None = None, **outputs: Any) -> Resource:
    return Resource(id=rid, type=cfn, native_type=cfn, properties=props or {}, native_properties=native or {},
                    location=Location(file, line), outputs=outputs)


def _ctx(*res: Resource, root: Path | None = None, platform: str = "cfn") -> RuleContext:
    g = ResourceGraph(platform=platform)
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root, platform=platform)


def _tagged_stack(*extra: Resource) -> list[Resource]:
    return [_res("Bucket", "AWS::S3::Bucket", {"Tags": TAGS}, 3),
            _res("Queue", "AWS::SQS::Queue", {"Tags": TAGS}, 8),
            _res("Table", "AWS::DynamoDB::Table", {"Tags": TAGS}, 12), *extra]


# -- HYG009 ------------------------------------------------------------------------------------------------------
def test_partial_tagging_names_the_bare_resources() -> None:
    ctx = _ctx(*_tagged_stack(_res("Logs", "AWS::Logs::LogGroup", {}, 20),
                              _res("Role", "AWS::IAM::Role", {"Tags": [{"Key": "Name", "Value": "r"}]}, 25),
                              _res("Alarm", "AWS::CloudWatch::Alarm", {}, 30),  # exempt: alarms are rarely tagged
                              _res("Policy", "AWS::IAM::Policy", {}, 33)))  # not taggable
    found = list(PartialTagging().check(ctx))
    assert len(found) == 1
    f = found[0]
    assert f.extra["resources"] == ["Logs", "Role"] and f.extra["lines"] == [20, 25]
    assert f.extra["tags"] == ["Environment", "Project"] and (f.file, f.line) == (F, 20)


def test_stack_without_a_convention_is_not_judged() -> None:
    only_names = [_res(f"S{i}", "AWS::EC2::Subnet", {"Tags": [{"Key": "Name", "Value": f"s{i}"}]}) for i in range(4)]
    assert list(PartialTagging().check(_ctx(*only_names, _res("Logs", "AWS::Logs::LogGroup")))) == []
    few = [_res("Bucket", "AWS::S3::Bucket", {"Tags": TAGS}), _res("Queue", "AWS::SQS::Queue", {"Tags": TAGS})]
    assert list(PartialTagging().check(_ctx(*few, _res("Logs", "AWS::Logs::LogGroup")))) == []
    bare = [_res(f"L{i}", "AWS::Logs::LogGroup") for i in range(4)]
    assert list(PartialTagging().check(_ctx(*_tagged_stack(*bare)))) == []  # 3 of 7 tagged: no convention


def test_map_tags_and_unknown_tags() -> None:
    tf = [_res(f"aws_s3_bucket.b{i}", "AWS::S3::Bucket", {"Tags": {"Environment": "dev", "Owner": "x"}})
          for i in range(3)]
    found = list(PartialTagging().check(_ctx(*tf, _res("aws_sqs_queue.q", "AWS::SQS::Queue"), platform="terraform")))
    assert [f.extra["resources"] for f in found] == [["aws_sqs_queue.q"]]
    unknown = _res("aws_sqs_queue.q", "AWS::SQS::Queue", {"Tags": "${local.tags}"})
    assert list(PartialTagging().check(_ctx(*tf, unknown, _res("L", "AWS::Logs::LogGroup")))) == []


def test_stack_wide_tags_silence_the_rule(tmp_path: Path) -> None:
    (tmp_path / "provider.tf").write_text('provider "aws" {\n  default_tags {\n    tags = var.tags\n  }\n}\n')
    stack = [_res(f"aws_s3_bucket.b{i}", "AWS::S3::Bucket", {"Tags": TAGS}, file="main.tf") for i in range(3)]
    ctx = _ctx(*stack, _res("aws_sqs_queue.q", "AWS::SQS::Queue", file="main.tf"), root=tmp_path,
               platform="terraform")
    assert list(PartialTagging().check(ctx)) == []
    (tmp_path / "provider.tf").write_text('provider "aws" {\n  # default_tags come later\n  region = var.r\n}\n')
    ctx = _ctx(*stack, _res("aws_sqs_queue.q", "AWS::SQS::Queue", file="main.tf"), root=tmp_path,
               platform="terraform")  # a new context: lines are cached per run
    assert len(list(PartialTagging().check(ctx))) == 1


# -- HYG010 ------------------------------------------------------------------------------------------------------
def _key(rid: str, line: int = 1, **props: Any) -> Resource:
    return _res(rid, "AWS::KMS::Key", props, line, Arn=f"arn:aws:kms:us-east-1:123456789012:key/{rid}-uuid",
                KeyId=f"{rid}-uuid")


def test_key_without_alias_cloudformation() -> None:
    ctx = _ctx(_key("DataKey", 3), _key("LogsKey", 9),
               _res("DataAlias", "AWS::KMS::Alias", {"AliasName": "alias/data", "TargetKeyId": "DataKey-uuid"}))
    found = list(KmsKeyWithoutAlias().check(ctx))
    assert [(f.resource, f.line) for f in found] == [("LogsKey", 9)]


def test_alias_by_arn_or_terraform_token_counts() -> None:
    by_arn = _res("a", "AWS::KMS::Alias", {"TargetKeyId": "arn:aws:kms:us-east-1:123456789012:key/k1-uuid"})
    token = _res("b", "AWS::KMS::Alias", {"TargetKeyId": "${aws_kms_key.k2.key_id}"})
    ctx = _ctx(_key("k1"), _key("aws_kms_key.k2"), by_arn, token)
    assert list(KmsKeyWithoutAlias().check(ctx)) == []


def test_unplaceable_alias_and_asymmetric_keys_are_not_reported() -> None:
    lost = _res("a", "AWS::KMS::Alias", {"TargetKeyId": "<unresolved aws_kms_key.x.key_id>"})
    assert list(KmsKeyWithoutAlias().check(_ctx(_key("k1"), lost))) == []
    signing = _key("sign", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert list(KmsKeyWithoutAlias().check(_ctx(signing))) == []
