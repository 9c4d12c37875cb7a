# Root module tests. scripts/terraform-checks.sh runs them with TF_WORKSPACE=test, so the
# workspace guard sees the "test" workspace.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-south-2" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-south-2:222222222222:mock-topic" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-south-2:222222222222:table/mock-table" }
  }
  # module app
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/mock-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-south-2:222222222222:log-group:mock-group" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { repository_url = "222222222222.dkr.ecr.eu-south-2.amazonaws.com/mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-south-2:222222222222:function:mock"
      invoke_arn = "arn:aws:apigateway:eu-south-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-south-2:222222222222:function:mock/invocations"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-south-2:222222222222:mock-queue"
      id  = "https://sqs.eu-south-2.amazonaws.com/222222222222/mock-queue"
      url = "https://sqs.eu-south-2.amazonaws.com/222222222222/mock-queue"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-south-2:222222222222:rule/mock-rule" }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = { id = "eu-south-2_MockPool1" }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = { execution_arn = "arn:aws:execute-api:eu-south-2:222222222222:mockapi123" }
  }
  mock_resource "aws_apigatewayv2_stage" {
    defaults = { invoke_url = "https://mockapi123.execute-api.eu-south-2.amazonaws.com/" }
  }
}

variables {
  environment    = "test"
  aws_region     = "eu-south-2"
  aws_account_id = "222222222222"
  owner          = "acogida-platform"
  cost_centre    = "cruz-roja-acogida-test"
  image_tag      = "0.1.0"
}

run "matching_workspace_plans_with_env_names" {
  command = apply

  assert {
    condition     = output.name_prefix == "acogida-test" && output.dynamodb_intakes_table_name == "acogida-test-intakes"
    error_message = "Names are acogida-<environment>-<name>."
  }

  assert {
    condition     = output.s3_bucket_names["raw"] == "acogida-test-raw-222222222222"
    error_message = "Buckets are named per environment and account."
  }

  assert {
    condition     = output.kms_alias_names["secrets"] == "alias/acogida-test-secrets"
    error_message = "Keys are aliased per environment."
  }

  assert {
    condition = output.lambda_function_names == {
      intake_api          = "acogida-test-intake-api"
      transcription_start = "acogida-test-transcription-start"
      transcription_done  = "acogida-test-transcription-done"
    }
    error_message = "Functions are acogida-<environment>-<function>."
  }

  assert {
    condition     = output.cognito_issuer == "https://cognito-idp.eu-south-2.amazonaws.com/eu-south-2_MockPool1" && output.transcription_job_prefix == "acogida-test-"
    error_message = "The issuer is the environment's user pool; Transcribe jobs carry the environment prefix."
  }

  assert {
    condition     = toset(keys(output.dead_letter_queue_urls)) == toset(["audio_uploads", "transcription_done"]) && length(output.log_group_names) == 4
    error_message = "The app exposes both DLQs and the four log groups."
  }

  assert {
    condition     = output.lambda_environments["intake_api"]["INTAKES_TABLE"] == "acogida-test-intakes" && output.lambda_environments["transcription_done"]["TRANSCRIPTION_JOB_PREFIX"] == "acogida-test-"
    error_message = "Each function's environment is exposed for the local runtime."
  }
}

# That local mode refuses comprehend_dni_recognizer_enabled is checked by the integration test
# (tests/integration/test_local_apply.py): here the workspace guard fails first and Terraform
# skips the validations that depend on var.environment.

run "uploads_trigger_stays_on_outside_local_mode" {
  command = plan

  variables {
    audio_uploads_trigger_enabled = false
  }

  expect_failures = [var.audio_uploads_trigger_enabled]
}

run "rejects_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 45
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_wildcard_cors_origin" {
  command = plan

  variables {
    cors_allowed_origins = ["https://*.example.org"]
  }

  expect_failures = [var.cors_allowed_origins]
}

run "workspace_guard_rejects_another_environments_values" {
  command = plan

  variables {
    environment = "prod"
  }

  expect_failures = [var.environment]
}

run "real_environment_never_talks_to_the_emulator" {
  command = plan

  variables {
    emulator_endpoint = "http://127.0.0.1:5000"
  }

  expect_failures = [var.emulator_endpoint]
}

run "emulator_only_on_loopback" {
  command = plan

  variables {
    emulator_endpoint = "http://10.0.0.5:5000"
  }

  expect_failures = [var.emulator_endpoint]
}

run "rejects_malformed_account" {
  command = plan

  variables {
    aws_account_id = "12345"
  }

  expect_failures = [var.aws_account_id]
}

run "emulator_services_must_be_routable" {
  command = plan

  variables {
    emulator_services = ["s3", "quicksight"]
  }

  expect_failures = [var.emulator_services]
}
