output "api_endpoint" {
  description = "Invoke URL of the intake API's $default stage (routes hang off it, e.g. <api_endpoint>/intakes)."
  value       = aws_apigatewayv2_stage.default.invoke_url
}

output "api_id" {
  description = "Id of the intake HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_routes" {
  description = "Route keys of the intake API, all behind the Cognito JWT authorizer."
  value       = sort(tolist(local.api_routes))
}

output "api_cors_allowed_origins" {
  description = "Origins the intake API's CORS configuration admits (empty: none); the local runtime answers preflights for the same ones."
  value       = var.cors_allowed_origins
}

output "cognito_user_pool_id" {
  description = "Id of the staff user pool."
  value       = aws_cognito_user_pool.this.id
}

output "cognito_user_pool_arn" {
  description = "ARN of the staff user pool."
  value       = aws_cognito_user_pool.this.arn
}

output "cognito_user_pool_client_id" {
  description = "Id of the web app client (no secret); the JWT authorizer's audience."
  value       = aws_cognito_user_pool_client.web.id
}

output "cognito_issuer" {
  description = "Issuer URL of the user pool's tokens, as the JWT authorizer checks it."
  value       = local.cognito_issuer
}

output "cognito_group_names" {
  description = "Cognito groups (roles) users are put in: technician, coordinator, dpo."
  value       = sort([for group in aws_cognito_user_group.this : group.name])
}

output "function_names" {
  description = "Lambda function name by function key (intake_api)."
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

output "function_environments" {
  description = "Environment variables of each function by key, as Lambda gets them (the local runtime hands the same to the handlers it runs in-process). No secrets."
  value       = { for name, variables in local.function_environment : name => tomap(variables) }
}

output "function_role_arns" {
  description = "Execution role ARN by function key."
  value       = { for name, function in module.function : name => function.role_arn }
}

output "ecr_repository_urls" {
  description = "Image repository URL by function key (scripts/push.sh pushes <url>:<content-hash tag> there)."
  value       = { for name, function in module.function : name => function.repository_url }
}

output "log_group_names" {
  description = "Log group name by function key, plus api_access for the API's access logs."
  value = merge(
    { for name, function in module.function : name => function.log_group_name },
    { api_access = aws_cloudwatch_log_group.api_access.name },
  )
}

output "api_execution_arn" {
  description = "Execution ARN of the intake HTTP API (other modules' routes scope their invoke permissions under it)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "authorizer_id" {
  description = "Id of the API's Cognito JWT authorizer (other modules' routes use it)."
  value       = aws_apigatewayv2_authorizer.cognito.id
}

output "cognito_identity_pool_id" {
  description = "Id of the identity pool that gives signed-in users streaming-transcription credentials."
  value       = aws_cognito_identity_pool.this.id
}

output "transcribe_streaming_role_arn" {
  description = "ARN of the role of the identity pool's authenticated identities (transcribe:StartStreamTranscription and StartStreamTranscriptionWebSocket only)."
  value       = aws_iam_role.transcribe_streaming.arn
}

output "front_runtime_environment" {
  description = "Runtime configuration of the front, as its container gets it (environment variables its entrypoint renders at start; the local runtime serves the front with the same values): API_URL, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_IDENTITY_POOL_ID, AWS_REGION, TRANSCRIBE_REGION."
  value       = local.front_runtime_environment
}

output "front_url" {
  description = "https URL of the front's load balancer (its DNS name); null without front_hosting_enabled. With a custom domain, point it at front_load_balancer_dns_name."
  value       = var.front_hosting_enabled ? "https://${aws_lb.front[0].dns_name}" : null
}

output "front_load_balancer_dns_name" {
  description = "DNS name of the front's load balancer (the target of the domain's alias/CNAME record); null without front_hosting_enabled."
  value       = var.front_hosting_enabled ? aws_lb.front[0].dns_name : null
}

output "front_ecr_repository_url" {
  description = "Repository of the front image (scripts/push.sh pushes <url>:<content-hash tag> there); null without front_hosting_enabled."
  value       = var.front_hosting_enabled ? aws_ecr_repository.front[0].repository_url : null
}

output "front_ecs_cluster_name" {
  description = "ECS cluster of the front; null without front_hosting_enabled."
  value       = var.front_hosting_enabled ? aws_ecs_cluster.front[0].name : null
}

output "front_ecs_service_name" {
  description = "ECS service of the front; null without front_hosting_enabled."
  value       = var.front_hosting_enabled ? aws_ecs_service.front[0].name : null
}
