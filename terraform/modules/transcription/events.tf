# Transcribe announces every job state change on the default event bus of its region. The rule
# keeps this environment's jobs (named <name_prefix>-...) that finished, and invokes
# transcription_done.

resource "aws_cloudwatch_event_rule" "transcription_state_change" {
  name        = "${var.name_prefix}-transcription-job-finished"
  description = "Transcribe jobs of ${var.name_prefix} that COMPLETED or FAILED"
  event_pattern = jsonencode({
    source        = ["aws.transcribe"]
    "detail-type" = ["Transcribe Job State Change"]
    detail = {
      TranscriptionJobStatus = ["COMPLETED", "FAILED"]
      TranscriptionJobName   = [{ prefix = local.transcription_job_prefix }]
    }
  })
}

resource "aws_cloudwatch_event_target" "transcription_done" {
  rule      = aws_cloudwatch_event_rule.transcription_state_change.name
  target_id = "transcription-done"
  arn       = module.function["transcription_done"].function_arn

  # EventBridge retries delivery (throttling, service errors) for up to an hour, then dead-letters.
  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }

  dead_letter_config {
    arn = aws_sqs_queue.transcription_done_dlq.arn
  }

  depends_on = [aws_lambda_permission.events]
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowTranscriptionRuleInvoke"
  action        = "lambda:InvokeFunction"
  function_name = module.function["transcription_done"].function_name
  principal     = "events.${local.dns_suffix}"
  source_arn    = aws_cloudwatch_event_rule.transcription_state_change.arn
}
