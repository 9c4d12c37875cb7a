# The intake API: an HTTP API whose every route requires a Cognito JWT and proxies to
# intake_api (payload format 2.0). One $default stage, deployed automatically, throttled, with
# access logs that hold no request bodies, query strings or paths (they could carry personal data).

locals {
  api_routes = toset([
    "POST /intakes",
    "GET /intakes",
    "GET /intakes/{intake_id}",
    "POST /intakes/{intake_id}/segments",
    "PATCH /intakes/{intake_id}/fields",
    "POST /intakes/{intake_id}/submit",
  ])

  cognito_issuer = "https://cognito-idp.${local.region}.${local.dns_suffix}/${aws_cognito_user_pool.this.id}"

  # Identifiers, status and timings only: no $context.path (it names the intake), no query
  # string, no body, no user claims.
  api_access_log_format = jsonencode({
    requestId          = "$context.requestId"
    requestTime        = "$context.requestTime"
    routeKey           = "$context.routeKey"
    status             = "$context.status"
    protocol           = "$context.protocol"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationLatency = "$context.integrationLatency"
    integrationStatus  = "$context.integrationStatus"
    authorizerError    = "$context.authorizer.error"
    sourceIp           = "$context.identity.sourceIp"
  })
}

resource "aws_apigatewayv2_api" "this" {
  name          = "${var.name_prefix}-intake-api"
  description   = "Acogida intake API (${var.name_prefix})"
  protocol_type = "HTTP"

  dynamic "cors_configuration" {
    for_each = length(var.cors_allowed_origins) == 0 ? [] : [var.cors_allowed_origins]

    content {
      allow_origins     = cors_configuration.value
      allow_methods     = ["GET", "POST", "PATCH", "OPTIONS"]
      allow_headers     = ["authorization", "content-type", "idempotency-key"] # POST /intakes honours Idempotency-Key
      allow_credentials = false                                                # bearer tokens travel in the Authorization header, not cookies
      max_age           = 3600
    }
  }
}

resource "aws_apigatewayv2_authorizer" "cognito" {
  api_id           = aws_apigatewayv2_api.this.id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = local.cognito_issuer
    audience = [aws_cognito_user_pool_client.web.id]
  }
}

resource "aws_apigatewayv2_integration" "intake_api" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = module.function["intake_api"].invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "intake_api" {
  for_each = local.api_routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.intake_api.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${var.name_prefix}-intake-api/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format          = local.api_access_log_format
  }

  default_route_settings {
    throttling_rate_limit    = var.api_throttling_rate_limit
    throttling_burst_limit   = var.api_throttling_burst_limit
    detailed_metrics_enabled = false
  }
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowIntakeHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = module.function["intake_api"].function_name
  principal     = "apigateway.${local.dns_suffix}"
  # Any stage and route of this API, and nothing else.
  source_arn = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}
