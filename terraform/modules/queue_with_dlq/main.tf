# A standard SQS queue and its dead-letter queue, both encrypted with a customer-managed key. A
# message received max_receive_count times without being deleted moves to the DLQ.
#
# The policies are the queues' own policy argument (one CreateQueue call each) rather than
# aws_sqs_queue_policy resources, each of which costs another ~25 s provider wait. They name their
# queue's ARN built from the name, which avoids a self-reference.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  dlq_name   = "${var.name}-dlq"
  queue_arns = {
    queue = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${local.account_id}:${var.name}"
    dlq   = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${local.account_id}:${local.dlq_name}"
  }

  deny_requests_without_tls = {
    for key, arn in local.queue_arns : key => {
      Sid       = "DenyRequestsWithoutTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }

  sender_statements = [
    for sender in var.senders : {
      Sid       = sender.sid
      Effect    = "Allow"
      Principal = { Service = sender.service }
      Action    = "sqs:SendMessage"
      Resource  = local.queue_arns["queue"]
      Condition = {
        ArnEquals    = { "aws:SourceArn" = sender.source_arn }
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }
  ]
}

resource "aws_sqs_queue" "dlq" {
  name                              = local.dlq_name
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds

  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.deny_requests_without_tls["dlq"]]
  })
}

resource "aws_sqs_queue" "this" {
  name                              = var.name
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.sender_statements, [local.deny_requests_without_tls["queue"]])
  })
}
