module "network" {
  source     = "./modules/network"
  cidr_block = "10.0.0.0/16"
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = module.network.vpc_id
}

resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = module.network.private_subnet_ids
}

output "vpc_id" {
  value = "${module.network.vpc_id}"
}
