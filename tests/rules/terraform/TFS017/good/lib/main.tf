variable "environment_suffix" {
  type    = string
  default = "dev"
}

variable "message_retention" {
  type    = number
  default = 86400
  validation {
    condition     = var.message_retention >= 60
    error_message = "message_retention must be at least 60 seconds."
  }
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  name_prefix = "app-${var.environment_suffix}"
  tags        = { Owner = "platform", Account = data.aws_caller_identity.current.account_id }
}

resource "aws_sqs_queue" "orders" {
  name                      = "${local.name_prefix}-orders-${data.aws_region.current.name}"
  message_retention_seconds = var.message_retention
  tags                      = local.tags
}
