"""Training quality: the score of the TAP pipeline's published rubric (training-quality-guide.md v2.1), computed
from iacqa's own comparison of the model and ideal responses instead of a reviewer's reading of MODEL_FAILURES.md.

The rubric, step by step, and what iacqa uses for each step:
1. Base 8.
2. Critical blockers set the score and skip the rest: platform/language mismatch (3: the IDEAL response's code is
   in another language than metadata.json says), missing >= 50 % of the task's services (4: metadata.json
   `aws_services` against the services in the IDEAL resource graph, when the program built it to the end), wrong
   region (5: the prompt names one region
   and the IDEAL stack is configured for another). Wrong account (3) cannot be seen offline and is never applied.
3. Fix categories: every finding of the MODEL response that the IDEAL response no longer has is a fix; fixes are
   counted per rule (21 names without the environment suffix are one fix: the reviewer writes it once), and sorted
   into the rubric's categories by the failure taxonomy (FIX_CATEGORY below; a model response without code or cut
   off is Category A: the ideal supplies the implementation). A requirement the IDEAL response
   meets and the MODEL response does not (the `requirements` array of the reports, when present) is a Category A
   fix ("complete features added"). Then: >= 2 A: +2; 1 A: +1; only B: 0; only C: >= 6: -2, 4-5: -1, 3: -3 (D),
   1-2: -4 (D); no fix at all: -4 (D, "model already competent").
4. Complexity from the IDEAL resource graph, in priority order and capped at +2: 3+ services, security (KMS,
   secrets, WAF, encryption resources), high availability (auto scaling, load balancers, clusters, 2+ subnets),
   advanced patterns (event sources, rules, subscriptions, state machines, notifications); a single service -1.
5. Base + adjustments, capped to 0..10, rounded half up.

What iacqa cannot see it does not invent: improvements no rule detects (added monitoring that no requirement asked
for, a better architecture) are missing from step 3, so the score is a floor for those; a task whose responses
gave no resource graph (an unsupported platform) gets no score, with the reason.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

BASE = 8

# Failure taxonomy category -> rubric fix category, with the rubric's own words for why.
FIX_CATEGORY: dict[str, str] = {
    "security": "A",        # security vulnerabilities fixed (encryption, secrets)
    "iam-missing": "A",     # IAM permissions fixed
    "iam-broad": "A",       # least privilege (IAM permissions)
    "wiring": "A",          # complex integrations fixed (service-to-service connections)
    "requirement": "A",     # complete features added / architecture changes
    "aws-limit": "B",       # configuration adjustments (resource sizes, timeouts)
    "aws-quota": "B",       # configuration adjustments
    "runtime-error": "B",   # handler logic that fails at run time: more than a typo, less than a new feature
    "packaging": "B",       # build/packaging configuration
    "hygiene": "B",         # standard patterns applied (naming conventions, environment suffix, tagging)
    "tests-missing": "B",
    "tests-broken": "B",
    "tests-integration": "B",
    "syntax": "C",          # syntax errors
    "sdk-api": "C",         # wrong property names, typos
    "lint": "C",            # linting/formatting
    "docs": "C",
    "tests-coverage": "C",
}

# Rules whose fix is not a small edit: a response without code (SYN003) or cut off mid-file (SYN001) leaves the
# ideal response to supply the implementation itself, the rubric's "complete features added" (Category A).
RULE_CATEGORY: dict[str, str] = {"SYN001": "A", "SYN003": "A"}

_LINE_REFS = re.compile(r"(\bline\s+\d+|:\d+(:\d+)?\b)", re.IGNORECASE)

# Service namespaces that do not count as a service of their own.
_NOT_A_SERVICE = {"IAM", "CloudFormation", "CDK", "Custom", "Pulumi", "Terraform", "Random", "Archive", "Null",
                  "Local", "Time", "Tls"}
_MERGE = {"Logs": "CloudWatch", "ElasticLoadBalancing": "ElasticLoadBalancingV2", "ApiGatewayV2": "ApiGateway",
          "WAFv2": "WAF", "ApplicationAutoScaling": "AutoScaling"}
# Native type words (Terraform `aws_<word>_...`, Pulumi `aws:<module>/...`) -> CloudFormation service namespace.
_NATIVE = {
    "vpc": "EC2", "subnet": "EC2", "security": "EC2", "internet": "EC2", "nat": "EC2", "route": "EC2", "eip": "EC2",
    "instance": "EC2", "launch": "EC2", "network": "EC2", "ec2": "EC2", "default": "EC2", "flow": "EC2",
    "lb": "ElasticLoadBalancingV2", "alb": "ElasticLoadBalancingV2", "elb": "ElasticLoadBalancingV2",
    "cloudwatch": "CloudWatch", "cloudfront": "CloudFront", "apigatewayv2": "ApiGateway", "api": "ApiGateway",
    "apigateway": "ApiGateway", "db": "RDS", "rds": "RDS", "autoscaling": "AutoScaling", "appautoscaling":
    "AutoScaling", "sfn": "StepFunctions", "wafv2": "WAF", "lambda": "Lambda", "iam": "IAM", "kms": "KMS",
    "s3": "S3", "sqs": "SQS", "sns": "SNS", "dynamodb": "DynamoDB", "secretsmanager": "SecretsManager",
    "ssm": "SSM", "ecs": "ECS", "ecr": "ECR", "eks": "EKS", "efs": "EFS", "route53": "Route53", "cognito": "Cognito",
    "kinesis": "Kinesis", "elasticache": "ElastiCache", "xray": "XRay", "cloudtrail": "CloudTrail",
    "config": "Config", "guardduty": "GuardDuty", "backup": "Backup", "glue": "Glue", "athena": "Athena",
    "codebuild": "CodeBuild", "codepipeline": "CodePipeline", "codecommit": "CodeCommit", "codedeploy": "CodeDeploy",
    "acm": "CertificateManager", "appsync": "AppSync", "events": "Events", "scheduler": "Scheduler",
    "msk": "MSK", "opensearch": "OpenSearchService", "elasticsearch": "Elasticsearch", "redshift": "Redshift",
    "batch": "Batch", "sagemaker": "SageMaker", "ses": "SES", "wafregional": "WAF", "networkfirewall":
    "NetworkFirewall", "transfer": "Transfer", "mq": "AmazonMQ", "neptune": "Neptune", "docdb": "DocDB",
}
# metadata.json `aws_services` words -> namespace (after lowercasing and dropping spaces, dashes, "aws", "amazon").
_META = {
    "apigateway": "ApiGateway", "api": "ApiGateway", "cloudwatch": "CloudWatch", "cloudwatchlogs": "CloudWatch",
    "logs": "CloudWatch", "vpc": "EC2", "ec2": "EC2", "alb": "ElasticLoadBalancingV2", "elb":
    "ElasticLoadBalancingV2", "elasticloadbalancing": "ElasticLoadBalancingV2", "applicationloadbalancer":
    "ElasticLoadBalancingV2", "eventbridge": "Events", "cloudwatchevents": "Events", "stepfunctions":
    "StepFunctions", "secretsmanager": "SecretsManager", "route53": "Route53", "waf": "WAF", "wafv2": "WAF",
    "ssm": "SSM", "systemsmanager": "SSM", "parameterstore": "SSM", "xray": "XRay", "autoscaling": "AutoScaling",
    "elasticache": "ElastiCache", "acm": "CertificateManager", "certificatemanager": "CertificateManager",
    "opensearch": "OpenSearchService", "rds": "RDS", "aurora": "RDS", "ses": "SES", "efs": "EFS", "kms": "KMS",
    "iam": "IAM", "sns": "SNS", "sqs": "SQS", "s3": "S3", "lambda": "Lambda", "dynamodb": "DynamoDB",
}

_SECURITY_TYPES = re.compile(r"^AWS::(KMS|SecretsManager|WAFv2|WAF|WAFRegional|CertificateManager|GuardDuty|"
                             r"NetworkFirewall)::|Encryption|SecurityConfiguration")
_HA_TYPES = re.compile(r"^AWS::(AutoScaling|ApplicationAutoScaling)::|^AWS::ElasticLoadBalancingV2::LoadBalancer$|"
                       r"^AWS::RDS::DBCluster$|^AWS::DynamoDB::GlobalTable$|^AWS::Route53::HealthCheck$|"
                       r"^AWS::ElastiCache::ReplicationGroup$")
_ADVANCED_TYPES = re.compile(r"^AWS::Lambda::EventSourceMapping$|^AWS::Events::Rule$|^AWS::SNS::Subscription$|"
                             r"^AWS::StepFunctions::StateMachine$|^AWS::Pipes::|^AWS::S3::BucketNotification$|"
                             r"^AWS::Scheduler::|^AWS::ECS::Service$|^AWS::Kinesis::Stream$")
_REGIONS = re.compile(r"\b((?:us|eu|ap|sa|ca|me|af|il|mx)-(?:north|south|east|west|central|northeast|southeast|"
                      r"northwest|southwest)-\d)\b")
_FENCE = re.compile(r"^```+\s*([A-Za-z0-9_+#.-]*)", re.MULTILINE)
_LANGS = {"python": "py", "py": "py", "typescript": "ts", "ts": "ts", "javascript": "js", "js": "js", "hcl": "hcl",
          "terraform": "hcl", "tf": "hcl", "yaml": "yaml", "yml": "yaml", "json": "json", "go": "go",
          "golang": "go", "java": "java", "csharp": "cs", "c#": "cs", "cs": "cs"}


def finding_key(f: dict[str, Any]) -> tuple:
    """The same matching as report/compare.py, on JSON findings: rule and subject, else rule, file and message."""
    if f.get("resource") or f.get("symbol") or f.get("attribute"):
        return (f.get("rule"), f.get("resource"), f.get("attribute"), f.get("symbol"))
    return (f.get("rule"), f.get("file"), _LINE_REFS.sub("", " ".join(str(f.get("message") or "").split())))


def _active(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in data.get("findings") or [] if not f.get("suppressed")]


def fixed_findings(model: dict[str, Any], ideal: dict[str, Any]) -> list[dict[str, Any]]:
    """The MODEL findings that the IDEAL response no longer has (occurrences counted, as in compare.py)."""
    left = Counter(finding_key(f) for f in _active(ideal))
    out = []
    for f in _active(model):
        k = finding_key(f)
        if left[k] > 0:
            left[k] -= 1
        else:
            out.append(f)
    return out


def _req_status(r: dict[str, Any]) -> bool | None:
    """True when a requirement is met, False when not, None when unknown (not checkable)."""
    for key in ("met", "satisfied", "ok", "passed"):
        if isinstance(r.get(key), bool):
            return r[key]
    st = " ".join(str(r.get("status") or "").lower().replace("-", " ").replace("_", " ").split())
    if st in ("met", "satisfied", "ok", "pass", "passed", "present", "covered", "yes"):
        return True
    if st in ("unmet", "not met", "missing", "failed", "fail", "absent", "violated", "no", "partial", "partly met",
              "partially met"):
        return False  # the requirements report's "partly met" counts against coverage, as it does there
    return None


def _req_id(r: dict[str, Any]) -> str:
    return str(r.get("id") or r.get("key") or r.get("text") or r.get("requirement") or r)


def requirement_fixes(model: dict[str, Any], ideal: dict[str, Any]) -> list[dict[str, Any]]:
    """Requirements the IDEAL response meets and the MODEL response does not."""
    model_req = {_req_id(r): _req_status(r) for r in model.get("requirements") or []
                 if isinstance(r, dict) and not r.get("duplicate_of")}
    out = []
    for r in ideal.get("requirements") or []:
        if isinstance(r, dict) and not r.get("duplicate_of") and _req_status(r) is True and \
                model_req.get(_req_id(r)) is False:
            out.append({"requirement": _req_id(r), "text": r.get("text") or r.get("title") or _req_id(r)})
    return out


def service_of(type_name: str) -> str | None:
    """The AWS service (CloudFormation namespace) of a graph resource type, native types included."""
    if type_name.startswith("AWS::"):
        parts = type_name.split("::")
        ns = parts[1] if len(parts) > 2 else None
    else:
        m = re.match(r"aws(?:_|:)([a-z0-9]+)", type_name)
        ns = _NATIVE.get(m.group(1)) if m else None
        if ns is None and m:
            ns = m.group(1).capitalize()
    if ns is None:
        return None
    ns = _MERGE.get(ns, ns)
    return None if ns in _NOT_A_SERVICE else ns


def services(graph: dict[str, Any]) -> list[str]:
    return sorted({s for t in (graph.get("by_type") or {}) if (s := service_of(t))})


def _meta_service(name: str) -> str | None:
    key = re.sub(r"[\s\-_()]+|^aws|^amazon", "", name.lower())
    key = re.sub(r"^(aws|amazon)", "", key)
    return _META.get(key) or next((v for k, v in _NATIVE.items() if k == key), None)


def complexity(graph: dict[str, Any]) -> dict[str, Any]:
    """Step 4 of the rubric on a resource graph summary: factors in priority order, capped at +2."""
    types = list((graph.get("by_type") or {}).keys())
    counts = graph.get("by_type") or {}
    svc = services(graph)
    subnets = sum(n for t, n in counts.items() if t in ("AWS::EC2::Subnet", "aws_subnet") or t.endswith("/subnet:Subnet"))
    factors = [
        ("multiple services (3+) with integrations", len(svc) >= 3, ", ".join(svc)),
        ("security best practices (KMS, secrets, encryption, WAF)", any(_SECURITY_TYPES.search(t) for t in types),
         ", ".join(t for t in types if _SECURITY_TYPES.search(t))[:200]),
        ("high availability (auto scaling, load balancing, clusters, multi-subnet)",
         any(_HA_TYPES.search(t) for t in types) or subnets >= 2,
         ", ".join([t for t in types if _HA_TYPES.search(t)] + ([f"{subnets} subnets"] if subnets >= 2 else []))[:200]),
        ("advanced patterns (event-driven, serverless, microservices)", any(_ADVANCED_TYPES.search(t) for t in types),
         ", ".join(t for t in types if _ADVANCED_TYPES.search(t))[:200]),
    ]
    bonus, out = 0, []
    for name, present, evidence in factors:
        applied = present and bonus < 2
        bonus += 1 if applied else 0
        out.append({"factor": name, "present": present, "applied": applied, "adjustment": 1 if applied else 0,
                    "evidence": evidence if present else ""})
    single = len(svc) == 1
    out.append({"factor": "single AWS service", "present": single, "applied": single, "adjustment": -1 if single else 0,
                "evidence": svc[0] if single else ""})
    return {"services": svc, "factors": out, "adjustment": bonus - (1 if single else 0)}


def failures_adjustment(fixes: dict[str, list[dict[str, Any]]]) -> tuple[int, str]:
    """Step 3 of the rubric: the adjustment and the rule that gave it."""
    a, b, c = len(fixes["A"]), len(fixes["B"]), len(fixes["C"])
    if a >= 2:
        return 2, f"{a} Category A fixes: +2"
    if a == 1:
        return 1, "1 Category A fix: +1"
    if b:
        return 0, f"{b} Category B fix(es), no Category A: +0"
    if c >= 6:
        return -2, f"only Category C fixes ({c}): -2"
    if c >= 4:
        return -1, f"only Category C fixes ({c}): -1"
    if c == 3:
        return -3, "Category D, 3 trivial fixes: -3"
    if c:
        return -4, f"Category D, {c} trivial fix(es): -4"
    return -4, "Category D, no fix found between MODEL and IDEAL: -4 (model already competent)"


def _language(ideal_text: str | None) -> Counter:
    return Counter(_LANGS[m.lower()] for m in _FENCE.findall(ideal_text or "") if m.lower() in _LANGS)


def blockers(model: dict[str, Any], ideal: dict[str, Any], metadata: dict[str, Any], ideal_text: str | None,
             prompt_text: str | None, graph_services: list[str]) -> list[dict[str, Any]]:
    """Step 2: the critical blockers iacqa can establish offline, each with its evidence."""
    out = []
    lang = str(metadata.get("language") or "").lower()
    want = _LANGS.get(lang, lang)
    fences = _language(ideal_text)
    code = Counter({k: v for k, v in fences.items() if k not in ("json", "yaml") or want in ("json", "yaml")})
    if want and code and want not in code:
        out.append({"blocker": "platform/language mismatch", "score": 3,
                    "evidence": f"metadata.json says {metadata.get('platform')}/{lang}; the IDEAL response's code "
                                f"blocks are {', '.join(f'{k} x{v}' for k, v in code.most_common())}"})
    listed = metadata.get("aws_services")
    listed = listed if isinstance(listed, list) else [x.strip() for x in listed.split(",")] \
        if isinstance(listed, str) else []
    wanted = [(s, _meta_service(str(s))) for s in listed if isinstance(s, str)]
    checkable = [(s, ns) for s, ns in wanted if ns and ns != "IAM"]
    if len(checkable) >= 2 and graph_services:
        missing = [s for s, ns in checkable if ns not in graph_services]
        if len(missing) * 2 >= len(checkable) and len(missing) >= 2:
            out.append({"blocker": "missing >= 50% of required services", "score": 4,
                        "evidence": f"{len(missing)} of {len(checkable)} services of metadata.json are not in the "
                                    f"IDEAL resource graph: {', '.join(missing)}"})
    asked = set(_REGIONS.findall(prompt_text or ""))
    region = ((ideal.get("graph") or {}).get("config") or {}).get("region")
    if len(asked) == 1 and isinstance(region, str) and _REGIONS.fullmatch(region) and region not in asked:
        out.append({"blocker": "wrong region", "score": 5,
                    "evidence": f"the prompt asks for {next(iter(asked))}; the IDEAL stack is set to {region}"})
    return out


def _has_graph(data: dict[str, Any]) -> bool:
    return bool((data.get("graph") or {}).get("resources")) and not data.get("error")


def _complete_graph(data: dict[str, Any]) -> bool:
    """A graph the program built to the end (a stopped program leaves a partial one: missing services there are
    not missing from the stack)."""
    stage = next((s for s in data.get("stages") or [] if s.get("name") == "graph"), {})
    return _has_graph(data) and stage.get("status", "ok") == "ok"


def metadata_score(metadata: dict[str, Any]) -> float | None:
    """metadata.json `training_quality` as a number (numbers and numeric strings; words such as 'high' are None)."""
    v = metadata.get("training_quality")
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)) and math.isfinite(v):
        return float(v)
    try:
        return float(str(v).strip())
    except (TypeError, ValueError):
        return None


def score(model: dict[str, Any], ideal: dict[str, Any], metadata: dict[str, Any] | None = None,
          ideal_text: str | None = None, prompt_text: str | None = None) -> dict[str, Any]:
    """The rubric's score for one task from its MODEL and IDEAL JSON reports, with the breakdown."""
    metadata = metadata or {}
    out: dict[str, Any] = {"rubric": "training-quality-guide v2.1", "base": BASE,
                           "metadata_training_quality": metadata_score(metadata)}
    if not (_has_graph(model) or _has_graph(ideal)):
        why = model.get("error") or ideal.get("error") or "no resource graph was built for either response"
        out.update(score=None, reason=f"not computable: {why}")
        return out
    side = next((d for d in (ideal, model) if _complete_graph(d)), None) or (ideal if _has_graph(ideal) else model)
    graph = side.get("graph") or {}
    cx = complexity(graph)
    found_blockers = blockers(model, ideal, metadata, ideal_text, prompt_text,
                              cx["services"] if _complete_graph(ideal) else [])
    fixes: dict[str, list[dict[str, Any]]] = {"A": [], "B": [], "C": []}
    per_rule: dict[str, dict[str, Any]] = {}
    for f in fixed_findings(model, ideal) if not (model.get("error") or ideal.get("error")) else []:
        cat = RULE_CATEGORY.get(str(f.get("rule"))) or FIX_CATEGORY.get(str(f.get("category")), "C")
        entry = per_rule.setdefault(str(f.get("rule")), {"rule": f.get("rule"), "category": f.get("category"),
                                                         "rubric": cat, "count": 0, "title": f.get("title"),
                                                         "example": _where(f)})
        entry["count"] += 1
    for entry in per_rule.values():
        fixes[entry["rubric"]].append(entry)
    for r in requirement_fixes(model, ideal):
        fixes["A"].append({"rule": "requirement", "category": "requirement", "rubric": "A", "count": 1,
                           "title": r["text"], "example": r["requirement"]})
    out["fixes"] = fixes
    out["complexity"] = cx
    out["blockers"] = found_blockers
    if side is not ideal or not _complete_graph(side):
        out["note"] = (f"complexity read from the {'IDEAL' if side is ideal else 'MODEL'} response's "
                       f"{'complete' if _complete_graph(side) else 'partial'} resource graph")
    if found_blockers:
        worst = min(b["score"] for b in found_blockers)
        out.update(failures_adjustment=None, failures_rule="skipped (critical blocker)", raw=worst, score=worst)
        return out
    adj, rule = failures_adjustment(fixes)
    raw = BASE + adj + cx["adjustment"]
    out.update(failures_adjustment=adj, failures_rule=rule, raw=raw,
               score=int(math.floor(min(max(raw, 0), 10) + 0.5)))
    return out


