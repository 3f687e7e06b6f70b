"""Ids emitted by the Terraform provider schema check (frontends/terraform/schema_check.py).

The check stands in for `terraform validate`, which needs the provider binary: it reads the hashicorp/aws schema
index (knowledge/tf_schema.py) and reports what terraform would report, with terraform's own error texts.
"""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class UnknownResourceType(Entry):
    """A resource or data source type that the AWS provider does not have.

    What it finds: `resource "aws_x" ...` and `data "aws_x" ...` blocks whose type is not in the hashicorp/aws
    provider schema (5.x and 6.x, as indexed), with the closest real type as a suggestion.
    Why it breaks: `terraform validate` and `terraform plan` stop before anything is created.
    Bad: `resource "aws_lambda" "f" { ... }`; `data "aws_account_id" "current" {}`.
    Good: `resource "aws_lambda_function" "f" { ... }`; `data "aws_caller_identity" "current" {}`.
    What AWS says: nothing; terraform says `Error: Invalid resource type: The provider hashicorp/aws does not
    support resource type "aws_lambda".`
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs
    """

    id = "TFS001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "unknown resource or data source type"
    emitters = ("iacqa.frontends.terraform.schema_check",)
    stage = "frontend"


class UnsupportedArgument(Entry):
    """An argument that the resource type (or nested block) does not have, or a block written as an argument.

    What it finds: `name = value` inside a resource, data source or nested block where the provider schema has no
    such argument; and `x = { ... }` where `x` is a nested block (terraform wants `x { ... }`).
    Why it breaks: `terraform validate` and `terraform plan` fail on the first unsupported argument.
    Bad: `resource "aws_sqs_queue" "q" { visibility_timeout = 30 }`; `tracing_config = { mode = "Active" }`.
    Good: `visibility_timeout_seconds = 30`; `tracing_config { mode = "Active" }`.
    What AWS says: nothing; terraform says `Error: Unsupported argument: An argument named "visibility_timeout"
    is not expected here.` or `... Did you mean to define a block of type "tracing_config"?`
    References: https://developer.hashicorp.com/terraform/language/syntax/configuration
    """

    id = "TFS002"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "unsupported argument"
    emitters = ("iacqa.frontends.terraform.schema_check",)
    stage = "frontend"


class UnsupportedBlock(Entry):
    """A nested block that the resource type (or enclosing block) does not have, or an argument written as a block.

    What it finds: `x { ... }` (or `dynamic "x"`) where the provider schema has no block `x`; when `x` is an
    argument (a map such as `tags`, `variables`), terraform wants `x = { ... }`.
    Why it breaks: `terraform validate` and `terraform plan` fail.
    Bad: `tags { Name = "q" }`; `resource "aws_lambda_function" "f" { tracing { mode = "Active" } }`.
    Good: `tags = { Name = "q" }`; `tracing_config { mode = "Active" }`.
    What AWS says: nothing; terraform says `Error: Unsupported block type: Blocks of type "tags" are not expected
    here. Did you mean to define argument "tags"? If so, use the equals sign to assign it a value.`
    References: https://developer.hashicorp.com/terraform/language/syntax/configuration#blocks
    """

    id = "TFS003"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "unsupported block type"
    emitters = ("iacqa.frontends.terraform.schema_check",)
    stage = "frontend"


class MissingRequiredArgument(Entry):
    """A required argument or nested block that the configuration does not set.

    What it finds: arguments the provider schema marks required (for the pinned provider major) and nested blocks
    with a minimum count, absent from a resource, data source or nested block.
    Why it breaks: `terraform validate` and `terraform plan` fail before anything is created.
    Bad: `resource "aws_lambda_function" "f" { function_name = "f" runtime = "python3.12" }` (no `role`).
    Good: `role = aws_iam_role.f.arn` added.
    What AWS says: nothing; terraform says `Error: Missing required argument: The argument "role" is required,
    but no definition was found.`
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs
    """

    id = "TFS004"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "missing required argument"
    emitters = ("iacqa.frontends.terraform.schema_check",)
    stage = "frontend"


