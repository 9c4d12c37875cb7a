# The front's hosting and the identity pool's role attachment, wired at the root. scripts/
# terraform-checks.sh runs these in the "test" workspace, where local mode cannot be planned (the
# workspace guard fails first and Terraform then reports no other validation). What the local
# workspace applies follows from config/local.tfvars (checked below: hosting and the role
# attachment off), from the run with hosting off (no front resource, no load balancer in the
# access-log bucket policy), and from the root validations that refuse either in local mode.

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
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-south-2a", "eu-south-2b", "eu-south-2c"] }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-south-2:222222222222:key/00000000-0000-0000-0000-000000000000" }
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
    defaults = { id = "eu-south-2_MockPool1" }
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
}

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
    defaults = { arn = "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000000" }
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

run "config_local_keeps_front_hosting_and_the_role_attachment_off" {
  command = plan

  assert {
    condition = (can(regex("(?m)^front_hosting_enabled\\s*=\\s*false\\s*$", file("${path.module}/../config/local.tfvars"))) &&
    can(regex("(?m)^identity_pool_roles_enabled\\s*=\\s*false\\s*$", file("${path.module}/../config/local.tfvars"))))
    error_message = "config/local.tfvars sets front_hosting_enabled and identity_pool_roles_enabled to false (the local runtime serves the front; moto lacks SetIdentityPoolRoles)."
  }

  assert {
    condition = alltrue([for env in ["dev", "test", "pre", "prod"] :
      can(regex("(?m)^front_hosting_enabled\\s*=\\s*true\\s*$", file("${path.module}/../config/${env}.tfvars"))) &&
      can(regex("(?m)^identity_pool_roles_enabled\\s*=\\s*true\\s*$", file("${path.module}/../config/${env}.tfvars"))) &&
      can(regex("(?m)^front_certificate_arn\\s*=\\s*\"arn:aws:acm:eu-south-2:", file("${path.module}/../config/${env}.tfvars")))
    ])
    error_message = "Every AWS environment hosts the front with a certificate in eu-south-2 and attaches the identity pool's role."
  }
}

run "aws_environments_attach_the_identity_pool_role" {
  command = plan

  variables {
    identity_pool_roles_enabled = false
  }

  expect_failures = [var.identity_pool_roles_enabled]
}

run "hosting_off_plans_no_front_and_no_load_balancer_logs" {
  command = apply

  assert {
    condition = (output.front_url == null && output.front_ecr_repository_url == null &&
    module.app.front_ecs_cluster_name == null && module.app.front_ecs_service_name == null && module.app.front_load_balancer_dns_name == null)
    error_message = "Without front_hosting_enabled (as in local mode) no load balancer, repository, cluster or service of the front exists."
  }

  assert {
    condition     = !contains([for statement in jsondecode(module.landing_zone.access_logs_bucket_policy).Statement : statement.Sid], "LoadBalancerLogDelivery")
    error_message = "Without front hosting the access-log bucket admits no load balancer."
  }

  assert {
    condition     = output.cognito_identity_pool_id == "eu-south-2:0000000a-0000-4000-8000-00000000000a" && output.front_runtime_environment["TRANSCRIBE_REGION"] == "eu-west-1"
    error_message = "The identity pool and the front's runtime configuration exist without hosting (the local runtime uses them)."
  }
}

run "hosting_on_logs_into_the_landing_zone_bucket" {
  command = apply

  variables {
    front_hosting_enabled = true
    front_certificate_arn = "arn:aws:acm:eu-south-2:222222222222:certificate/0000000d-0000-4000-8000-00000000000d"
  }

  assert {
    condition     = output.front_url == "https://acogida-test-front-123456789.eu-south-2.elb.amazonaws.com" && module.app.front_ecs_service_name == "acogida-test-front"
    error_message = "With hosting on, the front is served by acogida-<environment>-front at the load balancer's https URL."
  }

  assert {
    condition = [for statement in jsondecode(module.landing_zone.access_logs_bucket_policy).Statement : statement.Resource
    if statement.Sid == "LoadBalancerLogDelivery"] == ["arn:aws:s3:::mock-bucket/alb/acogida-test-front/AWSLogs/222222222222/*"]
    error_message = "The access-log bucket admits the front's load balancer under alb/<name_prefix>-front/ only."
  }

  assert {
    condition = (output.front_runtime_environment == {
      API_URL                  = "https://mockapi123.execute-api.eu-south-2.amazonaws.com"
      COGNITO_USER_POOL_ID     = "eu-south-2_MockPool1"
      COGNITO_CLIENT_ID        = output.cognito_user_pool_client_id
      COGNITO_IDENTITY_POOL_ID = "eu-south-2:0000000a-0000-4000-8000-00000000000a"
      AWS_REGION               = "eu-south-2"
      TRANSCRIBE_REGION        = "eu-west-1"
    })
    error_message = "The front's runtime configuration names the API, the pools and both regions."
  }
}

run "rejects_hosting_without_a_certificate" {
  command = plan

  variables {
    front_hosting_enabled = true
  }

  expect_failures = [var.front_certificate_arn]
}

run "rejects_a_certificate_of_another_region" {
  command = plan

  variables {
    front_hosting_enabled = true
    front_certificate_arn = "arn:aws:acm:us-east-1:222222222222:certificate/0000000d-0000-4000-8000-00000000000d"
  }

  expect_failures = [var.front_certificate_arn]
}

run "rejects_a_front_image_tag_key_typo" {
  command = plan

  variables {
    image_tags = {
      intake_api          = "intake-0123456789abcdef0123"
      transcription_start = "intake-0123456789abcdef0123"
      transcription_done  = "intake-0123456789abcdef0123"
      export_submissions  = "intake-0123456789abcdef0123"
      bulk_upload         = "analytics-0123456789abcdef0123"
      forecast_api        = "intake-0123456789abcdef0123"
      privacy_api         = "intake-0123456789abcdef0123"
      frontend            = "front-0123456789abcdef0123"
    }
  }

  expect_failures = [var.image_tags]
}
