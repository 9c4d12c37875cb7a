# Plan-and-apply against a mock AWS provider: checks what the module asks AWS for, offline.
# The real apply against moto is tests/integration/test_local_apply.py.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-south-2" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  # The image scripts/push.sh pushed at each tag.
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-south-2:123456789012:log-group:mock-group" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:eu-south-2:123456789012:repository/mock"
      repository_url = "123456789012.dkr.ecr.eu-south-2.amazonaws.com/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-south-2:123456789012:function:mock"
      invoke_arn = "arn:aws:apigateway:eu-south-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-south-2:123456789012:function:mock/invocations"
    }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id  = "eu-south-2_MockPool1"
      arn = "arn:aws:cognito-idp:eu-south-2:123456789012:userpool/eu-south-2_MockPool1"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = { id = "mockclientid0123456789abcd" }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "mockapi123"
      execution_arn = "arn:aws:execute-api:eu-south-2:123456789012:mockapi123"
      api_endpoint  = "https://mockapi123.execute-api.eu-south-2.amazonaws.com"
    }
  }
  mock_resource "aws_apigatewayv2_stage" {
    defaults = { invoke_url = "https://mockapi123.execute-api.eu-south-2.amazonaws.com/" }
  }
}

variables {
  submitted_intake_retention_days = 1826
  name_prefix                     = "acogida-test"
  environment                     = "test"
  language_region                 = "eu-west-1"
  lambda_kms_key_arn              = "arn:aws:kms:eu-south-2:123456789012:key/0000000a-0000-4000-8000-00000000000a"
  ecr_kms_key_arn                 = "arn:aws:kms:eu-south-2:123456789012:key/0000000b-0000-4000-8000-00000000000b"
  logs_kms_key_arn                = "arn:aws:kms:eu-south-2:123456789012:key/0000000c-0000-4000-8000-00000000000c"
  dynamodb_kms_key_arn            = "arn:aws:kms:eu-south-2:123456789012:key/0000000e-0000-4000-8000-00000000000e"
  transcripts_kms_key_arn         = "arn:aws:kms:eu-south-2:123456789012:key/0000000f-0000-4000-8000-00000000000f"
  transcripts_bucket_name         = "acogida-test-transcripts-123456789012"
  intakes_table_name              = "acogida-test-intakes"
  intakes_table_arn               = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-intakes"
  intakes_office_index_name       = "by_office_created_at"
  idempotency_table_name          = "acogida-test-idempotency"
  idempotency_table_arn           = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-idempotency"
  alerts_topic_arn                = "arn:aws:sns:eu-south-2:123456789012:acogida-test-alerts"
  image_tags                      = { intake_api = "intake-0123456789abcdef0123" }
  user_pool_deletion_protection   = true
}

