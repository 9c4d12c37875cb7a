# The intake application: the intake API (HTTP API + Cognito JWT → Lambda) and the batch
# transcription path (audio upload in S3 → SQS → Lambda starts a Transcribe job → EventBridge
# job state change → Lambda reads the transcript and fills the draft).
#
#   lambda.tf     the three container-image functions, their log groups and triggers
#   iam.tf        one role per function, least-privilege inline policies
#   ecr.tf        one image repository per function
#   messaging.tf  audio-uploads queue + DLQ, bucket notification, the events DLQ
#   events.tf     EventBridge rule on Transcribe job state changes
#   cognito.tf    user pool, groups, app client
#   api.tf        HTTP API, JWT authorizer, routes, stage with access logs
#   alarms.tf     function errors, DLQ depth, API 5xx → alerts topic
#   comprehend.tf optional custom DNI recogniser (off by default, never in local mode)

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # The functions. The key is the handler module (acogida.handlers.<key>.handler) and the
  # Powertools service name; AWS names use hyphens.
  functions = {
    intake_api = {
      description = "Intake API: drafts, transcript segments, field corrections and submission"
      memory_size = 1024 # the spaCy redaction model and the extractor
      timeout     = 15
    }
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

  transcripts_bucket_arn = "arn:${local.partition}:s3:::${var.transcripts_bucket_name}"

  # Transcribe jobs are named <name_prefix>-<...>: the IAM scope and the EventBridge rule match it.
  transcription_job_prefix  = "${var.name_prefix}-"
  transcription_job_arn_all = "arn:${local.partition}:transcribe:${local.region}:${local.account_id}:transcription-job/${local.transcription_job_prefix}*"

  # Lambda advanced logging levels are TRACE/DEBUG/INFO/WARN/ERROR/FATAL; Powertools says WARNING.
  lambda_application_log_level = { DEBUG = "DEBUG", INFO = "INFO", WARNING = "WARN", ERROR = "ERROR" }[var.log_level]

  # The environment every function gets. The names are a contract with src/acogida.
  common_environment = {
    POWERTOOLS_METRICS_NAMESPACE = "Acogida"
    POWERTOOLS_LOG_LEVEL         = var.log_level
    LOG_LEVEL                    = var.log_level
    ACOGIDA_ENVIRONMENT          = var.environment
    INTAKES_TABLE                = var.intakes_table_name
    INTAKES_OFFICE_INDEX         = var.intakes_office_index_name
    IDEMPOTENCY_TABLE            = var.idempotency_table_name
    TRANSCRIPTS_BUCKET           = var.transcripts_bucket_name
    TRANSCRIPTS_KMS_KEY_ARN      = var.transcripts_kms_key_arn
    COMPREHEND_ENABLED           = var.comprehend_enabled ? "true" : "false"
    TRANSCRIPTION_JOB_PREFIX     = local.transcription_job_prefix
    DRAFT_TTL_DAYS               = tostring(var.draft_ttl_days)
  }

  # The batch transcription functions also name the audio bucket and its key
  # (src/acogida/handlers/runtime.py: AudioStore). In this single-region wiring the audio is the
  # transcripts bucket's audio/ prefix, and Transcribe writes its output there under transcribe/.
  audio_environment = {
    AUDIO_BUCKET      = var.transcripts_bucket_name
    AUDIO_KMS_KEY_ARN = var.transcripts_kms_key_arn
  }

  function_environment = {
    for name, _ in local.functions : name => merge(
      local.common_environment,
      { POWERTOOLS_SERVICE_NAME = name },
      name == "intake_api" ? {} : local.audio_environment,
    )
  }
}
