output "api_routes" {
  description = "Routes module privacy adds to the intake API (behind its Cognito JWT authorizer; the dpo group only)."
  value       = sort(tolist(local.api_routes))
}

output "function_environments" {
  description = "Environment variables of each function by key, as Lambda gets them (the local runtime and `acogida privacy` read the same). No secrets."
  value       = { for name, variables in local.function_environment : name => tomap(variables) }
}

output "function_names" {
  description = "Lambda function name by function key (privacy_api)."
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

output "function_role_arns" {
  description = "Execution role ARN by function key."
  value       = { for name, function in module.function : name => function.role_arn }
}

output "ecr_repository_urls" {
  description = "Image repository URL by function key."
  value       = { for name, function in module.function : name => function.repository_url }
}

output "log_group_names" {
  description = "Log group name by function key."
  value       = { for name, function in module.function : name => function.log_group_name }
}
