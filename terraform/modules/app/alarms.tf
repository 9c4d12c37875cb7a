# Alarms on what needs a person: the function erroring (module lambda_function, lambda.tf), the API
# answering 5xx. Both notify the landing zone's alerts topic (home region), on alarm and on recovery. The transcription path's
# alarms are in the language region, on that region's topic (module transcription).

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.name_prefix}-intake-api-5xx"
  alarm_description   = "The intake API answered with server errors in the last 5 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.default.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alerts_topic_arn]
  ok_actions          = [var.alerts_topic_arn]
}
