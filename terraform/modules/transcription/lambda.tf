# The two batch transcription functions: container images (ARM64) whose command names a handler
# in the acogida package, X-Ray tracing, environment encrypted with the speech key (a Lambda
# environment key must be in the function's region), JSON logs into a log group this module owns
# (encrypted, with a retention), so Lambda never creates an unmanaged one.

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.speech.arn
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  #checkov:skip=CKV_AWS_117:The functions only call AWS APIs (DynamoDB, S3, SQS, Transcribe, Comprehend), partly in another region; there is no VPC resource to reach, and a VPC would add a NAT gateway or an interface endpoint per service (and region) for nothing.
  #checkov:skip=CKV_AWS_272:Lambda code signing applies to .zip packages only; container images are pinned by immutable tag (a digest once scripts/push.sh lands) in a KMS-encrypted, scanned ECR repository.
  #checkov:skip=CKV_AWS_115:No reserved concurrency: it carves capacity out of the account pool (new accounts have 10 in total). Load is bounded by the event source's maximum concurrency and Transcribe's job rate.
  #checkov:skip=CKV_AWS_116:A function DLQ does not fit either: transcription_start's failed messages go to the queue's redrive DLQ, and transcription_done's async failures go to an on-failure destination (aws_lambda_function_event_invoke_config), which carries more context than a DLQ.
  function_name = local.function_names[each.key]
  description   = each.value.description
  role          = aws_iam_role.function[each.key].arn
  package_type  = "Image"
  image_uri     = "${aws_ecr_repository.function[each.key].repository_url}:${lookup(var.image_tags, each.key, var.image_tag)}"
  architectures = ["arm64"]
  memory_size   = each.value.memory_size
  timeout       = each.value.timeout
  kms_key_arn   = aws_kms_key.speech.arn

  image_config {
    command = ["acogida.handlers.${each.key}.handler"]
  }

  environment {
    variables = local.function_environment[each.key]
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function[each.key].name
    application_log_level = local.lambda_application_log_level
    system_log_level      = "WARN"
  }

  # The role must be able to write its logs and traces before the first invocation.
  depends_on = [aws_iam_role_policy.function]
}

# --- transcription_start: audio-uploads queue -------------------------------------------------

resource "aws_lambda_event_source_mapping" "audio_uploads" {
  event_source_arn        = aws_sqs_queue.audio_uploads.arn
  function_name           = aws_lambda_function.this["transcription_start"].arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
  enabled                 = var.audio_uploads_trigger_enabled

  # Starting a job is one API call; a handful of concurrent pollers keeps well inside the
  # Transcribe concurrent-job quota when many uploads arrive at once.
  scaling_config {
    maximum_concurrency = 5
  }

  # Lambda checks at creation that the role may receive from the queue.
  depends_on = [aws_iam_role_policy.function]
}

# --- transcription_done: invoked asynchronously by EventBridge --------------------------------

resource "aws_lambda_function_event_invoke_config" "transcription_done" {
  function_name                = aws_lambda_function.this["transcription_done"].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.transcription_done_dlq.arn
    }
  }
}
