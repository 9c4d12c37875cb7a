# forecast_api: a container-image function (module lambda_function: image repository, log group,
# role with the policy of iam.tf, errors alarm) behind four routes of the intake HTTP API, each
# behind the API's Cognito JWT authorizer.

locals {
  api_routes = toset([
    "GET /forecast",
    "GET /reports",
    "POST /mlops/runs",
    "GET /mlops/runs/{run_id}",
  ])

  # The source ARN of each route's invoke permission: any stage, the route's method and path,
  # a path parameter matching one segment ("GET /mlops/runs/{run_id}" → "*/GET/mlops/runs/*").
  api_route_source_arns = {
    for route in local.api_routes : route => "${var.api_execution_arn}/*/${split(" ", route)[0]}${replace(split(" ", route)[1], "/\\{[a-z_]+\\}/", "*")}"
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

resource "aws_apigatewayv2_integration" "forecast_api" {
  api_id                 = var.api_id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = module.function["forecast_api"].invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "forecast_api" {
  for_each = local.api_routes

  api_id             = var.api_id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.forecast_api.id}"
  authorization_type = "JWT"
  authorizer_id      = var.authorizer_id
}

# One permission per route: the intake routes of the same API cannot invoke this function.
resource "aws_lambda_permission" "api" {
  for_each = local.api_route_source_arns

  statement_id  = "AllowHttpApi-${trim(replace(each.key, "/[^A-Za-z0-9]+/", "-"), "-")}"
  action        = "lambda:InvokeFunction"
  function_name = module.function["forecast_api"].function_name
  principal     = "apigateway.${local.dns_suffix}"
  source_arn    = each.value
}