run "functions_are_traced_arm64_images_with_encrypted_environment" {
  command = apply

  assert {
    condition     = toset(keys(module.function)) == toset(["intake_api"])
    error_message = "The module has the intake API function only (the transcription functions are module transcription's)."
  }

  assert {
    condition = alltrue([for name, function in module.function :
    function.function_name == "acogida-test-${replace(name, "_", "-")}" && function.role_name == "acogida-test-${replace(name, "_", "-")}-fn"])
    error_message = "Every function (an ARM64 traced image: module lambda_function) is named <name_prefix>-<function>, its role <name>-fn."
  }

  assert {
    condition = alltrue([for name, function in module.function :
    function.image_command == tolist(["acogida.handlers.${name}.handler"])])
    error_message = "Each image's command names acogida.handlers.<function>.handler."
  }

  assert {
    condition = alltrue([for name, function in module.function :
    function.image_uri == "${function.repository_url}@sha256:abababababababababababababababababababababababababababababababab" && function.image_tag == var.image_tags[name]])
    error_message = "Each function runs, by digest, the image its image_tags entry names in its own repository."
  }

  assert {
    condition = alltrue([for name, function in module.function :
      function.log_group_name == "/aws/lambda/acogida-test-${replace(name, "_", "-")}" &&
    function.application_log_level == "INFO"])
    error_message = "Every function logs JSON into the log group this module owns."
  }

  assert {
    condition     = module.function["intake_api"].memory_size == 1024 && module.function["intake_api"].timeout == 15
    error_message = "The intake API has 1024 MB (spaCy model) and a 15 s timeout."
  }

  assert {
    condition = alltrue([for name, function in module.function :
      toset(keys(function.environment_variables)) == toset([
        "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL", "LOG_LEVEL",
        "ACOGIDA_ENVIRONMENT", "ACOGIDA_LANGUAGE_REGION", "INTAKES_TABLE", "INTAKES_OFFICE_INDEX", "IDEMPOTENCY_TABLE",
        "TRANSCRIPTS_BUCKET", "TRANSCRIPTS_KMS_KEY_ARN", "COMPREHEND_ENABLED", "TRANSCRIPTION_JOB_PREFIX", "DRAFT_TTL_DAYS", "SUBMITTED_INTAKE_RETENTION_DAYS",
      ])
    && function.environment_variables["POWERTOOLS_SERVICE_NAME"] == name])
    error_message = "The function gets exactly the environment contract of src/acogida (no audio bucket: that is the transcription path's), with its own service name."
  }

  assert {
    condition = (module.function["intake_api"].environment_variables["ACOGIDA_LANGUAGE_REGION"] == "eu-west-1" &&
    !contains(keys(module.function["intake_api"].environment_variables), "ACOGIDA_DATA_REGION"))
    error_message = "Comprehend is called in the language region; the data stays in the function's own region."
  }

  assert {
    condition     = alltrue([for name, function in module.function : output.function_environments[name] == function.environment_variables])
    error_message = "function_environments is exactly what each function gets (the local runtime uses it)."
  }

  assert {
    condition = alltrue([for function in module.function :
      function.environment_variables["TRANSCRIPTION_JOB_PREFIX"] == "acogida-test-" &&
      function.environment_variables["COMPREHEND_ENABLED"] == "true" &&
      function.environment_variables["DRAFT_TTL_DAYS"] == "7" &&
      function.environment_variables["SUBMITTED_INTAKE_RETENTION_DAYS"] == "1826" &&
      function.environment_variables["POWERTOOLS_METRICS_NAMESPACE"] == "Acogida" &&
      function.environment_variables["TRANSCRIPTS_KMS_KEY_ARN"] == var.transcripts_kms_key_arn &&
    function.environment_variables["ACOGIDA_ENVIRONMENT"] == "test"])
    error_message = "Environment values follow the variables."
  }

  assert {
    condition     = aws_cloudwatch_log_group.api_access.kms_key_id == var.logs_kms_key_arn && aws_cloudwatch_log_group.api_access.retention_in_days == 365
    error_message = "The access log group is encrypted with the logs key and has a retention (the function's: module lambda_function)."
  }
}

run "image_tags_and_log_level_reach_the_function" {
  command = plan

  variables {
    image_tags = { intake_api = "intake-fedcba9876543210fedc" }
    log_level  = "WARNING"
  }

  assert {
    condition     = module.function["intake_api"].image_tag == "intake-fedcba9876543210fedc"
    error_message = "The function reads the digest of its image_tags entry."
  }

  assert {
    condition     = module.function["intake_api"].application_log_level == "WARN" && module.function["intake_api"].environment_variables["POWERTOOLS_LOG_LEVEL"] == "WARNING"
    error_message = "Lambda's application log level follows log_level (WARNING is WARN there)."
  }
}

run "repositories_named_after_the_functions" {
  command = apply

  assert {
    condition     = alltrue([for name, function in module.function : function.repository_name == "acogida-test-${replace(name, "_", "-")}"])
    error_message = "One repository per function (immutable, scanned, encrypted, pruned: module lambda_function), named with hyphens."
  }
}

