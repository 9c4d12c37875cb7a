# The data lake and analytics, in the home region: submitted intakes and coordinators' uploads
# become pseudonymised rows in the raw bucket, a Glue Spark job turns them into the daily
# workforce-demand series in the curated bucket, Athena queries both, QuickSight (optional) shows
# them.
#
#   secrets.tf     the pseudonymisation secret (HMAC key of person_key; value never in state)
#   export.tf      export_submissions: intakes table stream → raw/submissions/ (+ on-failure DLQ)
#   uploads.tf     bulk_upload: raw/uploads/ → S3 notification → queue → function → submissions/,
#                  rejected/ report, the uploads topic
#   iam.tf         the two functions' least-privilege policies, the Glue role
#   glue.tf        catalogue database, security configuration, crawler, Spark job, schedule
#   athena.tf      workgroup (results encrypted, configuration enforced), named queries
#   audit.tf       the audit_events table over the audit bucket's events/, its named queries
#   quicksight.tf  data source, datasets, analysts group, dashboard (quicksight_enabled only)
#   alarms.tf      DLQ depth, Glue job failures → the alerts topic

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  raw_bucket_arn       = "arn:${local.partition}:s3:::${var.raw_bucket_name}"
  curated_bucket_arn   = "arn:${local.partition}:s3:::${var.curated_bucket_name}"
  artifacts_bucket_arn = "arn:${local.partition}:s3:::${var.artifacts_bucket_name}"
  athena_bucket_arn    = "arn:${local.partition}:s3:::${var.athena_results_bucket_name}"
  audit_bucket_arn     = "arn:${local.partition}:s3:::${var.audit_bucket_name}"
  # The audit bucket's layout: a contract with src/acogida/adapters/audit_log.py (EVENTS_PREFIX).
  audit_events_prefix = "events/"

  # Prefixes of the raw bucket: a contract with src/acogida/export (SUBMISSIONS_PREFIX,
  # UPLOADS_PREFIX, REJECTED_PREFIX).
  submissions_prefix = "submissions/"
  uploads_prefix     = "uploads/"
  rejected_prefix    = "rejected/"
  # The curated layout the Glue job writes (src/glue-jobs/workforce_demand/job.py).
  demand_prefix    = "demand/"
  workload_prefix  = "intake_workload/"
  forecasts_prefix = "forecasts/"

  functions = {
    export_submissions = {
      description = "Writes each submitted intake, pseudonymised, to raw/submissions/ (intakes table stream)"
      memory_size = 256
      timeout     = 60
      image       = "intake"
    }
    bulk_upload = {
      description = "Validates coordinators' CSV uploads, writes accepted rows to raw/submissions/ and a report to rejected/"
      memory_size = 2048 # pandas over up to 200,000 rows
      timeout     = 300
      image       = "analytics"
    }
  }
  function_names = { for name, _ in local.functions : name => "${var.name_prefix}-${replace(name, "_", "-")}" }

  lambda_application_log_level = { DEBUG = "DEBUG", INFO = "INFO", WARNING = "WARN", ERROR = "ERROR" }[var.log_level]

  common_environment = {
    POWERTOOLS_METRICS_NAMESPACE = "Acogida"
    POWERTOOLS_LOG_LEVEL         = var.log_level
    LOG_LEVEL                    = var.log_level
    ACOGIDA_ENVIRONMENT          = var.environment
    RAW_BUCKET                   = var.raw_bucket_name
    RAW_KMS_KEY_ARN              = var.s3_kms_key_arn
    PSEUDONYMISATION_SECRET_ARN  = aws_secretsmanager_secret.pseudonymisation.arn
  }
  function_environment = {
    export_submissions = merge(local.common_environment, {
      POWERTOOLS_SERVICE_NAME = "export_submissions"
      AUDIT_BUCKET            = var.audit_bucket_name
      AUDIT_KMS_KEY_ARN       = var.audit_kms_key_arn
    })
    bulk_upload = merge(local.common_environment, {
      POWERTOOLS_SERVICE_NAME = "bulk_upload"
      UPLOADS_TOPIC_ARN       = module.uploads_topic.topic_arn
      OFFICE_TIMEZONE         = var.office_timezone
    })
  }

  # Glue and Athena names allow only lowercase letters, digits and underscores.
  catalog_name = replace(var.name_prefix, "-", "_")
}
