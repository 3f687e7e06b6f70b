"""What a deploy would answer for each resource: well-formed ids, ARNs, names, URLs (shared by every front end).

Real values matter: rules and the emulator resolve references by these identifiers (an SQS ARN vs an SNS ARN),
so every output has the shape AWS would give it. The tables are keyed by CloudFormation type, the graph's one
vocabulary; input and output keys are Pulumi's camelCase wire names, which the Pulumi mock runtime answers with
directly and the Terraform and CloudFormation front ends translate to (`graph_outputs` turns them into the
graph's `Resource.outputs` names). `invoke` answers data sources (Pulumi invokes, Terraform data blocks).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"

# CloudFormation type -> (arn service, arn resource template, name input keys in order of preference)
_ARN: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "AWS::Lambda::Function": ("lambda", "function:{name}", ("name",)),
    "AWS::Lambda::LayerVersion": ("lambda", "layer:{name}:1", ("layerName",)),
    "AWS::Lambda::Alias": ("lambda", "function:{fn}:{name}", ("name",)),
    "AWS::SQS::Queue": ("sqs", "{name}", ("name",)),
    "AWS::SNS::Topic": ("sns", "{name}", ("name",)),
    "AWS::SNS::Subscription": ("sns", "{name}:sub-{h}", ()),
    "AWS::DynamoDB::Table": ("dynamodb", "table/{name}", ("name",)),
    "AWS::S3::Bucket": ("s3", "{name}", ("bucket",)),
    "AWS::IAM::Role": ("iam", "role/{name}", ("name",)),
    "AWS::IAM::ManagedPolicy": ("iam", "policy/{name}", ("name",)),
    "AWS::IAM::User": ("iam", "user/{name}", ("name",)),
    "AWS::KMS::Key": ("kms", "key/{h}-0000-4000-8000-{h12}", ()),
    "AWS::KMS::Alias": ("kms", "{name}", ("name",)),
    "AWS::Logs::LogGroup": ("logs", "log-group:{name}", ("name",)),
    "AWS::CloudWatch::Alarm": ("cloudwatch", "alarm:{name}", ("name",)),
    "AWS::Events::Rule": ("events", "rule/{name}", ("name",)),
    "AWS::Events::EventBus": ("events", "event-bus/{name}", ("name",)),
    "AWS::StepFunctions::StateMachine": ("states", "stateMachine:{name}", ("name",)),
    "AWS::SSM::Parameter": ("ssm", "parameter/{name_noslash}", ("name",)),
    "AWS::SecretsManager::Secret": ("secretsmanager", "secret:{name}-{h6}", ("name",)),
    "AWS::ApiGateway::RestApi": ("apigateway", "/restapis/{h10}", ()),
    "AWS::ApiGatewayV2::Api": ("apigateway", "/apis/{h10}", ()),
    "AWS::ECR::Repository": ("ecr", "repository/{name}", ("name",)),
    "AWS::ECS::Cluster": ("ecs", "cluster/{name}", ("name",)),
    "AWS::RDS::DBCluster": ("rds", "cluster:{name}", ("clusterIdentifier",)),
    "AWS::RDS::DBInstance": ("rds", "db:{name}", ("identifier",)),
    "AWS::ElastiCache::ReplicationGroup": ("elasticache", "replicationgroup:{name}", ("replicationGroupId",)),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("elasticloadbalancing", "loadbalancer/app/{name}/{h}", ("name",)),
    "AWS::ElasticLoadBalancingV2::TargetGroup": ("elasticloadbalancing", "targetgroup/{name}/{h}", ("name",)),
    "AWS::Kinesis::Stream": ("kinesis", "stream/{name}", ("name",)),
    "AWS::EC2::VPC": ("ec2", "vpc/vpc-{h}", ()),
    "AWS::EC2::Subnet": ("ec2", "subnet/subnet-{h}", ()),
    "AWS::EC2::SecurityGroup": ("ec2", "security-group/sg-{h}", ()),
}

_ID_PREFIX = {
    "AWS::EC2::VPC": "vpc-", "AWS::EC2::Subnet": "subnet-", "AWS::EC2::SecurityGroup": "sg-",
    "AWS::EC2::InternetGateway": "igw-", "AWS::EC2::NatGateway": "nat-",
    "AWS::EC2::RouteTable": "rtb-", "AWS::EC2::EIP": "eipalloc-", "AWS::EC2::Instance": "i-",
}


# Pulumi token -> CloudFormation type, for the tokens whose identity the tables above describe.
TOKEN_TYPES: dict[str, str] = {
    "aws:lambda/function:Function": "AWS::Lambda::Function",
    "aws:lambda/layerVersion:LayerVersion": "AWS::Lambda::LayerVersion",
    "aws:lambda/alias:Alias": "AWS::Lambda::Alias",
    "aws:sqs/queue:Queue": "AWS::SQS::Queue",
    "aws:sns/topic:Topic": "AWS::SNS::Topic",
    "aws:sns/topicSubscription:TopicSubscription": "AWS::SNS::Subscription",
    "aws:dynamodb/table:Table": "AWS::DynamoDB::Table",
    "aws:s3/bucket:Bucket": "AWS::S3::Bucket",
    "aws:iam/role:Role": "AWS::IAM::Role",
    "aws:iam/policy:Policy": "AWS::IAM::ManagedPolicy",
    "aws:iam/user:User": "AWS::IAM::User",
    "aws:kms/key:Key": "AWS::KMS::Key",
    "aws:kms/alias:Alias": "AWS::KMS::Alias",
    "aws:cloudwatch/logGroup:LogGroup": "AWS::Logs::LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "AWS::CloudWatch::Alarm",
    "aws:cloudwatch/eventRule:EventRule": "AWS::Events::Rule",
    "aws:cloudwatch/eventBus:EventBus": "AWS::Events::EventBus",
    "aws:sfn/stateMachine:StateMachine": "AWS::StepFunctions::StateMachine",
    "aws:ssm/parameter:Parameter": "AWS::SSM::Parameter",
    "aws:secretsmanager/secret:Secret": "AWS::SecretsManager::Secret",
    "aws:apigateway/restApi:RestApi": "AWS::ApiGateway::RestApi",
    "aws:apigateway/stage:Stage": "AWS::ApiGateway::Stage",
    "aws:apigatewayv2/api:Api": "AWS::ApiGatewayV2::Api",
    "aws:ecr/repository:Repository": "AWS::ECR::Repository",
    "aws:ecs/cluster:Cluster": "AWS::ECS::Cluster",
    "aws:rds/cluster:Cluster": "AWS::RDS::DBCluster",
    "aws:rds/instance:Instance": "AWS::RDS::DBInstance",
    "aws:elasticache/replicationGroup:ReplicationGroup": "AWS::ElastiCache::ReplicationGroup",
    "aws:lb/loadBalancer:LoadBalancer": "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "aws:lb/targetGroup:TargetGroup": "AWS::ElasticLoadBalancingV2::TargetGroup",
    "aws:kinesis/stream:Stream": "AWS::Kinesis::Stream",
    "aws:ec2/vpc:Vpc": "AWS::EC2::VPC",
    "aws:ec2/subnet:Subnet": "AWS::EC2::Subnet",
    "aws:ec2/securityGroup:SecurityGroup": "AWS::EC2::SecurityGroup",
    "aws:ec2/internetGateway:InternetGateway": "AWS::EC2::InternetGateway",
    "aws:ec2/natGateway:NatGateway": "AWS::EC2::NatGateway",
    "aws:ec2/routeTable:RouteTable": "AWS::EC2::RouteTable",
    "aws:ec2/eip:Eip": "AWS::EC2::EIP",
    "aws:ec2/instance:Instance": "AWS::EC2::Instance",
    "aws:s3/bucketV2:BucketV2": "AWS::S3::Bucket",
}


def _h(name: str, n: int = 8) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:n]


def physical_name(cfn_type: str | None, name: str, inputs: dict[str, Any]) -> str:
    """The name AWS would give the resource: the one the program sets, else `<logical name>-<hash>`."""
    spec = _ARN.get(cfn_type or "")
    for key in spec[2] if spec else ("name",):
        v = inputs.get(key)
        if isinstance(v, str) and v:
            return v
    prefix = inputs.get("namePrefix") if isinstance(inputs.get("namePrefix"), str) else None
    base = f"{prefix or name + '-'}{_h(name, 7)}"
    if cfn_type == "AWS::SQS::Queue" and inputs.get("fifoQueue") and not base.endswith(".fifo"):
        base += ".fifo"
    return base


def outputs_for(token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The (id, state) a deploy would return for a Pulumi resource token (see `outputs_for_type`)."""
    return outputs_for_type(TOKEN_TYPES.get(token), name, inputs, token=token)


