output "environment" {
  description = "Environment (= workspace) of this state."
  value       = var.environment
}

output "aws_region" {
  description = "Region the environment lives in."
  value       = var.aws_region
}

output "aws_account_id" {
  description = "Account the environment lives in (moto's 123456789012 in local mode)."
  value       = var.aws_account_id
}

output "name_prefix" {
  description = "Prefix of every resource name."
  value       = local.name_prefix
}

output "kms_key_arns" {
  description = "Customer-managed key ARNs by service."
  value       = module.landing_zone.kms_key_arns
}

output "kms_alias_names" {
  description = "Customer-managed key aliases by service."
  value       = module.landing_zone.kms_alias_names
}

output "s3_bucket_names" {
  description = "Bucket names by role (raw, curated, artifacts, transcripts, athena-results, reports, access-logs)."
  value       = module.landing_zone.s3_bucket_names
}

output "s3_bucket_arns" {
  description = "Bucket ARNs by role."
  value       = module.landing_zone.s3_bucket_arns
}

output "s3_bucket_kms_key_arns" {
  description = "Default encryption key ARN of each data bucket."
  value       = module.landing_zone.s3_bucket_kms_key_arns
}

output "sns_alerts_topic_arn" {
  description = "Operational alerts topic ARN."
  value       = module.landing_zone.sns_alerts_topic_arn
}

output "dynamodb_intakes_table_name" {
  description = "Intakes table name."
  value       = module.database.dynamodb_intakes_table_name
}

output "dynamodb_intakes_table_arn" {
  description = "Intakes table ARN."
  value       = module.database.dynamodb_intakes_table_arn
}

output "dynamodb_intakes_table_stream_arn" {
  description = "Intakes table stream ARN."
  value       = module.database.dynamodb_intakes_table_stream_arn
}

output "dynamodb_intakes_office_index_name" {
  description = "GSI listing intakes by office and created_at."
  value       = module.database.dynamodb_intakes_office_index_name
}

output "dynamodb_intakes_ttl_attribute" {
  description = "TTL attribute of abandoned drafts."
  value       = module.database.dynamodb_intakes_ttl_attribute
}

output "dynamodb_idempotency_table_name" {
  description = "Powertools idempotency table name."
  value       = module.database.dynamodb_idempotency_table_name
}

output "dynamodb_idempotency_table_arn" {
  description = "Powertools idempotency table ARN."
  value       = module.database.dynamodb_idempotency_table_arn
}
