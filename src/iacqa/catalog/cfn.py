"""cfn-lint's ids: its matches on a CloudFormation template (frontends/cloudformation/cfnlint.py, CFN001-005) grouped by
category, and its value rules run over the graph of any platform (linters/cfnlint_graph.py, LIM003).

cfn-lint knows the CloudFormation resource schemas and the template language better than any hand-written check,
so its matches are reported as they are (the cfn-lint rule id in `symbol`, its message as `error`) under one iacqa
id per category. Value ranges, enums, patterns and lengths are left to LIM001, which reads the same schemas over
the graph for every platform, and engine versions to LIM003, so nothing is reported twice.
"""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class CfnSchema(Entry):
    """A resource type, property or required property that the CloudFormation schema does not match.

    What it finds: cfn-lint E3001/E3002/E3003/E3006/E3017 and template-structure errors (E1001): unknown resource
    types, properties the type does not have, required properties left out.
    Why it breaks: the stack create fails before any resource is made.
    Bad: `Type: AWS::SQS::Queue` with `Properties: {VisibilityTimeoutSeconds: 60}`.
    Good: `VisibilityTimeout: 60`.
    What AWS says: `Encountered unsupported property VisibilityTimeoutSeconds` /
    `Property validation failure: required key [Role] not found`.
    References: https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md
    """

    id = "CFN001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "template does not match the CloudFormation resource schema"
    emitters = ("iacqa.frontends.cloudformation.cfnlint",)
    stage = "frontend"


class CfnValue(Entry):
    """A property value of the wrong type, or one the resource provider rejects in this combination.

    What it finds: cfn-lint E3012 (type) and the resource-specific E3xxx checks that are not plain ranges/enums
    (those are LIM001 over the graph).
    Why it breaks: the resource provider rejects the value during create.
    Bad: `MemorySize: "a lot"`.
    Good: `MemorySize: 512`.
    What AWS says: `Value of property MemorySize must be of type Integer`.
    References: https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md
    """

    id = "CFN002"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "property value CloudFormation rejects"
    emitters = ("iacqa.frontends.cloudformation.cfnlint",)
    stage = "frontend"


class CfnReference(Entry):
    """A `Ref`, `Fn::GetAtt`, `Fn::Sub`, mapping lookup or `DependsOn` that CloudFormation cannot resolve.

    What it finds: references to parameters or resources the template does not declare, attributes a type does
    not return, mapping entries that do not exist, unknown intrinsic functions (from resolution and cfn-lint
    E1010/E1012/E1019/E1020/E3005/E1011, circular dependencies E3004, and the condition checks).
    Why it breaks: the template fails validation; nothing is created.
    Bad: `!GetAtt OrdersQueue.QueueArn` (the attribute is `Arn`).
    Good: `!GetAtt OrdersQueue.Arn`
    What AWS says: `Template format error: Unresolved resource dependencies [X] in the Resources block of the
    template`; `Template error: resource OrdersQueue does not support attribute type QueueArn in Fn::GetAtt`.
    References: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
    """

    id = "CFN003"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "template reference or function CloudFormation cannot resolve"
    emitters = ("iacqa.frontends.cloudformation.graph", "iacqa.frontends.cloudformation.cfnlint")
    stage = "frontend"


class CfnSection(Entry):
    """A Parameters, Mappings, Conditions or Outputs section that CloudFormation rejects.

    What it finds: cfn-lint E2xxx (parameters), E6xxx (outputs), E7xxx (mappings), E8xxx (conditions) errors:
    defaults outside their allowed values, outputs without a value, duplicate export names.
    Why it breaks: template validation fails before the stack is created.
    Bad: `Default: prod` with `AllowedValues: [dev, stage]`.
    Good: a default inside the allowed values.
    What AWS says: `Parameter 'Env' must be one of AllowedValues`.
    References: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
    """

    id = "CFN004"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "template section CloudFormation rejects"
    emitters = ("iacqa.frontends.cloudformation.cfnlint",)
    stage = "frontend"


class CfnWarning(Entry):
    """A cfn-lint warning: valid template, but a practice that causes trouble (unused parameters, hard-coded
    partitions or regions, deprecated runtimes are LIM002).

    What it finds: cfn-lint W* matches.
    Why it breaks: it does not stop the deploy; it makes the stack harder to reuse or maintain.
    Bad: a parameter no resource uses (W2001).
    Good: remove it, or use it.
    What AWS says: nothing; the deploy succeeds.
    References: https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md
    """

    id = "CFN005"
    category = Category.HYGIENE
    severity = Severity.LOW
    title = "cfn-lint warning"
    emitters = ("iacqa.frontends.cloudformation.cfnlint",)
    stage = "frontend"

class CfnLintValue(Entry):
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
    emitters = ("iacqa.linters.cfnlint_graph",)
    stage = "check"


class TooManyResources(Entry):
    """A CloudFormation template with more resources than a stack may have.

    What it finds: a template whose `Resources` section declares more than 500 resources (the CloudFormation
    quota per stack), reported as soon as the template is read, before any other check.
    Why it breaks: CloudFormation rejects the whole template before creating anything.
    Bad: one template with 600 queues and topics.
    Good: split the stack (nested stacks, or one stack per service) so each template has at most 500 resources.
    What AWS says: `Template format error: Number of resources, 600, is greater than maximum allowed, 500`.
    References: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
    """

    id = "CFN006"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "template over the 500-resource limit"
    emitters = ("iacqa.frontends.cloudformation.frontend",)
    stage = "frontend"
