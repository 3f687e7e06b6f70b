"""What the mock 'cloud' answers for each Pulumi resource: well-formed ARNs, names, URLs.

Real values matter: rules and the emulator resolve references by these identifiers (an SQS ARN vs an SNS ARN),
so every output has the shape AWS would give it.
"""

from __future__ import annotations

import hashlib
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"

# token -> (arn service, arn resource template, name input keys in order of preference)
_ARN: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "aws:lambda/function:Function": ("lambda", "function:{name}", ("name",)),
    "aws:lambda/layerVersion:LayerVersion": ("lambda", "layer:{name}:1", ("layerName",)),
    "aws:lambda/alias:Alias": ("lambda", "function:{fn}:{name}", ("name",)),
    "aws:sqs/queue:Queue": ("sqs", "{name}", ("name",)),
    "aws:sns/topic:Topic": ("sns", "{name}", ("name",)),
    "aws:sns/topicSubscription:TopicSubscription": ("sns", "{name}:sub-{h}", ()),
    "aws:dynamodb/table:Table": ("dynamodb", "table/{name}", ("name",)),
    "aws:s3/bucket:Bucket": ("s3", "{name}", ("bucket",)),
    "aws:s3/bucketV2:BucketV2": ("s3", "{name}", ("bucket",)),
    "aws:iam/role:Role": ("iam", "role/{name}", ("name",)),
    "aws:iam/policy:Policy": ("iam", "policy/{name}", ("name",)),
    "aws:iam/user:User": ("iam", "user/{name}", ("name",)),
    "aws:kms/key:Key": ("kms", "key/{h}-0000-4000-8000-{h12}", ()),
    "aws:kms/alias:Alias": ("kms", "{name}", ("name",)),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "log-group:{name}", ("name",)),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("cloudwatch", "alarm:{name}", ("name",)),
    "aws:cloudwatch/eventRule:EventRule": ("events", "rule/{name}", ("name",)),
    "aws:cloudwatch/eventBus:EventBus": ("events", "event-bus/{name}", ("name",)),
    "aws:sfn/stateMachine:StateMachine": ("states", "stateMachine:{name}", ("name",)),
    "aws:ssm/parameter:Parameter": ("ssm", "parameter/{name_noslash}", ("name",)),
    "aws:secretsmanager/secret:Secret": ("secretsmanager", "secret:{name}-{h6}", ("name",)),
    "aws:apigateway/restApi:RestApi": ("apigateway", "/restapis/{h10}", ()),
    "aws:apigatewayv2/api:Api": ("apigateway", "/apis/{h10}", ()),
    "aws:ecr/repository:Repository": ("ecr", "repository/{name}", ("name",)),
    "aws:ecs/cluster:Cluster": ("ecs", "cluster/{name}", ("name",)),
    "aws:rds/cluster:Cluster": ("rds", "cluster:{name}", ("clusterIdentifier",)),
    "aws:rds/instance:Instance": ("rds", "db:{name}", ("identifier",)),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("elasticache", "replicationgroup:{name}", ("replicationGroupId",)),
    "aws:lb/loadBalancer:LoadBalancer": ("elasticloadbalancing", "loadbalancer/app/{name}/{h}", ("name",)),
    "aws:lb/targetGroup:TargetGroup": ("elasticloadbalancing", "targetgroup/{name}/{h}", ("name",)),
    "aws:kinesis/stream:Stream": ("kinesis", "stream/{name}", ("name",)),
    "aws:ec2/vpc:Vpc": ("ec2", "vpc/vpc-{h}", ()),
    "aws:ec2/subnet:Subnet": ("ec2", "subnet/subnet-{h}", ()),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2", "security-group/sg-{h}", ()),
}

_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc-", "aws:ec2/subnet:Subnet": "subnet-", "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/internetGateway:InternetGateway": "igw-", "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/routeTable:RouteTable": "rtb-", "aws:ec2/eip:Eip": "eipalloc-", "aws:ec2/instance:Instance": "i-",
}


def _h(name: str, n: int = 8) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:n]


def physical_name(token: str, name: str, inputs: dict[str, Any]) -> str:
    spec = _ARN.get(token)
    for key in spec[2] if spec else ("name",):
        v = inputs.get(key)
        if isinstance(v, str) and v:
            return v
    prefix = inputs.get("namePrefix") if isinstance(inputs.get("namePrefix"), str) else None
    base = f"{prefix or name + '-'}{_h(name, 7)}"
    if token == "aws:sqs/queue:Queue" and inputs.get("fifoQueue") and not base.endswith(".fifo"):
        base += ".fifo"
    return base


def outputs_for(token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The (id, state) a deploy would return: inputs plus computed identifiers, in Pulumi's camelCase."""
    out = dict(inputs)
    pname = physical_name(token, name, inputs)
    service = token.split(":")[1].split("/")[0] if ":" in token else ""
    spec = _ARN.get(token)
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
    if token in _ID_PREFIX:
        rid = _ID_PREFIX[token] + _h(name, 17)
    out.setdefault("arn", arn)
    out.setdefault("name", pname)
    out["id"] = rid
    extra = _EXTRA.get(token)
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
    "aws:sqs/queue:Queue": _queue,
    "aws:dynamodb/table:Table": _table,
    "aws:lambda/function:Function": _function,
    "aws:apigateway/restApi:RestApi": _rest_api,
    "aws:apigateway/stage:Stage": _stage,
    "aws:apigatewayv2/api:Api": _http_api,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:kms/key:Key": _key,
    "aws:iam/role:Role": _role,
    "aws:lb/loadBalancer:LoadBalancer": _lb,
    "aws:secretsmanager/secret:Secret": _secret,
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
    import json

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
