"""HYG006-HYG008 on Terraform, CloudFormation and TypeScript shapes: source files written to a temporary project,
graphs built by hand with the values the front ends resolve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene.default_vpc import DefaultVpcReliance
from iacqa.rules.hygiene.regional import HardcodedAmi, HardcodedAvailabilityZone


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def _ctx(root: Path, platform: str, *res: Resource) -> RuleContext:
    g = ResourceGraph(platform=platform)
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root, platform=platform)


def _subnet(rid: str, az: str, file: str = "main.tf", line: int = 1) -> Resource:
    return Resource(id=rid, type="AWS::EC2::Subnet", native_type="aws_subnet", properties={"AvailabilityZone": az},
                    native_properties={"availability_zone": az}, location=Location(file, line))


def _instance(rid: str, ami: str, file: str, line: int = 1, **extra: Any) -> Resource:
    return Resource(id=rid, type="AWS::EC2::Instance", native_type="aws_instance", properties={"ImageId": ami, **extra},
                    location=Location(file, line))


TF_VARS = '''variable "aws_region" {
  default = "us-west-2"
}

variable "azs" {
  # zones of us-west-2a's region
  default = ["us-west-2a", "us-west-2b"]
}
'''
TF_MAIN = '''provider "aws" {
  region = var.aws_region
}

resource "aws_subnet" "a" {
  count             = 2
  availability_zone = var.azs[count.index]
}
'''


def test_terraform_az_list_in_variables_is_reported_where_written(tmp_path: Path) -> None:
    root = _project(tmp_path, {"lib/variables.tf": TF_VARS, "lib/main.tf": TF_MAIN})
    ctx = _ctx(root, "terraform", _subnet("aws_subnet.a[0]", "us-west-2a", "lib/main.tf", 5),
               _subnet("aws_subnet.a[1]", "us-west-2b", "lib/main.tf", 5))
    found = list(HardcodedAvailabilityZone().check(ctx))
    assert len(found) == 1  # one per file; the comment on line 6 is not read
    f = found[0]
    assert (f.file, f.line) == ("lib/variables.tf", 7) and f.extra["values"] == ["us-west-2a", "us-west-2b"]
    assert f.extra["lines"] == [7]
    assert "var.aws_region" in f.message and f.error.startswith("InvalidParameterValue: Value (us-west-2a)")


def test_pinned_region_is_not_reported(tmp_path: Path) -> None:
    root = _project(tmp_path, {"main.tf": 'provider "aws" {\n  region = "us-west-2"\n}\n'
                                          'resource "aws_subnet" "a" {\n  availability_zone = "us-west-2a"\n}\n'})
    ctx = _ctx(root, "terraform", _subnet("aws_subnet.a", "us-west-2a"))
    assert list(HardcodedAvailabilityZone().check(ctx)) == []


def test_no_region_written_means_the_environment_decides(tmp_path: Path) -> None:
    root = _project(tmp_path, {"main.tf": 'resource "aws_subnet" "a" {\n  availability_zone = "us-east-1a"\n}\n'})
    found = list(HardcodedAvailabilityZone().check(_ctx(root, "terraform", _subnet("aws_subnet.a", "us-east-1a"))))
    assert [(f.file, f.line) for f in found] == [("main.tf", 2)] and "deploy environment" in found[0].message


def test_literal_not_reaching_the_graph_is_not_reported(tmp_path: Path) -> None:
    root = _project(tmp_path, {"main.tf": 'locals {\n  note = "built for us-east-1a"\n}\n'
                                          'resource "aws_subnet" "a" {\n  availability_zone = local.az\n}\n'})
    ctx = _ctx(root, "terraform", _subnet("aws_subnet.a", "eu-west-1b"))
    assert list(HardcodedAvailabilityZone().check(ctx)) == []


def test_typescript_zone_built_from_region(tmp_path: Path) -> None:
    src = ("const region = process.env.AWS_REGION || 'us-east-1';\n"
           "new Subnet(this, 'a', { availabilityZone: `${region}a`, cidrBlock: '10.0.1.0/24' });\n"
           "// new Subnet(this, 'b', { availabilityZone: `${region}b` });\n")
    root = _project(tmp_path, {"lib/tap-stack.ts": src})
    found = list(HardcodedAvailabilityZone().check(_ctx(root, "cdktf", _subnet("a", "us-east-1a", "lib/tap-stack.ts"))))
    assert [(f.file, f.line) for f in found] == [("lib/tap-stack.ts", 2)]
    assert "not every letter exists in every region" in found[0].message


def test_cloudformation_zones_are_left_to_cfn_lint(tmp_path: Path) -> None:
    root = _project(tmp_path, {"template.yaml": "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n"
                                                "      AvailabilityZone: us-east-1a\n"})
    assert list(HardcodedAvailabilityZone().check(_ctx(root, "cfn", _subnet("S", "us-east-1a", "template.yaml")))) == []


CFN = """AWSTemplateFormatVersion: '2010-09-09'
Mappings:
  RegionMap:
    us-east-1:
      AMI: ami-0c02fb55956c7d316
    eu-west-1:
      AMI: ami-0d71ea30463e0ff8d
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [RegionMap, !Ref 'AWS::Region', AMI]
  Bastion:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcdef1234567890
