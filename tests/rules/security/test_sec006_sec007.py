"""SEC006 (world-open ingress) and SEC007 (public endpoints) on hand-built graphs of each front end's shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.security.network import WorldOpenIngress
from iacqa.rules.security.public_endpoints import PublicEndpoint


def _res(rid: str, rtype: str, native_type: str, props: dict[str, Any] | None = None,
         native: dict[str, Any] | None = None, outputs: dict[str, Any] | None = None,
         loc: Location | None = None) -> Resource:
    return Resource(id=rid, type=rtype, native_type=native_type, properties=props or {},
                    native_properties=native if native is not None else dict(props or {}),
                    location=loc or Location("main.tf", 1), outputs=outputs or {},
                    mapped=rtype.startswith("AWS::"))


def _ctx(*res: Resource, root: Path | None = None) -> RuleContext:
    g = ResourceGraph(platform="tf")
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root)


# -- SEC006 ------------------------------------------------------------------------------------------------------


def test_terraform_inline_blocks_ssh_reported_https_and_egress_not() -> None:
    sg = _res("aws_security_group.web", "aws_security_group", "aws_security_group", native={
        "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
                    {"from_port": 80, "to_port": 80, "protocol": "tcp", "ipv6_cidr_blocks": ["::/0"]},
                    {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}],
        "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}]})
    found = list(WorldOpenIngress().check(_ctx(sg)))
    assert len(found) == 1
    f = found[0]
    assert f.rule == "SEC006" and f.severity is Severity.HIGH
    assert "SSH port 22" in f.message and "0.0.0.0/0" in f.message
    assert f.attribute == "ingress.2.cidr_blocks"


def test_all_protocols_and_wide_ranges() -> None:
    rule = _res("aws_security_group_rule.any", "aws_security_group_rule", "aws_security_group_rule", native={
        "type": "ingress", "protocol": "all", "from_port": 0, "to_port": 65535, "cidr_blocks": ["0.0.0.0/0"]})
    rng = _res("aws_security_group_rule.rng", "aws_security_group_rule", "aws_security_group_rule", native={
        "type": "ingress", "protocol": "tcp", "from_port": 80, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]})
    egress = _res("aws_security_group_rule.out", "aws_security_group_rule", "aws_security_group_rule", native={
        "type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]})
    msgs = sorted(f.message for f in WorldOpenIngress().check(_ctx(rule, rng, egress)))
    assert len(msgs) == 2
    assert "every protocol and port" in msgs[0]
    assert "TCP ports 80-443" in msgs[1]


def test_cloudformation_shapes_and_vpc_ingress_rule() -> None:
    sg = _res("Sg", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroup", props={
        "GroupDescription": "x",
        "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIpv6": "::/0"},
                                 {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": "10.0.0.0/16"},
                                 {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "CidrIp": "0.0.0.0/0"}]})
    ing = _res("Db", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress", props={
        "GroupId": "sg-1", "IpProtocol": "6", "FromPort": 5432, "ToPort": 5432, "CidrIp": "0.0.0.0/0"})
    v = _res("aws_vpc_security_group_ingress_rule.i", "aws_vpc_security_group_ingress_rule",
             "aws_vpc_security_group_ingress_rule", native={"ip_protocol": "-1", "cidr_ipv6": "::/0"})
    found = {f.resource: f for f in WorldOpenIngress().check(_ctx(sg, ing, v))}
    assert set(found) == {"Sg", "Db", "aws_vpc_security_group_ingress_rule.i"}
    assert "RDP port 3389" in found["Sg"].message and found["Sg"].attribute == "SecurityGroupIngress.0.CidrIpv6"
    assert "PostgreSQL port 5432" in found["Db"].message
    assert "every protocol" in found["aws_vpc_security_group_ingress_rule.i"].message


def test_unknown_values_are_skipped() -> None:
    sg = _res("web", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroup:SecurityGroup", native={
        "ingress": [{"protocol": "tcp", "from_port": "<unresolved Output>", "to_port": 22,
                     "cidr_blocks": ["0.0.0.0/0"]},
                    {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["${var.cidr}"]}]})
    assert list(WorldOpenIngress().check(_ctx(sg))) == []


def test_line_of_each_entry_in_terraform_source(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group" "web" {\n'          # 1
        "  egress {\n"                                        # 2
        '    cidr_blocks = ["0.0.0.0/0"]\n'                   # 3
        "  }\n"                                               # 4
        "  ingress {\n"                                       # 5
        "    from_port = 443\n"                               # 6
        '    cidr_blocks = ["0.0.0.0/0"]\n'                   # 7
        "  }\n"                                               # 8
        "  ingress {\n"                                       # 9
        "    from_port = 22\n"                                # 10
        '    cidr_blocks = ["0.0.0.0/0"]\n'                   # 11
        "  }\n"                                               # 12
        "}\n")
    sg = _res("aws_security_group.web", "aws_security_group", "aws_security_group", native={
        "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}],
        "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
                    {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]},
        loc=Location("main.tf", 1))
    found = list(WorldOpenIngress().check(_ctx(sg, root=tmp_path)))
    assert [(f.file, f.line) for f in found] == [("main.tf", 11)]


# -- SEC007 ------------------------------------------------------------------------------------------------------


def _api(rid: str = "api", **props: Any) -> Resource:
    return _res(rid, "AWS::ApiGateway::RestApi", "aws_api_gateway_rest_api", props=props,
                outputs={"Id": f"{rid}-id", "RootResourceId": f"{rid}-root", "Name": rid})


def _method(rid: str, verb: str, api: str = "api", resource: str = "items", **props: Any) -> Resource:
    base = {"RestApiId": f"{api}-id", "ResourceId": f"{resource}-id", "HttpMethod": verb}
    return _res(rid, "AWS::ApiGateway::Method", "aws_api_gateway_method", props={**base, **props},
                outputs={"Id": f"{rid}-id"}, loc=Location("main.tf", 10 + len(rid)))


def _resource(rid: str, part: str, api: str = "api") -> Resource:
    return _res(rid, "AWS::ApiGateway::Resource", "aws_api_gateway_resource",
                props={"RestApiId": f"{api}-id", "ParentId": f"{api}-root", "PathPart": part},
                outputs={"Id": f"{rid}-id"})


def test_open_methods_grouped_per_api_with_paths() -> None:
    ctx = _ctx(_api(), _resource("items", "items"), _resource("health", "health"),
               _method("post", "POST", AuthorizationType="NONE"),
               _method("get", "GET"),  # CloudFormation default: NONE
               _method("opts", "OPTIONS", AuthorizationType="NONE"),
               _method("keyed", "PUT", AuthorizationType="NONE", ApiKeyRequired=True),
               _method("authz", "DELETE", AuthorizationType="NONE", AuthorizerId="abc"),
               _method("iam", "PATCH", AuthorizationType="AWS_IAM"),
               _method("hc", "GET", resource="health", AuthorizationType="NONE"))
    found = list(PublicEndpoint().check(ctx))
    assert len(found) == 1
    f = found[0]
    assert f.rule == "SEC007" and f.severity is Severity.MEDIUM
    assert f.extra["methods"] == ["POST /items", "GET /items"]
    assert "anyone on the internet" in f.message


def test_resource_policy_or_private_api_is_not_reported() -> None:
    with_policy = _ctx(_api(Policy={"Statement": []}), _resource("items", "items"),
                       _method("post", "POST", AuthorizationType="NONE"))
    assert list(PublicEndpoint().check(with_policy)) == []
    separate = _res("aws_api_gateway_rest_api_policy.p", "aws_api_gateway_rest_api_policy",
                    "aws_api_gateway_rest_api_policy", native={"rest_api_id": "api-id", "policy": "{}"})
    assert list(PublicEndpoint().check(_ctx(_api(), separate, _method("post", "POST", AuthorizationType="NONE")))) \
        == []
    private = _api(EndpointConfiguration={"Types": ["PRIVATE"]})
    assert list(PublicEndpoint().check(_ctx(private, _method("post", "POST", AuthorizationType="NONE")))) == []


def test_method_of_an_api_outside_the_stack_is_not_judged() -> None:
    assert list(PublicEndpoint().check(_ctx(_method("post", "POST", api="other", AuthorizationType="NONE")))) == []


def test_function_url_auth_none() -> None:
    fn = _res("fn", "AWS::Lambda::Function", "aws_lambda_function", props={"FunctionName": "fn"},
              outputs={"Arn": "arn:aws:lambda:us-east-1:123456789012:function:fn", "Name": "fn"})
    open_url = _res("open", "AWS::Lambda::Url", "aws_lambda_function_url",
                    props={"TargetFunctionArn": "fn", "AuthType": "NONE"})
    iam_url = _res("iam", "AWS::Lambda::Url", "aws_lambda_function_url",
                   props={"TargetFunctionArn": "fn", "AuthType": "AWS_IAM"})
    found = list(PublicEndpoint().check(_ctx(fn, open_url, iam_url)))
    assert [f.resource for f in found] == ["open"]
    assert "function URL open of fn has AuthType NONE" in found[0].message


def test_api_named_by_pulumi_mock_id() -> None:
    """Pulumi's mocks pass `<logical name>-<hash>` as the id of an API given an explicit name."""
    api = _api("payments")
    api.outputs = {"Id": "79ed1acbac", "Name": "payments-prod", "RootResourceId": "root-1"}
    m = _method("post", "POST", AuthorizationType="NONE")
    m.properties["RestApiId"] = "payments-79ed1ac"
    found = list(PublicEndpoint().check(_ctx(api, m)))
    assert [f.extra["api"] for f in found] == ["payments"]


