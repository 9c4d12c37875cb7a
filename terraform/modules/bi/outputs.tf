output "function_environments" {
  description = "Environment of each function of this module (the local runtime runs the handlers with it)."
  value       = local.function_environment
}

output "function_names" {
  description = "Name of each function (export_submissions, bulk_upload)."
  value       = { for name, function in module.function : name => function.function_name }
}

output "function_arns" {
  description = "ARN of each function."
  value       = { for name, function in module.function : name => function.function_arn }
}

output "function_image_uris" {
  description = "Image each function runs, by digest (<repository url>@sha256:...)."
  value       = { for name, function in module.function : name => function.image_uri }
}

output "ecr_repository_urls" {
  description = "ECR repository URL of each function (export_submissions: intake image; bulk_upload: analytics image)."
  value       = { for name, function in module.function : name => function.repository_url }
}

output "pseudonymisation_secret_arn" {
  description = "ARN of the pseudonymisation secret (its value is write-only: never in state)."
  value       = aws_secretsmanager_secret.pseudonymisation.arn
}

output "bulk_uploads_queue_url" {
  description = "URL of the bulk-uploads queue (S3 notifications of raw/uploads/)."
  value       = module.bulk_uploads_queue.queue_url
}

output "bulk_uploads_topic_arn" {
  description = "ARN of the topic each processed upload is announced on."
  value       = module.uploads_topic.topic_arn
}

output "export_dlq_url" {
  description = "URL of the export's on-failure queue (stream batches that kept failing)."
  value       = aws_sqs_queue.export_dlq.url
}

output "glue_database_name" {
  description = "Glue catalogue database of the lake (tables submissions, workforce_demand, published_forecasts)."
  value       = aws_glue_catalog_database.lake.name
}

output "glue_crawler_name" {
  description = "Name of the submissions crawler (start it on demand with glue start-crawler)."
  value       = aws_glue_crawler.submissions.name
}

output "glue_job_name" {
  description = "Name of the workforce_demand Spark job (the pipeline starts it)."
  value       = aws_glue_job.workforce_demand.name
}

output "athena_workgroup_name" {
  description = "Name of the analytics Athena workgroup."
  value       = aws_athena_workgroup.analytics.name
}

output "athena_named_query_ids" {
  description = "Id of each named query, by name."
  value       = { for name, query in aws_athena_named_query.analyst : name => query.id }
}

output "curated_demand_prefix" {
  description = "Where the job writes the demand series in the curated bucket: forecast_import/ (CSV) and parquet/."
  value       = "s3://${var.curated_bucket_name}/${local.demand_prefix}"
}

output "quicksight_dashboard_id" {
  description = "Id of the coordinator dashboard (null unless quicksight_enabled)."
  value       = var.quicksight_enabled ? aws_quicksight_dashboard.coordinator[0].dashboard_id : null
}
