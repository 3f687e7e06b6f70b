"""LIM007: RDS settings each valid alone that the API rejects together: gp3 IOPS/throughput on small volumes, log
exports the engine does not have.

cfn-lint (2 of its RDS extension schemas look at engines: versions and instance classes) checks neither: a template
with `StorageType: gp3, Iops: 3000, AllocatedStorage: 20` or `Engine: postgres` exporting `slowquery` passes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.knowledge.constraints import CURATED, ITEMS
from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

# gp3 on RDS: below this allocated storage (GiB) the volume has its baseline (3,000 IOPS, 125 MiBps) and neither
# can be set (RDS User Guide, "gp3 storage"). Only the engines whose threshold is certain; SQL Server and Db2 are
# left out on purpose.
GP3_THRESHOLD = {"mysql": 400, "mariadb": 400, "postgres": 400, "oracle": 200}
# Log types each engine exports (RDS User Guide, "Publishing database logs to CloudWatch Logs", per engine).
# iam-db-auth-error (MySQL/PostgreSQL families) and instance (Aurora) are newer types accepted where listed.
LOG_TYPES = {
    "mysql": {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
    "mariadb": {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
    "postgres": {"postgresql", "upgrade", "iam-db-auth-error"},
    "aurora-mysql": {"audit", "error", "general", "slowquery", "iam-db-auth-error", "instance"},
    "aurora-postgresql": {"postgresql", "iam-db-auth-error", "instance"},
    "oracle": {"alert", "audit", "listener", "trace", "oemagent"},
    "sqlserver": {"agent", "error"},
}
_SYNTHETIC = ("<unresolved", "mock-", "${", "Calling __str__")


def engine_family(engine: Any) -> str | None:
    """`postgres`, `aurora-mysql`, `oracle`, ... for an Engine value; None when unknown or custom (RDS Custom)."""
    if not isinstance(engine, str) or any(s in engine for s in _SYNTHETIC):
        return None
    e = engine.strip().lower()
    if e.startswith("custom-"):
        return None
    if e == "aurora":
        return "aurora-mysql"  # the MySQL 5.6-compatible Aurora engine's old name
    if e.startswith("oracle"):
        return "oracle"
    if e.startswith("sqlserver"):
        return "sqlserver"
    return e if e in LOG_TYPES else None


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and v.strip().isdigit():
        return float(v.strip())
    return None


class RdsSettingCombination(Rule):
    """RDS settings the API rejects in combination: gp3 IOPS/throughput below the size threshold, log types the
    engine does not export.

    What it finds: (1) an `aws_db_instance` / `AWS::RDS::DBInstance` with `storage_type = "gp3"` that sets `iops` or
    `storage_throughput` while `allocated_storage` is under 400 GiB (MySQL, MariaDB, PostgreSQL) or 200 GiB
    (Oracle); (2) `enabled_cloudwatch_logs_exports` values that are real RDS log types but not ones the engine
    exports (`slowquery` on PostgreSQL, `postgresql` on MySQL, `upgrade` on Aurora PostgreSQL). Names that are not
    RDS log types at all are LIM001's.
    Why it breaks: CreateDBInstance / CreateDBCluster refuse the combination: the deploy stops at the database.
    Below the threshold, gp3 gives a fixed baseline (3,000 IOPS, 125 MiBps) that cannot be changed.
    Bad: `engine = "postgres"  allocated_storage = 20  storage_type = "gp3"  iops = 3000`;
    `engine = "postgres"  enabled_cloudwatch_logs_exports = ["postgresql", "slowquery"]`.
    Good: leave `iops`/`storage_throughput` unset under 400 GiB (the baseline applies), or allocate 400 GiB;
    `enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]`.
    What AWS says: `InvalidParameterCombination: You can't specify IOPS or storage throughput for engine postgres
    and a storage size less than 400.`; `InvalidParameterCombination: You cannot use the log types 'slowquery'
    with engine version postgres 15.4. For supported log types, see the documentation.` Authority: the RDS API's
    answers (quoted) and the RDS User Guide tables below; cfn-lint has no check for either (its RDS extension
    schemas cover engine versions and instance classes).
    References: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage,
    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
    """

    id = "LIM007"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "RDS settings the API rejects in combination"
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in self.resources(ctx):
            family = engine_family(r.get("Engine"))
            if family is None:
                continue
            if r.type == "AWS::RDS::DBInstance":
                yield from self._gp3(r, family)
                if family.startswith("aurora"):
                    continue  # Aurora instances export nothing themselves: the cluster does
            yield from self._log_exports(r, family)

    def _gp3(self, r: Resource, family: str) -> Iterator[Finding]:
        threshold = GP3_THRESHOLD.get(family)
        storage_type = r.get("StorageType")
        size = _number(r.get("AllocatedStorage"))
        if threshold is None or not isinstance(storage_type, str) or storage_type.lower() != "gp3" or size is None:
            return
        if size >= threshold:
            return
        engine = r.get("Engine")
        for prop, what in (("Iops", "IOPS"), ("StorageThroughput", "storage throughput")):
            value = _number(r.get(prop))
            if value is None:
                continue
            yield self.finding(
                f"{r.id}: {what} {int(value)} set on a gp3 volume of {int(size)} GiB; {engine} gp3 volumes under "
                f"{threshold} GiB have a fixed baseline (3,000 IOPS, 125 MiBps) and RDS refuses the setting",
                resource=r, attribute=prop,
                error=f"InvalidParameterCombination: You can't specify IOPS or storage throughput for engine "
                f"{engine} and a storage size less than {threshold}.",
                fix=f"remove {r.native_name(prop)} (the baseline applies), or allocate at least {threshold} GiB",
                evidence="RDS User Guide, gp3 storage: provisioned IOPS/throughput only from "
                f"{threshold} GiB for {family}", check="gp3")

    def _log_exports(self, r: Resource, family: str) -> Iterator[Finding]:
        exports = r.get("EnableCloudwatchLogsExports")
        if not isinstance(exports, list):
            return
        known = set(CURATED.get((r.type, f"EnableCloudwatchLogsExports.{ITEMS}"), {}).get("enum", ()))
        allowed = LOG_TYPES[family]
        wrong = [v for v in exports if isinstance(v, str) and v in known and v not in allowed]
        if not wrong:
            return
        engine = r.get("Engine")
        version = r.get("EngineVersion")
        shown = f"{engine} {version}" if isinstance(version, str) and not any(s in version for s in _SYNTHETIC) \
            else str(engine)
        keep = [v for v in exports if v not in wrong]
        yield self.finding(
            f"{r.id}: log type(s) {', '.join(repr(v) for v in wrong)} are not exported by {engine}; it exports "
            f"{', '.join(sorted(allowed))}", resource=r, attribute="EnableCloudwatchLogsExports",
            error=f"InvalidParameterCombination: You cannot use the log types '{', '.join(wrong)}' with engine "
            f"version {shown}. For supported log types, see the documentation.",
            fix=f"{r.native_name('EnableCloudwatchLogsExports')} = {keep or sorted(allowed)[:2]}",
            evidence=f"RDS User Guide: {family} publishes {', '.join(sorted(allowed))}", log_types=wrong,
            check="log_exports")
