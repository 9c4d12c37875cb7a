# What needs a person: a function erroring (module lambda_function), anything in a DLQ, a Glue
# job run that failed or timed out, a crawler that failed. All → the landing zone's alerts topic.

locals {
  dead_letter_queues = {
    export_submissions = aws_sqs_queue.export_dlq.name
    bulk_uploads       = module.bulk_uploads_queue.dlq_name
  }
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  for_each = local.dead_letter_queues

  alarm_name          = "${each.value}-not-empty"
  alarm_description   = "Messages are waiting in ${each.value}: inspect and redrive them."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alerts_topic_arn]
  ok_actions          = [var.alerts_topic_arn]
}

resource "aws_cloudwatch_event_rule" "glue_failures" {
  name        = "${var.name_prefix}-glue-failures"
  description = "The workforce_demand job or the submissions crawler failed"
  event_pattern = jsonencode({
    source = ["aws.glue"]
    "$or" = [
      {
        "detail-type" = ["Glue Job State Change"]
        detail        = { jobName = [aws_glue_job.workforce_demand.name], state = ["FAILED", "TIMEOUT", "ERROR"] }
      },
      {
        "detail-type" = ["Glue Crawler State Change"]
        detail        = { crawlerName = [aws_glue_crawler.submissions.name], state = ["Failed"] }
      },
    ]
  })
}

resource "aws_cloudwatch_event_target" "glue_failures" {
  rule      = aws_cloudwatch_event_rule.glue_failures.name
  target_id = "alerts"
  arn       = var.alerts_topic_arn
}
