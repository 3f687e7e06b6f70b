"""SEC008 (security group without egress) on hand-built graphs of the Terraform, Pulumi and CloudFormation shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.security.egress import SecurityGroupWithoutEgress


def _res(rid: str, rtype: str, native_type: str | None = None, props: dict[str, Any] | None = None,
         native: dict[str, Any] | None = None, outputs: dict[str, Any] | None = None,
         loc: Location | None = None) -> Resource:
    return Resource(id=rid, type=rtype, native_type=native_type or rtype, properties=props or {},
                    native_properties=native if native is not None else dict(props or {}),
                    location=loc or Location("main.tf", 1), outputs=outputs or {},
                    mapped=rtype.startswith("AWS::"))


def _ctx(*res: Resource, root: Path | None = None) -> RuleContext:
    g = ResourceGraph(platform="tf")
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root)


def _sg(name: str, **native: Any) -> Resource:
    return _res(f"aws_security_group.{name}", "aws_security_group", native={"vpc_id": "vpc-1", **native},
                outputs={"Id": f"sg-{name}", "Arn": f"arn:aws:ec2:us-east-1:123456789012:security-group/sg-{name}"})


def _lambda(name: str, *groups: str) -> Resource:
    return _res(f"aws_lambda_function.{name}", "AWS::Lambda::Function", "aws_lambda_function",
                props={"VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": [f"sg-{g}" for g in groups]}},
                native={"vpc_config": {"subnet_ids": ["subnet-1"],
                                       "security_group_ids": [f"sg-{g}" for g in groups]}},
                outputs={"Arn": f"arn:aws:lambda:us-east-1:123456789012:function:{name}"})


def _check(*res: Resource, root: Path | None = None) -> list[Any]:
    return list(SecurityGroupWithoutEgress().check(_ctx(*res, root=root)))


def test_terraform_lambda_group_without_egress_is_reported() -> None:
    sg = _sg("fn", ingress=[{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/16"]}])
    found = _check(sg, _lambda("proc", "fn"))
    assert len(found) == 1
    f = found[0]
    assert (f.rule, f.severity, f.resource) == ("SEC008", Severity.HIGH, "aws_security_group.fn")
    assert "Terraform AWS provider" in f.message and "Lambda function aws_lambda_function.proc" in f.message
    assert "egress {" in f.fix
    assert f.extra["users"] == ["aws_lambda_function.proc"]


def test_egress_declared_inline_or_as_a_standalone_rule_is_not_reported() -> None:
    inline = _sg("a", egress=[{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}])
    empty = _sg("b", egress=[])  # explicit "no outbound": the author's choice
    by_rule = _sg("c")
    rule = _res("aws_security_group_rule.c_out", "aws_security_group_rule",
                native={"type": "egress", "security_group_id": "sg-c", "protocol": "-1", "from_port": 0,
                        "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]})
    by_vpc_rule = _sg("d")
    vpc_rule = _res("aws_vpc_security_group_egress_rule.d", "aws_vpc_security_group_egress_rule",
                    native={"security_group_id": "sg-d", "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"})
    assert _check(inline, empty, by_rule, rule, by_vpc_rule, vpc_rule,
                  _lambda("a", "a"), _lambda("b", "b"), _lambda("c", "c"), _lambda("d", "d")) == []


def test_ingress_rule_resource_does_not_count_as_egress() -> None:
    sg = _sg("fn")
    ing = _res("aws_security_group_rule.in", "aws_security_group_rule",
               native={"type": "ingress", "security_group_id": "sg-fn", "protocol": "tcp", "from_port": 443,
                       "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]})
    assert [f.resource for f in _check(sg, ing, _lambda("proc", "fn"))] == ["aws_security_group.fn"]


def test_egress_rule_on_an_unknown_group_silences_the_rule() -> None:
    rule = _res("aws_security_group_rule.out", "aws_security_group_rule",
                native={"type": "egress", "security_group_id": "${module.net.sg_id}", "protocol": "-1"})
    assert _check(_sg("fn"), rule, _lambda("proc", "fn")) == []


def test_responders_only_and_other_groups_with_egress() -> None:
    db_sg = _sg("db", ingress=[{"from_port": 5432, "to_port": 5432, "protocol": "tcp", "security_groups": ["sg-x"]}])
    db = _res("aws_db_instance.db", "AWS::RDS::DBInstance", "aws_db_instance",
              props={"VPCSecurityGroups": ["sg-db"]}, native={"vpc_security_group_ids": ["sg-db"]})
    open_sg = _sg("out", egress=[{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}])
    # the function has a second group that allows egress: the interface can connect
    assert _check(db_sg, db, open_sg, _sg("fn"), _lambda("proc", "fn", "out")) == []
    # a group the program did not create (data source, variable): its egress is unknown
    foreign = _lambda("ext", "fn")
    foreign.native_properties["vpc_config"]["security_group_ids"].append("${data.aws_security_group.shared.id}")
    assert _check(_sg("fn"), foreign) == []


def test_cloudformation_groups_keep_the_default_egress() -> None:
    sg = _res("FnSg", "AWS::EC2::SecurityGroup", props={"GroupDescription": "fn", "VpcId": "vpc-1"},
              outputs={"GroupId": "sg-fn", "Id": "sg-fn"})
    fn = _res("Fn", "AWS::Lambda::Function", props={"VpcConfig": {"SecurityGroupIds": ["sg-fn"]}})
    assert _check(sg, fn) == []


def test_pulumi_load_balancer_and_ecs_service() -> None:
    alb_sg = _res("alb-sg", "aws:ec2/securityGroup:SecurityGroup", native={
        "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}]},
        outputs={"Id": "sg-alb"}, loc=Location("lib/tap_stack.py", 10))
    alb = _res("alb", "AWS::ElasticLoadBalancingV2::LoadBalancer", "aws:lb/loadBalancer:LoadBalancer",
               props={"SecurityGroups": ["sg-alb"]}, native={"security_groups": ["sg-alb"]})
    svc_sg = _res("svc-sg", "aws:ec2/securityGroup:SecurityGroup", native={}, outputs={"Id": "sg-svc"})
    svc = _res("svc", "aws:ecs/service:Service", native={
        "network_configuration": {"subnets": ["subnet-1"], "security_groups": ["sg-svc"]}})
    found = {f.resource: f for f in _check(alb_sg, alb, svc_sg, svc)}
    assert set(found) == {"alb-sg", "svc-sg"}
    assert "load balancer alb" in found["alb-sg"].message and "502/503" in found["alb-sg"].message
    assert "Pulumi's aws provider" in found["alb-sg"].message and "egress=[{" in found["alb-sg"].fix
    assert "CannotPullContainerError" in found["svc-sg"].message


def test_dynamic_egress_block_in_the_source_is_trusted(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group" "fn" {\n'        # 1
        "  vpc_id = aws_vpc.main.id\n"                     # 2
        '  dynamic "egress" {\n'                           # 3
        "    for_each = var.egress_rules\n"                # 4
        "    content { from_port = egress.value }\n"       # 5
        "  }\n"                                            # 6
        "}\n"                                              # 7
        'resource "aws_lambda_function" "proc" {\n'       # 8
        "}\n")
    sg = _sg("fn")
    sg.location = Location("main.tf", 1)
    fn = _lambda("proc", "fn")
    fn.location = Location("main.tf", 8)
    assert _check(sg, fn, root=tmp_path) == []
    (tmp_path / "main.tf").write_text('resource "aws_security_group" "fn" {\n  vpc_id = aws_vpc.main.id\n}\n'
                                      'resource "aws_lambda_function" "proc" {\n}\n')
    fn.location = Location("main.tf", 4)
    assert len(_check(sg, fn, root=tmp_path)) == 1