class TooManyBlocks(Entry):
    """More nested blocks of one type than the provider schema allows.

    What it finds: two `x { }` blocks where the schema allows one (max_items = 1), and so on.
    Why it breaks: `terraform validate` and `terraform plan` fail.
    Bad: two `tracing_config { }` blocks in one `aws_lambda_function`.
    Good: one `tracing_config { }` block.
    What AWS says: nothing; terraform says `Error: Too many tracing_config blocks: No more than 1 "tracing_config"
    blocks are allowed`.
    References: https://developer.hashicorp.com/terraform/language/syntax/configuration#blocks
    """

    id = "TFS005"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "too many nested blocks"
    emitters = ("iacqa.frontends.terraform.schema_check",)
    stage = "frontend"


class UnsupportedAttribute(Entry):
    """A reference to an attribute that the resource or data source type does not export.

    What it finds: `aws_sqs_queue.q.queue_arn`-style references (in any argument, local, output) whose last part
    is neither an argument, a nested block nor an exported attribute of that type in the provider schema.
    Why it breaks: `terraform validate` and `terraform plan` fail.
    Bad: `queue_arn = aws_sqs_queue.q.queue_arn`.
    Good: `queue_arn = aws_sqs_queue.q.arn`.
    What AWS says: nothing; terraform says `Error: Unsupported attribute: This object has no argument, nested
    block, or exported attribute named "queue_arn".`
    References: https://developer.hashicorp.com/terraform/language/expressions/references
    """

    id = "TFS006"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "reference to an attribute the type does not have"
    emitters = ("iacqa.frontends.terraform.schema_check",)
    stage = "frontend"


class UndeclaredResource(Entry):
    """A reference to a resource or data source that the module does not declare.

    What it finds: `aws_x.name...` and `data.aws_x.name...` references with no matching `resource`/`data` block in
    the same module (typos in the name, blocks left out of the answer).
    Why it breaks: `terraform validate` and `terraform plan` fail.
    Bad: `queue_url = aws_sqs_queue.order.url` with only `resource "aws_sqs_queue" "orders"` declared.
    Good: `queue_url = aws_sqs_queue.orders.url`.
    What AWS says: nothing; terraform says `Error: Reference to undeclared resource: A managed resource
    "aws_sqs_queue" "order" has not been declared in the root module.`
    References: https://developer.hashicorp.com/terraform/language/expressions/references
    """

    id = "TFS007"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "reference to an undeclared resource"
    emitters = ("iacqa.frontends.terraform.schema_check",)
    stage = "frontend"


class ProviderVersionMismatch(Entry):
    """A resource type, argument, block or attribute that exists only in another major of the AWS provider.

    What it finds: names that the provider major the configuration pins does not have but another major does (5.x
    `aws_eip.vpc` under `version = "~> 6.0"`; 6.x `region` on a resource under `~> 5.0`). With no version
    constraint terraform installs the newest provider, so a name only the older major has is reported at lower
    severity.
    Why it breaks: the pinned provider rejects the name: `terraform validate` and `plan` fail.
    Bad: `required_providers { aws = { version = "~> 6.0" } }` with `resource "aws_eip" "e" { vpc = true }`.
    Good: `domain = "vpc"` (the 6.x argument), or pin `~> 5.0` for code written against 5.x.
    What AWS says: nothing; terraform says `Error: Unsupported argument: An argument named "vpc" is not expected
    here.` with the pinned provider.
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade
    """

    id = "TFS008"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "name exists only in another AWS provider major version"
    emitters = ("iacqa.frontends.terraform.schema_check",)
    stage = "frontend"


