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

output "api_endpoint" {
  description = "Invoke URL of the intake API (every route needs a Cognito JWT)."
  value       = module.app.api_endpoint
}

output "api_id" {
  description = "Id of the intake HTTP API."
  value       = module.app.api_id
}

output "cognito_user_pool_id" {
  description = "Id of the staff user pool."
  value       = module.app.cognito_user_pool_id
}

output "cognito_user_pool_client_id" {
  description = "Id of the web app client (no secret)."
  value       = module.app.cognito_user_pool_client_id
}

output "cognito_issuer" {
  description = "Issuer URL the API's JWT authorizer accepts."
  value       = module.app.cognito_issuer
}

output "lambda_function_names" {
  description = "Lambda function names by function key (intake_api, transcription_start, transcription_done)."
  value       = module.app.function_names
}

output "lambda_function_arns" {
  description = "Lambda function ARNs by function key."
  value       = module.app.function_arns
}

output "lambda_environments" {
  description = "Environment variables of each function by key (the local runtime runs the handlers in-process with them)."
  value       = module.app.function_environments
}

output "ecr_repository_urls" {
  description = "Image repository URL by function key."
  value       = module.app.ecr_repository_urls
}

output "audio_uploads_queue_url" {
  description = "Queue S3 notifies for each recorded audio uploaded under the transcripts bucket's audio/."
  value       = module.app.audio_uploads_queue_url
}

output "dead_letter_queue_urls" {
  description = "DLQ URLs by source: audio_uploads, transcription_done."
  value       = module.app.dead_letter_queue_urls
}

output "transcription_job_prefix" {
  description = "Prefix every Transcribe job name of this environment starts with."
  value       = module.app.transcription_job_prefix
}

output "log_group_names" {
  description = "Log group names by function key, plus api_access."
  value       = module.app.log_group_names
}
