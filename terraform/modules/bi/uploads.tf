# Coordinators put CSV files under uploads/ in the raw bucket. S3 notifies the bulk-uploads
# queue, which feeds bulk_upload one message at a time (an upload can take minutes); a message
# that fails five receives moves to the DLQ. bulk_upload publishes each outcome to the uploads
# topic, which e-mails the coordinators (upload_notification_emails).
#
# The queue policies are the queues' own policy argument (one CreateQueue call, see module
# transcription); they name their queue's ARN, built from the name.

locals {
  queue_max_receive_count = 5
  dlq_retention_seconds   = 14 * 24 * 3600
  queue_retention_seconds = 4 * 24 * 3600
  kms_data_key_reuse_sec  = 300

  queue_names = {
    bulk_uploads     = "${var.name_prefix}-bulk-uploads"
    bulk_uploads_dlq = "${var.name_prefix}-bulk-uploads-dlq"
    export_dlq       = "${var.name_prefix}-export-submissions-dlq"
  }
  queue_arns = { for key, name in local.queue_names : key => "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${name}" }

  deny_queue_requests_without_tls = {
    for key, arn in local.queue_arns : key => {
      Sid       = "DenyRequestsWithoutTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }
}

resource "aws_sqs_queue" "bulk_uploads_dlq" {
  name                              = local.queue_names["bulk_uploads_dlq"]
  message_retention_seconds         = local.dlq_retention_seconds
  kms_master_key_id                 = var.messaging_kms_key_arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_sec

  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.deny_queue_requests_without_tls["bulk_uploads_dlq"]]
  })
}

resource "aws_sqs_queue" "bulk_uploads" {
  name = local.queue_names["bulk_uploads"]
  # Lambda's guidance for SQS event sources: at least six times the function timeout.
  visibility_timeout_seconds        = 6 * local.functions["bulk_upload"].timeout
  message_retention_seconds         = local.queue_retention_seconds
  kms_master_key_id                 = var.messaging_kms_key_arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_sec

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.bulk_uploads_dlq.arn
    maxReceiveCount     = local.queue_max_receive_count
  })

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "RawBucketNotifiesUploads"
        Effect    = "Allow"
        Principal = { Service = "s3.${local.dns_suffix}" }
        Action    = "sqs:SendMessage"
        Resource  = local.queue_arns["bulk_uploads"]
        Condition = {
          ArnEquals    = { "aws:SourceArn" = local.raw_bucket_arn }
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
      local.deny_queue_requests_without_tls["bulk_uploads"],
    ]
  })
}

# The raw bucket's only notification configuration (S3 keeps one per bucket; the landing zone
# attaches none).
resource "aws_s3_bucket_notification" "raw" {
  bucket = var.raw_bucket_name

  queue {
    id            = "bulk-uploads"
    queue_arn     = aws_sqs_queue.bulk_uploads.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = local.uploads_prefix
  }
}

resource "aws_lambda_event_source_mapping" "bulk_uploads" {
  event_source_arn        = aws_sqs_queue.bulk_uploads.arn
  function_name           = module.function["bulk_upload"].function_arn
  batch_size              = 1
  function_response_types = ["ReportBatchItemFailures"]
  enabled                 = var.bulk_upload_trigger_enabled

  scaling_config {
    maximum_concurrency = 2
  }

  depends_on = [module.function]
}

# --- The uploads topic: one message per processed upload (counts and keys, no personal data) ----

resource "aws_sns_topic" "uploads" {
  name              = "${var.name_prefix}-bulk-uploads"
  display_name      = "Acogida bulk uploads (${var.name_prefix})"
  kms_master_key_id = var.messaging_kms_key_arn
}

resource "aws_sns_topic_policy" "uploads" {
  arn = aws_sns_topic.uploads.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountManagesTheTopic"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
        Resource  = aws_sns_topic.uploads.arn
      },
      {
        Sid       = "DenyRequestsWithoutTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sns:Publish", "sns:Subscribe"]
        Resource  = aws_sns_topic.uploads.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "upload_emails" {
  for_each = toset(var.upload_notification_emails)

  topic_arn = aws_sns_topic.uploads.arn
  protocol  = "email"
  endpoint  = each.value
}