def outputs_for_type(cfn_type: str | None, name: str, inputs: dict[str, Any],
                     token: str = "") -> tuple[str, dict[str, Any]]:
    """The (id, state) a deploy would return: inputs plus computed identifiers, in Pulumi's camelCase.

    A type without an entry gets a generic ARN built from the Pulumi token (`token`) when there is one."""
    out = dict(inputs)
    key = cfn_type or ""
    pname = physical_name(cfn_type, name, inputs)
    service = token.split(":")[1].split("/")[0] if ":" in token else ""
    spec = _ARN.get(key)
    if spec:
        svc, template, _ = spec
        fn = inputs.get("functionName", "fn")
        res = template.format(name=pname, h=_h(name), h6=_h(name, 6), h10=_h(name, 10), h12=_h(name, 12),
                              fn=fn, name_noslash=pname.lstrip("/"))
        region_account = "" if svc in ("iam", "s3") else f"{REGION}:{ACCOUNT}"
        if svc == "iam":
            region_account = f":{ACCOUNT}"
            arn = f"arn:aws:iam:{region_account}:{res}"
        elif svc == "s3":
            arn = f"arn:aws:s3:::{res}"
        elif svc == "apigateway":
            arn = f"arn:aws:apigateway:{REGION}::{res}"
        else:
            arn = f"arn:aws:{svc}:{region_account}:{res}"
    else:
        arn = f"arn:aws:{service or 'mock'}:{REGION}:{ACCOUNT}:{token.split(':')[-1].lower()}/{pname}"
    rid = pname
    if key in _ID_PREFIX:
        rid = _ID_PREFIX[key] + _h(name, 17)
    out.setdefault("arn", arn)
    out.setdefault("name", pname)
    out["id"] = rid
    extra = _EXTRA.get(key)
    if extra:
        out.update(extra(name, pname, arn, inputs))
    return rid, out


