# The root with every switch on that local mode keeps off (front hosting, the identity pool's role
# attachment, Comprehend and the DNI recogniser, QuickSight, the forecast pipeline with each of its
# source providers, report e-mail), applied to a mock provider. The local workspace's apply
# against moto cannot hold those resources, so their IAM and KMS policies would go unchecked:
# tests/integration/test_iam_policies.py runs this file with `terraform test -json -verbose`,
# takes the state of each run and audits every policy in it with acogida.infra.policy_audit (the
# same audit it runs over the local workspace's real state). The assertions here only make sure
# each run holds what it is meant to cover.

mock_provider "aws" {
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-south-2" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-south-2a", "eu-south-2b", "eu-south-2c"] }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000000-0000-4000-8000-000000000000" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
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
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-south-2:222222222222:secret:mock-AbCdEf" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/mock-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-south-2:222222222222:log-group:mock-group" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:eu-south-2:222222222222:repository/mock"
      repository_url = "222222222222.dkr.ecr.eu-south-2.amazonaws.com/mock"
    }
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
    defaults = { id = "eu-south-2_MockPool1", arn = "arn:aws:cognito-idp:eu-south-2:222222222222:userpool/eu-south-2_MockPool1" }
  }
  mock_resource "aws_cognito_identity_pool" {
    defaults = { id = "eu-south-2:0000000a-0000-4000-8000-00000000000a" }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = { id = "mockapi123", execution_arn = "arn:aws:execute-api:eu-south-2:222222222222:mockapi123" }
  }
  mock_resource "aws_apigatewayv2_authorizer" {
    defaults = { id = "auth42" }
  }
  mock_resource "aws_apigatewayv2_stage" {
    defaults = { invoke_url = "https://mockapi123.execute-api.eu-south-2.amazonaws.com/" }
  }
  mock_resource "aws_vpc_endpoint" {
    defaults = { prefix_list_id = "pl-0123456789abcdef0" }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:eu-south-2:222222222222:loadbalancer/app/acogida-test-front/0123456789abcdef"
      dns_name = "acogida-test-front-123456789.eu-south-2.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-south-2:222222222222:targetgroup/acogida-test-front/0123456789abcdef" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:eu-south-2:222222222222:task-definition/acogida-test-front:1" }
  }
  mock_resource "aws_ses_email_identity" {
    defaults = { arn = "arn:aws:ses:eu-south-2:222222222222:identity/informes@acogida.example" }
  }
  mock_resource "aws_codestarconnections_connection" {
    defaults = { arn = "arn:aws:codestar-connections:eu-south-2:222222222222:connection/00000000-0000-4000-8000-00000000c0de" }
  }
  mock_resource "aws_codebuild_project" {
    defaults = { arn = "arn:aws:codebuild:eu-south-2:222222222222:project/mock" }
  }
  mock_resource "aws_codepipeline" {
    defaults = { arn = "arn:aws:codepipeline:eu-south-2:222222222222:acogida-test-forecast" }
  }
  mock_resource "aws_glue_job" {
    defaults = { arn = "arn:aws:glue:eu-south-2:222222222222:job/acogida-test-workforce-demand" }
  }
  mock_resource "aws_athena_workgroup" {
    defaults = { arn = "arn:aws:athena:eu-south-2:222222222222:workgroup/acogida-test-analytics" }
  }
  mock_resource "aws_quicksight_group" {
    defaults = { arn = "arn:aws:quicksight:eu-south-2:222222222222:group/default/acogida-test-analysts" }
  }
  mock_resource "aws_quicksight_data_source" {
    defaults = { arn = "arn:aws:quicksight:eu-south-2:222222222222:datasource/acogida-test-lake" }
  }
  mock_resource "aws_quicksight_data_set" {
    defaults = { arn = "arn:aws:quicksight:eu-south-2:222222222222:dataset/mock" }
  }
}

