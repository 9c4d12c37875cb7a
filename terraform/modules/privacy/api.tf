# privacy_api: a container-image function (module lambda_function: image repository, log group,
# role with the policy of iam.tf, errors alarm) behind two routes of the intake HTTP API, each
# behind the API's Cognito JWT authorizer. The document number travels in the JSON body only.

locals {
  api_routes = toset([
    "POST /privacy/access",
    "POST /privacy/erasure",
  ])

  api_route_source_arns = {
    for route in local.api_routes : route => "${var.api_execution_arn}/*/${split(" ", route)[0]}${split(" ", route)[1]}"
  }
}

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

resource "aws_apigatewayv2_integration" "privacy_api" {
  api_id                 = var.api_id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = module.function["privacy_api"].invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_route" "privacy_api" {
  for_each = local.api_routes

  api_id             = var.api_id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.privacy_api.id}"
  authorization_type = "JWT"
  authorizer_id      = var.authorizer_id
}

# One permission per route: no other route of the API can invoke this function.
resource "aws_lambda_permission" "api" {
  for_each = local.api_route_source_arns

  statement_id  = "AllowHttpApi-${trim(replace(each.key, "/[^A-Za-z0-9]+/", "-"), "-")}"
  action        = "lambda:InvokeFunction"
  function_name = module.function["privacy_api"].function_name
  principal     = "apigateway.${local.dns_suffix}"
  source_arn    = each.value
}
