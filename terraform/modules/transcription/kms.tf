# The speech key: the one customer-managed key of the language region. It encrypts the speech
# bucket (audio, Transcribe output, Comprehend training data), the queues, the alerts topic, the
# log groups, the functions' environment and images, and the optional recogniser's model. A key
# is regional, so the landing zone's keys (home region) cannot serve here; one key keeps the
# language region a single data class ("recorded speech and what is derived from it") whose
# grants, audit trail and revocation go together.
#
# The policy follows the landing zone's: the account administers the key through IAM, principals
# of the account use it only through the named services, services that encrypt on their own
# behalf are limited to this account, and CloudWatch Logs only for this account's log groups.

locals {
  account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"

  # kms:ViaService: S3 (objects), SQS and SNS (queues, topic), Transcribe (job output), Comprehend
  # (recogniser model and volume), Lambda (environment variables), ECR (images).
  speech_key_via_services = ["s3", "sqs", "sns", "transcribe", "comprehend", "lambda", "ecr"]

  # Services that use the key on their own behalf: S3 notifications into the uploads queue,
  # EventBridge dead letters into the transcription_done DLQ, alarms publishing to the topic.
  speech_key_service_principals = ["s3.${local.dns_suffix}", "events.${local.dns_suffix}", "cloudwatch.${local.dns_suffix}"]

  speech_key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
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
        Action = [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:DescribeKey",
          "kms:CreateGrant",
        ]
        Resource = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = [for service in local.speech_key_via_services : "${service}.${local.region}.${local.dns_suffix}"]
            "kms:CallerAccount" = local.account_id
          }
        }
      },
      {
        Sid       = "ServicesOfThisAccountEncryptOnTheirOwnBehalf"
        Effect    = "Allow"
        Principal = { Service = local.speech_key_service_principals }
        Action = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:DescribeKey",
        ]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        Sid       = "CloudWatchLogsEncryptsThisAccountsLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.${local.dns_suffix}" }
        Action = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*" }
        }
      },
    ]
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
