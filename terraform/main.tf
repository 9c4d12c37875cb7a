# Root module: one module per area. landing_zone, database, app (intake API), transcription
# (batch transcription path), bi (export, bulk upload, Glue, Athena, QuickSight) and ml (the
# forecast API on the intake API's routes, the forecasts table and the forecast MLOps pipeline:
# CodePipeline with a CodeBuild project per stage, off in local mode).
#
# Two regions: aws_region (eu-south-2, the home region) holds the data and the intake API;
# language_region (eu-west-1) holds what needs Amazon Transcribe or Amazon Comprehend, which
# eu-south-2 does not offer (module transcription, through the aws.language provider).

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

  # Default tags of both provider configurations (providers.tf).
  default_tags = {
    Project     = "acogida"
    Environment = var.environment
    Owner       = var.owner
    CostCentre  = var.cost_centre
    ManagedBy   = "terraform"
  }

  # Where the front's load balancer writes access logs in the landing zone's access-logs bucket
  # (null without front hosting: the bucket policy then admits no load balancer).
  front_access_logs_prefix = var.front_hosting_enabled ? "alb/${local.name_prefix}-front" : null

  # The functions of each module, to hand each module the image tags of its own functions.
  app_functions           = ["intake_api"]
  transcription_functions = ["transcription_start", "transcription_done"]
  bi_functions            = ["export_submissions", "bulk_upload"]
  ml_functions            = ["forecast_api"]
  privacy_functions       = ["privacy_api"]
}

module "landing_zone" {
  source = "./modules/landing_zone"

  name_prefix                       = local.name_prefix
  transcript_retention_days         = var.transcript_retention_days
  submitted_intake_retention_days   = var.submitted_intake_retention_days
  lake_retention_days               = var.lake_retention_days
  noncurrent_version_retention_days = var.noncurrent_version_retention_days
  athena_results_retention_days     = var.athena_results_retention_days
  access_log_retention_days         = var.access_log_retention_days
  audit_retention_days              = var.audit_retention_days
  kms_deletion_window_days          = local.disposable ? 7 : 30
  force_destroy_buckets             = local.disposable
  alert_email_addresses             = var.alert_email_addresses
  # The bucket policy admits the front load balancer's log delivery only when there is one.
  load_balancer_log_prefix = local.front_access_logs_prefix
}

module "database" {
  source = "./modules/database"

  name_prefix         = local.name_prefix
  kms_key_arn         = module.landing_zone.kms_key_arns["dynamodb"]
  deletion_protection = !local.disposable
}

module "app" {
  source = "./modules/app"

  name_prefix     = local.name_prefix
  environment     = var.environment
  language_region = var.language_region

  lambda_kms_key_arn   = module.landing_zone.kms_key_arns["lambda"]
  ecr_kms_key_arn      = module.landing_zone.kms_key_arns["ecr"]
  logs_kms_key_arn     = module.landing_zone.kms_key_arns["logs"]
  dynamodb_kms_key_arn = module.landing_zone.kms_key_arns["dynamodb"]
  # The key the transcripts bucket encrypts with by default (the landing zone's language key).
  transcripts_kms_key_arn = module.landing_zone.s3_bucket_kms_key_arns["transcripts"]

  transcripts_bucket_name   = module.landing_zone.s3_bucket_names["transcripts"]
  intakes_table_name        = module.database.dynamodb_intakes_table_name
  intakes_table_arn         = module.database.dynamodb_intakes_table_arn
  intakes_office_index_name = module.database.dynamodb_intakes_office_index_name
  idempotency_table_name    = module.database.dynamodb_idempotency_table_name
  idempotency_table_arn     = module.database.dynamodb_idempotency_table_arn
  alerts_topic_arn          = module.landing_zone.sns_alerts_topic_arn
  # The intake API writes one audit event per request (docs/audit.md).
  audit_bucket_name = module.landing_zone.audit_bucket_name
  audit_kms_key_arn = module.landing_zone.audit_kms_key_arn

  image_tags                = { for name, tag in var.image_tags : name => tag if contains(local.app_functions, name) }
  front_image_tag           = var.image_tags["front"]
  force_delete_repositories = local.disposable

