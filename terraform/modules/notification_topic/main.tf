# One SNS topic encrypted with a customer-managed key, its policy and its e-mail subscriptions.
# The policy: this account manages the topic (and may publish), the caller's publishers (services
# of this account, optionally one source ARN each) may publish, and nothing goes over plain HTTP.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id

  publisher_statements = [
    for publisher in var.publishers : {
      Sid       = publisher.sid
      Effect    = "Allow"
      Principal = { Service = publisher.services }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.this.arn
      Condition = merge(
        { StringEquals = { "aws:SourceAccount" = local.account_id } },
        publisher.source_arn == null ? {} : { ArnEquals = { "aws:SourceArn" = publisher.source_arn } },
      )
    }
  ]
}

resource "aws_sns_topic" "this" {
  name              = var.name
  display_name      = var.display_name
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sns_topic_policy" "this" {
  arn = aws_sns_topic.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "AccountManagesTheTopic"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root" }
        Action    = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
        Resource  = aws_sns_topic.this.arn
      }],
      local.publisher_statements,
      [{
        Sid       = "DenyRequestsWithoutTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sns:Publish", "sns:Subscribe"]
        Resource  = aws_sns_topic.this.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }],
    )
  })
}

# Each address gets a confirmation e-mail; until it is followed the subscription stays pending.
resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.email_addresses)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}