def _queue(name: str, pname: str, arn: str, inputs: dict) -> dict:
    return {"url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{pname}", "id": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{pname}"}


def _table(name: str, pname: str, arn: str, inputs: dict) -> dict:
    out = {}
    if inputs.get("streamEnabled"):
        out["streamArn"] = f"{arn}/stream/2026-01-01T00:00:00.000"
        out["streamLabel"] = "2026-01-01T00:00:00.000"
    return out


def _function(name: str, pname: str, arn: str, inputs: dict) -> dict:
    return {
        "invokeArn": f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations",
        "qualifiedArn": f"{arn}:$LATEST", "version": "$LATEST",
    }


def _rest_api(name: str, pname: str, arn: str, inputs: dict) -> dict:
    api_id = _h(name, 10)
    return {"id": api_id, "rootResourceId": _h(name + "root", 10),
            "executionArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}"}


def _stage(name: str, pname: str, arn: str, inputs: dict) -> dict:
    api = inputs.get("restApi") or inputs.get("apiId") or "api"
    return {"invokeUrl": f"https://{api}.execute-api.{REGION}.amazonaws.com/{inputs.get('stageName') or inputs.get('name', 'stage')}",
            "executionArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/{inputs.get('stageName', '')}"}


def _http_api(name: str, pname: str, arn: str, inputs: dict) -> dict:
    api_id = _h(name, 10)
    return {"id": api_id, "apiEndpoint": f"https://{api_id}.execute-api.{REGION}.amazonaws.com",
            "executionArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}"}


def _bucket(name: str, pname: str, arn: str, inputs: dict) -> dict:
    return {"bucket": pname, "id": pname, "bucketDomainName": f"{pname}.s3.amazonaws.com",
            "bucketRegionalDomainName": f"{pname}.s3.{REGION}.amazonaws.com"}


def _key(name: str, pname: str, arn: str, inputs: dict) -> dict:
    return {"keyId": arn.split("/")[-1], "id": arn.split("/")[-1]}


def _role(name: str, pname: str, arn: str, inputs: dict) -> dict:
    return {"uniqueId": "AROA" + _h(name, 16).upper()}


def _lb(name: str, pname: str, arn: str, inputs: dict) -> dict:
    return {"dnsName": f"{pname}-{_h(name, 6)}.{REGION}.elb.amazonaws.com", "zoneId": "Z35SXDOTRQ7X7K",
            "arnSuffix": arn.split(":loadbalancer/")[-1]}


def _secret(name: str, pname: str, arn: str, inputs: dict) -> dict:
    return {"id": arn}


_EXTRA = {
    "AWS::SQS::Queue": _queue,
    "AWS::DynamoDB::Table": _table,
    "AWS::Lambda::Function": _function,
    "AWS::ApiGateway::RestApi": _rest_api,
    "AWS::ApiGateway::Stage": _stage,
    "AWS::ApiGatewayV2::Api": _http_api,
    "AWS::S3::Bucket": _bucket,
    "AWS::KMS::Key": _key,
    "AWS::IAM::Role": _role,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _lb,
    "AWS::SecretsManager::Secret": _secret,
}


def invoke(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """Answers for data sources (invokes) that programs commonly call."""
    t = token.split(":")[-1]
    if t in ("getCallerIdentity",):
        return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/iacqa", "userId": "AIDAIACQA", "id": ACCOUNT}
    if t in ("getRegion",):
        return {"name": REGION, "region": REGION, "id": REGION, "endpoint": f"ec2.{REGION}.amazonaws.com",
                "description": "US East (N. Virginia)"}
    if t == "getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}
    if t == "getAvailabilityZones":
        return {"names": [f"{REGION}a", f"{REGION}b", f"{REGION}c"], "zoneIds": ["use1-az1", "use1-az2", "use1-az4"],
                "id": REGION}
    if t == "getPolicyDocument":
        return {"json": policy_document_json(args), "minifiedJson": policy_document_json(args), "id": "policy"}
    if t == "getServicePrincipal":
        return {"name": f"{args.get('serviceName', 'lambda')}.amazonaws.com", "id": "sp"}
    if t in ("getAmi", "getAmiIds"):
        return {"id": "ami-0123456789abcdef0", "imageId": "ami-0123456789abcdef0", "ids": ["ami-0123456789abcdef0"],
                "architecture": "x86_64"}
    if t == "getVpc":
        return {"id": "vpc-0123456789abcdef0", "cidrBlock": "172.31.0.0/16", "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0123456789abcdef0"}
    if t == "getSubnets" or t == "getSubnetIds":
        return {"ids": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"], "id": "subnets"}
    if t == "getElbServiceAccount" or t == "getServiceAccount":
        return {"arn": "arn:aws:iam::127311923021:root", "id": "127311923021"}
    if t == "getSecretVersion":
        return {"secretString": "{}", "id": "secret"}
    return {"id": t}


def policy_document_json(args: dict[str, Any]) -> str:
    """aws.iam.get_policy_document(statements=[...]) -> the IAM JSON AWS would build."""
    stmts = []
    for s in args.get("statements") or []:
        st: dict[str, Any] = {}
        if s.get("sid"):
            st["Sid"] = s["sid"]
        st["Effect"] = s.get("effect") or "Allow"
        for key, name in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"),
                          ("notResources", "NotResource")):
            if s.get(key):
                vals = list(s[key])
                st[name] = vals[0] if len(vals) == 1 else vals
        for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if s.get(key):
                p: dict[str, Any] = {}
                for pr in s[key]:
                    ids = list(pr.get("identifiers") or [])
                    p[pr.get("type", "AWS")] = ids[0] if len(ids) == 1 else ids
                st[name] = "*" if p == {"*": "*"} else p
        if s.get("conditions"):
            cond: dict[str, Any] = {}
            for c in s["conditions"]:
                vals = list(c.get("values") or [])
                cond.setdefault(c.get("test"), {})[c.get("variable")] = vals[0] if len(vals) == 1 else vals
            st["Condition"] = cond
        stmts.append(st)
    return json.dumps({"Version": "2012-10-17", "Statement": stmts})


# Pulumi's camelCase output keys -> the graph's `Resource.outputs` names (CloudFormation attribute names).
_OUT_NAMES = {"arn": "Arn", "name": "Name", "id": "Id", "url": "Url", "streamArn": "StreamArn",
              "invokeArn": "InvokeArn", "executionArn": "ExecutionArn", "keyId": "KeyId", "bucket": "Name",
              "invokeUrl": "Url", "apiEndpoint": "Url", "qualifiedArn": "QualifiedArn", "dnsName": "DnsName",
              "rootResourceId": "RootResourceId"}


def graph_outputs(outs: dict[str, Any]) -> dict[str, Any]:
    """A deploy's scalar outputs under the names the graph uses (`streamArn` -> `StreamArn`)."""
    return {_OUT_NAMES.get(k, k): v for k, v in outs.items() if isinstance(v, (str, int, bool))}