  log_level                       = var.log_level
  log_retention_days              = var.log_retention_days
  draft_ttl_days                  = var.draft_ttl_days
  submitted_intake_retention_days = var.submitted_intake_retention_days
  comprehend_enabled              = var.comprehend_enabled

  cors_allowed_origins       = var.cors_allowed_origins
  api_throttling_rate_limit  = var.api_throttling_rate_limit
  api_throttling_burst_limit = var.api_throttling_burst_limit

  user_pool_deletion_protection = !local.disposable

  # The browser's Transcribe streaming credentials, and the front's hosting (off in local mode).
  identity_pool_roles_enabled = var.identity_pool_roles_enabled
  front_hosting_enabled       = var.front_hosting_enabled
  certificate_arn             = var.front_certificate_arn
  access_logs_bucket_name     = module.landing_zone.s3_bucket_names["access-logs"]
  access_logs_prefix          = local.front_access_logs_prefix
  front_desired_count         = var.front_desired_count
  front_vpc_cidr              = var.front_vpc_cidr
  nat_gateway_enabled         = var.nat_gateway_enabled
  front_deletion_protection   = !local.disposable
}

# The batch transcription path, in the language region. It reaches the intake data (tables,
# transcripts bucket, their keys) in the home region across regions.
module "transcription" {
  source = "./modules/transcription"

  providers = {
    aws = aws.language
  }

  name_prefix = local.name_prefix
  environment = var.environment
  data_region = var.aws_region

  intakes_table_name        = module.database.dynamodb_intakes_table_name
  intakes_table_arn         = module.database.dynamodb_intakes_table_arn
  intakes_office_index_name = module.database.dynamodb_intakes_office_index_name
  idempotency_table_name    = module.database.dynamodb_idempotency_table_name
  idempotency_table_arn     = module.database.dynamodb_idempotency_table_arn
  dynamodb_kms_key_arn      = module.landing_zone.kms_key_arns["dynamodb"]
  transcripts_bucket_name   = module.landing_zone.s3_bucket_names["transcripts"]
  transcripts_kms_key_arn   = module.landing_zone.s3_bucket_kms_key_arns["transcripts"]

  image_tags                = { for name, tag in var.image_tags : name => tag if contains(local.transcription_functions, name) }
  force_delete_repositories = local.disposable

  log_level                       = var.log_level
  log_retention_days              = var.log_retention_days
  draft_ttl_days                  = var.draft_ttl_days
  submitted_intake_retention_days = var.submitted_intake_retention_days
  comprehend_enabled              = var.comprehend_enabled
  audio_uploads_trigger_enabled   = var.audio_uploads_trigger_enabled

  # "Days transcripts and recorded audio are kept": one retention for both.
  audio_retention_days              = var.transcript_retention_days
  noncurrent_version_retention_days = var.noncurrent_version_retention_days
  access_log_retention_days         = var.access_log_retention_days
  force_destroy_buckets             = local.disposable
  kms_deletion_window_days          = local.disposable ? 7 : 30
  alert_email_addresses             = var.alert_email_addresses

  # Training data under s3://<speech bucket>/comprehend/dni/ (module output comprehend_dni_training_data_s3_uri).
  comprehend_dni_recognizer_enabled = var.comprehend_dni_recognizer_enabled
}

# The data lake: the intakes stream and coordinators' uploads → pseudonymised raw/, the Glue
# crawler and Spark job → curated/ demand, Athena, QuickSight (optional).
module "bi" {
  source = "./modules/bi"

  name_prefix = local.name_prefix
  environment = var.environment

  raw_bucket_name            = module.landing_zone.s3_bucket_names["raw"]
  curated_bucket_name        = module.landing_zone.s3_bucket_names["curated"]
  artifacts_bucket_name      = module.landing_zone.s3_bucket_names["artifacts"]
  athena_results_bucket_name = module.landing_zone.s3_bucket_names["athena-results"]
  intakes_stream_arn         = module.database.dynamodb_intakes_table_stream_arn
  # The export writes one lake_export event per intake; Athena's audit_events table reads events/.
  audit_bucket_name = module.landing_zone.audit_bucket_name
  audit_kms_key_arn = module.landing_zone.audit_kms_key_arn

