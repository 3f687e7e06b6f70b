"""The predicate language on small graphs: forms, three-valued logic, coverage, paths."""

from __future__ import annotations

import pytest

from iacqa.requirements.predicates import MET, NOT_CHECKABLE, NOT_MET, PARTLY, PredicateError, run_check, validate

from .samples import graph_of

FN = "AWS::Lambda::Function"


def test_exists_where_met_and_not_met_name_the_closest_resource() -> None:
    check = {"exists": FN, "where": {"path": "MemorySize", "op": "eq", "value": "$n"}}
    met = run_check(check, graph_of({FN: {"MemorySize": 512}}), {"n": 512})
    assert met.status == MET and met.resource is not None and met.attribute == "MemorySize"
    short = run_check(check, graph_of({FN: {"MemorySize": 128}}), {"n": 512})
    assert short.status == NOT_MET and short.resource.id == "Function1"
    assert "MemorySize=128" in short.evidence[0]


def test_unknown_values_are_not_checkable_not_false() -> None:
    check = {"exists": FN, "where": {"path": "MemorySize", "op": "eq", "value": 512}}
    out = run_check(check, graph_of({FN: {"MemorySize": "<unresolved:Param.Memory>"}}), {})
    assert out.status == NOT_CHECKABLE


def test_all_is_coverage_with_partly_met() -> None:
    check = {"all": FN, "assert": {"path": "TracingConfig.Mode", "op": "eq", "value": "Active"}}
    g = graph_of({FN: [{"TracingConfig": {"Mode": "Active"}}, {}]})
    out = run_check(check, g, {})
    assert out.status == PARTLY and out.resource.id == "Function2"
    assert run_check(check, graph_of({"AWS::SQS::Queue": {}}), {}).status == NOT_MET
    empty = run_check({**check, "empty": "not_checkable"}, graph_of({}), {})
    assert empty.status == NOT_CHECKABLE


def test_none_count_values_and_covered() -> None:
    sg = "AWS::EC2::SecurityGroup"
    open_ssh = {"none": sg, "where": {"any": "SecurityGroupIngress", "where": {"and": [
        {"path": "FromPort", "op": "le", "value": 22}, {"path": "ToPort", "op": "ge", "value": 22},
        {"path": "", "op": "mentions", "value": "0.0.0.0/0"}]}}}
    ok = graph_of({sg: {"SecurityGroupIngress": [{"FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"},
                                                 {"FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]}})
    assert run_check(open_ssh, ok, {}).status == MET
    bad = graph_of({sg: {"SecurityGroupIngress": [{"FromPort": 0, "ToPort": 65535, "CidrIp": "0.0.0.0/0"}]}})
    assert run_check(open_ssh, bad, {}).status == NOT_MET

    nat = {"count": "AWS::EC2::NatGateway", "op": "ge", "value": "$n"}
    assert run_check(nat, graph_of({"AWS::EC2::NatGateway": [{}, {}]}), {"n": 3}).status == PARTLY
    assert run_check(nat, graph_of({"AWS::EC2::NatGateway": [{}, {}, {}]}), {"n": 3}).status == MET

    cidrs = {"values": "AWS::EC2::Subnet", "path": "CidrBlock", "expect": "$values"}
    g = graph_of({"AWS::EC2::Subnet": [{"CidrBlock": "10.0.1.0/24"}]})
    assert run_check(cidrs, g, {"values": ["10.0.1.0/24", "10.0.2.0/24"]}).status == PARTLY

    covered = {"covered": FN, "by": "AWS::CloudWatch::Alarm"}
    g = graph_of({FN: [{"FunctionName": "a"}, {"FunctionName": "b"}],
                  "AWS::CloudWatch::Alarm": {"Dimensions": [{"Name": "FunctionName", "Value": "a"}]}})
    out = run_check(covered, g, {})
    assert out.status == PARTLY and out.resource.properties["FunctionName"] == "b"


def test_paths_fan_out_over_lists_and_ignore_case() -> None:
    check = {"exists": "AWS::RDS::DBInstance", "where": {"path": "MultiAZ", "op": "truthy"}}
    assert run_check(check, graph_of({"AWS::RDS::DBInstance": {"multi_az": True}}), {}).status == MET
    single_block = {"exists": FN, "where": {"path": "TracingConfig.Mode", "op": "eq", "value": "Active"}}
    assert run_check(single_block, graph_of({FN: {"TracingConfig": [{"Mode": "Active"}]}}), {}).status == MET


def test_any_of_takes_the_best_and_all_of_the_worst() -> None:
    a = {"exists": "AWS::SQS::Queue"}
    b = {"exists": "AWS::SNS::Topic"}
    g = graph_of({"AWS::SQS::Queue": {}})
    assert run_check({"any_of": [a, b]}, g, {}).status == MET
    assert run_check({"all_of": [a, b]}, g, {}).status == NOT_MET


def test_validate_rejects_malformed_checks() -> None:
    assert validate({"exists": FN}) == []
    assert validate({"all": FN}) != []  # no assert
    assert validate({"exists": FN, "where": {"path": "X", "op": "bogus"}}) != []
    assert validate({"frobnicate": FN}) != []
    with pytest.raises(PredicateError):
        run_check({"exists": FN, "where": {"path": "X", "op": "bogus"}}, graph_of({FN: {"X": 1}}), {})