class InvalidConfigurationStructure(Entry):
    """A module whose blocks terraform cannot load: a resource declared twice, or a block with the wrong labels.

    What it finds: two `resource`/`data`/`module`/`variable`/`output` blocks with the same address in one module
    directory (often a draft and a final answer saved as two files), and `resource`/`data` blocks without both a
    type and a name label.
    Why it breaks: `terraform init`/`validate` stop while loading the configuration; nothing is planned.
    Bad: `resource "aws_s3_bucket_encryption" { ... }` (one label); the same `resource "aws_sqs_queue" "q"` in
    main.tf and main_2.tf.
    Good: `resource "aws_s3_bucket_server_side_encryption_configuration" "data" { ... }`, each address once.
    What AWS says: nothing; terraform says `Error: Duplicate resource "aws_sqs_queue" configuration` or
    `Error: Missing name for resource: All resource blocks must have 2 labels (type, name).`
    References: https://developer.hashicorp.com/terraform/language/resources/syntax
    """

    id = "TFS009"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "configuration terraform cannot load"
    emitters = ("iacqa.frontends.terraform.frontend",)
    stage = "frontend"


class ExpansionCapped(Entry):
    """A `count` or `for_each` with more instances than iacqa expands.

    What it finds: a resource, data source or module whose `count` or `for_each` yields more than 1,000 instances;
    the first 1,000 are in the graph, the rest are not (iacqa's budget: a `count = 100000000` would otherwise keep
    the analysis busy for minutes and take gigabytes).
    Why it breaks: it may not: this says that the checks saw only part of the instances. Such counts usually hit
    AWS quotas or API rate limits when planned and applied.
    Bad: `count = 100000000`.
    Good: a count that matches what is needed (and the AWS quota for that resource).
    What AWS says: nothing from iacqa's side; the account's quotas apply when terraform applies.
    References: https://developer.hashicorp.com/terraform/language/meta-arguments/count
    """

    id = "TFS010"
    category = Category.INTERNAL
    severity = Severity.MEDIUM
    title = "count/for_each expansion capped"
    emitters = ("iacqa.frontends.terraform.graph",)
    stage = "frontend"


class LocalsCycle(Entry):
    """Locals that refer to each other in a cycle (or a local that refers to itself).

    What it finds: `local.a` depends on `local.b`, which depends on `local.a` (any length), or `local.a = local.a`.
    Why it breaks: Terraform cannot order the evaluation: `terraform validate` and `plan` stop with a cycle error.
    Bad: `locals { name = "${local.prefix}-x"  prefix = local.name }`.
    Good: one of the values is a literal or a variable, so the chain has a start.
    What AWS says: nothing is deployed; `Error: Cycle: local.prefix (expand), local.name (expand)`.
    References: https://developer.hashicorp.com/terraform/language/values/locals
    """

    id = "TFS011"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "cycle among locals"
    emitters = ("iacqa.frontends.terraform.graph",)
    stage = "frontend"


class ModuleSourceMissing(Entry):
    """A local module source directory that the project does not contain.

    What it finds: a `module` block whose `source` is a local path (`./modules/network`) that is not a directory of
    the project.
    Why it breaks: `terraform init` cannot install the module and stops; nothing is planned.
    Bad: `module "network" { source = "./modules/network" }` with no modules/network directory in the response.
    Good: ship the module's .tf files in modules/network, or point `source` at the directory that has them.
    What AWS says: nothing is deployed; `Error: Unreadable module directory: Unable to evaluate directory symlink:
    lstat modules/network: no such file or directory`.
    References: https://developer.hashicorp.com/terraform/language/modules/sources#local-paths
    """

    id = "TFS012"
    category = Category.PACKAGING
    severity = Severity.CRITICAL
    title = "module source directory does not exist"
    emitters = ("iacqa.frontends.terraform.graph",)
    stage = "frontend"


class ModuleArgumentMismatch(Entry):
    """A module call whose arguments do not match the module's variables.

    What it finds: an argument of a `module` block that the module declares no `variable` for, or a variable of
    the module without a default that the call does not pass.
    Why it breaks: `terraform validate` and `plan` stop at the call.
    Bad: `module "db" { source = "./modules/db"  instance_size = "small" }` where modules/db declares
    `variable "instance_class"`.
    Good: pass exactly the module's variables (`instance_class = "db.t3.micro"`), every one without a default.
    What AWS says: nothing is deployed; `Error: Unsupported argument: An argument named "instance_size" is not
    expected here.` / `Error: Missing required argument: The argument "instance_class" is required, but no
    definition was found.`
    References: https://developer.hashicorp.com/terraform/language/modules/syntax#calling-a-child-module
    """

    id = "TFS013"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "module argument the module does not declare, or required one missing"
    emitters = ("iacqa.frontends.terraform.graph",)
    stage = "frontend"


