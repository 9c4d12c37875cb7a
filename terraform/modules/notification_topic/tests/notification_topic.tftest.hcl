# Plan-and-apply against a mock AWS provider: checks what the module asks AWS for, offline.
# The callers (modules landing_zone, transcription, bi and ml) are applied to moto in
# tests/integration/test_local_apply.py.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-south-2:123456789012:acogida-test-example" }
  }
}

variables {
  name         = "acogida-test-example"
  display_name = "Acogida example (acogida-test)"
  kms_key_arn  = "arn:aws:kms:eu-south-2:123456789012:key/0000000a-0000-4000-8000-00000000000a"
}

run "topic_is_encrypted_and_its_policy_is_the_standard_one" {
  command = apply

  assert {
    condition = (aws_sns_topic.this.name == "acogida-test-example" && aws_sns_topic.this.display_name == "Acogida example (acogida-test)" &&
    output.kms_key_arn == var.kms_key_arn && output.topic_arn == aws_sns_topic.this.arn && output.topic_name == "acogida-test-example")
    error_message = "The topic has its name and display name and is encrypted with the given key."
  }

  assert {
    condition     = aws_sns_topic_policy.this.arn == aws_sns_topic.this.arn && [for statement in jsondecode(output.policy_json).Statement : statement.Sid] == ["AccountManagesTheTopic", "DenyRequestsWithoutTls"]
    error_message = "Without publishers the policy has exactly the module's two statements."
  }

  assert {
    condition = alltrue([for statement in jsondecode(aws_sns_topic_policy.this.policy).Statement : statement.Resource == aws_sns_topic.this.arn]) && anytrue([
      for statement in jsondecode(aws_sns_topic_policy.this.policy).Statement :
      statement.Sid == "AccountManagesTheTopic" && statement.Effect == "Allow" && statement.Principal == { AWS = "arn:aws:iam::123456789012:root" } &&
      contains(statement.Action, "sns:Publish") && contains(statement.Action, "sns:Subscribe")
    ])
    error_message = "This account manages the topic and may publish to it; every statement names the topic."
  }

  assert {
    condition = anytrue([for statement in jsondecode(aws_sns_topic_policy.this.policy).Statement :
      statement.Sid == "DenyRequestsWithoutTls" && statement.Effect == "Deny" && statement.Principal == "*" &&
    statement.Action == ["sns:Publish", "sns:Subscribe"] && try(statement.Condition.Bool["aws:SecureTransport"], "") == "false"])
    error_message = "Publishing or subscribing over plain HTTP is denied."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0 && length(output.email_endpoints) == 0
    error_message = "No addresses, no subscriptions."
  }
}

run "publishers_get_a_statement_each_limited_to_this_account" {
  command = apply

  variables {
    publishers = [
      { sid = "AlarmsAndEventsOfThisAccountPublish", services = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
      { sid = "RawBucketPublishes", services = ["s3.amazonaws.com"], source_arn = "arn:aws:s3:::acogida-test-raw" },
    ]
  }

  assert {
    condition     = [for statement in jsondecode(output.policy_json).Statement : statement.Sid] == ["AccountManagesTheTopic", "AlarmsAndEventsOfThisAccountPublish", "RawBucketPublishes", "DenyRequestsWithoutTls"]
    error_message = "The publishers' statements stand between the module's own, in the order given."
  }

  assert {
    condition = one([for statement in jsondecode(output.policy_json).Statement : statement if statement.Sid == "AlarmsAndEventsOfThisAccountPublish"]) == {
      Sid       = "AlarmsAndEventsOfThisAccountPublish"
      Effect    = "Allow"
      Principal = { Service = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.this.arn
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }
    error_message = "A publisher without a source ARN may publish from this account only."
  }

  assert {
    condition = one([for statement in jsondecode(output.policy_json).Statement : statement if statement.Sid == "RawBucketPublishes"]).Condition == {
      ArnEquals    = { "aws:SourceArn" = "arn:aws:s3:::acogida-test-raw" }
      StringEquals = { "aws:SourceAccount" = "123456789012" }
    }
    error_message = "A publisher with a source ARN may publish for that resource of this account only."
  }
}

run "each_address_gets_an_email_subscription" {
  command = apply

  variables {
    email_addresses = ["guardia@acogida.example.org", "coordinacion@acogida.example.org"]
  }

  assert {
    condition = (length(aws_sns_topic_subscription.email) == 2 && alltrue([for address, subscription in aws_sns_topic_subscription.email :
      subscription.protocol == "email" && subscription.endpoint == address && subscription.topic_arn == aws_sns_topic.this.arn]) &&
    output.email_endpoints == tolist(["coordinacion@acogida.example.org", "guardia@acogida.example.org"]))
    error_message = "One e-mail subscription to the topic per address."
  }
}

run "rejects_an_alias_instead_of_a_key_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/acogida-test-messaging"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_a_fifo_or_unnamed_topic" {
  command = plan

  variables {
    name = "acogida-test-example.fifo"
  }

  expect_failures = [var.name]
}

run "rejects_a_publisher_reusing_a_module_sid" {
  command = plan

  variables {
    publishers = [{ sid = "DenyRequestsWithoutTls", services = ["events.amazonaws.com"] }]
  }

  expect_failures = [var.publishers]
}

run "rejects_a_publisher_without_services" {
  command = plan

  variables {
    publishers = [{ sid = "NobodyPublishes", services = [] }]
  }

  expect_failures = [var.publishers]
}

run "rejects_a_source_that_is_no_arn" {
  command = plan

  variables {
    publishers = [{ sid = "RawBucketPublishes", services = ["s3.amazonaws.com"], source_arn = "acogida-test-raw" }]
  }

  expect_failures = [var.publishers]
}

run "rejects_an_address_that_is_no_email" {
  command = plan

  variables {
    email_addresses = ["guardia"]
  }

  expect_failures = [var.email_addresses]
}
