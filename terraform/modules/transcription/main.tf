# The batch transcription path, in the language region: Amazon Transcribe and Amazon Comprehend
# are not offered in the home region (eu-south-2), and Transcribe batch jobs read their media from
# and write their output to buckets of their own region; S3 notifications, SQS, EventBridge rules
# and alarm actions are same-region too. So everything the path needs lives here, and only the
# intake data (the intakes table, the idempotency table, the transcripts bucket and their keys)
# is reached across regions, in the home region.
#
# The module uses its default provider: the root passes the language-region configuration
# (providers = { aws = aws.language }), so the module itself names no region.
#
#   kms.tf        the speech key (everything of this module in this region is encrypted with it)
#   s3.tf         the speech bucket (audio/, transcribe/, comprehend/) and its access-log bucket
#   messaging.tf  audio-uploads queue + DLQ, bucket notification, transcription_done DLQ,
#                 the language-region alerts topic
#   lambda.tf     transcription_start and transcription_done (module lambda_function: image,
#                 log group, image repository in this region, role, errors alarm), triggers
#   iam.tf        each role's least-privilege inline policy (some statements cross-region)
#   events.tf     EventBridge rule on Transcribe job state changes
#   alarms.tf     DLQ depth → the language-region alerts topic (function errors: lambda_function)
#   comprehend.tf optional custom DNI recogniser (off by default, never in local mode)

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  # The language region: the region of the provider configuration the root passes in.
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # The functions. The key is the handler module (acogida.handlers.<key>.handler) and the
  # Powertools service name; AWS names use hyphens.
  functions = {
    transcription_start = {
      description = "Starts a Transcribe job for each recorded audio uploaded to audio/"
      memory_size = 256
      timeout     = 30
    }
    transcription_done = {
      description = "Reads a finished Transcribe job's transcript and fills the draft intake"
      memory_size = 1024 # runs the extractor and redaction over a whole conversation
      timeout     = 60
    }
  }

  function_names = { for name, _ in local.functions : name => "${var.name_prefix}-${replace(name, "_", "-")}" }

  # Bucket names are global across AWS: the account id keeps them unique per account.
  speech_bucket_name      = "${var.name_prefix}-speech-${local.account_id}"
  speech_logs_bucket_name = "${var.name_prefix}-speech-logs-${local.account_id}"
  speech_bucket_arn       = "arn:${local.partition}:s3:::${local.speech_bucket_name}"
  speech_logs_bucket_arn  = "arn:${local.partition}:s3:::${local.speech_logs_bucket_name}"

  # Home-region stores, reached across regions.
  transcripts_bucket_arn = "arn:${local.partition}:s3:::${var.transcripts_bucket_name}"

  # Transcribe jobs are named <name_prefix>-<...>: the IAM scope and the EventBridge rule match it.
  transcription_job_prefix  = "${var.name_prefix}-"
  transcription_job_arn_all = "arn:${local.partition}:transcribe:${local.region}:${local.account_id}:transcription-job/${local.transcription_job_prefix}*"

  # Lambda advanced logging levels are TRACE/DEBUG/INFO/WARN/ERROR/FATAL; Powertools says WARNING.
  lambda_application_log_level = { DEBUG = "DEBUG", INFO = "INFO", WARNING = "WARN", ERROR = "ERROR" }[var.log_level]

  # The environment of both functions. The names are a contract with src/acogida/handlers/runtime.py:
  # tables and the transcripts bucket are in the data region (ACOGIDA_DATA_REGION); Transcribe,
  # Comprehend and the audio bucket (AUDIO_BUCKET, AUDIO_KMS_KEY_ARN) in the language region
  # (ACOGIDA_LANGUAGE_REGION), which is this function's own.
  common_environment = {
    POWERTOOLS_METRICS_NAMESPACE = "Acogida"
    POWERTOOLS_LOG_LEVEL         = var.log_level
    LOG_LEVEL                    = var.log_level
    ACOGIDA_ENVIRONMENT          = var.environment
    ACOGIDA_DATA_REGION          = var.data_region
    ACOGIDA_LANGUAGE_REGION      = local.region
    INTAKES_TABLE                = var.intakes_table_name
    INTAKES_OFFICE_INDEX         = var.intakes_office_index_name
    IDEMPOTENCY_TABLE            = var.idempotency_table_name
    TRANSCRIPTS_BUCKET           = var.transcripts_bucket_name
    TRANSCRIPTS_KMS_KEY_ARN      = var.transcripts_kms_key_arn
    AUDIO_BUCKET                 = local.speech_bucket_name
    AUDIO_KMS_KEY_ARN            = aws_kms_key.speech.arn
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