def _where(f: dict[str, Any]) -> str:
    place = f"{f.get('file')}:{f.get('line')}" if f.get("file") and f.get("line") else (f.get("file") or "<project>")
    subject = f.get("resource") or f.get("symbol") or ""
    return f"{place}" + (f" ({subject})" if subject else "")


def agreement(pairs: list[tuple[str, float, float]]) -> dict[str, Any]:
    """How iacqa's scores agree with metadata.json's: mean absolute difference, share within +-1, the biggest
    disagreements. `pairs` are (task, iacqa score, metadata score)."""
    if not pairs:
        return {"tasks": 0}
    diffs = [(t, ours, theirs, ours - theirs) for t, ours, theirs in pairs]
    mad = sum(abs(d[3]) for d in diffs) / len(diffs)
    within = sum(1 for d in diffs if abs(d[3]) <= 1) / len(diffs)
    worst = sorted(diffs, key=lambda d: -abs(d[3]))[:10]
    return {"tasks": len(diffs), "mean_absolute_difference": round(mad, 2), "within_1": round(within, 3),
            "exact": round(sum(1 for d in diffs if d[3] == 0) / len(diffs), 3),
            "mean_iacqa": round(sum(d[1] for d in diffs) / len(diffs), 2),
            "mean_metadata": round(sum(d[2] for d in diffs) / len(diffs), 2),
            "biggest_differences": [{"task": t, "iacqa": o, "metadata": m, "difference": round(d, 2)}
                                    for t, o, m, d in worst if d != 0]}


