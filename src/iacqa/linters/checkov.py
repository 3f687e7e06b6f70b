"""checkov over the resource graph, rendered as a CloudFormation template.

checkov cannot read Pulumi programs (Pulumi support is an open request upstream), but the graph already speaks
CloudFormation: mapped resources are rendered as `Resources: {logicalId: {Type, Properties}}`, with Pulumi's split
S3 resources (public access block, encryption, versioning, logging) folded back into their bucket so checkov sees
the bucket as deployed. checkov runs as a subprocess (it pins its own dependencies; install `iacqa[security]` or
point IACQA_CHECKOV at the binary) and its failed checks map back to the resource's file:line.

Finding ids: `SEC-<checkov id>` (`SEC-CKV_AWS_28`), category security, severity from SEVERITY (default medium);
the family is documented by rules/security/checkov_rules.py (`iacqa rule SEC-CKV`). Cost: about 3 s per task,
which is why the pipeline runs it as its own `security` stage and records the time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from iacqa.catalog.checkov import CheckovCheck
from iacqa.model import Finding, Resource, ResourceGraph, Severity

TIMEOUT = 120.0

# Checks iacqa's own rules report with better locations (IAM*, SEC001-SEC003), or that AWS defaults make moot:
# S3 encrypts new objects (SSE-S3) and blocks public access on new buckets by default; new SQS queues get SSE-SQS.
DROPPED = {
    "CKV_AWS_1", "CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111", "CKV_AWS_355",
    "CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288",
    "CKV_AWS_289", "CKV_AWS_290",  # IAM001/IAM002
    "CKV_AWS_26",  # SNS encryption: SEC001
    "CKV_AWS_27",  # SQS encryption: SSE-SQS is the default
    "CKV_AWS_66",  # log retention: SEC002
    "CKV_AWS_19", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56",  # S3 default encryption / BPA
    "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277", "CKV_AWS_59", "CKV_AWS_258", "CKV_AWS_274",  # SEC006/SEC007/IAM004
    "CKV_AWS_260",  # port 80 open to the world: what a public web front door does; SEC006 judges open ingress
}
# Severity per check; anything not listed is medium. High: exposure or loss of data; low: hardening that test
# stacks routinely skip (VPC placement, reserved concurrency, customer-managed keys, access logs).
SEVERITY = {
    "CKV_AWS_17": Severity.HIGH,  # RDS publicly accessible
    "CKV_AWS_16": Severity.HIGH,  # RDS storage not encrypted
    "CKV_AWS_45": Severity.HIGH,  # secrets in Lambda environment
    "CKV_AWS_20": Severity.HIGH,  # S3 public read ACL
    "CKV_AWS_57": Severity.HIGH,  # S3 public write ACL
    "CKV_AWS_115": Severity.LOW,  # Lambda reserved concurrency
    "CKV_AWS_116": Severity.LOW,  # Lambda DLQ
    "CKV_AWS_117": Severity.LOW,  # Lambda in a VPC
    "CKV_AWS_173": Severity.LOW,  # Lambda env vars with a customer key
    "CKV_AWS_119": Severity.LOW,  # DynamoDB customer key
    "CKV_AWS_158": Severity.LOW,  # log group customer key
    "CKV_AWS_18": Severity.LOW,  # S3 access logging
    "CKV_AWS_21": Severity.LOW,  # S3 versioning
    "CKV_AWS_7": Severity.LOW,  # KMS rotation
    "CKV_AWS_120": Severity.LOW,  # API Gateway caching
    "CKV_AWS_73": Severity.LOW,  # API Gateway X-Ray
    "CKV_AWS_76": Severity.LOW,  # API Gateway access logging
}
# Pulumi's split S3 resources: pseudo type -> the bucket property CloudFormation holds them in
_FOLD = {
    "AWS::S3::BucketPublicAccessBlock": "PublicAccessBlockConfiguration",
    "AWS::S3::BucketServerSideEncryptionConfiguration": "BucketEncryption",
    "AWS::S3::BucketVersioning": "VersioningConfiguration",
    "AWS::S3::BucketLogging": "LoggingConfiguration",
}


def checkov_binary() -> str | None:
    """IACQA_CHECKOV, else `checkov` on PATH, else next to this interpreter."""
    env = os.environ.get("IACQA_CHECKOV")
    if env and Path(env).is_file():
        return env
    found = shutil.which("checkov")
    if found:
        return found
    cand = Path(sys.executable).parent / "checkov"
    return str(cand) if cand.is_file() else None


def _logical(rid: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", rid)[:200] or "Resource"


def _pseudo(r: Resource) -> bool:
    try:
        from iacqa.knowledge.typemap import table
    except ImportError:  # pragma: no cover - knowledge data not installed
        return r.type in _FOLD
    spec = table().get(r.native_type) or {}
    return bool(spec.get("pseudo")) or r.type in _FOLD


def _fold_value(cfn_prop: str, n: dict[str, Any]) -> Any:
    if cfn_prop == "PublicAccessBlockConfiguration":
        return {k: bool(n.get(s)) for s, k in (("block_public_acls", "BlockPublicAcls"),
                                               ("block_public_policy", "BlockPublicPolicy"),
                                               ("ignore_public_acls", "IgnorePublicAcls"),
                                               ("restrict_public_buckets", "RestrictPublicBuckets"))}
    if cfn_prop == "BucketEncryption":
        rules = n.get("rules") or n.get("rule") or []
        rules = rules if isinstance(rules, list) else [rules]
        out = []
        for rule in rules:
            d = (rule or {}).get("apply_server_side_encryption_by_default") or {}
            d = d[0] if isinstance(d, list) and d else d
            item = {"SSEAlgorithm": d.get("sse_algorithm", "AES256")}
            if d.get("kms_master_key_id"):
                item["KMSMasterKeyID"] = d["kms_master_key_id"]
            out.append({"ServerSideEncryptionByDefault": item})
        return {"ServerSideEncryptionConfiguration": out or [{"ServerSideEncryptionByDefault":
                                                               {"SSEAlgorithm": "AES256"}}]}
    if cfn_prop == "VersioningConfiguration":
        cfg = n.get("versioning_configuration") or {}
        status = str(cfg.get("status", "Enabled")) if isinstance(cfg, dict) else "Enabled"
        return {"Status": "Enabled" if status.lower() == "enabled" else "Suspended"}
    if cfn_prop == "LoggingConfiguration":
        return {"DestinationBucketName": n.get("target_bucket"), "LogFilePrefix": n.get("target_prefix", "")}
    return None


def render(graph: ResourceGraph) -> tuple[dict[str, Any], dict[str, Resource]]:
    """The graph as a CloudFormation template (mapped, non-pseudo resources), and logical id -> resource."""
    resources: dict[str, Any] = {}
    index: dict[str, Resource] = {}
    by_id: dict[str, str] = {}
    for r in graph:
        if not r.mapped or _pseudo(r) or not r.type.startswith("AWS::"):
            continue
        lid = _logical(r.id)
        while lid in resources:
            lid += "X"
        resources[lid] = {"Type": r.type, "Properties": json.loads(json.dumps(r.properties, default=str))}
        index[lid] = r
        by_id[r.id] = lid
    buckets = {str(v): by_id[b.id] for b in graph.of_type("AWS::S3::Bucket") if b.id in by_id
               for v in (b.outputs.get("Name"), b.outputs.get("Id"), b.outputs.get("Arn"), b.get("BucketName")) if v}
    for r in graph:
        prop = _FOLD.get(r.type)
        lid = buckets.get(str(r.native_properties.get("bucket")))
        if prop and lid:
            value = _fold_value(prop, r.native_properties)
            if value is not None:
                resources[lid]["Properties"][prop] = value
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, index


def _run(binary: str, template: dict[str, Any]) -> dict[str, Any] | list[Any]:
    with tempfile.TemporaryDirectory(prefix="iacqa-checkov-") as tmp:
        path = Path(tmp) / "template.json"
        path.write_text(json.dumps(template, indent=1))
        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "BC_SKIP_MAPPING": "TRUE",
               "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "LOG_LEVEL": "ERROR"}
        proc = subprocess.run(
            [binary, "-f", str(path), "--framework", "cloudformation", "-o", "json", "--quiet", "--compact",
             "--skip-download"], cwd=tmp, capture_output=True, text=True, timeout=TIMEOUT, env=env)
        out = proc.stdout.strip()
        if not out:
            raise RuntimeError(f"checkov exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
        return json.loads(out)


def _failed(report: dict[str, Any] | list[Any]) -> list[dict[str, Any]]:
    reports = report if isinstance(report, list) else [report]
    out = []
    for rep in reports:
        if isinstance(rep, dict):
            out.extend((rep.get("results") or {}).get("failed_checks") or [])
    return out


def scan(graph: ResourceGraph, ctx: Any = None) -> tuple[str, str, list[Finding]]:
    """(status, detail, findings): status ok | unavailable | skipped | error. `ctx` is not read (the pipeline's
    rule context was passed once; linters sit below the rules and cannot name its type)."""
    binary = checkov_binary()
    if binary is None:
        return "unavailable", "checkov not installed: pip install 'iacqa[security]' (or set IACQA_CHECKOV)", []
    template, index = render(graph)
    if not template["Resources"]:
        return "skipped", "no CloudFormation resource to scan", []
    t0 = time.monotonic()
    try:
        report = _run(binary, template)
    except subprocess.TimeoutExpired:
        return "error", f"error: checkov did not finish in {TIMEOUT:.0f} s", []
    except (OSError, ValueError, RuntimeError) as exc:
        return "error", f"error: {exc}", []
    seconds = time.monotonic() - t0
    findings = []
    failed = _failed(report)
    for check in failed:
        cid = str(check.get("check_id", ""))
        if not cid or cid in DROPPED:
            continue
        lid = str(check.get("resource", "")).rsplit(".", 1)[-1]
        res = index.get(lid)
        if res is None:
            continue
        name = check.get("check_name") or cid
        f = CheckovCheck.finding(f"{res.id}: {name} (checkov {cid})", resource=res,
                                 severity=SEVERITY.get(cid, Severity.MEDIUM), symbol=cid,
                                 fix=check.get("guideline") or None, title=name[:79])
        if graph.on_unknown_inputs(f):  # a resource the program ended before resolving: its settings are unknown
            continue
        findings.append(f.with_(rule=f"SEC-{cid}", docs=check.get("guideline") or CheckovCheck.docs_url))
    detail = (f"checkov over {len(index)} resources in {seconds:.1f} s: {len(findings)} findings "
              f"({len(failed) - len(findings)} covered by iacqa rules or AWS defaults)")
    return "ok", detail, findings
