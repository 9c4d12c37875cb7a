# export_submissions and bulk_upload: container-image functions (module lambda_function: image
# repository, log group, role with the policy of iam.tf, errors alarm). export_submissions runs
# the intake image, bulk_upload the analytics image (pandas); each has its own repository.

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

  lambda_kms_key_arn = var.lambda_kms_key_arn
  logs_kms_key_arn   = var.logs_kms_key_arn
  ecr_kms_key_arn    = var.ecr_kms_key_arn

  policy_json     = local.function_policies[each.key]
  alarm_topic_arn = var.alerts_topic_arn
}

# --- The stream of the intakes table → export_submissions ---------------------------------------
# Only records whose new image is a submitted intake reach the function (the filter), in batches;
# the function reports each failed record (ReportBatchItemFailures), a failing batch is halved
# until the poison record stands alone, and after the retries its description goes to the DLQ
# while the rest of the shard moves on.

resource "aws_lambda_event_source_mapping" "intakes_stream" {
  event_source_arn                   = var.intakes_stream_arn
  function_name                      = module.function["export_submissions"].function_arn
  starting_position                  = "TRIM_HORIZON"
  batch_size                         = 100
  maximum_batching_window_in_seconds = 5
  bisect_batch_on_function_error     = true
  maximum_retry_attempts             = 5
  maximum_record_age_in_seconds      = 7 * 24 * 3600
  function_response_types            = ["ReportBatchItemFailures"]
  enabled                            = var.export_trigger_enabled

  filter_criteria {
    filter {
      pattern = jsonencode({ dynamodb = { NewImage = { status = { S = ["submitted"] } } } })
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.export_dlq.arn
    }
  }

  depends_on = [module.function]
}

locals {
  export_dlq_name = "${var.name_prefix}-export-submissions-dlq"
}

# Its policy is the queue's own argument (one CreateQueue call) and names the queue's ARN, built
# from the name to avoid a self-reference.
resource "aws_sqs_queue" "export_dlq" {
  name                              = local.export_dlq_name
  message_retention_seconds         = local.dlq_retention_seconds
  kms_master_key_id                 = var.messaging_kms_key_arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_sec

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyRequestsWithoutTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.export_dlq_name}"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