  s3_kms_key_arn        = module.landing_zone.kms_key_arns["s3"]
  analytics_kms_key_arn = module.landing_zone.kms_key_arns["analytics"]
  secrets_kms_key_arn   = module.landing_zone.kms_key_arns["secrets"]
  messaging_kms_key_arn = module.landing_zone.kms_key_arns["messaging"]
  dynamodb_kms_key_arn  = module.landing_zone.kms_key_arns["dynamodb"]
  lambda_kms_key_arn    = module.landing_zone.kms_key_arns["lambda"]
  logs_kms_key_arn      = module.landing_zone.kms_key_arns["logs"]
  ecr_kms_key_arn       = module.landing_zone.kms_key_arns["ecr"]
  alerts_topic_arn      = module.landing_zone.sns_alerts_topic_arn

  image_tags                = { for name, tag in var.image_tags : name => tag if contains(local.bi_functions, name) }
  force_delete_repositories = local.disposable
  log_level                 = var.log_level
  log_retention_days        = var.log_retention_days

  export_trigger_enabled      = var.export_trigger_enabled
  bulk_upload_trigger_enabled = var.bulk_upload_trigger_enabled
  upload_notification_emails  = var.upload_notification_emails
  secret_recovery_window_days = local.disposable ? 0 : 30

  # The job's code: the entry point as it is in the repository, and the zip of the acogida
  # transformation that acogida.infra.glue_package builds before every plan.
  glue_job_script_path   = "${path.root}/../src/glue-jobs/workforce_demand/job.py"
  glue_package_path      = "${path.root}/../build/glue/acogida-glue.zip"
  glue_number_of_workers = var.glue_number_of_workers
  etl_schedule_enabled   = var.etl_schedule_enabled

  force_destroy_workgroup = local.disposable
  quicksight_enabled      = var.quicksight_enabled
}

# The forecast: forecast_api on four routes of the intake API (behind its JWT authorizer), the
# forecasts table, the forecast-published topic and SES sender, and the pipeline the "retrain"
# button starts (source → prepare: the bi Glue job → train → gate → approval in prod → publish).
module "ml" {
  source = "./modules/ml"

  name_prefix = local.name_prefix
  environment = var.environment

  artifacts_bucket_name = module.landing_zone.s3_bucket_names["artifacts"]
  curated_bucket_name   = module.landing_zone.s3_bucket_names["curated"]
  reports_bucket_name   = module.landing_zone.s3_bucket_names["reports"]
  # The Glue job writes the demand CSV as the one part file Spark names under
  # <curated_demand_prefix>forecast_import/ (acogida.etl.spark_demand.write_demand).
  curated_demand_key = "${trimprefix(module.bi.curated_demand_prefix, "s3://${module.landing_zone.s3_bucket_names["curated"]}/")}forecast_import/"
  glue_job_name      = module.bi.glue_job_name

  s3_kms_key_arn        = module.landing_zone.kms_key_arns["s3"]
  dynamodb_kms_key_arn  = module.landing_zone.kms_key_arns["dynamodb"]
  messaging_kms_key_arn = module.landing_zone.kms_key_arns["messaging"]
  lambda_kms_key_arn    = module.landing_zone.kms_key_arns["lambda"]
  logs_kms_key_arn      = module.landing_zone.kms_key_arns["logs"]
  ecr_kms_key_arn       = module.landing_zone.kms_key_arns["ecr"]
  alerts_topic_arn      = module.landing_zone.sns_alerts_topic_arn

  api_id            = module.app.api_id
  api_execution_arn = module.app.api_execution_arn
  authorizer_id     = module.app.authorizer_id

  image_tags                = { for name, tag in var.image_tags : name => tag if contains(local.ml_functions, name) }
  force_delete_repositories = local.disposable
  log_level                 = var.log_level
  log_retention_days        = var.log_retention_days

  deletion_protection     = !local.disposable
  forecast_horizon_days   = var.forecast_horizon_days
  forecast_ttl_days       = var.forecast_ttl_days
  report_link_ttl_seconds = var.report_link_ttl_seconds
  notification_emails     = var.forecast_notification_emails
  report_sender_email     = var.report_sender_email
  coordinator_emails      = var.coordinator_emails

