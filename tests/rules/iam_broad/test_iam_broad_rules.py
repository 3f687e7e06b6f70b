"""IAM001-IAM003 on hand-built graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_broad._policies import arn_wildcards, scoped_actions
from iacqa.rules.iam_broad.policies import WildcardAccount, WildcardAction, WildcardResource

ACCT = "123456789012"


def _doc(*stmts: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(stmts)}


def _role(rid: str, *policies: dict[str, Any]) -> Resource:
    return Resource(id=rid, type="AWS::IAM::Role", native_type="aws:iam/role:Role",
                    properties={"Policies": [{"PolicyName": f"p{i}", "PolicyDocument": p}
                                             for i, p in enumerate(policies)]},
                    native_paths={"Policies.PolicyDocument": "inline_policies.policy"},
                    location=Location("lib/tap_stack.py", 10),
                    attr_locations={"inline_policies.policy": Location("lib/tap_stack.py", 12)},
                    outputs={"Arn": f"arn:aws:iam::{ACCT}:role/{rid}", "Name": rid})


def _policy(rid: str, doc: Any, cfn: str = "AWS::IAM::RolePolicy", prop: str = "PolicyDocument") -> Resource:
    return Resource(id=rid, type=cfn, native_type="x", properties={prop: doc},
                    location=Location("lib/tap_stack.py", 30))


def _ctx(*res: Resource, root: Path | None = None) -> RuleContext:
    g = ResourceGraph(platform="pulumi")
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root)


def test_service_wildcard_in_inline_policy() -> None:
    ctx = _ctx(_role("r", _doc({"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": "arn:x"})))
    found = list(WildcardAction().check(ctx))
    assert len(found) == 1
    f = found[0]
    assert f.rule == "IAM001" and f.severity is Severity.HIGH
    assert '"dynamodb:*"' in f.message and "inline policy `p0` of role r" in f.message
    assert (f.file, f.line) == ("lib/tap_stack.py", 12)  # no source: the attribute's line


def test_star_action_deny_and_not_action() -> None:
    doc = _doc({"Effect": "Deny", "Action": "*", "Resource": "*"},
               {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"},
               {"Effect": "Allow", "Action": "*", "Resource": "*"})
    found = list(WildcardAction().check(_ctx(_policy("p", doc))))
    assert len(found) == 2
    assert "NotAction" in found[0].message
    assert "every action on every resource" in found[1].message


def test_key_policy_root_statement_is_not_broad() -> None:
    root = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*", "Resource": "*"}
    role = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"}, "Action": "kms:*",
            "Resource": "*"}
    key = _policy("key", _doc(root, role), cfn="AWS::KMS::Key", prop="KeyPolicy")
    found = list(WildcardAction().check(_ctx(key)))
    assert len(found) == 1 and found[0].severity is Severity.MEDIUM
    assert list(WildcardResource().check(_ctx(key))) == []  # resource policies: "*" is the key itself


def test_unknown_values_are_not_judged() -> None:
    doc = _doc({"Effect": "Allow", "Action": "<unresolved Output>", "Resource": "*"})
    assert list(WildcardAction().check(_ctx(_policy("p", doc)))) == []
    assert list(WildcardResource().check(_ctx(_policy("p", doc)))) == []


def test_wildcard_resource_only_for_scoped_actions() -> None:
    doc = _doc({"Effect": "Allow", "Action": ["xray:PutTraceSegments", "ec2:DescribeInstances",
                                              "ec2:CreateNetworkInterface"], "Resource": "*"},
               {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
               {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceAccount": ACCT}}},
               {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    found = list(WildcardResource().check(_ctx(_policy("p", doc))))
    assert [f.extra["actions"] for f in found] == [["sqs:SendMessage"]]


def test_scoped_actions_table() -> None:
    assert scoped_actions("dynamodb:GetItem")
    assert scoped_actions("s3:Get*")
    assert not scoped_actions("xray:PutTraceSegments")
    assert not scoped_actions("ec2:Describe*")
    assert not scoped_actions("sts:GetCallerIdentity")
    assert not scoped_actions("cloudwatch:PutMetricData")


def test_wildcard_account_and_region() -> None:
    assert arn_wildcards("arn:aws:logs:us-east-1:*:log-group:x:*") == (True, False)
    assert arn_wildcards("arn:aws:logs:*:123456789012:*") == (False, True)
    assert arn_wildcards("arn:aws:s3:::bucket/*") == (False, False)
    assert arn_wildcards("arn:aws:iam::aws:policy/x") == (False, False)
    doc = _doc({"Effect": "Allow", "Action": "logs:PutLogEvents",
                "Resource": ["arn:aws:logs:us-east-1:*:log-group:/aws/lambda/f:*", "arn:aws:logs:*:123456789012:*"]})
    found = list(WildcardAccount().check(_ctx(_policy("p", doc))))
    assert [f.severity for f in found] == [Severity.HIGH, Severity.MEDIUM]
    assert "account field" in found[0].message and "log-group:/aws/lambda/f" in found[0].message


def test_statement_lines_from_source(tmp_path: Path) -> None:
    src = tmp_path / "lib" / "tap_stack.py"
    src.parent.mkdir()
    src.write_text(
        "import json\n"
        "p = RolePolicy(\n"
        "    'p',\n"
        "    policy=json.dumps({'Statement': [\n"
        "        {'Effect': 'Allow', 'Action': 'sqs:*', 'Resource': 'arn:a'},\n"
        "        {'Effect': 'Allow', 'Action': 'sns:*', 'Resource': 'arn:b'},\n"
        "        {'Effect': 'Allow', 'Action': 'sqs:*', 'Resource': 'arn:c'},\n"
        "    ]}),\n"
        ")\n")
    doc = _doc({"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:a"},
               {"Effect": "Allow", "Action": "sns:*", "Resource": "arn:b"},
               {"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:c"})
    pol = _policy("p", doc)
    pol.location = Location("lib/tap_stack.py", 2)
    found = list(WildcardAction().check(_ctx(pol, root=tmp_path)))
    assert [f.line for f in found] == [5, 6, 7]
