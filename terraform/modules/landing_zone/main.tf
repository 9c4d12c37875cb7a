# Landing zone: the encryption keys, buckets and alert topic every other module builds on.
# kms.tf holds one customer-managed key per service, s3.tf the buckets, sns.tf the alerts topic.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # One key per service so that a grant, an audit trail or a revocation concerns one data class.
  #   via_services:       AWS services through which principals of this account may use the key
  #                       (kms:ViaService); IAM policies still have to grant each role its use.
  #   service_principals: services that use the key on their own behalf (alarms and events
  #                       publishing to an encrypted topic), limited to this account by aws:SourceAccount.
  #   log_groups:         CloudWatch Logs may encrypt this account's log groups with the key
  #                       (limited by the kms:EncryptionContext:aws:logs:arn of the log group).
  kms_keys = {
    s3 = {
      description        = "S3 objects in the raw, curated, artifacts and reports buckets"
      via_services       = ["s3"]
      service_principals = []
      log_groups         = false
    }
    dynamodb = {
      description        = "DynamoDB tables (intakes, idempotency) and their streams"
      via_services       = ["dynamodb"]
      service_principals = []
      log_groups         = false
    }
    logs = {
      description        = "CloudWatch Logs log groups"
      via_services       = []
      service_principals = []
      log_groups         = true
    }
    lambda = {
      description        = "Lambda environment variables"
      via_services       = ["lambda"]
      service_principals = []
      log_groups         = false
    }
    ecr = {
      description        = "ECR container images"
      via_services       = ["ecr"]
      service_principals = []
      log_groups         = false
    }
    messaging = {
      description        = "SNS topics and SQS queues"
      via_services       = ["sns", "sqs"]
      service_principals = ["cloudwatch.${local.dns_suffix}", "events.${local.dns_suffix}", "s3.${local.dns_suffix}"]
      log_groups         = false
    }
    analytics = {
      description        = "Glue catalogue, jobs and crawlers, Athena query results"
      via_services       = ["glue", "athena", "s3"]
      service_principals = []
      log_groups         = true
    }
    language = {
      description        = "Transcripts and extraction results (the transcripts bucket); recorded audio has the speech key of the language region"
      via_services       = ["transcribe", "comprehend", "s3"]
      service_principals = []
      log_groups         = false
    }
    secrets = {
      description        = "Secrets Manager secrets (e.g. the pseudonymisation key)"
      via_services       = ["secretsmanager"]
      service_principals = []
      log_groups         = false
    }
  }
}
