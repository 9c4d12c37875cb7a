# Root module: one module per area. landing_zone and database exist today; app (intake API,
# extraction, export), ml (forecast pipeline) and bi (Glue, Athena, QuickSight) follow.

locals {
  name_prefix = "acogida-${var.environment}"
  emulated    = var.environment == "local"

  # The provider endpoints providers.tf can route to the emulator. A listed service points at the
  # emulator when emulator_services names it; the others stay null, so in local mode a resource of
  # an unlisted service fails (dummy credentials) instead of reaching AWS.
  routable_services = [
    "apigatewayv2", "athena", "cloudwatch", "cognitoidentity", "cognitoidp", "dynamodb", "ec2", "ecr",
    "ecs", "elbv2", "events", "glue", "iam", "kms", "lambda", "logs", "s3", "scheduler",
    "secretsmanager", "ses", "sns", "sqs", "ssm", "sts",
  ]
  emulator_endpoints = {
    for service in local.routable_services : service => contains(var.emulator_services, service) ? var.emulator_endpoint : null
  }

  # Throw-away environments can be destroyed with their data; the others keep tables and buckets.
  disposable = contains(["local", "dev"], var.environment)
}

module "landing_zone" {
  source = "./modules/landing_zone"

  name_prefix                       = local.name_prefix
  transcript_retention_days         = var.transcript_retention_days
  noncurrent_version_retention_days = var.noncurrent_version_retention_days
  athena_results_retention_days     = var.athena_results_retention_days
  access_log_retention_days         = var.access_log_retention_days
  kms_deletion_window_days          = local.disposable ? 7 : 30
  force_destroy_buckets             = local.disposable
  alert_email_addresses             = var.alert_email_addresses
}

module "database" {
  source = "./modules/database"

  name_prefix         = local.name_prefix
  kms_key_arn         = module.landing_zone.kms_key_arns["dynamodb"]
  deletion_protection = !local.disposable
}
