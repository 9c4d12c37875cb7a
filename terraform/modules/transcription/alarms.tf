# Alarms on what needs a person: a transcription function erroring (module lambda_function,
# lambda.tf), anything waiting in a DLQ.
# Alarm actions must be in the alarm's region, so they notify this module's alerts topic (the
# same subscribers as the landing zone's), on alarm and on recovery.

locals {
  dead_letter_queues = {
    audio_uploads      = { name = module.audio_uploads_queue.dlq_name, url = module.audio_uploads_queue.dlq_url }
    transcription_done = { name = aws_sqs_queue.transcription_done_dlq.name, url = aws_sqs_queue.transcription_done_dlq.url }
  }
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  for_each = local.dead_letter_queues

  alarm_name          = "${each.value.name}-not-empty"
  alarm_description   = "Messages are waiting in ${each.value.name}: inspect and redrive them."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [module.alerts_topic.topic_arn]
  ok_actions          = [module.alerts_topic.topic_arn]
}
