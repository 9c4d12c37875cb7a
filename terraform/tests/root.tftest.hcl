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
  # The images scripts/push.sh pushed at their tags.
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-south-2:222222222222:mock-topic" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn        = "arn:aws:dynamodb:eu-south-2:222222222222:table/mock-table"
      stream_arn = "arn:aws:dynamodb:eu-south-2:222222222222:table/mock-table/stream/2026-11-23T00:00:00.000"
    }
  }
  # module bi
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-south-2:222222222222:secret:mock-AbCdEf" }
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
    defaults = { id = "mockapi123", execution_arn = "arn:aws:execute-api:eu-south-2:222222222222:mockapi123" }
  }
  # module ml's routes name the authorizer by id (lowercase letters and digits, as AWS's)
  mock_resource "aws_apigatewayv2_authorizer" {
    defaults = { id = "auth42" }
  }
  mock_resource "aws_apigatewayv2_stage" {
    defaults = { invoke_url = "https://mockapi123.execute-api.eu-south-2.amazonaws.com/" }
  }
}

# The aws.language configuration (language_region, eu-west-1): module transcription.
mock_provider "aws" {
  alias = "language"

  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  # The images scripts/push.sh pushed at their tags.
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:222222222222:key/5eec0000-0000-4000-8000-000000000001" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:222222222222:mock-topic" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/mock-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:222222222222:log-group:mock-group" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { repository_url = "222222222222.dkr.ecr.eu-west-1.amazonaws.com/mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:222222222222:function:mock" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:222222222222:mock-queue"
      id  = "https://sqs.eu-west-1.amazonaws.com/222222222222/mock-queue"
      url = "https://sqs.eu-west-1.amazonaws.com/222222222222/mock-queue"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:222222222222:rule/mock-rule" }
  }
}

variables {
  environment          = "test"
  aws_region           = "eu-south-2"
  aws_account_id       = "222222222222"
  owner                = "acogida-platform"
  cost_centre          = "cruz-roja-acogida-test"
  audit_retention_days = 30
  # What the tooling passes from the checkout (a generated var file): every function and front.
  image_tags = {
    intake_api          = "intake-0123456789abcdef0123"
    transcription_start = "intake-0123456789abcdef0123"
    transcription_done  = "intake-0123456789abcdef0123"
    export_submissions  = "intake-0123456789abcdef0123"
    bulk_upload         = "analytics-0123456789abcdef0123"
    forecast_api        = "intake-0123456789abcdef0123"
    privacy_api         = "intake-0123456789abcdef0123"
    front               = "front-0123456789abcdef0123"
  }
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
    # checkov:skip=CKV_SECRET_6:a KMS alias name (alias/acogida-test-secrets), not a secret
    condition     = output.kms_alias_names["secrets"] == "alias/acogida-test-secrets"
    error_message = "Keys are aliased per environment."
  }

  assert {
    condition = output.lambda_function_names == {
      intake_api          = "acogida-test-intake-api"
      transcription_start = "acogida-test-transcription-start"
      transcription_done  = "acogida-test-transcription-done"
      export_submissions  = "acogida-test-export-submissions"
      bulk_upload         = "acogida-test-bulk-upload"
      forecast_api        = "acogida-test-forecast-api"
      privacy_api         = "acogida-test-privacy-api"
    }
    error_message = "Functions are acogida-<environment>-<function>."
  }

  assert {
    condition     = output.cognito_issuer == "https://cognito-idp.eu-south-2.amazonaws.com/eu-south-2_MockPool1" && output.transcription_job_prefix == "acogida-test-"
    error_message = "The issuer is the environment's user pool; Transcribe jobs carry the environment prefix."
  }

  assert {
    condition     = toset(keys(output.dead_letter_queue_urls)) == toset(["audio_uploads", "transcription_done"]) && toset(keys(output.log_group_names)) == toset(["intake_api", "api_access", "transcription_start", "transcription_done", "forecast_api", "privacy_api"])
    error_message = "The outputs expose both DLQs and the log groups of modules app, transcription and ml."
  }

  assert {
    condition     = output.lambda_environments["intake_api"]["INTAKES_TABLE"] == "acogida-test-intakes" && output.lambda_environments["transcription_done"]["TRANSCRIPTION_JOB_PREFIX"] == "acogida-test-"
    error_message = "Each function's environment is exposed for the local runtime."
  }
}