  pipeline_enabled           = var.mlops_pipeline_enabled
  manual_approval_enabled    = var.environment == "prod"
  source_provider            = var.mlops_source_provider
  source_object_key          = var.mlops_source_object_key
  connection_provider_type   = var.mlops_connection_provider_type
  repository_id              = var.mlops_repository_id
  branch_name                = var.mlops_branch_name
  codecommit_repository_name = var.mlops_codecommit_repository_name
}

# The rights of access and erasure: privacy_api on two routes of the intake API (the dpo group),
# with its own role across every store that holds a person's data, in both regions.
module "privacy" {
  source = "./modules/privacy"

  name_prefix              = local.name_prefix
  environment              = var.environment
  language_region          = var.language_region
  transcription_job_prefix = module.transcription.transcription_job_prefix

  intakes_table_name          = module.database.dynamodb_intakes_table_name
  intakes_table_arn           = module.database.dynamodb_intakes_table_arn
  idempotency_table_name      = module.database.dynamodb_idempotency_table_name
  idempotency_table_arn       = module.database.dynamodb_idempotency_table_arn
  dynamodb_kms_key_arn        = module.landing_zone.kms_key_arns["dynamodb"]
  transcripts_bucket_name     = module.landing_zone.s3_bucket_names["transcripts"]
  transcripts_kms_key_arn     = module.landing_zone.s3_bucket_kms_key_arns["transcripts"]
  audio_bucket_name           = module.transcription.speech_bucket_name
  audio_kms_key_arn           = module.transcription.speech_kms_key_arn
  raw_bucket_name             = module.landing_zone.s3_bucket_names["raw"]
  raw_kms_key_arn             = module.landing_zone.s3_bucket_kms_key_arns["raw"]
  pseudonymisation_secret_arn = module.bi.pseudonymisation_secret_arn
  secrets_kms_key_arn         = module.landing_zone.kms_key_arns["secrets"]
  audit_bucket_name           = module.landing_zone.audit_bucket_name
  audit_kms_key_arn           = module.landing_zone.audit_kms_key_arn

  api_id            = module.app.api_id
  api_execution_arn = module.app.api_execution_arn
  authorizer_id     = module.app.authorizer_id

  lambda_kms_key_arn = module.landing_zone.kms_key_arns["lambda"]
  logs_kms_key_arn   = module.landing_zone.kms_key_arns["logs"]
  ecr_kms_key_arn    = module.landing_zone.kms_key_arns["ecr"]
  alerts_topic_arn   = module.landing_zone.sns_alerts_topic_arn

  image_tags                = { for name, tag in var.image_tags : name => tag if contains(local.privacy_functions, name) }
  force_delete_repositories = local.disposable
  log_level                 = var.log_level
  log_retention_days        = var.log_retention_days
}

# --- The split of module app (2026-11): state moves ------------------------------------------------
# IAM is global, so the transcription functions' roles (and the optional recogniser's) keep their
# names and move to module transcription unchanged. Everything else the transcription path had in
# module app is regional (queues, functions, repositories, log groups, rule, alarms, the bucket
# notification): it cannot move from eu-south-2 to the language region, so Terraform destroys it
# in eu-south-2 and creates it anew in language_region. A moved block for those would make
# Terraform look for the eu-south-2 object in the language region, forget it, and leave it behind.
moved {
  from = module.app.aws_iam_role.function["transcription_start"]
  to   = module.transcription.aws_iam_role.function["transcription_start"]
}

moved {
  from = module.app.aws_iam_role.function["transcription_done"]
  to   = module.transcription.aws_iam_role.function["transcription_done"]
}

moved {
  from = module.app.aws_iam_role_policy.function["transcription_start"]
  to   = module.transcription.aws_iam_role_policy.function["transcription_start"]
}

moved {
  from = module.app.aws_iam_role_policy.function["transcription_done"]
  to   = module.transcription.aws_iam_role_policy.function["transcription_done"]
}

moved {
  from = module.app.aws_iam_role.comprehend_dni
  to   = module.transcription.aws_iam_role.comprehend_dni
}

moved {
  from = module.app.aws_iam_role_policy.comprehend_dni
  to   = module.transcription.aws_iam_role_policy.comprehend_dni
}
