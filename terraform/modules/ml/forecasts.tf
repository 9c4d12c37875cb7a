# What publish writes and the API reads: the forecasts table, the forecast-published topic and the
# SES identity the report e-mail is sent from.

# --- Forecasts table -------------------------------------------------------------------------------
# One item per series and day: series = "<location>#<workforce_type>", date = "YYYY-MM-DD", with
# p10/p50/p90, the model, the run id and expires_at (publish sets it forecast_ttl_days ahead, so
# the rows of old runs expire by themselves). GET /forecast is one Query per series and range.

resource "aws_dynamodb_table" "forecasts" {
  name                        = local.forecasts_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "series"
  range_key                   = "date"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "series"
    type = "S"
  }

  attribute {
    name = "date"
    type = "S"
  }

  ttl {
    attribute_name = local.forecasts_ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.dynamodb_kms_key_arn
  }
}

# --- The forecast-published topic (module notification_topic) ------------------------------------
# One message per publication (run id, series count, report key; no personal data) and, in prod,
# the approval requests of the pipeline (sent with the pipeline's role: this account's).

module "forecast_published_topic" {
  source = "../notification_topic"

  name            = "${var.name_prefix}-forecast-published"
  display_name    = "Acogida forecast (${var.name_prefix})"
  kms_key_arn     = var.messaging_kms_key_arn
  email_addresses = var.notification_emails
}

# The topic, its policy and its subscriptions were this module's own until the module above.
moved {
  from = aws_sns_topic.forecast_published
  to   = module.forecast_published_topic.aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.forecast_published
  to   = module.forecast_published_topic.aws_sns_topic_policy.this
}

moved {
  from = aws_sns_topic_subscription.notification_emails
  to   = module.forecast_published_topic.aws_sns_topic_subscription.email
}

# --- SES: the report e-mail's sender ---------------------------------------------------------------
# SES mails the address a verification link; until it is followed (and while the account is in
# the SES sandbox, until each coordinator's address is verified too) publish cannot send.

resource "aws_ses_email_identity" "report_sender" {
  count = var.report_sender_email == null ? 0 : 1

  email = var.report_sender_email
}
