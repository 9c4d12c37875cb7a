# Landing zone: the encryption keys, buckets and alert topic every other module builds on.
# kms.tf holds one customer-managed key per service, s3.tf the buckets, audit.tf the audit bucket
# (S3 Object Lock, governance mode), sns.tf the alerts topic.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # One key per service so that a grant, an audit trail or a revocation concerns one data class.
  #   via_services:   AWS services through which principals of this account may use the key
  #                   (kms:ViaService); IAM policies still have to grant each role its use.
  #   grant_services: those of via_services that create grants on the key for the resources they
  #                   encrypt (kms:CreateGrant, only with kms:GrantIsForAWSResource).
  #   deliveries:     services that use the key on their own behalf when they deliver into an
  #                   encrypted topic or queue, each limited (kms:EncryptionContext) to the topic
  #                   or queues it delivers to.
  #   log_groups:     pattern of the log group ARNs CloudWatch Logs may encrypt with the key
  #                   (kms:EncryptionContext:aws:logs:arn), or null.
  environment_log_groups = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*/${var.name_prefix}-*"
  alerts_topic_arn       = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${var.name_prefix}-alerts"
  environment_queues     = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${var.name_prefix}-*"

  kms_keys = {
    s3 = {
      description    = "S3 objects in the raw, curated, artifacts and reports buckets"
      via_services   = ["s3"]
      grant_services = []
      deliveries     = []
      log_groups     = null
    }
    dynamodb = {
      description    = "DynamoDB tables (intakes, idempotency) and their streams"
      via_services   = ["dynamodb"]
      grant_services = ["dynamodb"]
      deliveries     = []
      log_groups     = null
    }
    logs = {
      description    = "CloudWatch Logs log groups"
      via_services   = []
      grant_services = []
      deliveries     = []
      # Every log group of the environment names it: /aws/lambda/<prefix>-..., /ecs/<prefix>-...
      log_groups = local.environment_log_groups
    }
    lambda = {
      description    = "Lambda environment variables"
      via_services   = ["lambda"]
      grant_services = ["lambda"]
      deliveries     = []
      log_groups     = null
    }
    ecr = {
      description    = "ECR container images"
      via_services   = ["ecr"]
      grant_services = ["ecr"]
      deliveries     = []
      log_groups     = null
    }
    messaging = {
      description    = "SNS topics and SQS queues"
      via_services   = ["sns", "sqs"]
      grant_services = []
      deliveries = [
        # Alarms, and the Glue and pipeline failure rules, publish to the alerts topic.
        { sid = "AlarmsPublishToTheAlertsTopic", service = "cloudwatch", context = "aws:sns:topicArn", resources = local.alerts_topic_arn },
        { sid = "FailureRulesPublishToTheAlertsTopic", service = "events", context = "aws:sns:topicArn", resources = local.alerts_topic_arn },
        # The raw bucket notifies the bulk-uploads queue (module bi) of each upload.
        { sid = "BucketNotificationsIntoTheEnvironmentsQueues", service = "s3", context = "aws:sqs:arn", resources = local.environment_queues },
      ]
      log_groups = null
    }
    analytics = {
      description    = "Glue catalogue, jobs and crawlers, Athena query results"
      via_services   = ["glue", "athena", "s3"]
      grant_services = []
      deliveries     = []
      # Glue's own log groups of the security configuration (/aws-glue/jobs/..., /aws-glue/crawlers-...).
      log_groups = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*"
    }
    language = {
      # Transcribe and Comprehend are not offered in this region (they use the language region's
      # speech key): the transcripts bucket is the key's one user.
      description    = "Transcripts and extraction results (the transcripts bucket); recorded audio has the speech key of the language region"
      via_services   = ["s3"]
      grant_services = []
      deliveries     = []
      log_groups     = null
    }
    audit = {
      # The audit bucket only (audit.tf): the functions that write events and whoever reads the
      # trail (acogida privacy audit, Athena) need this key named in their own policies.
      description    = "The audit trail (the audit bucket's events)"
      via_services   = ["s3"]
      grant_services = []
      deliveries     = []
      log_groups     = null
    }
    secrets = {
      description    = "Secrets Manager secrets (e.g. the pseudonymisation key)"
      via_services   = ["secretsmanager"]
      grant_services = []
      deliveries     = []
      log_groups     = null
    }
  }
}
