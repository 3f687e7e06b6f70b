"""CloudFormation template -> ResourceGraph: resolve intrinsic functions the way the service would, offline.

The graph already speaks CloudFormation, so resources keep their types and properties; what this module adds is
what a stack create would compute: parameter values, conditions, mappings, `Ref`/`Fn::GetAtt` answers and
`Fn::Sub` strings. Identities (ARNs, URLs, names) are the same synthetic ones the Pulumi and Terraform front ends
use (`identity.outputs_for` through the CloudFormation type's Pulumi twin), so a queue named `orders` has the
same ARN whichever platform declared it, and rules and the emulator follow references by value.

This is also the path of AWS CDK: its synthesized template comes here with a locator into the Python source.
SAM: `AWS::Serverless::Function` becomes a plain `AWS::Lambda::Function` (code from `CodeUri`); the resources the
transform adds (roles, event source mappings from `Events`, `ServerlessRestApi`...) come from `sam.py`; the other
serverless types stay unmapped (noted), since the SAM translator is not a dependency.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources as pkg_resources
from pathlib import Path
from typing import Any

from iacqa.frontends.cloudformation import sam
from iacqa.frontends.code_package import read_dir
from iacqa.frontends.identity import graph_outputs, outputs_for
from iacqa.frontends.value_paths import value_paths
from iacqa.knowledge.naming import lower_first
from iacqa.model import CodeArtifact, Finding, Location, Resource, ResourceGraph

Locator = Callable[[tuple[str, ...]], Location | None]
REGION, ACCOUNT, STACK = "us-east-1", "123456789012", "TapStackdev"
_OPAQUE = frozenset({"Tags", "Variables"})  # user data maps: their keys are listed, not walked
SUFFIX_NAMES = {"environmentsuffix", "environment", "env", "envsuffix", "stage", "suffix"}

# CloudFormation type -> (the property holding the physical name, what Ref returns: an outputs key).
IDENTITY: dict[str, tuple[str | None, str]] = {
    "AWS::SQS::Queue": ("QueueName", "url"), "AWS::SNS::Topic": ("TopicName", "arn"),
    "AWS::Lambda::Function": ("FunctionName", "name"), "AWS::DynamoDB::Table": ("TableName", "name"),
    "AWS::IAM::Role": ("RoleName", "name"), "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", "arn"),
    "AWS::IAM::User": ("UserName", "name"), "AWS::IAM::Group": ("GroupName", "name"),
    "AWS::S3::Bucket": ("BucketName", "name"), "AWS::Logs::LogGroup": ("LogGroupName", "name"),
    "AWS::KMS::Key": (None, "keyId"), "AWS::KMS::Alias": ("AliasName", "name"),
    "AWS::CloudWatch::Alarm": ("AlarmName", "name"), "AWS::Events::Rule": ("Name", "name"),
    "AWS::Events::EventBus": ("Name", "name"), "AWS::StepFunctions::StateMachine": ("StateMachineName", "arn"),
    "AWS::SSM::Parameter": ("Name", "name"), "AWS::SecretsManager::Secret": ("Name", "arn"),
    "AWS::ApiGateway::RestApi": ("Name", "id"), "AWS::ApiGatewayV2::Api": ("Name", "id"),
    "AWS::ECR::Repository": ("RepositoryName", "name"), "AWS::ECS::Cluster": ("ClusterName", "name"),
    "AWS::RDS::DBCluster": ("DBClusterIdentifier", "id"), "AWS::RDS::DBInstance": ("DBInstanceIdentifier", "id"),
    "AWS::Kinesis::Stream": ("Name", "name"), "AWS::ElasticLoadBalancingV2::LoadBalancer": ("Name", "arn"),
    "AWS::ElasticLoadBalancingV2::TargetGroup": ("Name", "arn"), "AWS::SNS::Subscription": (None, "arn"),
    "AWS::Lambda::LayerVersion": ("LayerName", "arn"), "AWS::Lambda::Alias": ("Name", "arn"),
    "AWS::ApiGateway::Stage": ("StageName", "name"), "AWS::EC2::VPC": (None, "id"), "AWS::EC2::Subnet": (None, "id"),
    "AWS::EC2::SecurityGroup": ("GroupName", "id"),
}
# Pulumi tokens for CloudFormation types that Pulumi's table does not map (identity only).
_EXTRA_TOKENS = {"AWS::EC2::VPC": "aws:ec2/vpc:Vpc", "AWS::EC2::Subnet": "aws:ec2/subnet:Subnet",
                 "AWS::EC2::SecurityGroup": "aws:ec2/securityGroup:SecurityGroup",
                 "AWS::EC2::InternetGateway": "aws:ec2/internetGateway:InternetGateway",
                 "AWS::EC2::NatGateway": "aws:ec2/natGateway:NatGateway",
                 "AWS::EC2::RouteTable": "aws:ec2/routeTable:RouteTable", "AWS::EC2::EIP": "aws:ec2/eip:Eip",
                 "AWS::EC2::Instance": "aws:ec2/instance:Instance", "AWS::Kinesis::Stream": "aws:kinesis/stream:Stream",
                 "AWS::ECR::Repository": "aws:ecr/repository:Repository", "AWS::ECS::Cluster": "aws:ecs/cluster:Cluster"}
# GetAtt attribute -> outputs key, where the names differ.
_GETATT = {"Arn": "arn", "QueueUrl": "url", "QueueName": "name", "TopicArn": "arn", "TopicName": "name",
           "StreamArn": "streamArn", "RoleId": "uniqueId", "KeyId": "keyId", "RootResourceId": "rootResourceId",
           "DomainName": "bucketDomainName", "RegionalDomainName": "bucketRegionalDomainName", "Name": "name",
           "DNSName": "dnsName", "ApiEndpoint": "apiEndpoint", "ApiId": "id", "GroupId": "id", "VpcId": "id",
           "SubnetId": "id", "AllocationId": "id", "Id": "id", "LoadBalancerFullName": "arnSuffix"}


@lru_cache(maxsize=1)
def _tokens() -> dict[str, str]:
    """CloudFormation type -> the Pulumi token whose synthetic identity it shares (first, non-V2 entry)."""
    data = json.loads(pkg_resources.files("iacqa.data").joinpath("pulumi_types.json").read_text())
    out: dict[str, str] = {}
    for token, spec in data.items():
        cfn = spec.get("cfn_type") if isinstance(spec, dict) else None
        if cfn and not spec.get("pseudo") and "V2:" not in token and cfn not in out:
            out[cfn] = token
    out.setdefault("AWS::RDS::DBInstance", "aws:rds/instance:Instance")
    return {**_EXTRA_TOKENS, **out}


class _Unresolved(Exception):
    pass


class Resolver:
    """Evaluates intrinsic functions against parameters, pseudo parameters, mappings, conditions and resources."""

    def __init__(self, template: dict[str, Any], parameters: dict[str, Any], graph: ResourceGraph,
                 findings: list[Finding], file: str | None, locate: Locator | None) -> None:
        self.t = template
        self.graph = graph
        self.findings = findings
        self.file = file
        self.locate = locate
        self.params: dict[str, Any] = {}
        self.resources: dict[str, Any] = template.get("Resources") or {}
        self.identity: dict[str, dict[str, Any]] = {}  # logical id -> outputs (camelCase keys)
        self.conditions: dict[str, bool | None] = {}
        self._cond_exprs: dict[str, Any] = template.get("Conditions") or {}
        self._reported: set[tuple[str, str]] = set()
        self.pseudo_given = {k: v for k, v in parameters.items() if str(k).startswith("AWS::")}
        for name, spec in (template.get("Parameters") or {}).items():
            self.params[name] = self._parameter(str(name), spec if isinstance(spec, dict) else {}, parameters)

    def _parameter(self, name: str, spec: dict[str, Any], given: dict[str, Any]) -> Any:
        if name in given:
            value = given[name]
        elif "Default" in spec:
            value = spec["Default"]
        elif name.lower() in SUFFIX_NAMES:
            value = "dev"
        else:
            # No default and no value given: the deployer would supply one. It stays unresolved, so no rule
            # judges a value the user never wrote.
            value = [] if str(spec.get("Type", "")).startswith(("List", "CommaDelimitedList")) else \
                f"<unresolved:param:{name}>"
            from iacqa.catalog.program import ConfigRequired

            loc = (self.locate(("Parameters", name)) if self.locate else None) or Location(self.file, None)
            self.findings.append(ConfigRequired.finding(
                f"parameter `{name}` has no Default; the pipeline deploys without parameter values other "
                "than the environment suffix", location=loc, symbol=name,
                error=f"ValidationError: Parameters: [{name}] must have values",
                fix=f"give {name} a Default (or derive the value in the template)").with_(stage="frontend"))
        self.graph.config_needs[f"param:{name}"] = value
        if str(spec.get("Type", "")).startswith("CommaDelimitedList") and isinstance(value, str):
            return [v.strip() for v in value.split(",")]
        if str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value"):
            return f"{{{{resolve:ssm:{value}}}}}"
        return value

    # -- conditions -----------------------------------------------------------------------------------------------
    def condition(self, name: str) -> bool | None:
        if name in self.conditions:
            return self.conditions[name]
        self.conditions[name] = None  # cycle guard
        expr = self._cond_exprs.get(name)
        try:
            value = self.value(expr, ("Conditions", name))
            self.conditions[name] = bool(value) if isinstance(value, bool) else None
        except _Unresolved:
            self.conditions[name] = None
        return self.conditions[name]

    # -- values ---------------------------------------------------------------------------------------------------
    def value(self, node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            if len(node) == 1:
                (key, arg), = node.items()
                key = str(key)
                if key == "Ref":
                    return self.ref(str(arg), path)
                if key.startswith("Fn::") or key == "Condition":
                    return self.fn(key, arg, path)
            out = {}
            for k, v in node.items():
                resolved = self.value(v, path + (str(k),))
                if resolved is not _NOVALUE:
                    out[str(k)] = resolved
            return out
        if isinstance(node, list):
            return [x for x in (self.value(v, path) for v in node) if x is not _NOVALUE]
        if isinstance(node, str):
            return str(node)
        return node

    def ref(self, name: str, path: tuple[str, ...]) -> Any:
        # The stack name is chosen at deploy time: unknown (so no value rule judges a name built from it) unless the
        # run fixes it (`parameters` {"AWS::StackName": ...}; the tap profile gives the pipeline's TapStack<suffix>).
        stack = self.pseudo_given.get("AWS::StackName", "<unresolved:AWS::StackName>")
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": stack, "AWS::Partition": "aws",
                  "AWS::URLSuffix": "amazonaws.com", "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:"
                  f"stack/{stack}/00000000-0000-4000-8000-000000000000", "AWS::NotificationARNs": []}
        pseudo.update({k: v for k, v in self.pseudo_given.items() if k in pseudo})
        if name in pseudo:
            return pseudo[name]
        if name == "AWS::NoValue":
            return _NOVALUE
        if name in self.params:
            return self.params[name]
        if name in self.resources:
            ident = self.identify(name)
            ref_key = IDENTITY.get(self._type(name), (None, "id"))[1]
            return ident.get(ref_key) or ident.get("id")
        self._problem(path, f"Ref to `{name}`, which is neither a parameter nor a resource of the template",
                      f"Template format error: Unresolved resource dependencies [{name}] in the Resources block of "
                      "the template")
        return f"<unresolved:{name}>"

    def getatt(self, arg: Any, path: tuple[str, ...]) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2:
            return "<unresolved:GetAtt>"
        name, attr = str(arg[0]), self.value(arg[1], path)
        if name not in self.resources:
            self._problem(path, f"Fn::GetAtt on `{name}`, which is not a resource of the template",
                          f"Template format error: Unresolved resource dependencies [{name}] in the Resources block "
                          "of the template")
            return f"<unresolved:{name}.{attr}>"
        ident = self.identify(name)
        key = _GETATT.get(str(attr), str(attr)[:1].lower() + str(attr)[1:])
        if key in ident:
            return ident[key]
        if self._type(name) == "AWS::Lambda::Version" and attr == "Version":
            return "1"
        # An attribute with no synthetic identity: marked unresolved, so no value rule judges it.
        return f"<unresolved:{name}.{attr}>"

    def fn(self, key: str, arg: Any, path: tuple[str, ...]) -> Any:
        if key == "Fn::GetAtt":
            return self.getatt(arg, path)
        if key == "Condition":
            return self.condition(str(arg))
        if key == "Fn::If":
            if not isinstance(arg, list) or len(arg) != 3:
                return None
            cond = self.condition(str(arg[0]))
            if cond is None:
                a, b = self.value(arg[1], path), self.value(arg[2], path)
                return a if a == b else a  # unknown condition: the first branch, as the template reads
            return self.value(arg[1] if cond else arg[2], path)
        if key == "Fn::Equals":
            a, b = (self.value(x, path) for x in (arg if isinstance(arg, list) else [arg, None])[:2])
            return str(a) == str(b)
        if key in ("Fn::And", "Fn::Or"):
            vals = [self.value(x, path) for x in arg or []]
            if any(not isinstance(v, bool) for v in vals):
                return None
            return all(vals) if key == "Fn::And" else any(vals)
        if key == "Fn::Not":
            v = self.value(arg[0] if isinstance(arg, list) and arg else arg, path)
            return (not v) if isinstance(v, bool) else None
        if key == "Fn::Sub":
            return self.sub(arg, path)
        if key == "Fn::Join":
            if isinstance(arg, list) and len(arg) == 2:
                sep, items = self.value(arg[0], path), self.value(arg[1], path)
                if isinstance(items, list):
                    return str(sep).join(_s(x) for x in items)
            return "<unresolved:Join>"
        if key == "Fn::Select":
            if isinstance(arg, list) and len(arg) == 2:
                idx, items = self.value(arg[0], path), self.value(arg[1], path)
                try:
                    return items[int(idx)]
                except (ValueError, TypeError, IndexError):
                    self._problem(path, f"Fn::Select index {idx} is outside the list ({items!r})",
                                  "Template error: Fn::Select cannot select nonexistent value at index "
                                  f"{idx}")
            return "<unresolved:Select>"
        if key == "Fn::Split":
            if isinstance(arg, list) and len(arg) == 2:
                sep, s = self.value(arg[0], path), self.value(arg[1], path)
                if isinstance(s, str):
                    return s.split(str(sep))
            return ["<unresolved:Split>"]
        if key == "Fn::GetAZs":
            return [f"{REGION}a", f"{REGION}b", f"{REGION}c", f"{REGION}d", f"{REGION}e", f"{REGION}f"]
        if key == "Fn::FindInMap":
            if isinstance(arg, list) and len(arg) >= 3:
                m, k1, k2 = (self.value(x, path) for x in arg[:3])
                try:
                    return (self.t.get("Mappings") or {})[m][k1][k2]
                except (KeyError, TypeError):
                    if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                        return self.value(arg[3]["DefaultValue"], path)
                    by_region = any(x == {"Ref": "AWS::Region"} for x in arg[1:3])
                    if by_region and "AWS::Region" not in self.pseudo_given:
                        # The region is chosen at deploy time (a prompt's "in us-east-2", lib/AWS_REGION): a map
                        # without iacqa's default region only says which regions the template supports.
                        table = (self.t.get("Mappings") or {}).get(m)
                        if isinstance(table, dict) and table and k1 == REGION:
                            have = sorted(str(k) for k in table)
                            self.graph.notes.append(f"Fn::FindInMap [{m}, AWS::Region, ...]: the template supports "
                                                    f"the regions {', '.join(have[:8])} only; judged as {have[0]}")
                            row = table[have[0]] if have[0] in table else table[next(iter(table))]
                            if isinstance(row, dict) and k2 in row:
                                return self.value(row[k2], path)
                            return "<unresolved:FindInMap>"
                    where = f" (stack region {REGION})" if k1 == REGION or k2 == REGION else ""
                    self._problem(path, f"Fn::FindInMap [{m}, {k1}, {k2}] names no entry of Mappings{where}",
                                  f"Template error: Unable to get mapping for {m}::{k1}::{k2}",
                                  fix=self._mapping_fix(m, k1, k2))
            return "<unresolved:FindInMap>"
        if key == "Fn::Base64":
            v = self.value(arg, path)
            return base64.b64encode(v.encode()).decode() if isinstance(v, str) else v
        if key == "Fn::ImportValue":
            name = self.value(arg, path)
            self.graph.notes.append(f"Fn::ImportValue {name!r}: another stack's export, not known offline")
            return f"<unresolved:ImportValue:{name}>"
        if key == "Fn::Cidr":
            return self.cidr(arg, path)
        if key == "Fn::Length":
            v = self.value(arg, path)
            return len(v) if isinstance(v, list) else 0
        if key == "Fn::ToJsonString":
            return json.dumps(self.value(arg, path), separators=(",", ":"))
        self._problem(path, f"`{key}` is not an intrinsic function CloudFormation knows",
                      f"Template format error: Unrecognized function '{key}'")
        return f"<unresolved:{key}>"

    def cidr(self, arg: Any, path: tuple[str, ...]) -> Any:
        """Fn::Cidr [ipBlock, count, cidrBits]: `count` consecutive subnets with `cidrBits` host bits each."""
        import ipaddress

        try:
            block, count, bits = (self.value(x, path) for x in arg)
            net = ipaddress.ip_network(str(block), strict=False)
            prefix = net.max_prefixlen - int(bits)
            subnets = net.subnets(new_prefix=prefix)
            return [str(next(subnets)) for _ in range(int(count))]
        except (ValueError, TypeError, StopIteration):
            self._problem(path, f"Fn::Cidr {arg!r} cannot be computed", "Template error: Fn::Cidr: invalid arguments")
            return []

    def sub(self, arg: Any, path: tuple[str, ...]) -> Any:
        if isinstance(arg, list) and arg:
            text, variables = arg[0], arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
        else:
            text, variables = arg, {}
        if not isinstance(text, str):
            return "<unresolved:Sub>"
        local = {str(k): self.value(v, path) for k, v in variables.items()}

        def rep(m: re.Match[str]) -> str:
            inner = m.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            if inner in local:
                return _s(local[inner])
            if "." in inner and inner.split(".", 1)[0] in self.resources:
                return _s(self.getatt(inner.split(".", 1), path))
            return _s(self.ref(inner, path))

        return re.sub(r"\$\{([^}]+)\}", rep, text)

    # -- resources -------------------------------------------------------------------------------------------------
    def _type(self, name: str) -> str:
        spec = self.resources.get(name)
        return str(spec.get("Type", "")) if isinstance(spec, dict) else ""

    def identify(self, name: str) -> dict[str, Any]:
        """The outputs a create would give this resource (synthetic identities)."""
        if name in self.identity:
            return self.identity[name]
        self.identity[name] = {"id": name}  # cycle guard (a resource naming itself through Sub)
        rtype = self._type(name)
        if rtype == "AWS::Serverless::Function":
            rtype = "AWS::Lambda::Function"
        props = (self.resources.get(name) or {}).get("Properties") or {}
        name_prop = IDENTITY.get(rtype, (None, "id"))[0]
        inputs: dict[str, Any] = {}
        if name_prop and isinstance(props, dict) and name_prop in props:
            try:
                pname = self.value(props[name_prop], ("Resources", name, "Properties", name_prop))
                if isinstance(pname, str):
                    inputs["name"] = pname
                    if rtype == "AWS::S3::Bucket":
                        inputs["bucket"] = pname
            except RecursionError:
                pass
        if rtype == "AWS::SQS::Queue" and isinstance(props, dict) and props.get("FifoQueue") in (True, "true"):
            inputs["fifoQueue"] = True
        if rtype == "AWS::DynamoDB::Table" and isinstance(props, dict) and props.get("StreamSpecification"):
            inputs["streamEnabled"] = True
        if rtype == "AWS::Lambda::Alias" and isinstance(props, dict):
            inputs["functionName"] = _s(self.value(props.get("FunctionName"), ("Resources", name)))
        token = _tokens().get(rtype)
        if token is None:
            svc = rtype.split("::")[1].lower() if rtype.count("::") == 2 else "mock"
            ident = {"id": f"{name}-{hashlib.sha1(name.encode()).hexdigest()[:8]}", "name": inputs.get("name", name),
                     "arn": f"arn:aws:{svc}:{REGION}:{ACCOUNT}:{rtype.split('::')[-1].lower()}/{inputs.get('name', name)}"}
        else:
            _rid, ident = outputs_for(token, name, inputs)
        self.identity[name] = ident
        return ident

    def _mapping_fix(self, m: Any, k1: Any, k2: Any) -> str:
        """Say which keys the mapping does have: a region map without the stack region is the usual cause."""
        table = (self.t.get("Mappings") or {}).get(m)
        if not isinstance(table, dict):
            return f"declare the mapping {m} under Mappings, or look up one that exists"
        if k1 not in table:
            have = ", ".join(sorted(str(k) for k in table)[:8])
            if k1 == REGION:
                return (f"add a {REGION} entry to {m} (it has {have}); the pipeline deploys to {REGION} unless "
                        "lib/AWS_REGION names another region")
            return f"add a {k1} entry to {m} (it has {have}), or look up one of those keys"
        row = table.get(k1)
        have = ", ".join(sorted(str(k) for k in row)[:8]) if isinstance(row, dict) else "no keys"
        return f"add {k2} under {m}.{k1} (it has {have}), or add a DefaultValue to the Fn::FindInMap"

    def _problem(self, path: tuple[str, ...], message: str, error: str, fix: str | None = None) -> None:
        key = (".".join(path), message)
        if key in self._reported:
            return
        self._reported.add(key)
        loc = (self.locate(path) if self.locate else None) or Location(self.file, None)
        rid = path[1] if len(path) > 1 and path[0] == "Resources" else None
        from iacqa.catalog.cfn import CfnReference

        self.findings.append(CfnReference.finding(
            message, location=loc, error=error,
            fix=fix or "reference a parameter, resource or mapping entry the template declares",
        ).with_(resource=rid, attribute=".".join(path[3:]) or None, stage="frontend"))


class _NoValueType:
    def __repr__(self) -> str:
        return "AWS::NoValue"


_NOVALUE: Any = _NoValueType()


def _s(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return "" if v is None else str(v)


def _camel_outputs(ident: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """The same outputs the Pulumi front end records: computed values and identities, not the inputs."""
    return graph_outputs({k: v for k, v in ident.items() if k in ("arn", "name", "id") or k not in _input_keys(props)})


def _input_keys(props: dict[str, Any]) -> set[str]:
    return {lower_first(k) for k in props}


def _code(rid: str, rtype: str, props: dict[str, Any], raw: dict[str, Any], root: Path, file: str | None,
          locate: Locator | None, graph: ResourceGraph) -> CodeArtifact | None:
    art = CodeArtifact(resource=rid)
    handler = str(props.get("Handler") or "index.handler")
    runtime = str(props.get("Runtime") or "")
    module = handler.rsplit(".", 1)[0].replace(".", "/")
    ext = ".py" if runtime.startswith("python") or not runtime else ".js" if runtime.startswith("nodejs") else ""
    code = props.get("Code") if rtype == "AWS::Lambda::Function" else None
    if isinstance(code, dict) and isinstance(code.get("ZipFile"), str):
        key = module + (ext or ".py")
        art.files[key] = code["ZipFile"]
        loc = (locate(("Resources", rid, "Properties", "Code", "ZipFile")) if locate else None) or Location(file, None)
        raw_zip = ((raw.get("Properties") or {}).get("Code") or {}).get("ZipFile") if isinstance(raw, dict) else None
        first = _zip_first_line(raw_zip, loc, root)
        art.origin[key] = Location(loc.file, first)
        art.kind = "inline"
        return art
    if isinstance(code, dict) and code.get("S3Bucket") is not None:
        return _s3_code(rid, art, code, raw, graph)
    uri = props.get("CodeUri") if rtype == "AWS::Serverless::Function" else None
    if isinstance(uri, str) and not uri.startswith("s3://"):
        base = Path(file).parent if file else Path(".")
        rel = (base / uri).as_posix()
        d = root / rel
        art.source_path = rel
        if d.is_dir():
            read_dir(art, d, root)
        else:
            art.kind = "missing"
            art.missing_error = f"Error: CodeUri {uri} does not exist"
        return art
    return None


def _s3_code(rid: str, art: CodeArtifact, code: dict[str, Any], raw: dict[str, Any],
             graph: ResourceGraph) -> CodeArtifact | None:
    """Code.S3Bucket/S3Key: a bucket this same template creates is empty when the function is created, so the
    package cannot be there (kind "missing", with the error Lambda gives); another bucket is outside what iacqa
    can see (a note, no artifact: the handler is not checked)."""
    bucket, key = _s(code.get("S3Bucket")), _s(code.get("S3Key"))
    raw_bucket = ((raw.get("Properties") or {}).get("Code") or {}).get("S3Bucket") if isinstance(raw, dict) else None
    target = None
    if isinstance(raw_bucket, dict) and len(raw_bucket) == 1:
        (fn, arg), = raw_bucket.items()
        target = str(arg) if fn == "Ref" else str(arg[0] if isinstance(arg, list) else str(arg).split(".")[0]) \
            if fn == "Fn::GetAtt" else None
    if target is not None and target in graph.resources and graph.resources[target].type == "AWS::S3::Bucket":
        art.kind = "missing"
        art.source_path = f"s3://{bucket}/{key}"
        art.missing_error = (f"Resource handler returned message: \"Error occurred while GetObject. S3 Error Code: "
                             f"NoSuchKey. S3 Error Message: The specified key does not exist.\" (bucket {bucket} is "
                             f"created by this stack ({target}), so it is empty when {rid} is created)")
        return art
    graph.notes.append(f"{rid}: code from s3://{bucket}/{key}, outside the project; its handler is not checked")
    return None


def _zip_first_line(raw_zip: Any, loc: Location, root: Path) -> int | None:
    """A YAML block scalar (`ZipFile: |`) starts on the line after its key; a quoted string on the key's line."""
    mark = getattr(raw_zip, "start_mark", None)
    line = mark.line + 1 if mark is not None and isinstance(getattr(mark, "line", None), int) else loc.line
    if line is None or not loc.file:
        return line
    try:
        text_lines = (root / loc.file).read_text(errors="replace").splitlines()
    except OSError:
        return line
    if 0 < line <= len(text_lines) and re.search(r"[|>][-+0-9]*\s*(#.*)?$", text_lines[line - 1]):
        return line + 1
    return line


