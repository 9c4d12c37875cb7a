# Plan against a mock AWS provider: what module privacy asks AWS for, offline. The real apply
# against moto, with the routes exercised by a DPO and a technician, is
# tests/integration/test_privacy_rights.py.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "eu-south-2" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
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
}

variables {
  name_prefix                 = "acogida-test"
  environment                 = "test"
  language_region             = "eu-west-1"
  transcription_job_prefix    = "acogida-test-"
  intakes_table_name          = "acogida-test-intakes"
  intakes_table_arn           = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-intakes"
  idempotency_table_name      = "acogida-test-idempotency"
  idempotency_table_arn       = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-idempotency"
  dynamodb_kms_key_arn        = "arn:aws:kms:eu-south-2:123456789012:key/00000005-0000-4000-8000-000000000005"
  transcripts_bucket_name     = "acogida-test-transcripts-123456789012"
  transcripts_kms_key_arn     = "arn:aws:kms:eu-south-2:123456789012:key/00000002-0000-4000-8000-000000000002"
  audio_bucket_name           = "acogida-test-speech-123456789012"
  audio_kms_key_arn           = "arn:aws:kms:eu-west-1:123456789012:key/00000009-0000-4000-8000-000000000009"
  raw_bucket_name             = "acogida-test-raw-123456789012"
  raw_kms_key_arn             = "arn:aws:kms:eu-south-2:123456789012:key/00000001-0000-4000-8000-000000000001"
  pseudonymisation_secret_arn = "arn:aws:secretsmanager:eu-south-2:123456789012:secret:acogida-test-pseudonymisation-AbCdEf"
  secrets_kms_key_arn         = "arn:aws:kms:eu-south-2:123456789012:key/00000003-0000-4000-8000-000000000003"
  audit_bucket_name           = "acogida-test-audit-123456789012"
  audit_kms_key_arn           = "arn:aws:kms:eu-south-2:123456789012:key/0000000a-0000-4000-8000-00000000000a"
  api_id                      = "mockapi123"
  api_execution_arn           = "arn:aws:execute-api:eu-south-2:123456789012:mockapi123"
  authorizer_id               = "auth42"
  lambda_kms_key_arn          = "arn:aws:kms:eu-south-2:123456789012:key/00000006-0000-4000-8000-000000000006"
  logs_kms_key_arn            = "arn:aws:kms:eu-south-2:123456789012:key/00000007-0000-4000-8000-000000000007"
  ecr_kms_key_arn             = "arn:aws:kms:eu-south-2:123456789012:key/00000008-0000-4000-8000-000000000008"
  alerts_topic_arn            = "arn:aws:sns:eu-south-2:123456789012:acogida-test-alerts"
  image_tags                  = { privacy_api = "intake-0123456789abcdef0123" }
}

run "routes_behind_the_authorizer_each_with_its_own_permission" {
  command = plan

  assert {
    condition     = output.api_routes == tolist(["POST /privacy/access", "POST /privacy/erasure"])
    error_message = "The privacy routes are POST /privacy/access and POST /privacy/erasure (the document in the body)."
  }

  assert {
    condition     = alltrue([for route in aws_apigatewayv2_route.privacy_api : route.authorization_type == "JWT" && route.authorizer_id == "auth42"])
    error_message = "Every privacy route requires the Cognito JWT authorizer."
  }

  assert {
    condition     = toset([for permission in aws_lambda_permission.api : permission.source_arn]) == toset(["arn:aws:execute-api:eu-south-2:123456789012:mockapi123/*/POST/privacy/access", "arn:aws:execute-api:eu-south-2:123456789012:mockapi123/*/POST/privacy/erasure"])
    error_message = "Only the two privacy routes may invoke privacy_api."
  }
}

run "the_function_reaches_every_store_and_nothing_else" {
  # apply (mock provider): the policy names the log group's ARN, known only after apply.
  command = apply

  assert {
    condition     = output.function_environments["privacy_api"].AUDIT_BUCKET == "acogida-test-audit-123456789012" && output.function_environments["privacy_api"].AUDIO_BUCKET == "acogida-test-speech-123456789012" && output.function_environments["privacy_api"].ACOGIDA_LANGUAGE_REGION == "eu-west-1"
    error_message = "privacy_api names the audit bucket and the audio bucket of the language region."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(module.function["privacy_api"].policy_json).Statement :
      alltrue([for action in flatten([statement.Action]) : !strcontains(action, "*")]) && statement.Resource != "*"
      if statement.Sid != "UploadTraces"
    ])
    error_message = "No wildcard action, and Resource \"*\" only for X-Ray."
  }

  assert {
    condition = contains(flatten([
      for statement in jsondecode(module.function["privacy_api"].policy_json).Statement : flatten([statement.Action])
      if statement.Sid == "EraseAudioVersions"
    ]), "s3:DeleteObjectVersion") && !contains(flatten([for statement in jsondecode(module.function["privacy_api"].policy_json).Statement : flatten([statement.Action])]), "s3:DeleteBucket")
    error_message = "privacy_api deletes object versions, nothing more."
  }

  assert {
    condition     = module.function["privacy_api"].timeout < 30
    error_message = "privacy_api answers within the HTTP API's 30 s integration timeout."
  }
}

run "image_tags_name_the_function" {
  command = plan

  variables {
    image_tags = { intake_api = "intake-0123456789abcdef0123" }
  }

  expect_failures = [var.image_tags]
}
