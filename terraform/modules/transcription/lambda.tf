# The two batch transcription functions: module lambda_function makes each container image (ARM64)
# function whose command names a handler in the acogida package, with X-Ray tracing, its
# environment encrypted with the speech key, JSON logs into a log group it owns (encrypted, with a
# retention), its image repository in this region (Lambda only runs images from a repository of
# its own region), its execution role (trusted by Lambda of this account only, inline policy from
# iam.tf) and its errors alarm (→ this region's alerts topic). Their triggers follow.

module "function" {
  source   = "../lambda_function"
  for_each = local.functions

  function_key  = each.key
  function_name = local.function_names[each.key]
  description   = each.value.description

  repository_name         = local.function_names[each.key]
  image_tag               = var.image_tags[each.key]
  image_command           = ["acogida.handlers.${each.key}.handler"]
  images_to_keep          = var.ecr_images_to_keep
  force_delete_repository = var.force_delete_repositories

  memory_size           = each.value.memory_size
  timeout               = each.value.timeout
  environment_variables = local.function_environment[each.key]
  application_log_level = local.lambda_application_log_level
  log_retention_days    = var.log_retention_days

  # Everything of this module in this region is encrypted with the speech key (a Lambda
  # environment key must be in the function's region).
  lambda_kms_key_arn = aws_kms_key.speech.arn
  logs_kms_key_arn   = aws_kms_key.speech.arn
  ecr_kms_key_arn    = aws_kms_key.speech.arn

  policy_json     = local.function_policies[each.key]
  alarm_topic_arn = module.alerts_topic.topic_arn
}

# --- transcription_start: audio-uploads queue -------------------------------------------------

resource "aws_lambda_event_source_mapping" "audio_uploads" {
  event_source_arn        = module.audio_uploads_queue.queue_arn
  function_name           = module.function["transcription_start"].function_arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
  enabled                 = var.audio_uploads_trigger_enabled

  # Starting a job is one API call; a handful of concurrent pollers keeps well inside the
  # Transcribe concurrent-job quota when many uploads arrive at once.
  scaling_config {
    maximum_concurrency = 5
  }

  # Lambda checks at creation that the role may receive from the queue (the role's policy is
  # module lambda_function's).
  depends_on = [module.function]
}

# --- transcription_done: invoked asynchronously by EventBridge --------------------------------

resource "aws_lambda_function_event_invoke_config" "transcription_done" {
  function_name                = module.function["transcription_done"].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.transcription_done_dlq.arn
    }
  }
}

# --- The extraction of module lambda_function (2026-11): state moves ----------------------------
# Same resources, same names and attributes, new addresses: the plan shows only moves.

moved {
  from = aws_ecr_repository.function["transcription_start"]
  to   = module.function["transcription_start"].aws_ecr_repository.this
}

moved {
  from = aws_ecr_lifecycle_policy.function["transcription_start"]
  to   = module.function["transcription_start"].aws_ecr_lifecycle_policy.this
}

moved {
  from = aws_cloudwatch_log_group.function["transcription_start"]
  to   = module.function["transcription_start"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.function["transcription_start"]
  to   = module.function["transcription_start"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.function["transcription_start"]
  to   = module.function["transcription_start"].aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.this["transcription_start"]
  to   = module.function["transcription_start"].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_metric_alarm.function_errors["transcription_start"]
  to   = module.function["transcription_start"].aws_cloudwatch_metric_alarm.errors
}

moved {
  from = aws_ecr_repository.function["transcription_done"]
  to   = module.function["transcription_done"].aws_ecr_repository.this
}

moved {
  from = aws_ecr_lifecycle_policy.function["transcription_done"]
  to   = module.function["transcription_done"].aws_ecr_lifecycle_policy.this
}

moved {
  from = aws_cloudwatch_log_group.function["transcription_done"]
  to   = module.function["transcription_done"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.function["transcription_done"]
  to   = module.function["transcription_done"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.function["transcription_done"]
  to   = module.function["transcription_done"].aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.this["transcription_done"]
  to   = module.function["transcription_done"].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_metric_alarm.function_errors["transcription_done"]
  to   = module.function["transcription_done"].aws_cloudwatch_metric_alarm.errors
}
