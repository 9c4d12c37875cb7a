# The operational store: draft and submitted intakes, and the Powertools idempotency records.
# The intakes table streams every change (NEW_AND_OLD_IMAGES) to the export path; drafts nobody
# submits carry an expiry time and DynamoDB's TTL deletes them.

locals {
  intakes_office_index_name = "by_office_created_at"
  intakes_ttl_attribute     = "expires_at"
  idempotency_ttl_attribute = "expiration"
}

resource "aws_dynamodb_table" "intakes" {
  name                        = "${var.name_prefix}-intakes"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "intake_id"
  deletion_protection_enabled = var.deletion_protection
  stream_enabled              = true
  stream_view_type            = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "intake_id"
    type = "S"
  }

  attribute {
    name = "office"
    type = "S"
  }

  # ISO-8601 UTC timestamp, so the string order is the time order.
  attribute {
    name = "created_at"
    type = "S"
  }

  global_secondary_index {
    name      = local.intakes_office_index_name
    hash_key  = "office"
    range_key = "created_at"
    # What a list screen shows and nothing personal: names, documents and phones stay in the table.
    projection_type    = "INCLUDE"
    non_key_attributes = ["status", "updated_at", "submitted_at", "segment_count"]
  }

  ttl {
    attribute_name = local.intakes_ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

resource "aws_dynamodb_table" "idempotency" {
  name                        = "${var.name_prefix}-idempotency"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = local.idempotency_ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}
