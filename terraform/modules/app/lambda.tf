# The intake API function: a container image (ARM64) whose command names a handler in the acogida
# package, X-Ray tracing, environment encrypted with the lambda key, JSON logs into a log group
# this module owns (encrypted, with a retention), so Lambda never creates an unmanaged one.

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  #checkov:skip=CKV_AWS_117:The function only calls AWS APIs (DynamoDB, S3, Comprehend in the language region); there is no VPC resource to reach, and a VPC would add a NAT gateway or an interface endpoint per service for nothing.
  #checkov:skip=CKV_AWS_272:Lambda code signing applies to .zip packages only; container images are pinned by immutable tag (a digest once scripts/push.sh lands) in a KMS-encrypted, scanned ECR repository.
  #checkov:skip=CKV_AWS_115:No reserved concurrency: it carves capacity out of the account pool (new accounts have 10 in total). Load is bounded by the API stage throttling.
  #checkov:skip=CKV_AWS_116:A function DLQ only serves asynchronous invocations; intake_api is invoked synchronously by API Gateway, so the client sees every error and nothing is left to dead-letter.
  function_name = local.function_names[each.key]
  description   = each.value.description
  role          = aws_iam_role.function[each.key].arn
  package_type  = "Image"
  image_uri     = "${aws_ecr_repository.function[each.key].repository_url}:${lookup(var.image_tags, each.key, var.image_tag)}"
  architectures = ["arm64"]
  memory_size   = each.value.memory_size
  timeout       = each.value.timeout
  kms_key_arn   = var.lambda_kms_key_arn

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
