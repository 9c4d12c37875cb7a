# Root module: one module per area. landing_zone, database and app (intake API, batch
# transcription) exist today; ml (forecast pipeline) and bi (export, Glue, Athena, QuickSight) follow.

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

module "app" {
  source = "./modules/app"

  name_prefix = local.name_prefix
  environment = var.environment

  lambda_kms_key_arn    = module.landing_zone.kms_key_arns["lambda"]
  ecr_kms_key_arn       = module.landing_zone.kms_key_arns["ecr"]
  logs_kms_key_arn      = module.landing_zone.kms_key_arns["logs"]
  messaging_kms_key_arn = module.landing_zone.kms_key_arns["messaging"]
  dynamodb_kms_key_arn  = module.landing_zone.kms_key_arns["dynamodb"]
  # The key the transcripts bucket encrypts with by default (the landing zone's language key).
  transcripts_kms_key_arn = module.landing_zone.s3_bucket_kms_key_arns["transcripts"]

  transcripts_bucket_name   = module.landing_zone.s3_bucket_names["transcripts"]
  intakes_table_name        = module.database.dynamodb_intakes_table_name
  intakes_table_arn         = module.database.dynamodb_intakes_table_arn
  intakes_office_index_name = module.database.dynamodb_intakes_office_index_name
  idempotency_table_name    = module.database.dynamodb_idempotency_table_name
  idempotency_table_arn     = module.database.dynamodb_idempotency_table_arn
  alerts_topic_arn          = module.landing_zone.sns_alerts_topic_arn

  image_tag                 = var.image_tag
  image_tags                = var.image_tags
  force_delete_repositories = local.disposable

  log_level          = var.log_level
  log_retention_days = var.log_retention_days
  draft_ttl_days     = var.draft_ttl_days
  comprehend_enabled = var.comprehend_enabled

  audio_uploads_trigger_enabled = var.audio_uploads_trigger_enabled

  cors_allowed_origins       = var.cors_allowed_origins
  api_throttling_rate_limit  = var.api_throttling_rate_limit
  api_throttling_burst_limit = var.api_throttling_burst_limit

  user_pool_deletion_protection = !local.disposable

  # The recogniser's training data lives in the artifacts bucket under comprehend/dni/.
  comprehend_dni_recognizer_enabled        = var.comprehend_dni_recognizer_enabled
  comprehend_dni_training_data_s3_uri      = var.comprehend_dni_recognizer_enabled ? "s3://${module.landing_zone.s3_bucket_names["artifacts"]}/comprehend/dni/" : null
  comprehend_dni_training_data_kms_key_arn = var.comprehend_dni_recognizer_enabled ? module.landing_zone.s3_bucket_kms_key_arns["artifacts"] : null
}
