# The operational alerts topic (module notification_topic): alarms and EventBridge rules of this
# account publish to it; alert_email_addresses get the messages.

module "alerts_topic" {
  source = "../notification_topic"

  name         = "${var.name_prefix}-alerts"
  display_name = "Acogida alerts (${var.name_prefix})"
  kms_key_arn  = aws_kms_key.this["messaging"].arn
  publishers = [{
    sid      = "AlarmsAndEventsOfThisAccountPublish"
    services = ["cloudwatch.${local.dns_suffix}", "events.${local.dns_suffix}"]
  }]
  email_addresses = var.alert_email_addresses
}

# The topic, its policy and its subscriptions were this module's own until the module above.
moved {
  from = aws_sns_topic.alerts
  to   = module.alerts_topic.aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.alerts
  to   = module.alerts_topic.aws_sns_topic_policy.this
}

moved {
  from = aws_sns_topic_subscription.alert_emails
  to   = module.alerts_topic.aws_sns_topic_subscription.email
}