"""


def test_cloudformation_ami_literal_but_not_region_map(tmp_path: Path) -> None:
    root = _project(tmp_path, {"lib/TapStack.yml": CFN})
    ctx = _ctx(root, "cfn", _instance("Web", "ami-0c02fb55956c7d316", "lib/TapStack.yml", 9),
               _instance("Bastion", "ami-0abcdef1234567890", "lib/TapStack.yml", 13))
    found = list(HardcodedAmi().check(ctx))
    assert [(f.file, f.line, f.extra["value"]) for f in found] == [("lib/TapStack.yml", 16, "ami-0abcdef1234567890")]
    assert found[0].error == "InvalidAMIID.NotFound: The image id '[ami-0abcdef1234567890]' does not exist"
    assert found[0].resource == "Bastion"


def test_terraform_ami_region_map_and_pinned_region(tmp_path: Path) -> None:
    tf = ('variable "region" {}\nvariable "amis" {\n  default = {\n    "us-east-1" = "ami-0c02fb55956c7d316"\n'
          '  }\n}\nresource "aws_instance" "w" {\n  ami = "ami-0abcdef1234567890"\n}\n')
    root = _project(tmp_path, {"main.tf": tf})
    ctx = _ctx(root, "terraform", _instance("aws_instance.w", "ami-0abcdef1234567890", "main.tf", 7),
               _instance("aws_instance.m", "ami-0c02fb55956c7d316", "main.tf", 7))
    assert [f.line for f in HardcodedAmi().check(ctx)] == [8]
    pinned = _project(tmp_path / "p", {"main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n'
                                                  'resource "aws_instance" "w" {\n  ami = "ami-0abcdef1234567890"\n}\n'})
    ctx = _ctx(pinned, "terraform", _instance("aws_instance.w", "ami-0abcdef1234567890", "main.tf", 4))
    assert list(HardcodedAmi().check(ctx)) == []


# -- HYG008 ------------------------------------------------------------------------------------------------------
def test_terraform_default_vpc_lookup_and_adoption(tmp_path: Path) -> None:
    tf = ('data "aws_vpc" "default" {\n  default = true\n}\n'
          'data "aws_vpc" "shared" {\n  id = var.vpc_id\n  tags = { default = "x" }\n}\n'
          'resource "aws_default_subnet" "a" {\n  availability_zone = "us-east-1a"\n}\n'
          '# data "aws_vpc" "old" { default = true }\n')
    root = _project(tmp_path, {"network.tf": tf})
    found = list(DefaultVpcReliance().check(_ctx(root, "terraform")))
    assert [(f.line, f.error) for f in found] == [(1, "no matching EC2 VPC found"),
                                                  (8, "the default VPC is deleted in many organisations' accounts; "
                                                      "teardown leaves it behind")]


def test_cdk_and_pulumi_default_vpc_lookups(tmp_path: Path) -> None:
    py = ("from aws_cdk import aws_ec2 as ec2\n"
          "vpc = ec2.Vpc.from_lookup(self, 'Vpc', is_default=True)\n"
          "other = ec2.Vpc.from_lookup(self, 'Other', vpc_id='vpc-1234', is_default=False)\n")
    ts = ("const vpc = ec2.Vpc.fromLookup(this, 'Vpc', {\n  isDefault: true,\n});\n"
          "const v2 = aws.ec2.getVpc({ id: cfg.require('vpcId') });\n"
          "const d = new aws.ec2.DefaultVpc('default', {});\n")
    root = _project(tmp_path, {"lib/stack.py": py, "lib/stack.ts": ts})
    found = list(DefaultVpcReliance().check(_ctx(root, "cdk")))
    assert [(f.file, f.line) for f in found] == [("lib/stack.py", 2), ("lib/stack.ts", 1), ("lib/stack.ts", 5)]


def test_file_that_pins_its_own_region_is_not_judged(tmp_path: Path) -> None:
    # A multi-stack CDKTF app: one stack pins us-east-1 next to its AMI, another reads the region from a variable.
    pinned = 'AwsProvider(self, "aws", region="us-east-1")\nInstance(self, "web", ami="ami-2757f631")\n'
    other = 'region = DataAwsRegion(self, "current")\nInstance(self, "app", ami="ami-0abcdef1234567890")\n'
    root = _project(tmp_path, {"stacks/pinned.py": pinned, "stacks/other.py": other})
    ctx = _ctx(root, "cdktf", _instance("web", "ami-2757f631", "stacks/pinned.py", 2),
               _instance("app", "ami-0abcdef1234567890", "stacks/other.py", 2))
    assert [(f.file, f.line) for f in HardcodedAmi().check(ctx)] == [("stacks/other.py", 2)]


def test_region_pinned_through_an_attribute(tmp_path: Path) -> None:
    # corpus cdktf-py Pr6739: self.primary_region = 'us-east-1', AwsProvider(region=self.primary_region)
    src = ("self.primary_region = 'us-east-1'\nAwsProvider(self, 'p', region=self.primary_region)\n"
           "azs_primary = ['us-east-1a', 'us-east-1b']\n")
    root = _project(tmp_path, {"lib/main.py": src})
    ctx = _ctx(root, "cdktf", _subnet("s0", "us-east-1a", "lib/main.py", 3))
    assert list(HardcodedAvailabilityZone().check(ctx)) == []
