# Coordinators put CSV files under uploads/ in the raw bucket. S3 notifies the bulk-uploads
# queue (module queue_with_dlq), which feeds bulk_upload one message at a time (an upload can take
# minutes); a message that fails five receives moves to the DLQ. bulk_upload publishes each
# outcome to the uploads topic (module notification_topic), which e-mails the coordinators
# (upload_notification_emails).

locals {
  dlq_retention_seconds  = 14 * 24 * 3600
  kms_data_key_reuse_sec = 300
}

module "bulk_uploads_queue" {
  source = "../queue_with_dlq"

  name = "${var.name_prefix}-bulk-uploads"
  # Lambda's guidance for SQS event sources: at least six times the function timeout.
  visibility_timeout_seconds        = 6 * local.functions["bulk_upload"].timeout
  dlq_message_retention_seconds     = local.dlq_retention_seconds
  kms_key_arn                       = var.messaging_kms_key_arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_sec
  senders = [{
    sid        = "RawBucketNotifiesUploads"
    service    = "s3.${local.dns_suffix}"
    source_arn = local.raw_bucket_arn
  }]
}

# The queue and its DLQ were this module's own until the module above.
moved {
  from = aws_sqs_queue.bulk_uploads
  to   = module.bulk_uploads_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue.bulk_uploads_dlq
  to   = module.bulk_uploads_queue.aws_sqs_queue.dlq
}

# The raw bucket's only notification configuration (S3 keeps one per bucket; the landing zone
# attaches none).
resource "aws_s3_bucket_notification" "raw" {
  bucket = var.raw_bucket_name

  queue {
    id            = "bulk-uploads"
    queue_arn     = module.bulk_uploads_queue.queue_arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = local.uploads_prefix
  }
}

resource "aws_lambda_event_source_mapping" "bulk_uploads" {
  event_source_arn        = module.bulk_uploads_queue.queue_arn
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

module "uploads_topic" {
  source = "../notification_topic"

  name            = "${var.name_prefix}-bulk-uploads"
  display_name    = "Acogida bulk uploads (${var.name_prefix})"
  kms_key_arn     = var.messaging_kms_key_arn
  email_addresses = var.upload_notification_emails
}

# The topic, its policy and its subscriptions were this module's own until the module above.
moved {
  from = aws_sns_topic.uploads
  to   = module.uploads_topic.aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.uploads
  to   = module.uploads_topic.aws_sns_topic_policy.this
}

moved {
  from = aws_sns_topic_subscription.upload_emails
  to   = module.uploads_topic.aws_sns_topic_subscription.email
}