run "roles_trusted_by_lambda_only_with_named_actions" {
  command = apply

  assert {
    condition     = [for function in module.function : function.role_name] == ["acogida-test-intake-api-fn"]
    error_message = "One role, for the intake API."
  }

  assert {
    condition = alltrue(flatten([for policy in module.function : [
      for statement in jsondecode(policy.policy_json).Statement : [for action in flatten([statement.Action]) : !strcontains(action, "*")]
    ]]))
    error_message = "No policy uses a wildcard action."
  }

  assert {
    condition = alltrue(flatten([for policy in module.function : [
      for statement in jsondecode(policy.policy_json).Statement :
      !contains(flatten([statement.Resource]), "*") || alltrue([for action in flatten([statement.Action]) : contains(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "comprehend:DetectEntities", "comprehend:DetectPiiEntities"], action)])
    ]]))
    error_message = "\"Resource\": \"*\" appears only for actions without a resource ARN (X-Ray upload, Comprehend Detect*)."
  }

  assert {
    condition = !anytrue(flatten([for policy in module.function : [
    for statement in jsondecode(policy.policy_json).Statement : [for action in flatten([statement.Action]) : startswith(action, "transcribe:") || startswith(action, "sqs:")]]]))
    error_message = "The API neither starts Transcribe jobs nor consumes queues."
  }

  assert {
    condition = alltrue([for statement in jsondecode(module.function["intake_api"].policy_json).Statement :
    alltrue([for resource in flatten([statement.Resource]) : !strcontains(resource, "/audio/") && !strcontains(resource, "/transcribe/")])])
    error_message = "The API touches neither uploaded audio nor Transcribe output."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(module.function["intake_api"].policy_json).Statement : flatten([statement.Resource]) if anytrue([for action in flatten([statement.Action]) : startswith(action, "s3:")])])) == toset([
      "arn:aws:s3:::acogida-test-transcripts-123456789012/drafts/*", "arn:aws:s3:::acogida-test-transcripts-123456789012/redacted/*", "arn:aws:s3:::acogida-test-transcripts-123456789012",
    ])
    error_message = "The API reaches the transcripts bucket's drafts/ and redacted/ only."
  }

  assert {
    condition = {
      for name, policy in module.function : name =>
      anytrue([for statement in jsondecode(policy.policy_json).Statement : contains(flatten([statement.Action]), "comprehend:DetectPiiEntities")])
    } == { intake_api = true }
    error_message = "With comprehend_enabled the API (which extracts fields from live segments) may call Comprehend Detect*."
  }
}

run "comprehend_off_removes_its_permission_and_flag" {
  command = plan

  variables {
    comprehend_enabled = false
  }

  assert {
    condition = !anytrue(flatten([for policy in module.function : [
    for statement in jsondecode(policy.policy_json).Statement : [for action in flatten([statement.Action]) : startswith(action, "comprehend:")]]]))
    error_message = "Without comprehend_enabled no role may call Comprehend."
  }

  assert {
    condition     = alltrue([for function in module.function : function.environment_variables["COMPREHEND_ENABLED"] == "false"])
    error_message = "COMPREHEND_ENABLED is \"false\" when Comprehend is off."
  }
}