run "transcription_path_lives_in_the_language_region" {
  command = apply

  assert {
    condition     = var.language_region == "eu-west-1" && output.language_region == "eu-west-1" && output.aws_region == "eu-south-2"
    error_message = "The default language region is eu-west-1, beside the home region eu-south-2."
  }

  assert {
    condition = (output.speech_bucket_name == "acogida-test-speech-222222222222" &&
      startswith(output.speech_kms_key_arn, "arn:aws:kms:eu-west-1:") && startswith(output.language_alerts_topic_arn, "arn:aws:sns:eu-west-1:") &&
    startswith(output.audio_uploads_queue_url, "https://sqs.eu-west-1.amazonaws.com/") && output.sns_alerts_topic_arn != output.language_alerts_topic_arn)
    error_message = "The speech bucket, its key, the uploads queue and the second alerts topic come from the aws.language provider."
  }

  assert {
    condition = alltrue([for name in ["transcription_start", "transcription_done"] :
      output.lambda_environments[name]["ACOGIDA_DATA_REGION"] == "eu-south-2" &&
      output.lambda_environments[name]["ACOGIDA_LANGUAGE_REGION"] == "eu-west-1" &&
      output.lambda_environments[name]["AUDIO_BUCKET"] == output.speech_bucket_name &&
      output.lambda_environments[name]["AUDIO_KMS_KEY_ARN"] == output.speech_kms_key_arn &&
      output.lambda_environments[name]["TRANSCRIPTS_BUCKET"] == output.s3_bucket_names["transcripts"] &&
    output.lambda_environments[name]["TRANSCRIPTS_KMS_KEY_ARN"] == output.s3_bucket_kms_key_arns["transcripts"]])
    error_message = "The transcription functions keep the data in the home region and the audio in the language region."
  }

  assert {
    condition = (output.lambda_environments["intake_api"]["ACOGIDA_LANGUAGE_REGION"] == "eu-west-1" &&
    !contains(keys(output.lambda_environments["intake_api"]), "AUDIO_BUCKET"))
    error_message = "The intake API calls Comprehend in the language region and has no audio bucket."
  }

  assert {
    condition     = output.lambda_regions == { intake_api = "eu-south-2", transcription_start = "eu-west-1", transcription_done = "eu-west-1", export_submissions = "eu-south-2", bulk_upload = "eu-south-2", forecast_api = "eu-south-2", privacy_api = "eu-south-2" }
    error_message = "lambda_regions names each function's region."
  }

  assert {
    condition     = alltrue([for arn in values(output.lambda_function_arns) : can(regex("^arn:aws:lambda:eu-(south-2|west-1):", arn))]) && startswith(output.lambda_function_arns["transcription_done"], "arn:aws:lambda:eu-west-1:")
    error_message = "The function ARNs name each function's region."
  }
}

run "each_function_runs_its_image_by_digest" {
  command = apply

  assert {
    condition     = alltrue([for name, uri in output.lambda_image_uris : uri == "${output.ecr_repository_urls[name]}@sha256:abababababababababababababababababababababababababababababababab"]) && length(output.lambda_image_uris) == 7
    error_message = "Every function runs, by digest, the image of its own repository (the tag comes from image_tags)."
  }
}

run "rejects_image_tags_without_every_function" {
  command = plan

  variables {
    image_tags = {
      intake_api          = "intake-0123456789abcdef0123"
      transcription_start = "intake-0123456789abcdef0123"
      transcription_done  = "intake-0123456789abcdef0123"
      export_submissions  = "intake-0123456789abcdef0123"
      bulk_upload         = "analytics-0123456789abcdef0123"
      front               = "front-0123456789abcdef0123"
    }
  }

  expect_failures = [var.image_tags]
}

