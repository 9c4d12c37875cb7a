output "environment" {
  description = "Environment (= workspace) of this state."
  value       = var.environment
}

output "aws_region" {
  description = "Home region of the environment: the data, the intake API and everything but the transcription path."
  value       = var.aws_region
}

output "language_region" {
  description = "Region of the batch transcription path and of Comprehend (Transcribe and Comprehend are not offered in aws_region)."
  value       = module.transcription.region
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

output "audit_bucket" {
  description = "The audit bucket (S3 Object Lock, governance mode): one event per action on a person's record under events/intake_id=<id|none>/ (docs/audit.md; acogida privacy audit reads it)."
  value       = module.landing_zone.audit_bucket_name
}

output "audit_kms_key_arn" {
  description = "The audit key: every audit event is encrypted under it (AUDIT_KMS_KEY_ARN of the functions that write events)."
  value       = module.landing_zone.audit_kms_key_arn
}

output "audit_retention_days" {
  description = "Days each audit event is locked and kept (audit_retention_days)."
  value       = module.landing_zone.audit_retention_days
}

output "sns_alerts_topic_arn" {
  description = "Operational alerts topic ARN (home region)."
  value       = module.landing_zone.sns_alerts_topic_arn
}

output "language_alerts_topic_arn" {
  description = "Alerts topic of the language region: the transcription path's alarms notify it (alarm actions are same-region); same subscribers as sns_alerts_topic_arn."
  value       = module.transcription.alerts_topic_arn
}

output "speech_bucket_name" {
  description = "Speech bucket in the language region: recorded audio goes to audio/<intake_id>/<file> (SSE-KMS with speech_kms_key_arn); Transcribe output under transcribe/; Comprehend training data under comprehend/."
  value       = module.transcription.speech_bucket_name
}

output "speech_kms_key_arn" {
  description = "The language region's key (alias/<name_prefix>-speech): the speech bucket, the transcription path's queues, topic, logs, functions and images."
  value       = module.transcription.speech_kms_key_arn
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

output "api_cors_allowed_origins" {
  description = "Origins the browser may call the intake API from (its CORS configuration; the local runtime applies the same list)."
  value       = module.app.api_cors_allowed_origins
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

output "cognito_identity_pool_id" {
  description = "Id of the identity pool whose authenticated identities may only start streaming transcriptions (in language_region)."
  value       = module.app.cognito_identity_pool_id
}

output "front_url" {
  description = "https URL of the front's load balancer (its DNS name; the certificate's domain should point at it); null when front_hosting_enabled is false (local mode: the local runtime serves the front on 127.0.0.1:8080)."
  value       = module.app.front_url
}

output "front_runtime_environment" {
  description = "The front's runtime configuration (API_URL, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_IDENTITY_POOL_ID, AWS_REGION, TRANSCRIBE_REGION): the container's environment on AWS, and what the local runtime serves the front with."
  value       = module.app.front_runtime_environment
}

output "front_ecr_repository_url" {
  description = "Repository of the front's nginx image (scripts/push.sh pushes <url>:<image_tags[\"front\"]> there); null without front hosting."
  value       = module.app.front_ecr_repository_url
}

output "lambda_function_names" {
  description = "Lambda function names by function key (intake_api, export_submissions, bulk_upload, forecast_api, privacy_api in aws_region; transcription_start, transcription_done in language_region)."
  value       = merge(module.app.function_names, module.transcription.function_names, module.bi.function_names, module.ml.function_names, module.privacy.function_names)
}

output "lambda_function_arns" {
  description = "Lambda function ARNs by function key (the ARN names each function's region)."
  value       = merge(module.app.function_arns, module.transcription.function_arns, module.bi.function_arns, module.ml.function_arns, module.privacy.function_arns)
}

output "lambda_regions" {
  description = "Region each function runs in, by function key (Lambda sets AWS_REGION to it; the local runtime does the same)."
  value = merge(
    { for name, _ in module.app.function_names : name => var.aws_region },
    { for name, _ in module.transcription.function_names : name => module.transcription.region },
    { for name, _ in module.bi.function_names : name => var.aws_region },
    { for name, _ in module.ml.function_names : name => var.aws_region },
    { for name, _ in module.privacy.function_names : name => var.aws_region },
  )
}

output "lambda_environments" {
  description = "Environment variables of each function by key (the local runtime runs the handlers in-process with them)."
  value       = merge(module.app.function_environments, module.transcription.function_environments, module.bi.function_environments, module.ml.function_environments, module.privacy.function_environments)
}

output "lambda_image_uris" {
  description = "Image each function runs, by digest (<repository url>@sha256:...), by function key."
  value       = merge(module.app.function_image_uris, module.transcription.function_image_uris, module.bi.function_image_uris, module.ml.function_image_uris, module.privacy.function_image_uris)
}

output "ecr_repository_urls" {
  description = "Image repository URL by function key, each in its function's region (Lambda pulls images from its own region)."
  value       = merge(module.app.ecr_repository_urls, module.transcription.ecr_repository_urls, module.bi.ecr_repository_urls, module.ml.ecr_repository_urls, module.privacy.ecr_repository_urls)
}

output "audio_uploads_queue_url" {
  description = "Queue (language region) S3 notifies for each recorded audio uploaded under the speech bucket's audio/."
  value       = module.transcription.audio_uploads_queue_url
}

output "dead_letter_queue_urls" {
  description = "DLQ URLs (language region) by source: audio_uploads, transcription_done."
  value       = module.transcription.dead_letter_queue_urls
}

output "transcription_job_prefix" {
  description = "Prefix every Transcribe job name of this environment starts with."
  value       = module.transcription.transcription_job_prefix
}

output "log_group_names" {
  description = "Log group names by function key, plus api_access (each in its function's region)."
  value       = merge(module.app.log_group_names, module.transcription.log_group_names, module.ml.log_group_names, module.privacy.log_group_names)
}

# --- Data lake (module bi) ---------------------------------------------------------------------

output "bulk_uploads_queue_url" {
  description = "URL of the bulk-uploads queue (S3 notifications of raw/uploads/)."
  value       = module.bi.bulk_uploads_queue_url
}

output "pseudonymisation_secret_arn" {
  description = "ARN of the pseudonymisation secret (value write-only, never in state)."
  value       = module.bi.pseudonymisation_secret_arn
}

output "glue_database_name" {
  description = "Glue catalogue database of the lake."
  value       = module.bi.glue_database_name
}

output "glue_job_name" {
  description = "Name of the workforce_demand Glue job."
  value       = module.bi.glue_job_name
}

output "glue_crawler_name" {
  description = "Name of the submissions crawler."
  value       = module.bi.glue_crawler_name
}

output "athena_workgroup_name" {
  description = "Name of the analytics Athena workgroup."
  value       = module.bi.athena_workgroup_name
}

output "export_dlq_url" {
  description = "URL of the export's on-failure queue."
  value       = module.bi.export_dlq_url
}

output "curated_demand_prefix" {
  description = "Where the Glue job writes the demand series."
  value       = module.bi.curated_demand_prefix
}

output "bulk_uploads_topic_arn" {
  description = "ARN of the topic each processed bulk upload is announced on."
  value       = module.bi.bulk_uploads_topic_arn
}

# --- Forecast and MLOps pipeline (module ml) ---------------------------------------------------------

output "forecasts_table_name" {
  description = "Forecasts table (hash key series = \"<location>#<workforce_type>\", range key date = \"YYYY-MM-DD\")."
  value       = module.ml.forecasts_table_name
}

output "forecast_topic_arn" {
  description = "ARN of the forecast-published topic."
  value       = module.ml.forecast_topic_arn
}

output "mlops_pipeline_name" {
  description = "Name of the forecast pipeline (null when mlops_pipeline_enabled is false, as in local mode)."
  value       = module.ml.pipeline_name
}

output "mlops_stage_environment" {
  description = "Environment of each pipeline stage command (prepare, train, publish): acogida mlops run --local runs the same commands with it."
  value       = module.ml.stage_environment
}

output "forecast_api_routes" {
  description = "Routes module ml adds to the intake API (all behind the Cognito JWT authorizer)."
  value       = module.ml.api_routes
}

output "mlops_source" {
  description = "Where `acogida infra mlops-source` puts the repository zip the pipeline's S3 source reads (null for the CodeConnections and CodeCommit sources)."
  value = var.mlops_source_provider == "S3" ? {
    bucket      = module.landing_zone.s3_bucket_names["artifacts"]
    key         = var.mlops_source_object_key
    kms_key_arn = module.landing_zone.kms_key_arns["s3"]
  } : null
}

# --- Rights of access and erasure (module privacy) -------------------------------------------------

output "privacy_api_routes" {
  description = "Routes module privacy adds to the intake API (behind the Cognito JWT authorizer; the dpo group only)."
  value       = module.privacy.api_routes
}