run "api_routes_all_require_the_cognito_jwt" {
  command = apply

  assert {
    condition = toset([for route in aws_apigatewayv2_route.intake_api : route.route_key]) == toset([
      "POST /intakes", "GET /intakes", "GET /intakes/{intake_id}", "POST /intakes/{intake_id}/segments",
      "PATCH /intakes/{intake_id}/fields", "POST /intakes/{intake_id}/submit",
    ])
    error_message = "The API has exactly the six intake routes."
  }

  assert {
    condition     = alltrue([for route in aws_apigatewayv2_route.intake_api : route.authorization_type == "JWT" && route.authorizer_id == aws_apigatewayv2_authorizer.cognito.id])
    error_message = "Every route requires the Cognito JWT."
  }

  assert {
    condition = (aws_apigatewayv2_authorizer.cognito.jwt_configuration[0].issuer == "https://cognito-idp.eu-south-2.amazonaws.com/eu-south-2_MockPool1" &&
    aws_apigatewayv2_authorizer.cognito.jwt_configuration[0].audience == toset([aws_cognito_user_pool_client.web.id]))
    error_message = "The authorizer trusts the user pool's issuer and the web client as audience."
  }

  assert {
    condition     = aws_apigatewayv2_integration.intake_api.integration_type == "AWS_PROXY" && aws_apigatewayv2_integration.intake_api.payload_format_version == "2.0"
    error_message = "Routes proxy to intake_api with payload format 2.0."
  }

  assert {
    condition = (aws_apigatewayv2_stage.default.name == "$default" && aws_apigatewayv2_stage.default.auto_deploy &&
      aws_apigatewayv2_stage.default.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.api_access.arn &&
      aws_apigatewayv2_stage.default.default_route_settings[0].throttling_rate_limit == 50 &&
    aws_apigatewayv2_stage.default.default_route_settings[0].throttling_burst_limit == 100)
    error_message = "The $default stage deploys automatically, logs access and throttles."
  }

  assert {
    condition = (!strcontains(aws_apigatewayv2_stage.default.access_log_settings[0].format, "$context.path") &&
      !strcontains(aws_apigatewayv2_stage.default.access_log_settings[0].format, "queryString") &&
      !strcontains(aws_apigatewayv2_stage.default.access_log_settings[0].format, "$request.body") &&
      !strcontains(aws_apigatewayv2_stage.default.access_log_settings[0].format, "claims") &&
    strcontains(aws_apigatewayv2_stage.default.access_log_settings[0].format, "$context.routeKey"))
    error_message = "Access logs hold the route and status, never the path, query string, body or user claims."
  }

  assert {
    condition     = aws_lambda_permission.api.principal == "apigateway.amazonaws.com" && aws_lambda_permission.api.source_arn == "arn:aws:execute-api:eu-south-2:123456789012:mockapi123/*/*"
    error_message = "Only this API may invoke intake_api."
  }

  assert {
    condition     = length(aws_apigatewayv2_api.this.cors_configuration) == 0
    error_message = "No CORS configuration unless origins are given."
  }

  assert {
    condition     = output.api_endpoint == "https://mockapi123.execute-api.eu-south-2.amazonaws.com/" && output.cognito_issuer == "https://cognito-idp.eu-south-2.amazonaws.com/eu-south-2_MockPool1"
    error_message = "Outputs give the invoke URL and the issuer."
  }
}

run "cors_limited_to_the_given_origins" {
  command = plan

  variables {
    cors_allowed_origins = ["https://acogida.example.org"]
  }

  assert {
    condition     = aws_apigatewayv2_api.this.cors_configuration[0].allow_origins == toset(["https://acogida.example.org"]) && !aws_apigatewayv2_api.this.cors_configuration[0].allow_credentials
    error_message = "CORS allows exactly the configured origins, without credentials."
  }
}

run "user_pool_admin_created_strong_passwords_groups" {
  command = apply

  assert {
    condition = (aws_cognito_user_pool.this.name == "acogida-test-users" &&
      aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only &&
      aws_cognito_user_pool.this.username_attributes == toset(["email"]) &&
    aws_cognito_user_pool.this.deletion_protection == "ACTIVE")
    error_message = "Accounts are created by administrators, the e-mail is the user name, the pool is protected."
  }

  assert {
    condition = (aws_cognito_user_pool.this.password_policy[0].minimum_length >= 14 && aws_cognito_user_pool.this.password_policy[0].require_symbols &&
    aws_cognito_user_pool.this.mfa_configuration == "OPTIONAL" && aws_cognito_user_pool.this.software_token_mfa_configuration[0].enabled)
    error_message = "Strong passwords, TOTP MFA available."
  }

  assert {
    condition     = anytrue([for attribute in aws_cognito_user_pool.this.schema : attribute.name == "office" && attribute.attribute_data_type == "String"])
    error_message = "Users carry the custom office attribute."
  }

  assert {
    condition     = toset(keys(aws_cognito_user_group.this)) == toset(["technician", "coordinator", "dpo"])
    error_message = "The groups are technician, coordinator and dpo."
  }

  assert {
    condition = (!aws_cognito_user_pool_client.web.generate_secret &&
      aws_cognito_user_pool_client.web.explicit_auth_flows == toset(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]) &&
    aws_cognito_user_pool_client.web.prevent_user_existence_errors == "ENABLED")
    error_message = "The web client has no secret, the three auth flows and hides whether a user exists."
  }

  assert {
    condition     = !contains(aws_cognito_user_pool_client.web.write_attributes, "custom:office") && contains(aws_cognito_user_pool_client.web.read_attributes, "custom:office")
    error_message = "Users can read their office but not change it."
  }
}