def test_cdk_entry_located_at_its_port_call(tmp_path: Path) -> None:
    (tmp_path / "stack.py").write_text(
        "sg = ec2.SecurityGroup(self, 'web', vpc=vpc)\n"
        "sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443))\n"
        "sg.add_ingress_rule(\n"
        "    peer=ec2.Peer.any_ipv4(),\n"
        "    connection=ec2.Port.tcp(22),\n"
        ")\n")
    sg = _res("websg", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroup", props={
        "GroupDescription": "web",
        "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
                                 {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]},
        loc=Location("stack.py", 1))
    found = list(WorldOpenIngress().check(_ctx(sg, root=tmp_path)))
    assert [(f.file, f.line) for f in found] == [("stack.py", 5)]


def _db_group() -> Resource:
    return _res("db-sg", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroup:SecurityGroup", native={
        "ingress": [{"protocol": "tcp", "from_port": 3306, "to_port": 3306, "cidr_blocks": ["0.0.0.0/0"]}]},
        outputs={"Id": "sg-0db", "Name": "db-sg-1"})


def test_group_used_only_by_a_private_database_is_not_reported() -> None:
    db = _res("db", "AWS::RDS::DBInstance", "aws:rds/instance:Instance",
              props={"VPCSecurityGroups": ["sg-0db"], "PubliclyAccessible": False})
    assert list(WorldOpenIngress().check(_ctx(_db_group(), db))) == []
    public = _res("db", "AWS::RDS::DBInstance", "aws:rds/instance:Instance",
                  props={"VPCSecurityGroups": ["sg-0db"], "PubliclyAccessible": True})
    assert len(list(WorldOpenIngress().check(_ctx(_db_group(), public)))) == 1


def test_group_on_a_public_ecs_service_or_unknown_consumer_is_reported() -> None:
    svc = _res("svc", "aws:ecs/service:Service", "aws:ecs/service:Service", native={
        "network_configuration": {"assign_public_ip": True, "security_groups": ["sg-0db"]}})
    private_svc = _res("svc2", "aws:ecs/service:Service", "aws:ecs/service:Service", native={
        "network_configuration": {"security_groups": ["sg-0db"]}})
    assert len(list(WorldOpenIngress().check(_ctx(_db_group(), svc, private_svc)))) == 1
    assert list(WorldOpenIngress().check(_ctx(_db_group(), private_svc))) == []
    assert len(list(WorldOpenIngress().check(_ctx(_db_group())))) == 1  # no consumer in the stack: reported
