# The rights of access and erasure (GDPR art. 15 and 17), in the home region: privacy_api behind
# two routes of the intake HTTP API for the data-protection officer (group dpo, checked by the
# function), with its own least-privilege role across every store that holds a person's data.
#
#   main.tf    the function's settings and environment
#   api.tf     privacy_api (module lambda_function) and its routes on the intake HTTP API
#   iam.tf     its role's inline policy
#
# The same environment is what `acogida privacy export|erase` reads (terraform output
# lambda_environments) to act with the DPO's own credentials.

data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  transcripts_bucket_arn = "arn:${local.partition}:s3:::${var.transcripts_bucket_name}"
  audio_bucket_arn       = "arn:${local.partition}:s3:::${var.audio_bucket_name}"
  raw_bucket_arn         = "arn:${local.partition}:s3:::${var.raw_bucket_name}"
  audit_bucket_arn       = "arn:${local.partition}:s3:::${var.audit_bucket_name}"

  # Where a person's data lives in each bucket: a contract with src/acogida/privacy/rights.py.
  transcripts_prefixes = ["drafts/", "redacted/"]
  audio_prefixes       = ["audio/", "transcribe/"]
  raw_prefixes         = ["submissions/", "uploads/"]
  audit_prefix         = "events/"

  functions = {
    privacy_api = {
      description = "Privacy API: a person's data across every store, exported (art. 15) or erased (art. 17), for the DPO"
      memory_size = 1024 # the lake is read object by object; a large export is held in memory
      # HTTP API integrations time out at 30 s. A longer erasure is completed by sending the same
      # request again (it is resumable), or with `acogida privacy erase`.
      timeout = 29
    }
  }
  function_names = { for name, _ in local.functions : name => "${var.name_prefix}-${replace(name, "_", "-")}" }

  lambda_application_log_level = { DEBUG = "DEBUG", INFO = "INFO", WARNING = "WARN", ERROR = "ERROR" }[var.log_level]

  function_environment = {
    privacy_api = {
      POWERTOOLS_SERVICE_NAME      = "privacy_api"
      POWERTOOLS_METRICS_NAMESPACE = "Acogida"
      POWERTOOLS_LOG_LEVEL         = var.log_level
      LOG_LEVEL                    = var.log_level
      ACOGIDA_ENVIRONMENT          = var.environment
      ACOGIDA_LANGUAGE_REGION      = var.language_region
      INTAKES_TABLE                = var.intakes_table_name
      IDEMPOTENCY_TABLE            = var.idempotency_table_name
      TRANSCRIPTS_BUCKET           = var.transcripts_bucket_name
      TRANSCRIPTS_KMS_KEY_ARN      = var.transcripts_kms_key_arn
      AUDIO_BUCKET                 = var.audio_bucket_name
      AUDIO_KMS_KEY_ARN            = var.audio_kms_key_arn
      RAW_BUCKET                   = var.raw_bucket_name
      RAW_KMS_KEY_ARN              = var.raw_kms_key_arn
      PSEUDONYMISATION_SECRET_ARN  = var.pseudonymisation_secret_arn
      AUDIT_BUCKET                 = var.audit_bucket_name
      AUDIT_KMS_KEY_ARN            = var.audit_kms_key_arn
      TRANSCRIPTION_JOB_PREFIX     = var.transcription_job_prefix
    }
  }
}
