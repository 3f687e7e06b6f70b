"""The authority behind a finding: which SDK, schema, model, quota page or run says so, with versions and dates.

Every critical names its authority in the JSON (`evidence`). A finding that already carries `extra["evidence"]`
(set by the code that knows best) keeps it; the others get the authority of their id's family here, with the
versions of the packages actually installed, so a reader can tell "pulumi_aws 7.51.1 has no such keyword" from
"iacqa thinks so". Date-dependent findings (runtime lifecycle, engine versions) say "as of <date>".
"""

from __future__ import annotations

import importlib.metadata as md
import re
from datetime import date
from functools import cache, lru_cache

from iacqa.model import Finding

# Platform -> the SDK package whose installed signatures the static checks read.
_SDK = {"pulumi": "pulumi_aws", "cdk": "aws-cdk-lib", "cdktf": "cdktf-cdktf-provider-aws"}
_ENGINE = {
    "pulumi": "the program run under Pulumi's mock runtime (pulumi {pulumi}, pulumi_aws {pulumi_aws})",
    "cdk": "`app.synth()` under aws-cdk-lib {aws-cdk-lib} (jsii/node)",
    "cdktf": "cdktf synth (cdktf {cdktf}, cdktf-cdktf-provider-aws {cdktf-cdktf-provider-aws})",
    "tf": "iacqa's offline Terraform evaluation",
    "cfn": "cfn-lint {cfn-lint}'s template decoder and intrinsic resolution",
}
QUOTA_PAGE = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
# Finding ids whose truth depends on the date (runtime lifecycle, engine support windows).
DATED = ("LIM002", "LIM003")


@cache
def version(package: str) -> str:
    try:
        return md.version(package)
    except md.PackageNotFoundError:
        return "not installed"


def _versions() -> dict[str, str]:
    return {p: version(p) for p in ("pulumi", "pulumi_aws", "aws-cdk-lib", "cdktf", "cdktf-cdktf-provider-aws",
                                    "cfn-lint", "botocore", "moto")}


@lru_cache(maxsize=1)
def _tf_provider() -> str:
    try:
        from iacqa.knowledge.tf_schema import load

        versions = load().provider_versions()
    except Exception:  # noqa: BLE001 - evidence text must never break a report
        versions = {}
    return ", ".join(f"hashicorp/aws {v}" for _, v in sorted(versions.items())) or "hashicorp/aws (index)"


def cfn_schema() -> str:
    return f"the CloudFormation resource schemas shipped with cfn-lint {version('cfn-lint')}"


def authority(f: Finding, platform: str, today: str | None = None) -> str | None:
    """The authority of one finding, or None for ids with no external authority (lint, hygiene, docs)."""
    if f.extra.get("evidence"):
        return str(f.extra["evidence"])
    v = _versions()
    rule = f.rule
    sdk = _SDK.get(platform)
    as_of = f"as of {today or date.today().isoformat()}"
    if rule.startswith("CDK0") and rule != "CDK002":
        sdk = "aws-cdk-lib"
    elif rule.startswith("CTF"):
        sdk = "cdktf-cdktf-provider-aws"
    if rule in ("SDK001", "SDK002", "SDK006", "CDK001", "CTF001", "CTF002", "CTF003"):
        return (f"the installed {sdk} {version(sdk)} (its modules and signatures)" if sdk else
                "the installed IaC SDK (its modules and signatures)")
    if rule.startswith("TS"):
        return "the TypeScript compiler over the installed SDK's typings (iacqa's node toolchain)"
    if rule in ("SYN005", "SYN006", "SYN007"):
        return "the response's file labels as a project on disk (paths, symlinks, file vs directory)"
    if rule == "SDK009":  # the property holds the text the SDK itself returns for a formatted Output
        return f"the Pulumi SDK (pulumi {v['pulumi']} output.py / @pulumi/pulumi output.js): Output to string"
    if rule in ("SDK003", "SDK004", "CDK002", "SBX001", "SBX002", "SBX003"):
        return _ENGINE.get(platform, "the program run").format(**v)
    if rule.startswith("TFS"):
        return f"the AWS provider schema ({_tf_provider()}) and Terraform's configuration rules"
    if rule == "LIM002":
        return f"the Lambda runtime lifecycle table of cfn-lint {v['cfn-lint']} (LmbdRuntimeLifecycle.json), {as_of}"
    if rule == "LIM003" and re.search(r"[Ee]ngine version|deprecated|end of (standard )?support", f.message):
        return f"the engine version data of cfn-lint {v['cfn-lint']} (RDS/ElastiCache/OpenSearch versions), {as_of}"
    if rule == "LIM013":
        return f"the dependentExcluded/dependentRequired keywords of {cfn_schema()}"
    if rule in ("LIM014", "LIM015"):
        return f"the API documentation in botocore {v['botocore']}'s service models (service-2.json), quoted in the " \
               "finding"
    if rule.startswith(("LIM", "CFN")):
        if platform == "tf":
            return f"{cfn_schema()}, where the AWS provider {_tf_provider()} passes the value to the same API"
        return cfn_schema()
    if rule.startswith("QTA"):
        return f"AWS Lambda quotas ({QUOTA_PAGE}): unreserved concurrency may not drop below 100"
    if rule.startswith("PRM"):
        return f"IAM policy evaluation of the graph's policies against the actions of botocore {v['botocore']}'s models"
    if rule.startswith("RTE") or rule.startswith("WIR00") and f.stage == "emulate":
        return f"emulator run: the handler executed against moto {v['moto']} (botocore {v['botocore']})"
    # a security rule that is critical checks an API rule (S3 replication needs versioning), not a preference
    if rule.startswith("WIR") or (rule.startswith("SEC") and f.severity.value == "critical"):
        return f"the resource graph ({_ENGINE.get(platform, 'the IaC tool').format(**v)}) and the AWS API rules " \
               "the rule documents (`iacqa rule " + rule + "`)"
    if rule.startswith("PKG"):
        return "the project's files as the IaC tool reads them at deploy (path resolved from the deploying directory)"
    if rule.startswith("SYN"):
        return {"tf": "the HCL parser (python-hcl2, normalized as Terraform's scanner reads)",
                "cfn": f"cfn-lint {v['cfn-lint']}'s template decoder"}.get(platform, "Python's compile()")
    return None


__all__ = ["DATED", "QUOTA_PAGE", "authority", "cfn_schema", "version"]
