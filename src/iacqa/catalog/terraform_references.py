"""Ids about what a Terraform configuration refers to: module outputs and declarations nothing reads (TFS016,
TFS017). Emitted by frontends/terraform/references.py, on the HCL/JSON blocks as written."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class UndeclaredModuleOutput(Entry):
    """A `module.<name>.<output>` reference to an output the local module does not declare.

    What it finds: an expression reading `module.network.private_subnet_ids` where the module's source is a local
    directory of the project (`./modules/network`) whose .tf files declare no `output "private_subnet_ids"`. Only
    local sources are judged, and only when every file of the module directory parses (an output in a file that
    does not parse is not a missing output).
    Why it breaks: a module call evaluates to an object holding exactly the module's outputs; `terraform validate`
    and `plan` stop at the reference, so nothing is deployed.
    Bad: `vpc_id = module.network.vpc` where modules/network declares `output "vpc_id"`.
    Good: `vpc_id = module.network.vpc_id`, or add `output "vpc" { value = aws_vpc.main.id }` to the module.
    What AWS says: nothing is deployed; terraform says `Error: Unsupported attribute: This object does not have an
    attribute named "vpc".`
    References: https://developer.hashicorp.com/terraform/language/modules/syntax#accessing-module-output-values ,
    https://developer.hashicorp.com/terraform/language/values/outputs
    """

    id = "TFS016"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "reference to an output the module does not declare"
    emitters = ("iacqa.frontends.terraform.references",)
    stage = "frontend"


class UnusedDeclaration(Entry):
    """Variables, locals and data sources that no expression of their module reads.

    What it finds: in the root module and in each local module it calls, a `variable`, a local value or a `data`
    block that no expression of the same module refers to (`var.x`, `local.x`, `data.type.name`), counted on the
    text of every expression, strings included, so a reference is never missed. A variable set in terraform.tfvars
    but read by nothing is still unused. One finding per file, every name and line listed.
    Why it breaks: nothing breaks at deploy. An unused variable is a setting that does nothing (a reviewer or an
    operator sets `instance_type` and nothing changes); an unused data source is still read at every plan (an
    `aws_ami` or `aws_vpc` lookup that finds nothing fails the plan for a value nobody uses); unused declarations
    are usually the sign of a half-finished wiring (`var.kms_key_arn` declared, the bucket encrypted with a new key).
    Bad: `variable "instance_type" {}` and `data "aws_caller_identity" "current" {}` with no `var.instance_type` or
    `data.aws_caller_identity.current` anywhere in the module.
    Good: use them (`instance_type = var.instance_type`) or delete them.
    What AWS says: nothing; `tflint` reports `terraform_unused_declarations`: `variable "instance_type" is declared
    but not used`.
    References: https://github.com/terraform-linters/tflint-ruleset-terraform/blob/main/docs/rules/terraform_unused_declarations.md
    """

    id = "TFS017"
    category = Category.HYGIENE
    severity = Severity.LOW
    title = "variable, local or data source declared but never used"
    emitters = ("iacqa.frontends.terraform.references",)
    stage = "frontend"
