output "topic_arn" {
  description = "ARN of the topic."
  value       = aws_sns_topic.this.arn
}

output "topic_name" {
  description = "Name of the topic."
  value       = aws_sns_topic.this.name
}

output "kms_key_arn" {
  description = "The KMS key that encrypts the topic."
  value       = aws_sns_topic.this.kms_master_key_id
}

output "policy_json" {
  description = "The topic's policy document as applied."
  value       = aws_sns_topic_policy.this.policy
}

output "email_endpoints" {
  description = "The subscribed e-mail addresses, sorted."
  value       = sort([for subscription in aws_sns_topic_subscription.email : subscription.endpoint])
}
