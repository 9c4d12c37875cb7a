# Recorded audio lands in the speech bucket under audio/; S3 notifies the audio-uploads queue
# (module queue_with_dlq), which feeds transcription_start. Messages that fail five receives move
# to its DLQ. transcription_done's failures (EventBridge delivery and asynchronous retries) land in
# its own DLQ. All queues and the alerts topic use the speech key. Alarm actions are same-region,
# so the alarms of this region notify an alerts topic of this region (module notification_topic,
# subscribed like the landing zone's).
#
# The queue policies are the queues' own policy argument (one CreateQueue call) rather than
# aws_sqs_queue_policy resources: each of those costs another ~25 s provider wait on the critical
# path. The policies name their queue's ARN, built from the name to avoid a self-reference.

locals {
  dlq_retention_seconds  = 14 * 24 * 3600
  kms_data_key_reuse_sec = 300

  transcription_done_dlq_name = "${var.name_prefix}-transcription-done-dlq"
  transcription_done_dlq_arn  = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.transcription_done_dlq_name}"

  # Named here too for the speech key's policy (kms.tf), which the queue and the topic depend on.
  audio_uploads_queue_name   = "${var.name_prefix}-audio-uploads"
  language_alerts_topic_name = "${var.name_prefix}-language-alerts"
}

module "audio_uploads_queue" {
  source = "../queue_with_dlq"

  name = local.audio_uploads_queue_name
  # Lambda's guidance for SQS event sources: at least six times the function timeout.
  visibility_timeout_seconds        = 6 * local.functions["transcription_start"].timeout
  dlq_message_retention_seconds     = local.dlq_retention_seconds
  kms_key_arn                       = aws_kms_key.speech.arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_sec
  senders = [{
    sid        = "SpeechBucketNotifiesUploads"
    service    = "s3.${local.dns_suffix}"
    source_arn = local.speech_bucket_arn
  }]
}

# The queue and its DLQ were this module's own until the module above.
moved {
  from = aws_sqs_queue.audio_uploads
  to   = module.audio_uploads_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue.audio_uploads_dlq
  to   = module.audio_uploads_queue.aws_sqs_queue.dlq
}

# The speech bucket's only notification configuration (S3 keeps one per bucket). S3 sends a test
# message when the configuration is saved, so the queue must already carry its policy: it does,
# the policy is part of the queue (module queue_with_dlq).
resource "aws_s3_bucket_notification" "speech" {
  bucket = aws_s3_bucket.speech.id

  queue {
    id            = "audio-uploads"
    queue_arn     = module.audio_uploads_queue.queue_arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "audio/"
  }
}

# --- transcription_done failures ---------------------------------------------------------------

resource "aws_sqs_queue" "transcription_done_dlq" {
  name                              = local.transcription_done_dlq_name
  message_retention_seconds         = local.dlq_retention_seconds
  kms_master_key_id                 = aws_kms_key.speech.arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_sec

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # EventBridge's dead-letter delivery for the rule's target. (The function's own
        # on-failure destination uses its execution role, granted in iam.tf.)
        Sid       = "TranscriptionRuleDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.${local.dns_suffix}" }
        Action    = "sqs:SendMessage"
        Resource  = local.transcription_done_dlq_arn
        Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.transcription_state_change.arn } }
      },
      {
        Sid       = "DenyRequestsWithoutTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = local.transcription_done_dlq_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

# --- Alerts topic of the language region -------------------------------------------------------

module "alerts_topic" {
  source = "../notification_topic"

  name         = local.language_alerts_topic_name
  display_name = "Acogida alerts, language region (${var.name_prefix})"
  kms_key_arn  = aws_kms_key.speech.arn
  # Only the alarms of this region publish here: no EventBridge rule of the language region
  # targets the topic (transcription failures go to transcription_done's DLQ).
  publishers = [{
    sid      = "AlarmsOfThisAccountPublish"
    services = ["cloudwatch.${local.dns_suffix}"]
  }]
  email_addresses = var.alert_email_addresses
}

# The topic, its policy and its subscriptions were this module's own until the module above.
moved {
  from = aws_sns_topic.alerts
  to   = module.alerts_topic.aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.alerts
  to   = module.alerts_topic.aws_sns_topic_policy.this
}

moved {
  from = aws_sns_topic_subscription.alert_emails
  to   = module.alerts_topic.aws_sns_topic_subscription.email
}
