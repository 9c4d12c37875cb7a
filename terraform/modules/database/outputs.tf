output "dynamodb_intakes_table_name" {
  description = "Name of the intakes table."
  value       = aws_dynamodb_table.intakes.name
}

output "dynamodb_intakes_table_arn" {
  description = "ARN of the intakes table."
  value       = aws_dynamodb_table.intakes.arn
}

output "dynamodb_intakes_table_stream_arn" {
  description = "ARN of the intakes table's stream (NEW_AND_OLD_IMAGES), the export Lambda's event source."
  value       = aws_dynamodb_table.intakes.stream_arn
}

output "dynamodb_intakes_office_index_name" {
  description = "Name of the GSI that lists intakes by office (hash) and created_at (range)."
  value       = local.intakes_office_index_name
}

output "dynamodb_intakes_ttl_attribute" {
  description = "Attribute holding the epoch-seconds expiry of a draft; DynamoDB TTL deletes the item after it."
  value       = local.intakes_ttl_attribute
}

output "dynamodb_idempotency_table_name" {
  description = "Name of the Powertools idempotency table (key `id`, TTL `expiration`)."
  value       = aws_dynamodb_table.idempotency.name
}

output "dynamodb_idempotency_table_arn" {
  description = "ARN of the Powertools idempotency table."
  value       = aws_dynamodb_table.idempotency.arn
}