def graph_from_template(template: dict[str, Any], root: Path, *, file: str | None,
                        platform: str = "cloudformation", locate: Locator | None = None,
                        parameters: dict[str, Any] | None = None) -> tuple[ResourceGraph, list[Finding]]:
    """A decoded template (plain dicts, or cfn-lint's nodes) -> graph and the findings resolution produced."""
    graph = ResourceGraph(platform=platform)
    findings: list[Finding] = []
    if not isinstance(template, dict):
        return graph, findings
    implicit = sam.implicit_resources(template)
    if implicit:  # what `sam deploy` adds (roles, event source mappings, ServerlessRestApi): references resolve
        template = {**template, "Resources": {**(template.get("Resources") or {}), **implicit}}
        graph.notes.append(f"SAM transform: {len(implicit)} implicit resource(s) modelled ({', '.join(sorted(implicit)[:6])}"
                           + (", ..." if len(implicit) > 6 else "") + ")")
    res = Resolver(template, dict(parameters or {}), graph, findings, file, locate)
    functions: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
    for rid, spec in (template.get("Resources") or {}).items():
        rid = str(rid)
        if not isinstance(spec, dict):
            continue
        rtype = str(spec.get("Type", ""))
        cond = spec.get("Condition")
        if isinstance(cond, str) and res.condition(cond) is False:
            graph.notes.append(f"{rid}: condition {cond} is false; not created")
            continue
        try:
            props = res.value(spec.get("Properties") or {}, ("Resources", rid, "Properties"))
        except RecursionError:
            props = {}
        if not isinstance(props, dict):
            props = {}
        graph_type = rtype
        if rtype == "AWS::Serverless::Function":
            graph_type = "AWS::Lambda::Function"
            props = {**sam.function_globals(template, res.value), **props}  # SAM merges Globals.Function
            props = {k: v for k, v in props.items() if k not in ("CodeUri", "Events", "Policies", "InlineCode")}
            if "Role" not in props and f"{rid}Role" in implicit:
                props["Role"] = res.getatt([f"{rid}Role", "Arn"], ("Resources", rid))
        if rtype == "AWS::Serverless::StateMachine" and "Role" not in props and f"{rid}Role" in implicit:
            props["Role"] = res.getatt([f"{rid}Role", "Arn"], ("Resources", rid))
        origin = str(spec.get("_SamOrigin") or rid)  # a SAM implicit resource is found at the user's resource
        loc = (locate(("Resources", origin)) if locate else None) or Location(file, None)
        attr_locs: dict[str, Location] = {}
        if locate:
            for path in value_paths(props, _OPAQUE):
                hit = locate(("Resources", rid, "Properties", *path.split(".")))
                if hit is not None and hit != loc:
                    attr_locs[path] = hit
        ident = res.identify(rid)
        depends = spec.get("DependsOn")
        native = props
        if spec.get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate"):
            # kept beside the properties (never in them: templates are rebuilt from `properties` for cfn-lint),
            # as the Pulumi front end keeps resource options
            native = {**props, "__opts": {"deletion_policy": spec["DeletionPolicy"]}}
        r = Resource(
            id=rid, type=graph_type, native_type=rtype, properties=props, native_properties=native,
            native_paths={}, location=loc, attr_locations=attr_locs,
            outputs=_camel_outputs(ident, props), depends_on=[str(d) for d in (depends if isinstance(depends, list)
                                                                              else [depends] if depends else [])],
            mapped=graph_type.startswith("AWS::") and not graph_type.startswith("AWS::Serverless::"),
        )
        graph.add(r)
        if graph_type == "AWS::Lambda::Function":
            functions.append((rid, rtype, props, spec))
    for rid, rtype, props, spec in functions:  # after every resource: Code.S3Bucket may name a later bucket
        src = dict(props)
        if rtype == "AWS::Serverless::Function":
            src = res.value(spec.get("Properties") or {}, ("Resources", rid, "Properties"))
        art = _code(rid, rtype, src, spec, root, file, locate, graph)
        if art is not None:
            graph.code[rid] = art
    for name, spec in (template.get("Outputs") or {}).items():
        if isinstance(spec, dict):
            cond = spec.get("Condition")
            if isinstance(cond, str) and res.condition(cond) is False:
                continue
            graph.outputs[str(name)] = res.value(spec.get("Value"), ("Outputs", str(name)))
    return graph, findings
