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
}

variables {
  environment    = "test"
  aws_region     = "eu-south-2"
  aws_account_id = "222222222222"
  owner          = "acogida-platform"
  cost_centre    = "cruz-roja-acogida-test"
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