class InvalidBackendBlock(Entry):
    """A `backend` block that Terraform cannot read: a nested block in it, or a value built from variables.

    What it finds: inside `terraform { backend "..." { } }`, a nested block (`lifecycle { prevent_destroy = true }`)
    or an argument whose value refers to `var.`, `local.`, `data.`, `module.` or uses `${...}` interpolation.
    Why it breaks: the backend is configured before anything is evaluated: `terraform init` stops, nothing is
    planned.
    Bad: `backend "s3" { bucket = "state-${var.env}"  lifecycle { prevent_destroy = true } }`.
    Good: literal values, or a partial configuration completed with `terraform init -backend-config=...`;
    `prevent_destroy` belongs in the state bucket's own resource.
    What AWS says: nothing is deployed; `Error: Variables not allowed: Variables may not be used here.` /
    `Error: Unsupported block type: Blocks of type "lifecycle" are not expected here.`
    References: https://developer.hashicorp.com/terraform/language/backend#using-a-backend-block
    """

    id = "TFS014"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "backend block Terraform cannot read"
    emitters = ("iacqa.frontends.terraform.graph",)
    stage = "frontend"


class ProviderConfigurationCheck(Entry):
    """Provider settings `terraform init`/`validate` reject: aliases a module does not declare, `use_lockfile` on a
    Terraform too old for it, providers missing from `required_providers`.

    What it finds: (1) a module whose resources use `provider = aws.replica` while its `required_providers` entry
    has no `configuration_aliases = [aws.replica]` (and no `provider "aws" { alias = "replica" }` block), and a
    module call that does not pass a configuration alias the module declares (critical); (2) `use_lockfile` in a
    `backend "s3"` block while `required_version` allows a Terraform older than 1.10 (medium: it depends on the
    Terraform that runs it); (3) a resource or data source whose provider (`random_`, `archive_`, `tls_`, ...) is
    not listed in an existing `required_providers` (low: terraform infers hashicorp/<name>, unpinned).
    Why it breaks: (1) the module has no configuration for the alias, so `terraform validate`/`plan` stop; (2)
    Terraform before 1.10 does not know the argument and `terraform init` stops; (3) nothing breaks when hashicorp
    is the intended source: the provider is simply unpinned, and a major release can change it under the project.
    Bad: `module "storage" { source = "./modules/storage"  providers = { aws.replica = aws.west } }` where
    modules/storage has `required_providers { aws = { source = "hashicorp/aws" } }` and
    `resource "aws_s3_bucket" "r" { provider = aws.replica }`; `backend "s3" { use_lockfile = true }` with
    `required_version = ">= 1.5.0"`.
    Good: `aws = { source = "hashicorp/aws", configuration_aliases = [aws.replica] }` in the module;
    `required_version = ">= 1.10.0"` (or `dynamodb_table` locking on older releases); `random = { source =
    "hashicorp/random" }` listed.
    What AWS says: nothing is deployed; terraform says `Error: Provider configuration not present: To work with
    module.storage.aws_s3_bucket.r its original provider configuration at
    module.storage.provider["registry.terraform.io/hashicorp/aws"].replica is not present` (after `Warning:
    Reference to undefined provider`), `Error: Missing required provider configuration`, and on Terraform < 1.10
    `Error: Unsupported argument: An argument named "use_lockfile" is not expected here.`
    References: https://developer.hashicorp.com/terraform/language/modules/develop/providers#provider-aliases-within-modules,
    https://developer.hashicorp.com/terraform/language/backend/s3#state-locking,
    https://developer.hashicorp.com/terraform/language/providers/requirements
    """

    id = "TFS015"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "provider configuration terraform init/validate rejects"
    emitters = ("iacqa.frontends.terraform.validate",)
    stage = "frontend"
