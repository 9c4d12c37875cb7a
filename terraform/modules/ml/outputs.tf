output "forecasts_table_name" {
  description = "Name of the forecasts table (hash key series = \"<location>#<workforce_type>\", range key date = \"YYYY-MM-DD\")."
  value       = aws_dynamodb_table.forecasts.name
}

output "forecasts_table_arn" {
  description = "ARN of the forecasts table."
  value       = aws_dynamodb_table.forecasts.arn
}

output "forecasts_ttl_attribute" {
  description = "TTL attribute of the forecasts table (epoch seconds; publish sets it forecast_ttl_days ahead)."
  value       = local.forecasts_ttl_attribute
}

output "forecast_topic_arn" {
  description = "ARN of the forecast-published topic (publication notices; approval requests in prod)."
  value       = module.forecast_published_topic.topic_arn
}

output "report_sender_identity_arn" {
  description = "ARN of the SES identity of report_sender_email (null without a sender)."
  value       = one(aws_ses_email_identity.report_sender[*].arn)
}

output "pipeline_name" {
  description = "Name of the forecast pipeline (null when pipeline_enabled is false)."
  value       = one(aws_codepipeline.forecast[*].name)
}

output "pipeline_arn" {
  description = "ARN of the forecast pipeline (null when pipeline_enabled is false)."
  value       = one(aws_codepipeline.forecast[*].arn)
}

output "pipeline_stage_names" {
  description = "The pipeline's stages in order (empty when pipeline_enabled is false)."
  value       = var.pipeline_enabled ? concat(["Source"], [for stage in local.pipeline_stages : stage.name]) : []
}

output "codebuild_project_names" {
  description = "CodeBuild project of each stage (prepare, train, gate, publish); empty when pipeline_enabled is false."
  value       = { for stage, project in aws_codebuild_project.stage : stage => project.name }
}

output "codebuild_log_group_names" {
  description = "Log group of each stage's builds; empty when pipeline_enabled is false."
  value       = { for stage, group in aws_cloudwatch_log_group.stage : stage => group.name }
}

output "connection_arn" {
  description = "ARN of the CodeStar connection (CodeStarSourceConnection only; complete it once in the console). null otherwise."
  value       = one(aws_codestarconnections_connection.repository[*].arn)
}

output "stage_environment" {
  description = "Environment of each stage command (prepare, train, publish; gate needs none): acogida mlops run --local reads it to run the same commands. publish also gets RUN_ID, the pipeline execution id."
  value       = local.stage_environment
}

output "function_environments" {
  description = "Environment variables of each function by key, as Lambda gets them (the local runtime hands the same to the handler it runs in-process). No secrets."
  value       = { for name, variables in local.function_environment : name => tomap(variables) }
}

output "function_names" {
  description = "Lambda function name by function key (forecast_api)."
  value       = { for name, function in module.function : name => function.function_name }
}

output "function_arns" {
  description = "Lambda function ARN by function key."
  value       = { for name, function in module.function : name => function.function_arn }
}

output "function_image_uris" {
  description = "Image each function runs, by digest (<repository url>@sha256:...), by function key."
  value       = { for name, function in module.function : name => function.image_uri }
}

output "ecr_repository_urls" {
  description = "Image repository URL by function key (scripts/push.sh pushes <url>:<content-hash tag> there)."
  value       = { for name, function in module.function : name => function.repository_url }
}

output "log_group_names" {
  description = "Log group name by function key."
  value       = { for name, function in module.function : name => function.log_group_name }
}

output "api_routes" {
  description = "Route keys this module adds to the intake API, all behind the Cognito JWT authorizer."
  value       = sort(tolist(local.api_routes))
}
