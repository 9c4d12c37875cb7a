output "queue_name" {
  description = "Name of the queue."
  value       = aws_sqs_queue.this.name
}

output "queue_arn" {
  description = "ARN of the queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_url" {
  description = "URL of the queue."
  value       = aws_sqs_queue.this.url
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "kms_key_arn" {
  description = "The KMS key that encrypts both queues."
  value       = aws_sqs_queue.this.kms_master_key_id
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}

output "max_receive_count" {
  description = "Receives after which a message moves to the dead-letter queue."
  value       = jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount
}

output "queue_policy_json" {
  description = "The queue's policy document as applied."
  value       = aws_sqs_queue.this.policy
}