run "disposable_pool_and_repositories_can_be_destroyed" {
  command = plan

  variables {
    user_pool_deletion_protection = false
    force_delete_repositories     = true
  }

  assert {
    condition     = aws_cognito_user_pool.this.deletion_protection == "INACTIVE"
    error_message = "Throw-away environments can be destroyed."
  }

  assert {
    condition     = module.function["intake_api"].repository_force_delete
    error_message = "force_delete_repositories reaches the function's repository."
  }
}

run "function_parts_encrypted_with_the_home_region_keys" {
  command = plan

  assert {
    condition = (module.function["intake_api"].encryption_key_arns["environment"] == var.lambda_kms_key_arn &&
      module.function["intake_api"].encryption_key_arns["logs"] == var.logs_kms_key_arn &&
    module.function["intake_api"].encryption_key_arns["images"] == var.ecr_kms_key_arn)
    error_message = "intake_api's environment, log group and repository use the lambda, logs and ecr keys."
  }
}

run "alarms_notify_the_alerts_topic" {
  command = apply

  assert {
    condition     = [for function in module.function : function.errors_alarm_name] == ["acogida-test-intake-api-errors"]
    error_message = "One error alarm for the function (DLQ alarms are the transcription path's)."
  }

  assert {
    condition = alltrue([for alarm in [aws_cloudwatch_metric_alarm.api_5xx] :
    alarm.alarm_actions == toset([var.alerts_topic_arn]) && alarm.threshold == 0 && alarm.comparison_operator == "GreaterThanThreshold"])
    error_message = "The API alarm fires on any occurrence and notifies the alerts topic (the function's alarm: module lambda_function, given the same topic)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.api_5xx.metric_name == "5xx" && aws_cloudwatch_metric_alarm.api_5xx.dimensions["ApiId"] == aws_apigatewayv2_api.this.id
    error_message = "The API alarm watches the API's 5xx."
  }
}

run "rejects_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_latest_image_tag" {
  command = plan

  variables {
    image_tags = { intake_api = "latest" }
  }

  expect_failures = [var.image_tags]
}

run "rejects_image_tag_of_another_module" {
  command = plan

  variables {
    image_tags = { intake_api = "intake-0123456789abcdef0123", transcription_done = "intake-0123456789abcdef0123" }
  }

  expect_failures = [var.image_tags]
}

run "rejects_a_function_without_image_tag" {
  command = plan

  variables {
    image_tags = {}
  }

  expect_failures = [var.image_tags]
}

run "rejects_wildcard_cors_origin" {
  command = plan

  variables {
    cors_allowed_origins = ["*"]
  }

  expect_failures = [var.cors_allowed_origins]
}

run "rejects_plain_http_cors_origin" {
  command = plan

  variables {
    cors_allowed_origins = ["http://acogida.example.org"]
  }

  expect_failures = [var.cors_allowed_origins]
}

run "rejects_zero_day_drafts" {
  command = plan

  variables {
    draft_ttl_days = 0
  }

  expect_failures = [var.draft_ttl_days]
}

run "rejects_key_alias_instead_of_arn" {
  command = plan

  variables {
    lambda_kms_key_arn = "alias/acogida-test-lambda"
  }

  expect_failures = [var.lambda_kms_key_arn]
}

run "rejects_malformed_language_region" {
  command = plan

  variables {
    language_region = "Ireland"
  }

  expect_failures = [var.language_region]
}
