# The intake API function: module lambda_function makes the container image (ARM64) function
# whose command names a handler in the acogida package, with X-Ray tracing, its environment
# encrypted with the lambda key, JSON logs into a log group it owns (encrypted, with a retention),
# its image repository, its execution role (trusted by Lambda of this account only, inline policy
# from iam.tf) and its errors alarm (→ the landing zone's alerts topic).

module "function" {
  source   = "../lambda_function"
  for_each = local.functions

  function_key  = each.key
  function_name = local.function_names[each.key]
  description   = each.value.description

  repository_name         = local.function_names[each.key]
  image_tag               = var.image_tags[each.key]
  image_command           = ["acogida.handlers.${each.key}.handler"]
  images_to_keep          = var.ecr_images_to_keep
  force_delete_repository = var.force_delete_repositories

  memory_size           = each.value.memory_size
  timeout               = each.value.timeout
  environment_variables = local.function_environment[each.key]
  application_log_level = local.lambda_application_log_level
  log_retention_days    = var.log_retention_days

  lambda_kms_key_arn = var.lambda_kms_key_arn
  logs_kms_key_arn   = var.logs_kms_key_arn
  ecr_kms_key_arn    = var.ecr_kms_key_arn

  policy_json     = local.function_policies[each.key]
  alarm_topic_arn = var.alerts_topic_arn
}

# --- The extraction of module lambda_function (2026-11): state moves ----------------------------
# Same resources, same names and attributes, new addresses: the plan shows only moves.

moved {
  from = aws_ecr_repository.function["intake_api"]
  to   = module.function["intake_api"].aws_ecr_repository.this
}

moved {
  from = aws_ecr_lifecycle_policy.function["intake_api"]
  to   = module.function["intake_api"].aws_ecr_lifecycle_policy.this
}

moved {
  from = aws_cloudwatch_log_group.function["intake_api"]
  to   = module.function["intake_api"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.function["intake_api"]
  to   = module.function["intake_api"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.function["intake_api"]
  to   = module.function["intake_api"].aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.this["intake_api"]
  to   = module.function["intake_api"].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_metric_alarm.function_errors["intake_api"]
  to   = module.function["intake_api"].aws_cloudwatch_metric_alarm.errors
}