run "rejects_a_tag_that_is_not_a_content_hash" {
  command = plan

  variables {
    image_tags = {
      intake_api          = "0.1.0"
      transcription_start = "intake-0123456789abcdef0123"
      transcription_done  = "intake-0123456789abcdef0123"
      export_submissions  = "intake-0123456789abcdef0123"
      bulk_upload         = "analytics-0123456789abcdef0123"
      forecast_api        = "intake-0123456789abcdef0123"
      privacy_api         = "intake-0123456789abcdef0123"
      front               = "front-0123456789abcdef0123"
    }
  }

  expect_failures = [var.image_tags]
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

run "language_region_must_offer_transcribe_and_comprehend" {
  command = plan

  variables {
    language_region = "eu-south-2"
  }

  expect_failures = [var.language_region]
}

run "rejects_malformed_language_region" {
  command = plan

  variables {
    language_region = "Ireland"
  }

  expect_failures = [var.language_region]
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

run "the_data_lake_is_wired_to_the_landing_zone_and_the_table_stream" {
  command = plan

  variables {
    environment    = "test"
    aws_account_id = "222222222222"
  }

  assert {
    condition = (
      module.bi.function_environments["export_submissions"].RAW_BUCKET == "acogida-test-raw-222222222222" &&
      output.glue_database_name == "acogida_test_lake" &&
      output.athena_workgroup_name == "acogida-test-analytics" &&
      output.curated_demand_prefix == "s3://acogida-test-curated-222222222222/demand/"
    )
    error_message = "Module bi writes to the landing zone's raw bucket and names its catalogue per environment."
  }

  assert {
    condition     = length(module.bi.function_environments) == 2 && output.lambda_environments["bulk_upload"].OFFICE_TIMEZONE == "Europe/Madrid"
    error_message = "The lake's functions are in lambda_environments, as the local runtime reads them."
  }
}

run "the_forecast_is_wired_to_the_lake_the_api_and_the_landing_zone" {
  command = plan

  assert {
    condition = (
      output.forecasts_table_name == "acogida-test-forecasts" &&
      output.mlops_pipeline_name == "acogida-test-forecast" &&
      output.mlops_stage_environment.prepare.GLUE_JOB_NAME == output.glue_job_name &&
      output.mlops_stage_environment.train.CURATED_BUCKET == "acogida-test-curated-222222222222" &&
      output.mlops_stage_environment.train.CURATED_DEMAND_KEY == "demand/forecast_import/" &&
      output.mlops_stage_environment.publish.REPORTS_BUCKET == "acogida-test-reports-222222222222"
    )
    error_message = "The pipeline runs the lake's Glue job, trains on the curated demand CSV and publishes to the reports bucket."
  }

  assert {
    condition     = output.lambda_environments["forecast_api"].PIPELINE_NAME == "acogida-test-forecast" && output.lambda_environments["forecast_api"].MAX_FORECAST_DAYS == "90"
    error_message = "forecast_api is in lambda_environments and starts the environment's pipeline."
  }

  assert {
    condition     = output.forecast_api_routes == tolist(["GET /forecast", "GET /mlops/runs/{run_id}", "GET /reports", "POST /mlops/runs"])
    error_message = "module ml adds the four forecast routes to the intake API."
  }

  assert {
    condition     = !contains(module.ml.pipeline_stage_names, "Approval") && module.ml.pipeline_stage_names[0] == "Source"
    error_message = "Only prod waits for a manual approval."
  }
}

run "coordinators_need_a_report_sender" {
  command = plan

  variables {
    coordinator_emails = { getafe = ["coordinacion.getafe@acogida.example"] }
  }

  expect_failures = [var.coordinator_emails]
}
