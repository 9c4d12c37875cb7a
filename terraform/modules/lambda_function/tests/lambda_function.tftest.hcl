# Plan-and-apply against a mock AWS provider: checks what the module asks AWS for, offline.
# The callers (modules app and transcription) are applied to moto in
# tests/integration/test_local_apply.py.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  # The image scripts/push.sh pushed at image_tag.
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/acogida-test-example-fn" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-south-2:123456789012:log-group:/aws/lambda/acogida-test-example" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:eu-south-2:123456789012:repository/acogida-test-example"
      repository_url = "123456789012.dkr.ecr.eu-south-2.amazonaws.com/acogida-test-example"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-south-2:123456789012:function:acogida-test-example"
      invoke_arn = "arn:aws:apigateway:eu-south-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-south-2:123456789012:function:acogida-test-example/invocations"
    }
  }
}

variables {
  function_key          = "example"
  function_name         = "acogida-test-example"
  description           = "An example function"
  repository_name       = "acogida-test-example"
  image_tag             = "intake-0123456789abcdef0123"
  image_command         = ["acogida.handlers.example.handler"]
  memory_size           = 512
  timeout               = 20
  environment_variables = { POWERTOOLS_SERVICE_NAME = "example", LOG_LEVEL = "INFO" }
  lambda_kms_key_arn    = "arn:aws:kms:eu-south-2:123456789012:key/0000000a-0000-4000-8000-00000000000a"
  logs_kms_key_arn      = "arn:aws:kms:eu-south-2:123456789012:key/0000000c-0000-4000-8000-00000000000c"
  ecr_kms_key_arn       = "arn:aws:kms:eu-south-2:123456789012:key/0000000b-0000-4000-8000-00000000000b"
  alarm_topic_arn       = "arn:aws:sns:eu-south-2:123456789012:acogida-test-alerts"
  policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadSomething"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "arn:aws:s3:::example-bucket/in/*"
    }]
  })
}

run "function_is_a_traced_arm64_image_of_its_repository" {
  command = apply

  assert {
    condition = (aws_lambda_function.this.function_name == "acogida-test-example" && aws_lambda_function.this.package_type == "Image" &&
      aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.tracing_config[0].mode == "Active" &&
    aws_lambda_function.this.description == "An example function" && aws_lambda_function.this.role == aws_iam_role.this.arn)
    error_message = "The function is an ARM64 container image, traced, running as its own role."
  }

  assert {
    condition     = aws_lambda_function.this.image_uri == "123456789012.dkr.ecr.eu-south-2.amazonaws.com/acogida-test-example@sha256:abababababababababababababababababababababababababababababababab" && output.image_uri == aws_lambda_function.this.image_uri
    error_message = "The function runs its own repository's image by digest."
  }

  assert {
    condition = (data.aws_ecr_image.this.repository_name == "acogida-test-example" && data.aws_ecr_image.this.image_tag == "intake-0123456789abcdef0123" &&
    output.image_tag == "intake-0123456789abcdef0123" && output.image_digest == "sha256:abababababababababababababababababababababababababababababababab")
    error_message = "The digest is the one image_tag has in the function's own repository."
  }

  assert {
    condition     = aws_lambda_function.this.image_config[0].command == tolist(["acogida.handlers.example.handler"])
    error_message = "The image's command is image_command."
  }

  assert {
    condition     = aws_lambda_function.this.memory_size == 512 && aws_lambda_function.this.timeout == 20 && output.memory_size == 512 && output.timeout == 20
    error_message = "Memory and timeout follow the variables."
  }

  assert {
    condition     = aws_lambda_function.this.kms_key_arn == var.lambda_kms_key_arn && aws_lambda_function.this.environment[0].variables == tomap(var.environment_variables) && output.environment_variables == aws_lambda_function.this.environment[0].variables
    error_message = "The environment is exactly environment_variables, encrypted with lambda_kms_key_arn."
  }

  assert {
    condition = (aws_lambda_function.this.logging_config[0].log_format == "JSON" && aws_lambda_function.this.logging_config[0].log_group == aws_cloudwatch_log_group.this.name &&
    aws_lambda_function.this.logging_config[0].application_log_level == "INFO" && aws_lambda_function.this.logging_config[0].system_log_level == "WARN")
    error_message = "The function logs JSON into its own log group (application level INFO by default, system WARN)."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/acogida-test-example" && aws_cloudwatch_log_group.this.kms_key_id == var.logs_kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "The log group is Lambda's default name, encrypted with logs_kms_key_arn, kept 365 days by default."
  }
}

run "repository_is_immutable_scanned_encrypted_and_pruned" {
  command = apply

  assert {
    condition = (aws_ecr_repository.this.name == "acogida-test-example" && aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE" &&
      aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push && aws_ecr_repository.this.encryption_configuration[0].encryption_type == "KMS" &&
    aws_ecr_repository.this.encryption_configuration[0].kms_key == var.ecr_kms_key_arn && !aws_ecr_repository.this.force_delete)
    error_message = "One immutable, scanned, KMS-encrypted repository, kept on destroy unless asked otherwise."
  }

  assert {
    condition = (aws_ecr_lifecycle_policy.this.repository == aws_ecr_repository.this.name &&
      jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.countNumber == 10 &&
    jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].action.type == "expire")
    error_message = "The lifecycle policy expires all but the last images_to_keep images."
  }
}

run "role_is_trusted_by_lambda_of_this_account_only" {
  command = apply

  assert {
    condition = (aws_iam_role.this.name == "acogida-test-example-fn" && aws_iam_role.this.description == "Execution role of the example function" &&
      length(jsondecode(aws_iam_role.this.assume_role_policy).Statement) == 1 &&
      jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal == { Service = "lambda.amazonaws.com" } &&
      jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Action == "sts:AssumeRole" &&
    jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012")
    error_message = "The role is <function_name>-fn, assumable by Lambda of this account and nothing else."
  }

  assert {
    condition = (aws_iam_role_policy.this.name == "least-privilege" && aws_iam_role_policy.this.role == aws_iam_role.this.id &&
    [for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Sid] == ["WriteOwnLogGroup", "UploadTraces", "ReadSomething"])
    error_message = "The inline policy is the module's two statements followed by the caller's."
  }

  assert {
    condition = (one([for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Resource if statement.Sid == "WriteOwnLogGroup"]) == "${aws_cloudwatch_log_group.this.arn}:*" &&
    one([for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Action if statement.Sid == "UploadTraces"]) == ["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
    error_message = "The role writes into its own log group only and uploads X-Ray traces."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.this.policy).Version == "2012-10-17" && output.policy_json == aws_iam_role_policy.this.policy
    error_message = "The caller's policy version is kept and the policy is exposed as applied."
  }
}

run "errors_alarm_notifies_the_topic" {
  command = apply

  assert {
    condition = (aws_cloudwatch_metric_alarm.errors.alarm_name == "acogida-test-example-errors" &&
      aws_cloudwatch_metric_alarm.errors.alarm_description == "The example function raised errors in the last 5 minutes." &&
      aws_cloudwatch_metric_alarm.errors.namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.errors.metric_name == "Errors" &&
    aws_cloudwatch_metric_alarm.errors.dimensions["FunctionName"] == "acogida-test-example")
    error_message = "The alarm watches the function's Errors metric."
  }

  assert {
    condition = (aws_cloudwatch_metric_alarm.errors.threshold == 0 && aws_cloudwatch_metric_alarm.errors.comparison_operator == "GreaterThanThreshold" &&
    aws_cloudwatch_metric_alarm.errors.alarm_actions == toset([var.alarm_topic_arn]) && aws_cloudwatch_metric_alarm.errors.ok_actions == toset([var.alarm_topic_arn]))
    error_message = "Any error raises the alarm, which notifies alarm_topic_arn on alarm and on recovery."
  }
}

run "options_follow_the_variables" {
  command = plan

  variables {
    application_log_level   = "WARN"
    log_retention_days      = 30
    images_to_keep          = 3
    force_delete_repository = true
  }

  assert {
    condition = (aws_lambda_function.this.logging_config[0].application_log_level == "WARN" && aws_cloudwatch_log_group.this.retention_in_days == 30 &&
    jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.countNumber == 3 && aws_ecr_repository.this.force_delete)
    error_message = "Log level, retention, images kept and force_delete follow the variables."
  }
}

run "rejects_powertools_log_level_name" {
  command = plan

  variables {
    application_log_level = "WARNING"
  }

  expect_failures = [var.application_log_level]
}

run "rejects_latest_image_tag" {
  command = plan

  variables {
    image_tag = "latest"
  }

  expect_failures = [var.image_tag]
}

run "rejects_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 200
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_key_alias_instead_of_arn" {
  command = plan

  variables {
    lambda_kms_key_arn = "alias/acogida-test-lambda"
  }

  expect_failures = [var.lambda_kms_key_arn]
}

run "rejects_policy_that_repeats_the_modules_statements" {
  command = plan

  variables {
    policy_json = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Sid = "UploadTraces", Effect = "Allow", Action = ["xray:PutTraceSegments"], Resource = "*" }]
    })
  }

  expect_failures = [var.policy_json]
}

run "rejects_reserved_environment_names" {
  command = plan

  variables {
    environment_variables = { AWS_REGION = "eu-south-2" }
  }

  expect_failures = [var.environment_variables]
}
