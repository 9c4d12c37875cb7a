# The speech key: the one customer-managed key of the language region. It encrypts the speech
# bucket (audio, Transcribe output, Comprehend training data), the queues, the alerts topic, the
# log groups, the functions' environment and images, and the optional recogniser's model. A key
# is regional, so the landing zone's keys (home region) cannot serve here; one key keeps the
# language region a single data class ("recorded speech and what is derived from it") whose
# grants, audit trail and revocation go together.
#
# The policy follows the landing zone's: the account administers the key through IAM, principals
# of the account use it only through the named services (grants only for those services'
# resources), services that deliver into the encrypted queues and topic use it only for those
# (kms:EncryptionContext), and CloudWatch Logs only for this environment's log groups.

locals {
  account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"

  # kms:ViaService: S3 (objects), SQS and SNS (queues, topic), Transcribe (job output), Lambda
  # (environment variables), ECR (images); Comprehend (model and volume) only with the recogniser:
  # the Detect* calls of the functions use built-in models and no key.
  speech_key_via_services = concat(
    ["s3", "sqs", "sns", "transcribe", "lambda", "ecr"],
    var.comprehend_dni_recognizer_enabled ? ["comprehend"] : [],
  )
  # Of those, the services that create grants for the resources they encrypt.
  speech_key_grant_services = concat(["lambda", "ecr"], var.comprehend_dni_recognizer_enabled ? ["comprehend"] : [])

  # The symmetric-key operations a service performs on a caller's behalf (AWS documents them as
  # kms:ReEncrypt* and kms:GenerateDataKey*; spelled out here: no wildcard actions).
  kms_use_actions = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
  ]

  # Services that use the key on their own behalf, each for the one queue or topic it delivers
  # into: SNS and SQS name it in the encryption context of every call, whoever the caller.
  speech_key_deliveries = [
    { sid = "SpeechBucketNotifiesTheUploadsQueue", service = "s3", context = "aws:sqs:arn", resource = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.audio_uploads_queue_name}" },
    { sid = "TranscriptionRuleDeadLetters", service = "events", context = "aws:sqs:arn", resource = local.transcription_done_dlq_arn },
    { sid = "AlarmsPublishToTheAlertsTopic", service = "cloudwatch", context = "aws:sns:topicArn", resource = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.language_alerts_topic_name}" },
  ]

  speech_key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # The AWS default: the account administers the key, IAM policies grant its use.
          # In a key policy "Resource": "*" means this key and nothing else.
          Sid       = "AccountAdministersTheKeyThroughIam"
          Effect    = "Allow"
          Principal = { AWS = local.account_root_arn }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          Sid       = "UseOnlyThroughTheNamedServices"
          Effect    = "Allow"
          Principal = { AWS = local.account_root_arn }
          Action    = local.kms_use_actions
          Resource  = "*"
          Condition = {
            StringEquals = {
              "kms:ViaService"    = [for service in local.speech_key_via_services : "${service}.${local.region}.${local.dns_suffix}"]
              "kms:CallerAccount" = local.account_id
            }
          }
        },
        {
          Sid       = "GrantsOnlyForTheNamedServicesResources"
          Effect    = "Allow"
          Principal = { AWS = local.account_root_arn }
          Action    = "kms:CreateGrant"
          Resource  = "*"
          Condition = {
            StringEquals = {
              "kms:ViaService"    = [for service in local.speech_key_grant_services : "${service}.${local.region}.${local.dns_suffix}"]
              "kms:CallerAccount" = local.account_id
            }
            Bool = { "kms:GrantIsForAWSResource" = "true" }
          }
        },
      ],
      [for delivery in local.speech_key_deliveries : {
        Sid       = delivery.sid
        Effect    = "Allow"
        Principal = { Service = "${delivery.service}.${local.dns_suffix}" }
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:EncryptionContext:${delivery.context}" = delivery.resource } }
      }],
      [{
        Sid       = "CloudWatchLogsEncryptsThisEnvironmentsLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.${local.dns_suffix}" }
        Action    = local.kms_use_actions
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*/${var.name_prefix}-*" }
        }
      }],
    )
  })
}

resource "aws_kms_key" "speech" {
  description             = "${var.name_prefix}: recorded speech in the language region (audio, Transcribe output, Comprehend training data) and the transcription path's queues, topic, logs, functions and images"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = local.speech_key_policy
}

resource "aws_kms_alias" "speech" {
  name          = "alias/${var.name_prefix}-speech"
  target_key_id = aws_kms_key.speech.key_id
}
