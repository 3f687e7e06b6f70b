"""Findings from cfn-lint's value rules run over the graph (linters/cfnlint_graph.py)."""

from __future__ import annotations

from iacqa.model import Category, Severity
from iacqa.rules.base import Rule


class CfnLintValue(Rule):
    """A value that AWS rejects in combination with other settings (cfn-lint's knowledge, run over the graph).

    What it finds: RDS/Aurora engine versions that can no longer be created, master user names the engine reserves
    (`admin` for Aurora PostgreSQL), instance classes not offered for an engine, and similar facts cfn-lint keeps as
    data. The graph of any platform is rendered as a CloudFormation template for this check.
    Why it breaks: the create call fails (`InvalidParameterCombination`, `InvalidParameterValue`).
    Bad: `aws.rds.Cluster(engine="aurora-postgresql", engine_version="15.2", master_username="admin")`
    Good: `engine_version="15.10"`, `master_username="dbadmin"`
    What AWS says: `InvalidParameterCombination: Cannot find version 15.2 for aurora-postgresql`;
    `MasterUsername admin cannot be used as it is a reserved word used by the engine`.
    References: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Updates.html
    """

    id = "LIM003"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "value AWS rejects in this combination"
    stage = "check"
