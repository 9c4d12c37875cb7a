# Plan-and-apply against a mock AWS provider: checks what the module asks AWS for, offline.
# The callers (modules bi and transcription) are applied to moto in
# tests/integration/test_local_apply.py.

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
}

variables {
  name                       = "acogida-test-example"
  kms_key_arn                = "arn:aws:kms:eu-south-2:123456789012:key/0000000a-0000-4000-8000-00000000000a"
  visibility_timeout_seconds = 1800
}

run "queue_and_dlq_are_encrypted_and_redriven" {
  command = apply

  assert {
    condition     = aws_sqs_queue.this.name == "acogida-test-example" && aws_sqs_queue.dlq.name == "acogida-test-example-dlq" && output.queue_name == aws_sqs_queue.this.name && output.dlq_name == aws_sqs_queue.dlq.name
    error_message = "The queue has its name and the DLQ the same with -dlq."
  }

  assert {
    condition = alltrue([for queue in [aws_sqs_queue.this, aws_sqs_queue.dlq] :
    queue.kms_master_key_id == var.kms_key_arn && queue.kms_data_key_reuse_period_seconds == 300]) && output.kms_key_arn == var.kms_key_arn
    error_message = "Both queues are encrypted with the given key, reusing a data key for five minutes."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy) == { deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5 } && output.max_receive_count == 5
    error_message = "A message moves to the DLQ after five receives by default."
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 1800 && output.visibility_timeout_seconds == 1800
    error_message = "The queue has the visibility timeout given."
  }

  assert {
    condition     = aws_sqs_queue.this.message_retention_seconds == 345600 && aws_sqs_queue.dlq.message_retention_seconds == 1209600
    error_message = "By default the queue keeps messages four days and the DLQ fourteen."
  }

  assert {
    condition = (jsondecode(aws_sqs_queue.this.policy).Statement == [{
      Sid       = "DenyRequestsWithoutTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = "arn:aws:sqs:eu-south-2:123456789012:acogida-test-example"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }] && jsondecode(aws_sqs_queue.dlq.policy).Statement == [{
      Sid       = "DenyRequestsWithoutTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = "arn:aws:sqs:eu-south-2:123456789012:acogida-test-example-dlq"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }])
    error_message = "Without senders each queue's policy only denies plain HTTP, naming its own queue."
  }
}

run "senders_may_send_to_the_queue_for_their_source_only" {
  command = apply

  variables {
    senders = [{ sid = "RawBucketNotifiesUploads", service = "s3.amazonaws.com", source_arn = "arn:aws:s3:::acogida-test-raw" }]
  }

  assert {
    condition     = [for statement in jsondecode(output.queue_policy_json).Statement : statement.Sid] == ["RawBucketNotifiesUploads", "DenyRequestsWithoutTls"]
    error_message = "The senders' statements come first, then the TLS-only deny."
  }

  assert {
    condition = jsondecode(aws_sqs_queue.this.policy).Statement[0] == {
      Sid       = "RawBucketNotifiesUploads"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:eu-south-2:123456789012:acogida-test-example"
      Condition = {
        ArnEquals    = { "aws:SourceArn" = "arn:aws:s3:::acogida-test-raw" }
        StringEquals = { "aws:SourceAccount" = "123456789012" }
      }
    }
    error_message = "A sender may send to the queue for its source ARN, from this account only."
  }

  assert {
    condition     = [for statement in jsondecode(aws_sqs_queue.dlq.policy).Statement : statement.Sid] == ["DenyRequestsWithoutTls"]
    error_message = "Senders get nothing on the DLQ."
  }
}

run "options_are_passed_through" {
  command = apply

  variables {
    max_receive_count                 = 3
    message_retention_seconds         = 86400
    dlq_message_retention_seconds     = 604800
    kms_data_key_reuse_period_seconds = 3600
  }

  assert {
    condition = (output.max_receive_count == 3 && aws_sqs_queue.this.message_retention_seconds == 86400 &&
      aws_sqs_queue.dlq.message_retention_seconds == 604800 &&
    aws_sqs_queue.this.kms_data_key_reuse_period_seconds == 3600 && aws_sqs_queue.dlq.kms_data_key_reuse_period_seconds == 3600)
    error_message = "Receives, retentions and data-key reuse are the ones given."
  }
}

run "rejects_an_alias_instead_of_a_key_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/acogida-test-messaging"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_a_name_too_long_for_its_dlq" {
  command = plan

  variables {
    name = "a${join("", [for i in range(76) : "b"])}"
  }

  expect_failures = [var.name]
}

run "rejects_a_dlq_that_forgets_before_the_queue" {
  command = plan

  variables {
    message_retention_seconds     = 1209600
    dlq_message_retention_seconds = 604800
  }

  expect_failures = [var.dlq_message_retention_seconds]
}

run "rejects_a_redrive_out_of_range" {
  command = plan

  variables {
    max_receive_count = 0
  }

  expect_failures = [var.max_receive_count]
}

run "rejects_a_visibility_timeout_out_of_range" {
  command = plan

  variables {
    visibility_timeout_seconds = 43201
  }

  expect_failures = [var.visibility_timeout_seconds]
}

run "rejects_a_sender_reusing_the_module_sid" {
  command = plan

  variables {
    senders = [{ sid = "DenyRequestsWithoutTls", service = "s3.amazonaws.com", source_arn = "arn:aws:s3:::acogida-test-raw" }]
  }

  expect_failures = [var.senders]
}

run "rejects_a_sender_without_a_source_arn" {
  command = plan

  variables {
    senders = [{ sid = "RawBucketNotifiesUploads", service = "s3.amazonaws.com", source_arn = "acogida-test-raw" }]
  }

  expect_failures = [var.senders]
}
