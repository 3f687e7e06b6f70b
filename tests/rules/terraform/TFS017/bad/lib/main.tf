variable "environment_suffix" {
  type    = string
  default = "dev"
}

variable "instance_type" { # expect: TFS017
  type    = string
  default = "t3.micro"
  validation {
    condition     = length(var.instance_type) > 0
    error_message = "instance_type must not be empty."
  }
}

data "aws_caller_identity" "current" {} # expect: TFS017

data "aws_region" "current" {}

locals {
  name_prefix = "app-${var.environment_suffix}"
  unused_tags = { Owner = "platform" } # expect: TFS017
}

resource "aws_sqs_queue" "orders" {
  name = "${local.name_prefix}-orders-${data.aws_region.current.name}"
}
