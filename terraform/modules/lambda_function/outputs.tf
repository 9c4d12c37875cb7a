output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "Invoke ARN of the function (API Gateway integrations)."
  value       = aws_lambda_function.this.invoke_arn
}

output "image_uri" {
  description = "Image the function runs, by digest (<repository url>@sha256:...)."
  value       = aws_lambda_function.this.image_uri
}

output "image_tag" {
  description = "The tag whose digest the function runs."
  value       = data.aws_ecr_image.this.image_tag
}

output "image_digest" {
  description = "Digest of the image the function runs (sha256:...)."
  value       = data.aws_ecr_image.this.image_digest
}

output "image_command" {
  description = "The image's command (the handler)."
  value       = aws_lambda_function.this.image_config[0].command
}

output "environment_variables" {
  description = "Environment variables of the function, as Lambda gets them. No secrets."
  value       = aws_lambda_function.this.environment[0].variables
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the function's execution role (<function_name>-fn)."
  value       = aws_iam_role.this.name
}

output "policy_json" {
  description = "The role's inline policy as applied: the module's own statements (WriteOwnLogGroup, UploadTraces) followed by the caller's."
  value       = aws_iam_role_policy.this.policy
}

output "repository_name" {
  description = "Name of the function's ECR repository."
  value       = aws_ecr_repository.this.name
}

output "repository_url" {
  description = "URL of the function's ECR repository (push <url>:<tag>)."
  value       = aws_ecr_repository.this.repository_url
}

output "log_group_name" {
  description = "Name of the function's log group (/aws/lambda/<function_name>)."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "errors_alarm_name" {
  description = "Name of the alarm on the function's errors (<function_name>-errors)."
  value       = aws_cloudwatch_metric_alarm.errors.alarm_name
}

output "memory_size" {
  description = "Memory of the function in MB."
  value       = aws_lambda_function.this.memory_size
}

output "timeout" {
  description = "Timeout of the function in seconds (e.g. to size an SQS trigger's visibility timeout)."
  value       = aws_lambda_function.this.timeout
}

output "application_log_level" {
  description = "Lambda's application log level of the function."
  value       = aws_lambda_function.this.logging_config[0].application_log_level
}

output "encryption_key_arns" {
  description = "The customer-managed key of each encrypted part: environment variables, log group, image repository."
  value = {
    environment = aws_lambda_function.this.kms_key_arn
    logs        = aws_cloudwatch_log_group.this.kms_key_id
    images      = aws_ecr_repository.this.encryption_configuration[0].kms_key
  }
}

output "repository_force_delete" {
  description = "Whether destroying the repository also deletes its images."
  value       = aws_ecr_repository.this.force_delete
}
