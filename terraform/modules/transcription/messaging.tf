# Recorded audio lands in the speech bucket under audio/; S3 notifies the audio-uploads queue,
# which feeds transcription_start. Messages that fail five receives move to its DLQ.
# transcription_done's failures (EventBridge delivery and asynchronous retries) land in its DLQ.
# All queues and the alerts topic use the speech key. Alarm actions are same-region, so the
# alarms of this region notify an alerts topic of this region (subscribed like the landing zone's).
#
# The queue policies are the queues' own policy argument (one CreateQueue call) rather than
# aws_sqs_queue_policy resources: each of those costs another ~25 s provider wait on the critical
# path. The policies name their queue's ARN, built from the name to avoid a self-reference.

locals {
  queue_max_receive_count  = 5
  dlq_retention_seconds    = 14 * 24 * 3600
  queue_retention_seconds  = 4 * 24 * 3600
  kms_data_key_reuse_sec   = 300
  audio_uploads_visibility = 6 * local.functions["transcription_start"].timeout

  queue_names = {
    audio_uploads          = "${var.name_prefix}-audio-uploads"
    audio_uploads_dlq      = "${var.name_prefix}-audio-uploads-dlq"
    transcription_done_dlq = "${var.name_prefix}-transcription-done-dlq"
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

resource "aws_sqs_queue" "audio_uploads_dlq" {
  name                              = local.queue_names["audio_uploads_dlq"]
  message_retention_seconds         = local.dlq_retention_seconds
  kms_master_key_id                 = aws_kms_key.speech.arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_sec
}

resource "aws_sqs_queue" "audio_uploads" {
  name = local.queue_names["audio_uploads"]
  # Lambda's guidance for SQS event sources: at least six times the function timeout.
  visibility_timeout_seconds        = local.audio_uploads_visibility
  message_retention_seconds         = local.queue_retention_seconds
  kms_master_key_id                 = aws_kms_key.speech.arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_sec

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.audio_uploads_dlq.arn
    maxReceiveCount     = local.queue_max_receive_count
  })

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "SpeechBucketNotifiesUploads"
        Effect    = "Allow"
        Principal = { Service = "s3.${local.dns_suffix}" }
        Action    = "sqs:SendMessage"
        Resource  = local.queue_arns["audio_uploads"]
        Condition = {
          ArnEquals    = { "aws:SourceArn" = local.speech_bucket_arn }
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
      local.deny_queue_requests_without_tls["audio_uploads"],
    ]
  })
}

# The speech bucket's only notification configuration (S3 keeps one per bucket). S3 sends a test
# message when the configuration is saved, so the queue must already carry its policy: it does,
# the policy is part of the queue (see above).
resource "aws_s3_bucket_notification" "speech" {
  bucket = aws_s3_bucket.speech.id

  queue {
    id            = "audio-uploads"
    queue_arn     = aws_sqs_queue.audio_uploads.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "audio/"
  }
}

# --- transcription_done failures ---------------------------------------------------------------

resource "aws_sqs_queue" "transcription_done_dlq" {
  name                              = local.queue_names["transcription_done_dlq"]
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
        Resource  = local.queue_arns["transcription_done_dlq"]
        Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.transcription_state_change.arn } }
      },
      local.deny_queue_requests_without_tls["transcription_done_dlq"],
    ]
  })
}

# --- Alerts topic of the language region -------------------------------------------------------

resource "aws_sns_topic" "alerts" {
  name              = "${var.name_prefix}-language-alerts"
  display_name      = "Acogida alerts, language region (${var.name_prefix})"
  kms_master_key_id = aws_kms_key.speech.arn
}

resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountManagesTheTopic"
        Effect    = "Allow"
        Principal = { AWS = local.account_root_arn }
        Action    = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
        Resource  = aws_sns_topic.alerts.arn
      },
      {
        Sid       = "AlarmsAndEventsOfThisAccountPublish"
        Effect    = "Allow"
        Principal = { Service = ["cloudwatch.${local.dns_suffix}", "events.${local.dns_suffix}"] }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alerts.arn
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        Sid       = "DenyRequestsWithoutTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sns:Publish", "sns:Subscribe"]
        Resource  = aws_sns_topic.alerts.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "alert_emails" {
  for_each = toset(var.alert_email_addresses)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}
