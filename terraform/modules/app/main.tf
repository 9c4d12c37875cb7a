# The intake application in the home region: the intake API (HTTP API + Cognito JWT → Lambda).
# The batch transcription path (audio upload → Transcribe → draft) is module transcription, in the
# language region: Transcribe and Comprehend are not offered in the home region (eu-south-2).
#
#   lambda.tf     the intake_api function (module lambda_function: container image, log group,
#                 image repository, role, errors alarm)
#   iam.tf        its role's least-privilege inline policy
#   cognito.tf    user pool, groups, app client
#   api.tf        HTTP API, JWT authorizer, routes, stage with access logs
#   alarms.tf     API 5xx → alerts topic (the function errors alarm is module lambda_function's)
#   identity.tf   identity pool for the browser's Transcribe streaming credentials, its role
#   network.tf    the front's VPC, subnets, endpoints, flow logs, security groups (front_hosting_enabled)
#   front.tf      the front's image repository, ECS Fargate service and load balancer (front_hosting_enabled)

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # The functions of this module (one today; a map, as module transcription's, so both call
  # module lambda_function with for_each). The key is the handler module
  # (acogida.handlers.<key>.handler) and the Powertools service name; AWS names use hyphens.
  functions = {
    intake_api = {
      description = "Intake API: drafts, transcript segments, field corrections and submission"
      memory_size = 1024 # the spaCy redaction model and the extractor
      timeout     = 15
    }
  }

  function_names = { for name, _ in local.functions : name => "${var.name_prefix}-${replace(name, "_", "-")}" }

  transcripts_bucket_arn = "arn:${local.partition}:s3:::${var.transcripts_bucket_name}"

  # Transcribe jobs are named <name_prefix>-<...> (module transcription); TRANSCRIPTION_JOB_PREFIX
  # is part of every function's environment contract.
  transcription_job_prefix = "${var.name_prefix}-"

  # Lambda advanced logging levels are TRACE/DEBUG/INFO/WARN/ERROR/FATAL; Powertools says WARNING.
  lambda_application_log_level = { DEBUG = "DEBUG", INFO = "INFO", WARNING = "WARN", ERROR = "ERROR" }[var.log_level]

  # The environment every function gets. The names are a contract with src/acogida: tables and
  # the transcripts bucket are in the function's own region (ACOGIDA_DATA_REGION left to its
  # default), Comprehend is called in the language region (ACOGIDA_LANGUAGE_REGION).
  common_environment = {
    POWERTOOLS_METRICS_NAMESPACE = "Acogida"
    POWERTOOLS_LOG_LEVEL         = var.log_level
    LOG_LEVEL                    = var.log_level
    ACOGIDA_ENVIRONMENT          = var.environment
    ACOGIDA_LANGUAGE_REGION      = var.language_region
    INTAKES_TABLE                = var.intakes_table_name
    INTAKES_OFFICE_INDEX         = var.intakes_office_index_name
    IDEMPOTENCY_TABLE            = var.idempotency_table_name
    TRANSCRIPTS_BUCKET           = var.transcripts_bucket_name
    TRANSCRIPTS_KMS_KEY_ARN      = var.transcripts_kms_key_arn
    COMPREHEND_ENABLED           = var.comprehend_enabled ? "true" : "false"
    TRANSCRIPTION_JOB_PREFIX     = local.transcription_job_prefix
    DRAFT_TTL_DAYS               = tostring(var.draft_ttl_days)
    # Read by every function's settings (acogida.handlers.runtime); intake_api applies it on submit.
    SUBMITTED_INTAKE_RETENTION_DAYS = tostring(var.submitted_intake_retention_days)
  }

  function_environment = {
    for name, _ in local.functions : name => merge(local.common_environment, { POWERTOOLS_SERVICE_NAME = name })
  }
}
