mock_provider "aws" {}

variables {
  name_prefix         = "acogida-test"
  kms_key_arn         = "arn:aws:kms:eu-south-2:123456789012:key/00000000-0000-0000-0000-000000000000"
  deletion_protection = true
}

run "intakes_table_encrypted_recoverable_streamed" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.intakes.name == "acogida-test-intakes" && aws_dynamodb_table.intakes.billing_mode == "PAY_PER_REQUEST"
    error_message = "The intakes table is acogida-<env>-intakes, on demand."
  }

  assert {
    condition     = aws_dynamodb_table.intakes.server_side_encryption[0].enabled && aws_dynamodb_table.intakes.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "The intakes table is encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_dynamodb_table.intakes.point_in_time_recovery[0].enabled
    error_message = "Point-in-time recovery is on."
  }

  assert {
    condition     = aws_dynamodb_table.intakes.stream_enabled && aws_dynamodb_table.intakes.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "The table streams new and old images to the export path."
  }

  assert {
    condition     = aws_dynamodb_table.intakes.ttl[0].enabled && aws_dynamodb_table.intakes.ttl[0].attribute_name == "expires_at"
    error_message = "Abandoned drafts expire through TTL on expires_at."
  }

  assert {
    condition = anytrue([for index in aws_dynamodb_table.intakes.global_secondary_index :
    index.name == "by_office_created_at" && index.hash_key == "office" && index.range_key == "created_at"])
    error_message = "A GSI lists intakes by office and date."
  }

  assert {
    condition     = aws_dynamodb_table.intakes.deletion_protection_enabled && aws_dynamodb_table.idempotency.deletion_protection_enabled
    error_message = "Deletion protection follows the variable."
  }
}

run "idempotency_table_for_powertools" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.idempotency.hash_key == "id" && aws_dynamodb_table.idempotency.ttl[0].attribute_name == "expiration"
    error_message = "The idempotency table has Powertools' default key (id) and TTL attribute (expiration)."
  }

  assert {
    condition     = aws_dynamodb_table.idempotency.server_side_encryption[0].kms_key_arn == var.kms_key_arn && aws_dynamodb_table.idempotency.point_in_time_recovery[0].enabled
    error_message = "The idempotency table is encrypted with the CMK and recoverable."
  }
}

run "disposable_environment_without_deletion_protection" {
  command = plan

  variables {
    deletion_protection = false
  }

  assert {
    condition     = !aws_dynamodb_table.intakes.deletion_protection_enabled
    error_message = "Deletion protection can be turned off for throw-away environments."
  }
}

run "rejects_alias_instead_of_key_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/acogida-test-dynamodb"
  }

  expect_failures = [var.kms_key_arn]
}