def to_markdown(q: dict[str, Any]) -> str:
    """The rubric's reporting template, filled from the breakdown."""
    if q.get("score") is None:
        return f"## Training Quality Assessment\n\n**Final Score**: not computable ({q.get('reason', '')})\n"
    lines = ["## Training Quality Assessment", "", f"**Final Score**: {q['score']}/10"
             + (f" (metadata.json: {q['metadata_training_quality']:g})" if q.get("metadata_training_quality")
                is not None else ""), "", "### Scoring Breakdown", f"- Base Score: {q['base']}"]
    if q["blockers"]:
        lines.append("- Critical Blockers: " + "; ".join(f"{b['blocker']} (set to {b['score']}): {b['evidence']}"
                                                         for b in q["blockers"]))
    else:
        lines += [f"- MODEL_FAILURES Adjustment: {q['failures_adjustment']:+d} ({q['failures_rule']})",
                  f"- Complexity Adjustment: {q['complexity']['adjustment']:+d}", "- Critical Blockers: None"]
    for cat, title in (("A", "Significant"), ("B", "Moderate"), ("C", "Minor/Minimal")):
        items = q["fixes"][cat]
        lines += ["", f"### Category {cat} Fixes ({title})"]
        lines += [f"- {i['rule']} ({i['category']}) x{i['count']}: {i['title']} - e.g. {i['example']}" for i in items] \
            or ["- none found by iacqa"]
    lines += ["", "### Complexity"]
    for f in q["complexity"]["factors"]:
        mark = f"{f['adjustment']:+d}" if f["applied"] else ("present, capped" if f["present"] else "no")
        lines.append(f"- {f['factor']}: {mark}" + (f" ({f['evidence']})" if f["evidence"] else ""))
    status = "APPROVED (>= 8)" if q["score"] >= 8 else "BLOCKED (< 8)"
    lines += ["", f"### Status: {status}", ""]
    return "\n".join(lines)