# The aws.language configuration (language_region): module transcription.
mock_provider "aws" {
  alias = "language"

  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:222222222222:key/5eec0000-0000-4000-8000-000000000001" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-speech-bucket" }
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
    defaults = {
      arn            = "arn:aws:ecr:eu-west-1:222222222222:repository/mock"
      repository_url = "222222222222.dkr.ecr.eu-west-1.amazonaws.com/mock"
    }
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
  mock_resource "aws_comprehend_entity_recognizer" {
    defaults = { arn = "arn:aws:comprehend:eu-west-1:222222222222:entity-recognizer/acogida-test-dni" }
  }
}

# Each key its own ARN (a mock_resource default gives every key the same one), so the audit can
# tell which key a resource encrypts with.
override_resource {
  target = module.landing_zone.aws_kms_key.this["s3"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000001-0000-4000-8000-000000000001" }
}

override_resource {
  target = module.landing_zone.aws_kms_key.this["dynamodb"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000002-0000-4000-8000-000000000002" }
}

override_resource {
  target = module.landing_zone.aws_kms_key.this["logs"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000003-0000-4000-8000-000000000003" }
}

override_resource {
  target = module.landing_zone.aws_kms_key.this["lambda"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000004-0000-4000-8000-000000000004" }
}

override_resource {
  target = module.landing_zone.aws_kms_key.this["ecr"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000005-0000-4000-8000-000000000005" }
}

override_resource {
  target = module.landing_zone.aws_kms_key.this["messaging"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000006-0000-4000-8000-000000000006" }
}

override_resource {
  target = module.landing_zone.aws_kms_key.this["analytics"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000007-0000-4000-8000-000000000007" }
}

override_resource {
  target = module.landing_zone.aws_kms_key.this["language"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000008-0000-4000-8000-000000000008" }
}

override_resource {
  target = module.landing_zone.aws_kms_key.this["secrets"]
  values = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000009-0000-4000-8000-000000000009" }
}

variables {
  environment    = "test"
  aws_region     = "eu-south-2"
  aws_account_id = "222222222222"
  owner          = "acogida-platform"
  cost_centre    = "cruz-roja-acogida-test"
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

  # Every optional part on, as config/<env>.tfvars can have it.
  comprehend_enabled                = true
  comprehend_dni_recognizer_enabled = true
  identity_pool_roles_enabled       = true
  front_hosting_enabled             = true
  front_certificate_arn             = "arn:aws:acm:eu-south-2:222222222222:certificate/0000000d-0000-4000-8000-00000000000d"
  nat_gateway_enabled               = true
  quicksight_enabled                = true
  mlops_pipeline_enabled            = true
  alert_email_addresses             = ["guardia@acogida.example"]
  upload_notification_emails        = ["datos@acogida.example"]
  forecast_notification_emails      = ["planificacion@acogida.example"]
  report_sender_email               = "informes@acogida.example"
  coordinator_emails                = { getafe = ["coordinacion.getafe@acogida.example"] }
  cors_allowed_origins              = ["https://acogida.example"]

  # A value of its own for each retention: tests/unit/test_data_inventory.py reads this run's
  # state and checks that each store's setting carries its variable (a mix-up would show).
  draft_ttl_days                    = 5
  transcript_retention_days         = 8
  submitted_intake_retention_days   = 1827
  lake_retention_days               = 1095
  noncurrent_version_retention_days = 15
  athena_results_retention_days     = 21
  access_log_retention_days         = 400
  log_retention_days                = 545
  forecast_ttl_days                 = 390
  audit_retention_days              = 2191
}

run "every_switch_on_with_the_s3_source" {
  command = apply

  assert {
    condition     = output.front_url != null && output.cognito_identity_pool_id != null
    error_message = "The front is hosted (its execution role is audited)."
  }

  assert {
    condition     = module.ml.pipeline_name != null
    error_message = "The forecast pipeline exists (its role and the stage roles are audited)."
  }

  assert {
    condition     = module.transcription.comprehend_dni_recognizer_arn != null
    error_message = "The DNI recogniser exists (its data access role is audited)."
  }
}

# The pipeline's other sources and production's manual approval change only module ml's
# policies: those runs apply the module alone (faster than the whole root).
run "pipeline_from_a_repository_connection_with_manual_approval" {
  command = apply

  module {
    source = "./modules/ml"
  }

  variables {
    name_prefix              = "acogida-prod"
    environment              = "prod"
    image_tags               = { forecast_api = "intake-0123456789abcdef0123" }
    artifacts_bucket_name    = "acogida-prod-artifacts-222222222222"
    curated_bucket_name      = "acogida-prod-curated-222222222222"
    curated_demand_key       = "demand/forecast_import/"
    reports_bucket_name      = "acogida-prod-reports-222222222222"
    glue_job_name            = "acogida-prod-workforce-demand"
    s3_kms_key_arn           = "arn:aws:kms:eu-south-2:222222222222:key/00000001-0000-4000-8000-000000000001"
    dynamodb_kms_key_arn     = "arn:aws:kms:eu-south-2:222222222222:key/00000005-0000-4000-8000-000000000005"
    messaging_kms_key_arn    = "arn:aws:kms:eu-south-2:222222222222:key/00000004-0000-4000-8000-000000000004"
    lambda_kms_key_arn       = "arn:aws:kms:eu-south-2:222222222222:key/00000006-0000-4000-8000-000000000006"
    logs_kms_key_arn         = "arn:aws:kms:eu-south-2:222222222222:key/00000007-0000-4000-8000-000000000007"
    ecr_kms_key_arn          = "arn:aws:kms:eu-south-2:222222222222:key/00000008-0000-4000-8000-000000000008"
    alerts_topic_arn         = "arn:aws:sns:eu-south-2:222222222222:acogida-prod-alerts"
    api_id                   = "mockapi123"
    api_execution_arn        = "arn:aws:execute-api:eu-south-2:222222222222:mockapi123"
    authorizer_id            = "auth42"
    pipeline_enabled         = true
    manual_approval_enabled  = true
    source_provider          = "CodeStarSourceConnection"
    connection_provider_type = "GitLab"
    repository_id            = "redcross/acogida"
    report_sender_email      = "informes@acogida.example"
    coordinator_emails       = { getafe = ["coordinacion.getafe@acogida.example"] }
  }

  assert {
    condition     = output.pipeline_name == "acogida-prod-forecast" && output.connection_arn != null
    error_message = "The pipeline exists with a repository connection as its source."
  }
}

run "pipeline_from_codecommit" {
  command = apply

  module {
    source = "./modules/ml"
  }

  variables {
    name_prefix                = "acogida-prod"
    environment                = "prod"
    image_tags                 = { forecast_api = "intake-0123456789abcdef0123" }
    artifacts_bucket_name      = "acogida-prod-artifacts-222222222222"
    curated_bucket_name        = "acogida-prod-curated-222222222222"
    curated_demand_key         = "demand/forecast_import/"
    reports_bucket_name        = "acogida-prod-reports-222222222222"
    glue_job_name              = "acogida-prod-workforce-demand"
    s3_kms_key_arn             = "arn:aws:kms:eu-south-2:222222222222:key/00000001-0000-4000-8000-000000000001"
    dynamodb_kms_key_arn       = "arn:aws:kms:eu-south-2:222222222222:key/00000005-0000-4000-8000-000000000005"
    messaging_kms_key_arn      = "arn:aws:kms:eu-south-2:222222222222:key/00000004-0000-4000-8000-000000000004"
    lambda_kms_key_arn         = "arn:aws:kms:eu-south-2:222222222222:key/00000006-0000-4000-8000-000000000006"
    logs_kms_key_arn           = "arn:aws:kms:eu-south-2:222222222222:key/00000007-0000-4000-8000-000000000007"
    ecr_kms_key_arn            = "arn:aws:kms:eu-south-2:222222222222:key/00000008-0000-4000-8000-000000000008"
    alerts_topic_arn           = "arn:aws:sns:eu-south-2:222222222222:acogida-prod-alerts"
    api_id                     = "mockapi123"
    api_execution_arn          = "arn:aws:execute-api:eu-south-2:222222222222:mockapi123"
    authorizer_id              = "auth42"
    pipeline_enabled           = true
    source_provider            = "CodeCommit"
    codecommit_repository_name = "acogida"
  }

  assert {
    condition     = output.pipeline_name == "acogida-prod-forecast" && output.connection_arn == null
    error_message = "The pipeline exists with a CodeCommit repository as its source."
  }
}
